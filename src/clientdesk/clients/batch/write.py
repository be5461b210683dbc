"""Writing a checked batch of client rows: what client_create, client_update and
client_change_status write, for many clients at once.

New clients, their first history row, derived rows, tags and activity entries go in as plain rows (core.bulkinsert: COPY on PostgreSQL, executemany on SQLite), with ids
taken up front so that they can point at each other. Changes to existing clients are rarer and
go through the ORM, locking the rows as the one-by-one services do.
"""

from collections import defaultdict
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import Pending, events_record, events_tell
from clientdesk.clients import status as rules
from clientdesk.clients.batch.rows import CREATE, UPDATE, Context, Plan, Steps
from clientdesk.clients.deltas import day_deltas_add
from clientdesk.clients.events import CLIENT_CREATED, CLIENT_STATUS_CHANGED, CLIENT_UPDATED
from clientdesk.clients.models import (
    IN_SERVICE,
    Client,
    ClientTag,
    Engagement,
    ServicePeriod,
    Status,
    StatusChange,
    StatusInterval,
    Tag,
)
from clientdesk.core.bulkinsert import ids_reserve, insert

CLIENT_COLUMNS = (
    "id",
    "account",
    "prefix",
    "name",
    "description",
    "status",
    "status_changed_at",
    "engagement",
    "industry",
    "parent",
    "manager",
    "license",
    "email_domains",
    "billing_email",
    "billing_address",
    "tax_id",
    "payment_terms",
    "currency",
    "archived",
    "deleted_at",
    "deleted_by",
    "version",
    "created_at",
    "activated_at",
    "imported_by_job",
)


def write(ctx: Context, plans: list[Plan], existing: dict[str, Client], steps: Steps) -> None:
    now = timezone.now()
    activities: list[Pending] = []
    creates = [p for p in plans if p.outcome.action == CREATE]
    _insert_clients(ctx, creates, existing, now)
    _update_clients(ctx, [p for p in plans if p.outcome.action == UPDATE], existing)
    _history(ctx, [p for p in plans if p.status_to], now)
    _set_tags(ctx, [p for p in plans if p.tags is not None])
    if steps.write:  # what other domains write for the same rows (the primary contact)
        steps.write(ctx, [p for p in plans if p.contact], now, activities)
    _client_activities(ctx, plans, activities)
    records_tell(ctx, activities, now)
    if steps.after:  # once everything is written (the portal invitations)
        steps.after(ctx, [p for p in plans if p.invite])


# What a job's one entry stands for: the records it creates (their timelines show the job's
# entry). Changes to existing records keep an entry each, with the fields that changed.
SUMMED = {"client.created", "contact.created"}


def records_tell(ctx: Context, entries: list[Pending], now: datetime) -> None:
    """The batch's activity: in an import job, the created records are told to subscribers
    (and summed in the job's entry), the changes written; otherwise all written."""
    if ctx.job_id is None or ctx.job_entry_make is None:
        events_record(account=ctx.account, actor=ctx.actor, entries=entries, at=now)
        return
    summed = [e for e in entries if e.verb.name in SUMMED]
    kept = [e for e in entries if e.verb.name not in SUMMED]
    events_record(account=ctx.account, actor=ctx.actor, entries=kept, at=now)
    if summed:
        if ctx.job_entry is None:
            ctx.job_entry = ctx.job_entry_make()
        events_tell(
            account=ctx.account, actor=ctx.actor, entries=summed, entry_id=ctx.job_entry, at=now
        )


def _parent_id(ctx: Context, prefix: str | None, known: dict[str, int]) -> int | None:
    if not prefix:
        return None
    if prefix not in known:  # created by an earlier batch of the file
        known[prefix] = Client.objects.for_account(ctx.account).get(prefix=prefix).pk
    return known[prefix]


def _insert_clients(
    ctx: Context, plans: list[Plan], existing: dict[str, Client], now: datetime
) -> None:
    if not plans:
        return
    known = {prefix: client.pk for prefix, client in existing.items()}
    for plan, pk in zip(plans, ids_reserve(Client, len(plans)), strict=True):
        plan.client_id = pk
        known[plan.fields["prefix"]] = pk
    rows = []
    for plan in plans:
        f, at = plan.fields, plan.status_at
        industry = f.get("industry")
        plan.label = f"{f['name']} ({f['prefix']})"
        rows.append(
            (
                plan.client_id,
                ctx.account.pk,
                f["prefix"],
                f["name"],
                f.get("description", ""),
                plan.status_to,
                at,
                Engagement.SILENT,
                industry.pk if industry else None,
                _parent_id(ctx, plan.parent_prefix, known),
                f.get("manager_id"),
                f.get("license", ""),
                [],  # email domains: not an import column
                f.get("billing_email", ""),
                f.get("billing_address", ""),
                f.get("tax_id", ""),
                f.get("payment_terms", ""),
                f.get("currency") or ctx.account.currency,
                False,
                None,
                None,
                1,
                now,
                _activated_at(plan),
                ctx.job_id,
            )
        )
    insert(Client, CLIENT_COLUMNS, rows)


def _activated_at(plan: Plan) -> datetime | None:
    """When a new client first became active: its status's own day, or its *Client since*."""
    for status, at in plan.earlier:
        if status == Status.ACTIVE:
            return at
    return plan.status_at if plan.status_to == Status.ACTIVE else None


def _update_clients(ctx: Context, plans: list[Plan], existing: dict[str, Client]) -> None:
    if not plans:
        return
    known = {prefix: client.pk for prefix, client in existing.items()}
    # Lock the rows being changed, as the one-by-one services do.
    locked = (
        Client.objects.for_account(ctx.account)
        .select_for_update()
        .in_bulk([p.client_id for p in plans])
    )
    touched: set[str] = {"version"}
    for plan in plans:
        client = locked[plan.client_id]
        for name, value in plan.fields.items():
            if name == "industry":
                client.industry_id = value.pk if value else None
                touched.add("industry")
            elif name == "parent_id":
                parent_id = _parent_id(ctx, plan.parent_prefix, known)
                # The log names clients by id, as client_update does: prefixes change.
                plan.changes["parent"] = [client.parent_id, parent_id]
                client.parent_id = parent_id
                touched.add("parent")
            else:
                setattr(client, name, value)
                touched.add(name.removesuffix("_id"))
        if plan.status_to:
            client.status, client.status_changed_at = plan.status_to, plan.status_at
            touched |= {"status", "status_changed_at", "activated_at"}
            if plan.status_to == Status.ACTIVE and client.activated_at is None:
                client.activated_at = plan.status_at
        client.version += 1
        plan.client = client
    Client.objects.bulk_update(list(locked.values()), sorted(touched), batch_size=500)


def _history(ctx: Context, plans: list[Plan], now: datetime) -> None:
    """The status change of each row, the day deltas, and the intervals and periods."""
    if not plans:
        return
    tz = ctx.account.time_zone
    actor_id = getattr(ctx.actor, "pk", None)
    deltas: dict[tuple, int] = defaultdict(int)
    rows, intervals, periods, changed = [], [], [], []
    account_id = ctx.account.pk
    reasons = {True: _("Created"), False: _("Imported")}
    for plan in plans:
        creating = plan.outcome.action == CREATE
        # An archived client's changes stay out of the day deltas (clients.services:
        # counts_in_metrics); a deleted one is never updated by an import.
        counted = creating or not (plan.client is not None and plan.client.archived)
        for from_status, to_status, at in _steps(plan):
            rows.append(
                (
                    account_id,
                    plan.client_id,
                    from_status,
                    to_status,
                    at,
                    actor_id,
                    reasons[creating],
                    now,
                )
            )
            if not counted:
                continue
            for d, status, delta in rules.day_deltas(
                from_status, to_status, rules.local_day(at, tz)
            ):
                deltas[(d, status)] += delta
        if not creating:
            changed.append(plan.client_id)
            continue
        if plan.earlier:  # history brought over: the spans of its few changes
            _new_client_spans(account_id, plan, tz, intervals, periods)
            continue
        # A new client has one change: one open interval, and a period if in service.
        day = rules.local_day(plan.status_at, tz)
        intervals.append((account_id, plan.client_id, plan.status_to, day, None))
        if plan.status_to in IN_SERVICE:
            periods.append((account_id, plan.client_id, day, None, day, None, None))
    insert(
        StatusChange,
        ("account", "client", "from_status", "to_status", "at", "by", "reason", "recorded_at"),
        rows,
    )
    day_deltas_add(account_id=account_id, deltas=((d, s, n) for (d, s), n in deltas.items()))
    insert(StatusInterval, INTERVAL_COLUMNS, intervals)
    insert(ServicePeriod, PERIOD_COLUMNS, periods)
    _derived_rebuild(ctx, changed)


def _steps(plan: Plan) -> list[tuple[str | None, str, datetime]]:
    """The history rows of a plan, oldest first: (from, to, at)."""
    steps, before = [], plan.status_from
    for status, at in plan.earlier:
        steps.append((before, status, at))
        before = status
    steps.append((before, plan.status_to, plan.status_at))
    return steps


def _new_client_spans(account_id: int, plan: Plan, tz: str, intervals: list, periods: list):
    """The intervals and service periods of a new client with more than one change."""
    changes = [rules.Change(to, rules.local_day(at, tz)) for _from, to, at in _steps(plan)]
    intervals += [(account_id, plan.client_id, *span) for span in rules.intervals(changes)]
    periods += _periods(account_id, plan.client_id, rules.service_periods(changes))


def _periods(account_id: int, client_id: int, spells: list) -> list[tuple]:
    return [(account_id, client_id, *row) for row in rules.period_rows(spells)]


INTERVAL_COLUMNS = ("account", "client", "status", "valid_from", "valid_to")
PERIOD_COLUMNS = (
    "account",
    "client",
    "start_day",
    "end_day",
    "first_day",
    "next_start_day",
    "next_end_day",
)


def _derived_rebuild(ctx: Context, ids: list[int]) -> None:
    """Changed clients get their intervals and periods rebuilt from their whole history."""
    if not ids:
        return
    history: dict[int, list] = defaultdict(list)
    for change in (
        StatusChange.objects.for_account(ctx.account)
        .filter(client_id__in=ids)
        .order_by("client_id", "at", "id")
    ):
        history[change.client_id].append(change)
    StatusInterval.objects.for_account(ctx.account).filter(client_id__in=ids).delete()
    ServicePeriod.objects.for_account(ctx.account).filter(client_id__in=ids).delete()
    tz, account_id = ctx.account.time_zone, ctx.account.pk
    intervals, periods = [], []
    for client_id in ids:
        changes = rules.changes_of(history[client_id], tz)
        intervals += [(account_id, client_id, *span) for span in rules.intervals(changes)]
        periods += _periods(account_id, client_id, rules.service_periods(changes))
    insert(StatusInterval, INTERVAL_COLUMNS, intervals)
    insert(ServicePeriod, PERIOD_COLUMNS, periods)


def _set_tags(ctx: Context, plans: list[Plan]) -> None:
    if not plans:
        return
    names = {t.strip() for p in plans for t in (p.tags or []) if t.strip()}
    missing = {n.lower(): n for n in names if n.lower() not in ctx.tags}
    if missing:
        Tag.objects.bulk_create(
            [Tag(account_id=ctx.account.pk, name=n[:40]) for n in missing.values()],
            ignore_conflicts=True,
        )
        ctx.tags.update(
            {
                name.lower(): pk
                for pk, name in Tag.objects.for_account(ctx.account).values_list("pk", "name")
            }
        )
    updated = [p.client_id for p in plans if p.outcome.action == UPDATE]
    if updated:
        ClientTag.objects.for_account(ctx.account).filter(client_id__in=updated).delete()
    rows = {
        (ctx.account.pk, p.client_id, ctx.tags[t.strip().lower()[:40]])
        for p in plans
        for t in p.tags or []
        if t.strip()
    }
    insert(ClientTag, ("account", "client", "tag"), sorted(rows))


def _client_activities(ctx: Context, plans: list[Plan], out: list[Pending]) -> None:
    for plan in plans:
        if plan.outcome.action == CREATE:
            out.append(Pending(CLIENT_CREATED, plan.client_id, plan.label, plan.changes))
            continue
        if plan.changes:
            out.append(Pending(CLIENT_UPDATED, plan.client_id, plan.label, _logged(plan.changes)))
        if plan.status_to:
            changes = {"status": [plan.status_from, plan.status_to]}
            out.append(Pending(CLIENT_STATUS_CHANGED, plan.client_id, plan.label, changes))


def _logged(changes: dict) -> dict:
    """The changes as client_update logs them: ids for objects, `manager` for the manager."""
    return {
        "manager" if k == "manager_id" else k: [x.pk if hasattr(x, "pk") else x for x in pair]
        for k, pair in changes.items()
    }
