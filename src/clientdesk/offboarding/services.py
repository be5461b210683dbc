"""Every write of the off-boarding workflow (DESIGN §2, §4): start, tick, complete, cancel, win
back, and the account's checklist template.

Each is one transaction that records activity on the client. The client's status moves only
through `clients.services.client_change_status(..., held=False)`, with the reason in the
status history: start moves an active or at-risk client to `offboarding`, complete to
`inactive`, cancel back to `active`. The generic status change may not make those moves
(`status_refusal`, registered in core.registry.status_guards). Completing closes the client's
portal through the portal's own services (every open invitation and live access revoked; the
engagement follows, back to silent). Nothing of the client is deleted.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import event_record
from clientdesk.clients.models import Client, Status
from clientdesk.clients.services import client_change_status
from clientdesk.core.actors import actor_user
from clientdesk.core.models import Account
from clientdesk.offboarding.events import (
    CHECKLIST_CHANGED,
    CLIENT_WON_BACK,
    OFFBOARDING_CANCELLED,
    OFFBOARDING_COMPLETED,
    OFFBOARDING_ITEM_DONE,
    OFFBOARDING_ITEM_REOPENED,
    OFFBOARDING_STARTED,
)
from clientdesk.offboarding.models import (
    ChecklistItem,
    Offboarding,
    OffboardingItem,
    Reason,
    State,
)
from clientdesk.offboarding.queries import template_titles, today_for

KEY = "offboarding"  # the workflow's name for core.registry.status_guards
STARTS_FROM = (Status.ACTIVE, Status.AT_RISK)
WIN_BACK_TO = (Status.LEAD, Status.PROSPECT, Status.INVITED, Status.ACTIVE)
NOTE_MAX = 2000
TITLE_MAX = 200
ITEMS_MAX = 50


class Conflict(ValidationError):
    """The run or the client is not in a state that allows it (the API answers 409)."""


def status_refusal(client: Client, to_status: str) -> str | None:
    """Why the generic status change may not make this move (core.registry.status_guards)."""
    if to_status == Status.OFFBOARDING:
        return _(
            "Off-boarding starts with its checklist: use Start off-boarding on %(name)s's page "
            "(in the API, POST …/offboarding)."
        ) % {"name": client.name}
    if client.status == Status.OFFBOARDING:
        return _(
            "%(name)s is being off-boarded: complete its off-boarding (it becomes inactive) or "
            "cancel it (it returns to active) from its checklist."
        ) % {"name": client.name}
    return None


def _client_locked(client: Client) -> Client:
    return (
        Client.objects.for_account(client.account_id)
        .select_for_update(of=("self",))
        .select_related("account")
        .get(pk=client.pk)
    )


def _run_locked(offboarding: Offboarding) -> Offboarding:
    return (
        Offboarding.objects.for_account(offboarding.account_id)
        .select_for_update(of=("self",))
        .select_related("client", "account")
        .get(pk=offboarding.pk)
    )


def _must_be_open(run: Offboarding) -> None:
    if run.state != State.OPEN:
        raise Conflict(
            {
                "__all__": _(
                    "This off-boarding is %(state)s: its checklist is kept as it was."
                ) % {"state": State(run.state).label.lower()}
            }
        )  # fmt: skip


def _status_reason(run: Offboarding, what: str) -> str:
    words = f"{what}: {Reason(run.reason).label}"
    return f"{words}. {run.note}"[:500] if run.note else words


@transaction.atomic
def offboarding_start(
    *, client: Client, actor, on: date | None, reason: str, note: str = ""
) -> Offboarding:
    """Open the client's off-boarding: the date, the reason, a note, and the checklist copied
    from the account's template. An active or at-risk client moves to `offboarding`; a client
    already there without a run (an import brought it in) keeps its status and gets its run."""
    locked = _client_locked(client)
    note = (note or "").strip()
    errors: dict[str, str] = {}
    today = today_for(locked.account)
    if on is None:
        errors["date"] = _("Give the off-boarding date.")
    elif not (date(2000, 1, 1) <= on <= today + timedelta(days=3660)):
        errors["date"] = _("Give a date between 2000 and ten years from now.")
    if reason not in Reason.values:
        errors["reason"] = _("Choose a reason: %(allowed)s.") % {
            "allowed": ", ".join(str(label) for label in Reason.labels)
        }
    if len(note) > NOTE_MAX:
        errors["note"] = _("Keep the note within %(n)s characters.") % {"n": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    assert on is not None
    running = Offboarding.objects.for_client(locked).filter(state=State.OPEN).first()
    if running is not None:
        raise Conflict(
            {
                "__all__": _("%(name)s is already being off-boarded (date %(on)s).")
                % {"name": locked.name, "on": running.on.isoformat()}
            }
        )
    adopting = locked.status == Status.OFFBOARDING
    if not adopting and locked.status not in STARTS_FROM:
        raise Conflict(
            {
                "status": _(
                    "Only an active or at-risk client can be off-boarded; %(name)s is %(status)s."
                ) % {"name": locked.name, "status": Status(locked.status).label}
            }
        )  # fmt: skip
    titles = template_titles(locked.account)
    run = Offboarding.objects.create(
        account_id=locked.account_id,
        client=locked,
        on=on,
        reason=reason,
        note=note,
        started_by=actor_user(actor),
        started_at=timezone.now(),
        total_count=len(titles),
    )
    OffboardingItem.objects.bulk_create(
        OffboardingItem(
            account_id=locked.account_id, client=locked, offboarding=run, title=title, order=i
        )
        for i, title in enumerate(titles, start=1)
    )
    if not adopting:
        client_change_status(
            client=locked,
            actor=actor,
            to_status=Status.OFFBOARDING,
            reason=_status_reason(run, _("Off-boarding started")),
            held=False,
        )
    event_record(
        account=locked.account,
        actor=actor,
        verb=OFFBOARDING_STARTED,
        target=locked,
        changes={"on": [None, on.isoformat()], "reason": [None, reason]}
        | ({"note": [None, note]} if note else {}),
    )
    return run


@transaction.atomic
def offboarding_item_set(*, item: OffboardingItem, actor, done: bool) -> OffboardingItem:
    """Tick an item (who and when are kept) or untick it, while the run is open."""
    run = _run_locked(item.offboarding)
    _must_be_open(run)
    item = OffboardingItem.objects.for_account(run.account_id).get(pk=item.pk)
    if item.done == done:
        return item
    item.done = done
    item.done_by = actor_user(actor) if done else None
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done", "done_by", "done_at"])
    run.done_count = (
        OffboardingItem.objects.for_account(run.account_id)
        .filter(offboarding=run, done=True)
        .count()
    )
    run.save(update_fields=["done_count"])
    event_record(
        account=run.account,
        actor=actor,
        verb=OFFBOARDING_ITEM_DONE if done else OFFBOARDING_ITEM_REOPENED,
        target=run.client,
        changes={"item": [None, item.title]},
    )
    return item


def _portal_close(client: Client, actor) -> None:
    """End the client's portal access with the portal's own services: each open invitation and
    each live access revoked (kept as revoked rows); the engagement settles to silent."""
    from clientdesk.portal import services as portal

    for invitation in portal.open_invitations(client=client):
        portal.portal_invitation_revoke(invitation=invitation, actor=actor)
    for access in portal.portal_users(client=client):
        portal.portal_access_revoke(access=access, actor=actor)


@transaction.atomic
def offboarding_complete(*, offboarding: Offboarding, actor) -> Offboarding:
    """The client becomes `inactive` and its portal closes; items still open stay open, as the
    record of what was left undone."""
    run = _run_locked(offboarding)
    _must_be_open(run)
    client = client_change_status(
        client=run.client,
        actor=actor,
        to_status=Status.INACTIVE,
        reason=_status_reason(run, _("Off-boarding completed")),
        held=False,
    )
    _portal_close(client, actor)
    run.state, run.ended_by, run.ended_at = State.COMPLETED, actor_user(actor), timezone.now()
    run.save(update_fields=["state", "ended_by", "ended_at"])
    event_record(account=run.account, actor=actor, verb=OFFBOARDING_COMPLETED, target=client)
    return run


@transaction.atomic
def offboarding_cancel(*, offboarding: Offboarding, actor) -> Offboarding:
    """The client stays: back to `active`; the run is kept, cancelled, with its ticks."""
    run = _run_locked(offboarding)
    _must_be_open(run)
    client = run.client
    if client.status == Status.OFFBOARDING:
        client = client_change_status(
            client=client,
            actor=actor,
            to_status=Status.ACTIVE,
            reason=_("Off-boarding cancelled"),
            held=False,
        )
    run.state, run.ended_by, run.ended_at = State.CANCELLED, actor_user(actor), timezone.now()
    run.save(update_fields=["state", "ended_by", "ended_at"])
    event_record(account=run.account, actor=actor, verb=OFFBOARDING_CANCELLED, target=client)
    return run


@transaction.atomic
def client_win_back(*, client: Client, actor, to_status: str, reason: str = "") -> Client:
    """An inactive client comes back as a lead, prospect, invited or active client; its history,
    its former off-boardings and every record stay."""
    locked = _client_locked(client)
    if locked.status != Status.INACTIVE:
        raise Conflict(
            {
                "status": _("Only an inactive client can be won back; %(name)s is %(status)s.")
                % {"name": locked.name, "status": Status(locked.status).label}
            }
        )
    if to_status not in WIN_BACK_TO:
        raise ValidationError(
            {
                "status": _("Win a client back as one of: %(allowed)s.")
                % {"allowed": ", ".join(str(Status(s).label) for s in WIN_BACK_TO)}
            }
        )
    reason = (reason or "").strip()[:500]
    locked = client_change_status(
        client=locked, actor=actor, to_status=to_status, reason=reason or _("Won back")
    )
    event_record(
        account=locked.account,
        actor=actor,
        verb=CLIENT_WON_BACK,
        target=locked,
        changes={"status": [Status.INACTIVE, to_status]},
    )
    return locked


@transaction.atomic
def checklist_save(*, account: Account, actor, titles: list[str]) -> list[str]:
    """Replace the account's checklist template (new runs copy it; open runs keep theirs)."""
    clean = [t.strip() for t in titles if t.strip()]
    if not clean:
        raise ValidationError({"items": _("The checklist needs at least one item.")})
    if len(clean) > ITEMS_MAX:
        raise ValidationError(
            {"items": _("Keep the checklist within %(n)s items.") % {"n": ITEMS_MAX}}
        )
    long = next((t for t in clean if len(t) > TITLE_MAX), None)
    if long is not None:
        raise ValidationError(
            {
                "items": _("Keep each item within %(n)s characters: “%(item)s…” is longer.")
                % {"n": TITLE_MAX, "item": long[:40]}
            }
        )
    before = template_titles(account)
    if clean == before:
        return clean
    ChecklistItem.objects.for_account(account).delete()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(account=account, title=title, order=i) for i, title in enumerate(clean, 1)
    )
    event_record(
        account=account,
        actor=actor,
        verb=CHECKLIST_CHANGED,
        target=account,
        changes={"items": [before, clean]},
    )
    return clean
