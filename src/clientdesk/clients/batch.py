"""The batch entry point of the client services: many rows checked and written at once.

Imports (and later directory syncs) call `clients_import_batch` with a few thousand parsed rows.
Each row is checked by the rules a hand-made change meets — the model fields' own validation
(`fields_check`, what `full_clean` runs), the prefix, status, date, manager and parent rules
of `clients.services` and `clients.status` — and what it writes is what `client_create`,
`client_update` and `client_change_status` write: the client, its status history, the derived
tables of DESIGN §3, its tags, its primary contact and the activity entries. The writes go
out as a few set-based statements per batch instead of one ORM save per row.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.models import Activity
from clientdesk.clients import status as rules
from clientdesk.clients.models import (
    IN_SERVICE,
    Client,
    ClientTag,
    Engagement,
    Industry,
    ServicePeriod,
    Status,
    StatusChange,
    StatusDayDelta,
    StatusInterval,
    Tag,
)
from clientdesk.clients.services import (
    check_at,
    check_initial,
    check_transition,
    normalize_prefix,
)
from clientdesk.contacts.models import Contact, Source
from clientdesk.core.checks import fields_check
from clientdesk.core.models import Account, Membership
from clientdesk.core.roles import can
from clientdesk.core.scoping import clients_visible

# The columns that are plain fields of the client, written as they are.
PLAIN = (
    "name",
    "description",
    "license",
    "billing_email",
    "billing_address",
    "tax_id",
    "payment_terms",
    "currency",
)
CONTACT = ("contact_first_name", "contact_last_name", "contact_email", "contact_phone")
CREATE, UPDATE, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"


@dataclass
class Row:
    number: int  # as the person sees it in the file
    data: dict[str, Any]  # parsed values of the mapped columns only


@dataclass
class Outcome:
    action: str = UNCHANGED
    errors: list[tuple[str, str]] = field(default_factory=list)
    # Refused for now only: the row names a record a later row of the file may create (a
    # parent listed after its sub-client). The engine offers it again at the end.
    retry: bool = False


@dataclass
class Context:
    """What one import run knows across its batches (loaded once, grown as rows are written)."""

    account: Account
    membership: Membership
    actor: Any
    mode: str
    dry_run: bool
    members: dict[str, int] = field(default_factory=dict)  # email → user id
    industries: dict[str, Industry] = field(default_factory=dict)  # lower name → industry
    tags: dict[str, int] = field(default_factory=dict)  # lower name → tag id
    # Prefixes that earlier rows of a dry run would have created (they can be parents).
    planned: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, *, account: Account, membership: Membership, actor, mode: str, dry_run: bool):
        ctx = cls(account=account, membership=membership, actor=actor, mode=mode, dry_run=dry_run)
        ctx.members = {
            email.lower(): user_id
            for email, user_id in Membership.objects.filter(account=account).values_list(
                "user__email", "user_id"
            )
        }
        ctx.industries = {i.name.lower(): i for i in Industry.objects.filter(account=account)}
        ctx.tags = {
            name.lower(): pk
            for pk, name in Tag.objects.filter(account=account).values_list("pk", "name")
        }
        return ctx


@dataclass
class _Plan:
    row: Row
    outcome: Outcome
    client: Client | None = None  # the existing one (update) or the new one (create)
    fields: dict[str, Any] = field(default_factory=dict)  # values to set
    parent_prefix: str | None = None  # to resolve after this batch's creates
    status_from: str | None = None
    status_to: str | None = None
    status_at: datetime | None = None
    tags: list[str] | None = None
    contact: dict[str, str] | None = None
    invite: bool = False
    changes: dict[str, list] = field(default_factory=dict)


def clients_import_batch(*, ctx: Context, rows: list[Row]) -> list[Outcome]:
    """Check and (unless a dry run) write one batch; one outcome per row, in order.

    The caller runs each batch in its own transaction.
    """
    prefixes = {normalize_prefix(r.data.get("prefix", "")) for r in rows}
    parents = {normalize_prefix(r.data.get("parent_prefix") or "") for r in rows} - {""}
    visible = clients_visible(ctx.membership)
    existing = {
        c.prefix: c
        for c in Client.objects.filter(
            account=ctx.account, prefix__in=prefixes | parents
        ).select_related("parent")
    }
    visible_ids = set(
        visible.filter(pk__in=[c.pk for c in existing.values()]).values_list("pk", flat=True)
    )
    plans = [_plan_row(ctx, row, existing, visible_ids) for row in rows]
    _check_parents(ctx, plans, existing, visible_ids)
    _check_contacts(plans)
    if not ctx.dry_run:
        _write(ctx, [p for p in plans if p.outcome.action in (CREATE, UPDATE)], existing)
    for p in plans:
        if p.outcome.action == CREATE:
            ctx.planned.add(p.fields["prefix"])
    return [p.outcome for p in plans]


def _reject(plan: _Plan, exc: ValidationError | dict) -> _Plan:
    errors = exc.message_dict if isinstance(exc, ValidationError) else exc
    plan.outcome.action = REJECTED
    plan.outcome.errors.extend((name, msg) for name, msgs in errors.items() for msg in msgs)
    return plan


def _plan_row(ctx: Context, row: Row, existing: dict, visible_ids: set[int]) -> _Plan:
    data = row.data
    plan = _Plan(row=row, outcome=Outcome())
    prefix = normalize_prefix(data.get("prefix", ""))
    current = existing.get(prefix)
    if current is not None and (current.deleted_at is not None or current.pk not in visible_ids):
        return _reject(
            plan,
            {"prefix": [_("Another client of this account already uses %s.") % prefix]},
        )
    if current is not None and ctx.mode == "create":
        return _reject(plan, {"prefix": [_("A client with prefix %s already exists.") % prefix]})
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
            _plan_update(ctx, plan, data, values, current)
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
        return _reject(plan, errors)
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
                _("Unknown industry %(name)s: add it in Settings or use one of the list.")
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


def _backdater(ctx: Context) -> Membership | None:
    return ctx.membership


def _plan_create(ctx: Context, plan: _Plan, data: dict, values: dict) -> None:
    status = data.get("status") or Status.ACTIVE
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
    at = check_at(
        at=_instant(ctx, data.get("status_since")), previous=None, actor_membership=_backdater(ctx)
    )
    plan.outcome.action = CREATE
    plan.fields = values
    plan.status_to, plan.status_at = status, at
    plan.parent_prefix = normalize_prefix(data.get("parent_prefix") or "") or None
    plan.tags = data.get("tags")
    plan.changes = {"status": [None, status], "engagement": [None, Engagement.SILENT]}


def _instant(ctx: Context, value) -> datetime | None:
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
    raise ValidationError({"status_since": _("Write the date as YYYY-MM-DD.")})


def _plan_update(ctx: Context, plan: _Plan, data: dict, values: dict, current: Client) -> None:
    plan.client = current
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
        if wanted != have:
            plan.parent_prefix = wanted
            plan.fields["parent_id"] = None  # resolved in _check_parents
            changes["parent"] = [have, wanted]
    if "tags" in data:
        wanted_tags = sorted(
            {t.strip() for t in data.get("tags") or [] if t.strip()}, key=str.lower
        )
        have_tags = sorted(current.tags.values_list("name", flat=True), key=str.lower)
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
            actor_membership=_backdater(ctx),
        )
    plan.changes = changes
    if changes or plan.status_to:
        plan.outcome.action = UPDATE


def _check_parents(ctx: Context, plans: list[_Plan], existing: dict, visible_ids: set) -> None:
    """A parent is a visible client of the account or a row created earlier in the file;
    a move that would put a client under itself is refused."""
    earlier: set[str] = set(ctx.planned)
    for plan in plans:
        if plan.outcome.action == REJECTED:
            continue
        wanted = plan.parent_prefix
        if wanted:
            parent = existing.get(wanted)
            known = (
                parent is not None and parent.deleted_at is None and parent.pk in visible_ids
            ) or wanted in earlier
            if not known:
                _reject(
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
                _reject(
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
            Client.objects.filter(pk=ancestor_id).values_list("parent_id", flat=True).first()
        )
    return False


def _check_contacts(plans: list[_Plan]) -> None:
    """The primary contact's fields meet the contact model's own rules."""
    for plan in plans:
        if plan.outcome.action == REJECTED or not plan.contact:
            continue
        values = {
            "first_name": plan.contact.get("contact_first_name", ""),
            "last_name": plan.contact.get("contact_last_name", ""),
            "email": plan.contact["contact_email"],
            "phone": plan.contact.get("contact_phone", ""),
        }
        if not values["first_name"]:
            values["first_name"] = values["email"].split("@")[0][:80]
            plan.contact["contact_first_name"] = values["first_name"]
        errors = fields_check(Contact, values)
        if errors:
            _reject(plan, {f"contact_{name}": msgs for name, msgs in errors.items()})


# --- writing -------------------------------------------------------------------------------


def _write(ctx: Context, plans: list[_Plan], existing: dict) -> None:
    creates = [p for p in plans if p.outcome.action == CREATE]
    updates = [p for p in plans if p.outcome.action == UPDATE]
    now = timezone.now()
    new_clients = _insert_clients(ctx, creates, now)
    by_prefix = dict(existing) | {c.prefix: c for c in new_clients}
    _resolve_parents(ctx, plans, by_prefix)
    _update_clients(ctx, updates, now)
    statuses = [p for p in plans if p.status_to]
    _insert_history(ctx, statuses, now)
    _set_tags(ctx, [p for p in plans if p.tags is not None])
    _primary_contacts(ctx, [p for p in plans if p.contact], now)
    _activities(ctx, plans, now)
    for plan in plans:
        if plan.invite:
            _invite(ctx, plan)


def _insert_clients(ctx: Context, creates: list[_Plan], now: datetime) -> list[Client]:
    clients = []
    for plan in creates:
        values = dict(plan.fields)
        industry = values.pop("industry", None)
        client = Client(
            account_id=ctx.account.pk,
            status=plan.status_to,
            status_changed_at=plan.status_at,
            engagement=Engagement.SILENT,
            activated_at=plan.status_at if plan.status_to == Status.ACTIVE else None,
            industry_id=industry.pk if industry else None,
            created_at=now,
            **values,
        )
        plan.client = client
        clients.append(client)
    Client.objects.bulk_create(clients, batch_size=500)
    return clients


def _resolve_parents(ctx: Context, plans: list[_Plan], by_prefix: dict) -> None:
    moved = []
    for plan in plans:
        if plan.client is None or (
            "parent_id" not in plan.fields
            and not (plan.outcome.action == CREATE and plan.parent_prefix)
        ):
            continue
        parent = by_prefix.get(plan.parent_prefix) if plan.parent_prefix else None
        if parent is None and plan.parent_prefix:
            parent = Client.objects.get(account=ctx.account, prefix=plan.parent_prefix)
        plan.client.parent_id = parent.pk if parent else None
        plan.fields["parent_id"] = plan.client.parent_id
        if plan.outcome.action == CREATE:
            moved.append(plan.client)
    if moved:
        Client.objects.bulk_update(moved, ["parent_id"], batch_size=500)


def _update_clients(ctx: Context, updates: list[_Plan], now: datetime) -> None:
    if not updates:
        return
    # Lock the rows being changed, as the one-by-one services do.
    locked = {
        c.pk: c
        for c in Client.objects.select_for_update().filter(
            pk__in=[p.client.pk for p in updates if p.client]
        )
    }
    touched: set[str] = {"version"}
    rows = []
    for plan in updates:
        assert plan.client is not None
        client = locked[plan.client.pk]
        for name, value in plan.fields.items():
            if name == "industry":
                client.industry_id = value.pk if value else None
                touched.add("industry_id")
            else:
                setattr(client, name, value)
                touched.add(name)
        if plan.status_to:
            client.status, client.status_changed_at = plan.status_to, plan.status_at
            touched |= {"status", "status_changed_at", "activated_at"}
            if plan.status_to == Status.ACTIVE and client.activated_at is None:
                client.activated_at = plan.status_at
        client.version += 1
        plan.client = client
        rows.append(client)
    Client.objects.bulk_update(rows, sorted(touched), batch_size=500)


def _insert_history(ctx: Context, plans: list[_Plan], now: datetime) -> None:
    if not plans:
        return
    tz = ctx.account.time_zone
    actor_id = getattr(ctx.actor, "pk", None)
    changes, deltas = [], defaultdict(int)
    fresh: list[_Plan] = []
    for plan in plans:
        assert plan.client is not None and plan.status_to and plan.status_at
        creating = plan.outcome.action == CREATE
        from_status = plan.status_from
        changes.append(
            StatusChange(
                account_id=ctx.account.pk,
                client_id=plan.client.pk,
                from_status=from_status,
                to_status=plan.status_to,
                at=plan.status_at,
                by_id=actor_id,
                reason=_("Created") if creating else _("Imported"),
                recorded_at=now,
            )
        )
        for day, status, delta in rules.day_deltas(
            from_status, plan.status_to, rules.local_day(plan.status_at, tz)
        ):
            deltas[(day, status)] += delta
        if creating:
            fresh.append(plan)
    StatusChange.objects.bulk_create(changes, batch_size=1000)
    _add_deltas(ctx.account.pk, deltas)
    _derived_for_new(ctx, fresh)
    _derived_rebuild(ctx, [p for p in plans if p.outcome.action != CREATE])


def _add_deltas(account_id: int, deltas: dict) -> None:
    rows = [(account_id, day, status, n) for (day, status), n in deltas.items() if n]
    if not rows:
        return
    table = StatusDayDelta._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (account_id, day, status, delta) VALUES (%s, %s, %s, %s) "  # noqa: S608 - our table name
            f"ON CONFLICT (account_id, day, status) DO UPDATE SET delta = {table}.delta + excluded.delta",
            rows,
        )


def _derived_for_new(ctx: Context, plans: list[_Plan]) -> None:
    """A new client has one change: one open interval, and a service period if in service."""
    tz = ctx.account.time_zone
    intervals, periods = [], []
    for plan in plans:
        assert plan.client is not None and plan.status_at and plan.status_to
        day = rules.local_day(plan.status_at, tz)
        intervals.append(
            StatusInterval(
                account_id=ctx.account.pk,
                client_id=plan.client.pk,
                status=plan.status_to,
                valid_from=day,
                valid_to=None,
            )
        )
        if plan.status_to in IN_SERVICE:
            periods.append(
                ServicePeriod(
                    account_id=ctx.account.pk,
                    client_id=plan.client.pk,
                    start_day=day,
                    end_day=None,
                    first_day=day,
                    next_start_day=None,
                )
            )
    StatusInterval.objects.bulk_create(intervals, batch_size=1000)
    ServicePeriod.objects.bulk_create(periods, batch_size=1000)


def _derived_rebuild(ctx: Context, plans: list[_Plan]) -> None:
    """Changed clients get their intervals and periods rebuilt from their whole history."""
    if not plans:
        return
    ids = [p.client.pk for p in plans if p.client]
    history: dict[int, list] = defaultdict(list)
    for change in StatusChange.objects.filter(account=ctx.account, client_id__in=ids).order_by(
        "client_id", "at", "id"
    ):
        history[change.client_id].append(change)
    StatusInterval.objects.filter(account=ctx.account, client_id__in=ids).delete()
    ServicePeriod.objects.filter(account=ctx.account, client_id__in=ids).delete()
    tz = ctx.account.time_zone
    intervals, periods = [], []
    for client_id in ids:
        changes = rules.changes_of(history[client_id], tz)
        intervals += [
            StatusInterval(
                account_id=ctx.account.pk,
                client_id=client_id,
                status=status,
                valid_from=start,
                valid_to=end,
            )
            for status, start, end in rules.intervals(changes)
        ]
        spells = rules.service_periods(changes)
        periods += [
            ServicePeriod(
                account_id=ctx.account.pk,
                client_id=client_id,
                start_day=start,
                end_day=end,
                first_day=spells[0][0],
                next_start_day=spells[i + 1][0] if i + 1 < len(spells) else None,
            )
            for i, (start, end) in enumerate(spells)
        ]
    StatusInterval.objects.bulk_create(intervals, batch_size=1000)
    ServicePeriod.objects.bulk_create(periods, batch_size=1000)


def _set_tags(ctx: Context, plans: list[_Plan]) -> None:
    if not plans:
        return
    names = {t.strip() for p in plans for t in (p.tags or []) if t.strip()}
    missing = [n for n in names if n.lower() not in ctx.tags]
    if missing:
        Tag.objects.bulk_create(
            [Tag(account_id=ctx.account.pk, name=n[:40]) for n in missing], ignore_conflicts=True
        )
        ctx.tags.update(
            {
                name.lower(): pk
                for pk, name in Tag.objects.filter(account=ctx.account).values_list("pk", "name")
            }
        )
    ids = [p.client.pk for p in plans if p.client and p.outcome.action == UPDATE]
    if ids:
        ClientTag.objects.filter(account=ctx.account, client_id__in=ids).delete()
    ClientTag.objects.bulk_create(
        [
            ClientTag(account_id=ctx.account.pk, client_id=p.client.pk, tag_id=ctx.tags[t.lower()])
            for p in plans
            if p.client
            for t in {x.strip() for x in p.tags or [] if x.strip()}
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def _primary_contacts(ctx: Context, plans: list[_Plan], now: datetime) -> None:
    """Create the row's primary contact, or update the client's contact of that email and make
    it primary (the former primary, if another, steps down), as contact_create/update do."""
    if not plans:
        return
    ids = [p.client.pk for p in plans if p.client]
    current: dict[tuple[int, str], Contact] = {}
    primaries: dict[int, Contact] = {}
    for contact in Contact.objects.filter(
        account=ctx.account, client_id__in=ids, deleted_at=None
    ).select_for_update():
        current[(contact.client_id, contact.email.lower())] = contact
        if contact.is_primary:
            primaries[contact.client_id] = contact
    new, changed, demoted = [], [], []
    for plan in plans:
        assert plan.client is not None and plan.contact
        values = {
            "first_name": plan.contact.get("contact_first_name"),
            "last_name": plan.contact.get("contact_last_name"),
            "phone": plan.contact.get("contact_phone"),
        }
        email = plan.contact["contact_email"]
        contact = current.get((plan.client.pk, email))
        if contact is None:
            contact = Contact(
                account_id=ctx.account.pk,
                client_id=plan.client.pk,
                email=email,
                is_primary=True,
                source=Source.IMPORT,
                created_at=now,
                **{k: v for k, v in values.items() if v is not None},
            )
            new.append(contact)
            plan.changes.setdefault("primary_contact", [None, email])
        else:
            diff = {
                k: [getattr(contact, k), v]
                for k, v in values.items()
                if v is not None and getattr(contact, k) != v
            }
            if diff or not contact.is_primary:
                for k, (_old, v) in diff.items():
                    setattr(contact, k, v)
                if not contact.is_primary:
                    contact.is_primary, contact.is_secondary = True, False
                    diff["is_primary"] = [False, True]
                contact.version += 1
                changed.append(contact)
                plan.changes.setdefault("primary_contact", [None, email])
        former = primaries.get(plan.client.pk)
        if former is not None and former.email.lower() != email:
            former.is_primary = False
            former.version += 1
            demoted.append(former)
    if demoted:
        Contact.objects.bulk_update(demoted, ["is_primary", "version"])
    if changed:
        Contact.objects.bulk_update(
            changed,
            ["first_name", "last_name", "phone", "is_primary", "is_secondary", "version"],
        )
    Contact.objects.bulk_create(new, batch_size=1000)


def _activities(ctx: Context, plans: list[_Plan], now: datetime) -> None:
    actor_id = getattr(ctx.actor, "pk", None)
    label = getattr(ctx.actor, "email", "") or "system"
    entries = []
    for plan in plans:
        assert plan.client is not None
        if plan.outcome.action == CREATE:
            verbs = [("client.created", plan.changes)]
        else:
            verbs = []
            if plan.changes:
                verbs.append(("client.updated", _jsonable(plan.changes)))
            if plan.status_to:
                verbs.append(
                    ("client.status_changed", {"status": [plan.status_from, plan.status_to]})
                )
        entries += [
            Activity(
                account_id=ctx.account.pk,
                actor_id=actor_id,
                actor_label=label,
                verb=verb,
                target_type="clients.client",
                target_id=str(plan.client.pk),
                target_repr=str(plan.client)[:200],
                changes=changes,
                at=now,
            )
            for verb, changes in verbs
        ]
    Activity.objects.bulk_create(entries, batch_size=1000)


def _jsonable(changes: dict) -> dict:
    return {k: [x.pk if hasattr(x, "pk") else x for x in pair] for k, pair in changes.items()}


def _invite(ctx: Context, plan: _Plan) -> None:
    from clientdesk.portal.services import portal_invite

    assert plan.client is not None
    with transaction.atomic():
        portal_invite(client=plan.client, actor=ctx.actor)
