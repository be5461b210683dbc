"""Every write on clients: create, edit, status changes, tree moves, archive, delete, tags.

Each function is one transaction that validates, writes, keeps the derived status tables of
DESIGN §3 in step with the history, and records the activity entry.
"""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import diff_fields, event_record
from clientdesk.clients import status as rules
from clientdesk.clients.checks import (
    _check_manager,
    _check_parent,
    _check_prefix,
    check_at,
    check_guards,
    check_initial,
    check_transition,
    email_domains_clean,
    normalize_prefix,
)
from clientdesk.clients.deltas import day_deltas_add
from clientdesk.clients.events import (
    CLIENT_ARCHIVED,
    CLIENT_CREATED,
    CLIENT_DELETED,
    CLIENT_RESTORED,
    CLIENT_STATUS_CHANGED,
    CLIENT_UNDELETED,
    CLIENT_UPDATED,
)
from clientdesk.clients.models import (
    Client,
    ClientTag,
    Engagement,
    Industry,
    NavigatorPreference,
    ServicePeriod,
    Status,
    StatusChange,
    StatusInterval,
    Tag,
)
from clientdesk.clients.navigator import EXPANDED_KEPT
from clientdesk.core.actors import actor_user
from clientdesk.core.models import Account, Membership

DEFAULT_INDUSTRIES = (
    "Automotive",
    "Construction",
    "Biotechnology",
    "Healthcare",
    "Legal",
    "Retail",
    "Hospitality",
    "Manufacturing",
    "Finance",
    "Education",
    "Non-profit",
    "Technology",
    "Other",
)
EDITABLE = (
    "prefix",
    "name",
    "description",
    "industry",
    "manager",
    "license",
    "email_domains",
    "billing_email",
    "billing_address",
    "tax_id",
    "payment_terms",
    "currency",
)
UNDO_DAYS = 30


class StaleVersion(Exception):
    """The client changed since the caller read it; `current` holds its values now."""

    def __init__(self, client: Client):
        super().__init__("stale version")
        self.current = client


def industries_seed(*, account: Account) -> None:
    Industry.objects.bulk_create(
        [Industry(account=account, name=name) for name in DEFAULT_INDUSTRIES], ignore_conflicts=True
    )


def _record_status(
    *, client: Client, from_status: str | None, to_status: str, at: datetime, actor, reason: str
) -> StatusChange:
    change = StatusChange.objects.create(
        account_id=client.account_id,
        client=client,
        from_status=from_status,
        to_status=to_status,
        at=at,
        by=actor_user(actor),
        reason=reason[:500],
    )
    if counts_in_metrics(client):
        day = rules.local_day(at, client.account.time_zone)
        day_deltas_add(
            account_id=client.account_id, deltas=rules.day_deltas(from_status, to_status, day)
        )
    derived_rebuild_client(client=client)
    return change


def counts_in_metrics(client: Client) -> bool:
    """Whether the client's history is in the account's day deltas: neither archived nor
    deleted (DESIGN §3: those clients are left out of every metric)."""
    return not client.archived and client.deleted_at is None


def _deltas_follow(client: Client, *, counted_before: bool) -> None:
    """After archiving, deleting, restoring or undeleting (the client row locked): take the
    client's whole contribution out of the account's day deltas, or put it back — for each of
    its status intervals, +1 on the day it began and −1 on the day it ended."""
    counted_now = counts_in_metrics(client)
    if counted_now == counted_before:
        return
    sign = 1 if counted_now else -1
    deltas: list[tuple] = []
    spans = StatusInterval.objects.for_account(client.account_id).filter(client=client)
    for status, valid_from, valid_to in spans.values_list("status", "valid_from", "valid_to"):
        deltas.append((valid_from, status, sign))
        if valid_to is not None:
            deltas.append((valid_to, status, -sign))
    day_deltas_add(account_id=client.account_id, deltas=deltas)


def derived_rebuild_client(*, client: Client) -> None:
    """Rebuild the client's status intervals and service periods from its (few) history rows."""
    history = list(StatusChange.objects.for_client(client).order_by("at", "id"))
    changes = rules.changes_of(history, client.account.time_zone)
    StatusInterval.objects.for_account(client.account_id).filter(client=client).delete()
    ServicePeriod.objects.for_account(client.account_id).filter(client=client).delete()
    StatusInterval.objects.bulk_create(
        [
            StatusInterval(
                account_id=client.account_id,
                client=client,
                status=status,
                valid_from=start,
                valid_to=end,
            )
            for status, start, end in rules.intervals(changes)
        ]
    )
    ServicePeriod.objects.bulk_create(
        [
            ServicePeriod(
                account_id=client.account_id,
                client=client,
                start_day=start,
                end_day=end,
                first_day=first,
                next_start_day=next_start,
                next_end_day=next_end,
            )
            for start, end, first, next_start, next_end in rules.period_rows(
                rules.service_periods(changes)
            )
        ]
    )


@transaction.atomic
def client_create(
    *,
    account: Account,
    actor,
    prefix: str,
    name: str,
    status: str = Status.ACTIVE,
    status_since: datetime | None = None,
    engagement: str = Engagement.SILENT,
    parent: Client | None = None,
    tags: list[str] | None = None,
    **fields: Any,
) -> Client:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not client fields: {sorted(unknown)}")
    prefix = normalize_prefix(prefix)
    _check_prefix(account, prefix)
    check_initial(status)
    if engagement not in (Engagement.SILENT, Engagement.ENGAGED):
        raise ValidationError({"engagement": _("A new client is either silent or engaged.")})
    _check_parent(None, parent, account)
    _check_manager(account, fields.get("manager"))
    if "email_domains" in fields:
        fields["email_domains"] = email_domains_clean(account, fields["email_domains"])
    at = check_at(at=status_since, previous=None, actor=actor)
    client = Client(
        account=account,
        prefix=prefix,
        name=(name or "").strip(),
        status=status,
        status_changed_at=at,
        engagement=engagement,
        parent=parent,
        currency=fields.pop("currency", "") or account.currency,
        activated_at=at if status == Status.ACTIVE else None,
        **fields,
    )
    client.full_clean(exclude=["account", "parent", "manager", "industry"])
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError:
        raise ValidationError(
            {
                "prefix": _("Another client of this account already uses %(prefix)s.")
                % {"prefix": prefix}
            }
        ) from None
    _record_status(
        client=client, from_status=None, to_status=status, at=at, actor=actor, reason=_("Created")
    )
    if tags:
        _tags_add(client, tags)
    event_record(
        account=account,
        actor=actor,
        verb=CLIENT_CREATED,
        target=client,
        changes={"status": [None, status], "engagement": [None, engagement]}
        | _dated(status_since, at),
    )
    return client


def _lock(client: Client) -> Client:
    return (
        Client.objects.for_account(client.account_id)
        .select_for_update(of=("self",))
        .select_related("account", "parent")
        .get(pk=client.pk)
    )


@transaction.atomic
def client_update(
    *, client: Client, actor, version: int | None, parent: Any = "unchanged", **fields: Any
) -> Client:
    """Edit fields; `version` is the one the editor read (None: no check, e.g. bulk actions)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not client fields: {sorted(unknown)}")
    if parent not in ("unchanged", None):
        # Moves are serialised per account, before any client row is locked: two crossing
        # moves could otherwise each pass the cycle check and together make a loop (or
        # deadlock on PostgreSQL's foreign-key locks). FOR NO KEY UPDATE: a row written
        # meanwhile that points at the account (an edit's activity) asks for KEY SHARE, which
        # FOR UPDATE refused: the edit, holding the client this move waits for, deadlocked.
        Account.objects.select_for_update(no_key=True).filter(pk=client.account_id).first()
    locked = _lock(client)
    if version is not None and locked.version != version:
        raise StaleVersion(locked)
    if "prefix" in fields:
        fields["prefix"] = normalize_prefix(fields["prefix"])
        _check_prefix(locked.account, fields["prefix"], exclude_pk=locked.pk)
    if "manager" in fields:
        _check_manager(locked.account, fields["manager"])
    if "email_domains" in fields:
        fields["email_domains"] = email_domains_clean(
            locked.account, fields["email_domains"], exclude_pk=locked.pk
        )
    if parent != "unchanged":
        if parent is not None:
            parent = (  # fresh
                Client.objects.for_account(locked.account_id)
                .select_related("parent")
                .get(pk=parent.pk)
            )
        _check_parent(locked.pk, parent, locked.account)
        fields["parent"] = parent
    before = {name: _plain(getattr(locked, name)) for name in fields}
    for name, value in fields.items():
        setattr(locked, name, value)
    if "name" in fields:
        locked.name = (locked.name or "").strip()
    locked.full_clean(exclude=["account", "parent", "manager", "industry"])
    changes = diff_fields(before, {name: _plain(getattr(locked, name)) for name in fields})
    if changes:
        locked.version += 1
        locked.save()
        event_record(
            account=locked.account,
            actor=actor,
            verb=CLIENT_UPDATED,
            target=locked,
            changes=changes,
        )
    return locked


def _dated(given: datetime | None, at: datetime) -> dict[str, list]:
    """A past date someone gave, for the log to say when it really happened."""
    return {"at": [None, at.isoformat()]} if given is not None else {}


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


@transaction.atomic
def client_change_status(
    *,
    client: Client,
    actor,
    to_status: str,
    reason: str = "",
    at: datetime | None = None,
    held: bool = True,
) -> Client:
    """`held=False` lets by the holds of core.registry.status_guards: for the workflow that
    holds the move making it itself (the off-boarding's start, complete and cancel), and for
    history being told (the demo's story, like an import's rows)."""
    locked = _lock(client)
    current = locked.status
    check_transition(current, to_status)
    if held:
        check_guards(locked, to_status, actor=actor)
    given = at
    at = check_at(at=at, previous=locked.status_changed_at, actor=actor)
    _record_status(
        client=locked,
        from_status=current,
        to_status=to_status,
        at=at,
        actor=actor,
        reason=reason.strip(),
    )
    locked.status, locked.status_changed_at = to_status, at
    if to_status == Status.ACTIVE and locked.activated_at is None:
        locked.activated_at = at
    locked.version += 1
    locked.save(update_fields=["status", "status_changed_at", "activated_at", "version"])
    event_record(
        account=locked.account,
        actor=actor,
        verb=CLIENT_STATUS_CHANGED,
        target=locked,
        changes={"status": [current, to_status]}
        | ({"reason": [None, reason.strip()]} if reason.strip() else {})
        | _dated(given, at),
    )
    return locked


@transaction.atomic
def client_set_archived(*, client: Client, actor, archived: bool) -> Client:
    locked = _lock(client)
    if locked.archived != archived:
        counted_before = counts_in_metrics(locked)
        locked.archived = archived
        _deltas_follow(locked, counted_before=counted_before)
        locked.version += 1
        locked.save(update_fields=["archived", "version"])
        event_record(
            account=locked.account,
            actor=actor,
            verb=CLIENT_ARCHIVED if archived else CLIENT_RESTORED,
            target=locked,
        )
    return locked


@transaction.atomic
def client_delete(*, client: Client, actor) -> Client:
    """A soft delete: the client leaves every list; an owner can undo it for 30 days."""
    locked = _lock(client)
    if locked.deleted_at is None:
        if (
            Client.objects.for_account(locked.account_id)
            .filter(parent=locked, deleted_at=None)
            .exists()
        ):
            raise ValidationError(
                _(
                    "Move or delete its sub-clients first: a deleted client cannot keep live children."
                )
            )
        counted_before = counts_in_metrics(locked)
        locked.deleted_at, locked.deleted_by = timezone.now(), actor_user(actor)
        _deltas_follow(locked, counted_before=counted_before)
        locked.version += 1
        locked.save(update_fields=["deleted_at", "deleted_by", "version"])
        event_record(account=locked.account, actor=actor, verb=CLIENT_DELETED, target=locked)
    return locked


def restore_until(client: Client) -> datetime | None:
    """The last moment an owner may restore a deleted client (None: it is not deleted)."""
    if client.deleted_at is None:
        return None
    return client.deleted_at + timedelta(days=UNDO_DAYS)


def undelete_refusal(client: Client) -> str | None:
    """Why this deleted client cannot be restored now, or None when it can."""
    until = restore_until(client)
    if until is None:
        return None
    if until < timezone.now():
        return _(
            "%(name)s was deleted more than %(days)s days ago (on %(when)s): it can no "
            "longer be restored."
        ) % {
            "name": client.name,
            "days": UNDO_DAYS,
            "when": timezone.localtime(client.deleted_at).strftime("%Y-%m-%d"),
        }
    parent = client.parent
    if parent is not None and parent.deleted_at is not None:
        return _("Its parent client is deleted too: restore the parent first.")
    return None


@transaction.atomic
def client_undelete(*, client: Client, actor) -> Client:
    """Undo a soft delete within UNDO_DAYS: the client is back in every list, search and
    metric as it was (its history, contacts, intervals and service periods were never
    touched; its day deltas come back)."""
    locked = _lock(client)
    if locked.deleted_at is None:
        return locked
    if locked.parent_id is not None:
        # Locked, so that the parent cannot be deleted while this child comes back (its
        # delete refuses while it has live children, and waits here for this one).
        locked.parent = (
            Client.objects.for_account(locked.account_id)
            .select_for_update()
            .get(pk=locked.parent_id)
        )
    refusal = undelete_refusal(locked)
    if refusal:
        raise ValidationError(refusal)
    deleted_at = locked.deleted_at
    locked.deleted_at, locked.deleted_by = None, None
    _deltas_follow(locked, counted_before=False)
    locked.version += 1
    locked.save(update_fields=["deleted_at", "deleted_by", "version"])
    event_record(
        account=locked.account,
        actor=actor,
        verb=CLIENT_UNDELETED,
        target=locked,
        changes={"deleted_at": [None, deleted_at.isoformat()]},
    )
    return locked


def _tags_add(client: Client, names: list[str]) -> list[Tag]:
    tags = []
    for name in {n.strip() for n in names if n and n.strip()}:
        tag = Tag.objects.for_account(client.account_id).filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(account_id=client.account_id, name=name[:40])
        tags.append(tag)
    ClientTag.objects.bulk_create(
        [ClientTag(account_id=client.account_id, client=client, tag=tag) for tag in tags],
        ignore_conflicts=True,
    )
    return tags


@transaction.atomic
def client_set_tags(*, client: Client, actor, names: list[str]) -> Client:
    locked = _lock(client)
    before = sorted(locked.tags.values_list("name", flat=True))
    ClientTag.objects.for_account(locked.account_id).filter(client=locked).delete()
    _tags_add(locked, names)
    after = sorted(locked.tags.values_list("name", flat=True))
    if before != after:
        locked.version += 1
        locked.save(update_fields=["version"])
        event_record(
            account=locked.account,
            actor=actor,
            verb=CLIENT_UPDATED,
            target=locked,
            changes={"tags": [before, after]},
        )
    return locked


@transaction.atomic
def clients_bulk(
    *, account: Account, actor, clients: list[Client], action: str, value: Any = None
) -> int:
    """One bulk action over the selected clients: manager, tag or archive. Answers the count."""
    for client in clients:
        if action == "manager":
            client_update(client=client, actor=actor, version=None, manager=value)
        elif action == "tag":
            locked = _lock(client)
            client_set_tags(
                client=locked,
                actor=actor,
                names=[*locked.tags.values_list("name", flat=True), value],
            )
        elif action == "untag":
            locked = _lock(client)
            client_set_tags(
                client=locked,
                actor=actor,
                names=[
                    n for n in locked.tags.values_list("name", flat=True)
                    if n.casefold() != value.casefold()
                ],
            )  # fmt: skip
        elif action == "archive":
            client_set_archived(client=client, actor=actor, archived=True)
        else:
            raise ValueError(f"unknown bulk action {action!r}")
    return len(clients)


@transaction.atomic
def navigator_preference_save(*, membership: Membership, open: bool, expanded: list[int]) -> None:
    """Remember how a person left the client navigator (a person's own view: no activity)."""
    NavigatorPreference.objects.for_account(membership.account_id).update_or_create(
        account_id=membership.account_id,
        user_id=membership.user_id,
        defaults={"open": open, "expanded": list(dict.fromkeys(expanded))[:EXPANDED_KEPT]},
    )
