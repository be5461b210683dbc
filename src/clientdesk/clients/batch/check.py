"""Checking a batch of client rows by the rules a hand-made change meets."""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.clients import status as rules
from clientdesk.clients.batch.rows import (
    CONTACT,
    CREATE,
    NO_STEPS,
    PLAIN,
    REJECTED,
    UPDATE,
    Context,
    Outcome,
    Plan,
    Row,
    Steps,
)
from clientdesk.clients.batch.write import write
from clientdesk.clients.checks import check_at, check_initial, check_transition, normalize_prefix
from clientdesk.clients.models import Client, Engagement, Industry, Status
from clientdesk.clients.queries import clients_visible
from clientdesk.core.checks import fields_check
from clientdesk.core.roles import can
from clientdesk.core.sqlarrays import among, among_texts


def clients_import_batch(
    *, ctx: Context, rows: list[Row], steps: Steps = NO_STEPS
) -> list[Outcome]:
    """Check and (unless a dry run) write one batch; one outcome per row, in order. `steps`
    are what other domains check and write for the same rows (onboarding: the primary contact
    and the invitation).

    The caller runs each batch in its own transaction.
    """
    return clients_write_checked(
        ctx=ctx, checked=clients_check_batch(ctx=ctx, rows=rows, steps=steps), steps=steps
    )


@dataclass
class Checked:
    """A batch checked and not yet written: its plans and the clients they name."""

    plans: list[Plan]
    existing: dict[str, Client]

    def created(self) -> set[str]:
        """The prefixes the batch creates once written."""
        return {p.fields["prefix"] for p in self.plans if p.outcome.action == CREATE}


def clients_check_batch(*, ctx: Context, rows: list[Row], steps: Steps = NO_STEPS) -> Checked:
    """The check half of `clients_import_batch`: it reads and writes nothing. A new client's
    parent may be one that `ctx.in_flight` names (created by the batch being written while
    this one is checked: transfer.engine's pipeline); the write finds it then."""
    existing, visible_ids = _existing(ctx, rows)
    plans = [_plan_row(ctx, row, existing, visible_ids) for row in rows]
    _check_parents(ctx, plans, existing, visible_ids)
    if steps.check:
        steps.check(plans)
    return Checked(plans=plans, existing=existing)


def clients_write_checked(
    *, ctx: Context, checked: Checked, steps: Steps = NO_STEPS
) -> list[Outcome]:
    """The write half: what a checked batch writes (a dry run: what it would have created)."""
    plans = checked.plans
    if not ctx.dry_run:
        write(
            ctx, [p for p in plans if p.outcome.action in (CREATE, UPDATE)], checked.existing, steps
        )
    else:
        for p in plans:
            if p.outcome.action == CREATE:
                ctx.planned.setdefault(p.fields["prefix"], p.row.number)
    return [p.outcome for p in plans]


def _existing(ctx: Context, rows: list[Row]) -> tuple[dict[str, Client], set[int]]:
    """The account's clients the rows name (by prefix or as parent), and which of them and
    their parents the member may see: one query each for the batch."""
    prefixes = {normalize_prefix(r.data.get("prefix", "")) for r in rows}
    parents = {normalize_prefix(r.data.get("parent_prefix") or "") for r in rows} - {""}
    visible = clients_visible(ctx.membership)
    found = (
        Client.objects.for_account(ctx.account)
        .filter(among_texts("prefix", prefixes | parents))
        .select_related("parent")
    )
    if any("tags" in r.data for r in rows):
        found = found.prefetch_related("tags")  # one query for the batch, not one a row
    existing = {c.prefix: c for c in found}
    known = {c.pk for c in existing.values()} | {c.parent_id for c in existing.values()}
    visible_ids = set(visible.filter(among("pk", known - {None})).values_list("pk", flat=True))
    return existing, visible_ids


def reject(plan: Plan, exc: ValidationError | dict) -> Plan:
    errors = exc.message_dict if isinstance(exc, ValidationError) else exc
    plan.outcome.action = REJECTED
    plan.outcome.errors.extend((name, msg) for name, msgs in errors.items() for msg in msgs)
    return plan


def _plan_row(ctx: Context, row: Row, existing: dict, visible_ids: set[int]) -> Plan:
    data = row.data
    plan = Plan(row=row, outcome=Outcome())
    prefix = normalize_prefix(data.get("prefix", ""))
    current = existing.get(prefix)
    if current is not None and current.pk not in visible_ids:
        return reject(
            plan,
            {"prefix": [_("Another client of this account already uses %s.") % prefix]},
        )
    if current is not None and current.deleted_at is not None:
        # The words of a hand-made client (clients.checks._check_prefix).
        return reject(
            plan,
            {
                "prefix": [
                    _(
                        "A deleted client still holds %(prefix)s, so that it can be restored; "
                        "choose another prefix."
                    )
                    % {"prefix": prefix}
                ]
            },
        )
    if current is not None and ctx.mode == "create":
        return reject(plan, {"prefix": [_("A client with prefix %s already exists.") % prefix]})
    values: dict[str, Any] = {name: data[name] for name in PLAIN if name in data}
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
    if current is None:
        values["prefix"] = prefix
        values.setdefault("name", "")
    errors = fields_check(Client, values)
    errors.update(_lookups(ctx, data, values))
    if current is None and not values.get("currency"):
        values["currency"] = ctx.account.currency
    try:
        if current is None:
            _plan_create(ctx, plan, data, values)
        else:
            _plan_update(ctx, plan, data, values, current, visible_ids)
    except ValidationError as exc:
        for name, msgs in exc.message_dict.items():
            errors.setdefault(name, []).extend(msgs)
    if data.get("contact_email") or any(data.get(n) for n in CONTACT):
        plan.contact = {n: (data.get(n) or "").strip() for n in CONTACT if n in data}
        if not plan.contact.get("contact_email"):
            errors.setdefault("contact_email", []).append(_("Give the primary contact's email."))
        else:
            plan.contact["contact_email"] = plan.contact["contact_email"].lower()
    if errors:
        return reject(plan, errors)
    return plan


def _lookups(ctx: Context, data: dict, values: dict) -> dict[str, list[str]]:
    """Industry and manager by name and email, as the form's drop-downs would offer them."""
    errors: dict[str, list[str]] = {}
    if "industry" in data:
        name = (data["industry"] or "").strip()
        if not name:
            values["industry"] = None
        elif name.lower() in ctx.industries:
            values["industry"] = ctx.industries[name.lower()]
        else:
            errors["industry"] = [
                _(
                    "Unknown industry %(name)s: add it in Settings › Industries or use one of the list."
                )
                % {"name": name}
            ]
    if "manager_email" in data:
        email = (data["manager_email"] or "").strip().lower()
        if not email:
            values["manager_id"] = None
        elif email in ctx.members:
            values["manager_id"] = ctx.members[email]
        else:
            errors["manager_email"] = [_("The manager must be a member of this account's team.")]
    return errors


def _plan_create(ctx: Context, plan: Plan, data: dict, values: dict) -> None:
    status = data.get("status") or Status.ACTIVE
    if status not in rules.IMPORTED_ONLY:
        check_initial(status)
    engagement = data.get("engagement") or Engagement.SILENT
    if engagement not in (Engagement.SILENT, Engagement.ENGAGED):
        raise ValidationError({"engagement": _("A new client is either silent or engaged.")})
    if engagement == Engagement.ENGAGED:
        if not can(ctx.membership, "clients.invite"):
            raise ValidationError({"engagement": _("You may not send portal invitations.")})
        if not data.get("contact_email"):
            raise ValidationError(
                {"contact_email": _("An engaged client needs its primary contact's email.")}
            )
        plan.invite = True
    since, at = _first_days(ctx, status, data)
    plan.outcome.action = CREATE
    plan.fields = values
    plan.status_to, plan.status_at = status, at
    if since is not None:
        plan.earlier = [(Status.ACTIVE, since)]
    plan.parent_prefix = normalize_prefix(data.get("parent_prefix") or "") or None
    plan.tags = data.get("tags")
    plan.changes = {"status": [None, status], "engagement": [None, Engagement.SILENT]}


def _first_days(ctx: Context, status: str, data: dict) -> tuple[datetime | None, datetime]:
    """A new client's *Client since* (the day service started, when it differs from the
    status's own day) and *Status since*, checked as back-dated changes are.

    A client imported at risk, off-boarding or inactive needs the day that status began; with
    a *Client since* before it, its history reads active from that day, then that status."""
    status_since = _instant(ctx, data.get("status_since"))
    client_since = _instant(ctx, data.get("client_since"), field="client_since")
    label = Status(status).label
    if status in rules.IMPORTED_ONLY and status_since is None:
        raise ValidationError(
            {
                "status_since": _(
                    "Give the day the client became %(status)s: a client is imported as"
                    " %(status)s with its Status since."
                )
                % {"status": label}
            }
        )
    if client_since is None:
        at = check_at(at=status_since, previous=None, actor=ctx.membership)
        return None, at
    if status not in (Status.ACTIVE, *rules.IMPORTED_ONLY):
        raise ValidationError(
            {
                "client_since": _(
                    "A client that is %(status)s has not started service yet: leave Client"
                    " since empty."
                )
                % {"status": label}
            }
        )
    try:
        since = check_at(at=client_since, previous=None, actor=ctx.membership)
    except ValidationError as exc:
        raise ValidationError({"client_since": exc.message_dict["at"]}) from None
    if status == Status.ACTIVE:
        if status_since is not None and status_since != client_since:
            raise ValidationError(
                {
                    "client_since": _(
                        "An active client's Client since is its Status since: give one date,"
                        " or the same in both."
                    )
                }
            )
        return None, since
    if status_since is not None and status_since <= client_since:
        raise ValidationError({"client_since": _("Client since must be before Status since.")})
    return since, check_at(at=status_since, previous=since, actor=ctx.membership)


def _instant(ctx: Context, value, field: str = "status_since") -> datetime | None:
    """A date from the file is that day's start in the account's zone (a datetime stays)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return (
            value
            if timezone.is_aware(value)
            else timezone.make_aware(value, ZoneInfo(ctx.account.time_zone))
        )
    if isinstance(value, date):
        return timezone.make_aware(
            datetime.combine(value, time.min), ZoneInfo(ctx.account.time_zone)
        )
    raise ValidationError({field: _("Write the date as YYYY-MM-DD.")})


def _plan_update(
    ctx: Context, plan: Plan, data: dict, values: dict, current: Client, visible_ids: set[int]
) -> None:
    plan.client, plan.client_id, plan.label = current, current.pk, str(current)
    changes: dict[str, list] = {}
    for name, value in values.items():
        attr = name
        old = getattr(current, attr)
        new = value.pk if isinstance(value, Industry) else value
        if name == "industry":
            old = current.industry_id
        if (old or None) != (new or None):
            changes[name] = [old, new]
            plan.fields[name] = value
    if "parent_prefix" in data:
        wanted = normalize_prefix(data.get("parent_prefix") or "") or None
        have = current.parent.prefix if current.parent_id and current.parent else None
        # A parent the person may not see is exported blank: blank keeps it.
        hidden = current.parent_id is not None and current.parent_id not in visible_ids
        if wanted != have and not (hidden and wanted is None):
            plan.parent_prefix = wanted
            plan.fields["parent_id"] = None  # resolved in _check_parents
            changes["parent"] = [have, wanted]
    if "tags" in data:
        wanted_tags = sorted(
            {t.strip() for t in data.get("tags") or [] if t.strip()}, key=str.lower
        )
        have_tags = sorted((tag.name for tag in current.tags.all()), key=str.lower)
        if [t.lower() for t in wanted_tags] != [t.lower() for t in have_tags]:
            plan.tags = wanted_tags
            changes["tags"] = [have_tags, wanted_tags]
    status = data.get("status")
    if status and status != current.status:
        check_transition(current.status, status)
        plan.status_from, plan.status_to = current.status, status
        plan.status_at = check_at(
            at=_instant(ctx, data.get("status_since")),
            previous=current.status_changed_at,
            actor=ctx.membership,
        )
    plan.changes = changes
    if changes or plan.status_to:
        plan.outcome.action = UPDATE


def _check_parents(ctx: Context, plans: list[Plan], existing: dict, visible_ids: set) -> None:
    """A parent is a visible client of the account or a row created earlier in the file;
    a move that would put a client under itself is refused."""
    earlier: set[str] = set()  # created by this batch (earlier batches: ctx.planned or the db)
    for plan in plans:
        if plan.outcome.action == REJECTED:
            continue
        wanted = plan.parent_prefix
        if wanted:
            parent = existing.get(wanted)
            known = (
                parent is not None and parent.deleted_at is None and parent.pk in visible_ids
            ) or (
                wanted in earlier
                or wanted in ctx.in_flight
                or (ctx.dry_run and wanted in ctx.planned)
            )
            if not known:
                reject(
                    plan,
                    {
                        "parent_prefix": [
                            _("No client with prefix %(prefix)s, in the account or in the file.")
                            % {"prefix": wanted}
                        ]
                    },
                )
                plan.outcome.retry = True
                continue
            if plan.client is not None and parent is not None and _under(parent, plan.client):
                reject(
                    plan,
                    {
                        "parent_prefix": [
                            _("A client cannot sit under itself or one of its own sub-clients.")
                        ]
                    },
                )
                continue
        if plan.outcome.action == CREATE:
            earlier.add(plan.fields["prefix"])


def _under(parent: Client, client: Client) -> bool:
    ancestor_id: int | None = parent.pk
    seen: set[int] = set()
    while ancestor_id is not None and ancestor_id not in seen:
        if ancestor_id == client.pk:
            return True
        seen.add(ancestor_id)
        ancestor_id = (
            Client.objects.for_account(client.account_id)
            .filter(pk=ancestor_id)
            .values_list("parent_id", flat=True)
            .first()
        )
    return False
