"""The metrics of DESIGN §3, read from the derived status tables the clients' status service
keeps with the history (clients.models: StatusDayDelta, ServicePeriod, StatusInterval).

A few aggregate queries per figure, never a loop over clients:
- evolution: the account's day deltas as a running sum from a baseline (the deltas before the
  range), less the few clients set aside (archived or deleted), read from their intervals;
- summary: one row per client out of the service periods, aggregated again in the database;
- drill-down: the status intervals that hold the end of the day.

A member limited to some clients (an allow-list or a deny-list) cannot use the per-account
day deltas: their evolution is counted from the status intervals of the clients they see (two
grouped queries), their summary from those clients' service periods.

Days are the account's calendar days; the status "at the end of day D" is the interval with
valid_from ≤ D < valid_to (valid_to null: still).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Lower

from clientdesk.clients.models import (
    Client,
    ServicePeriod,
    Status,
    StatusDayDelta,
    StatusInterval,
)
from clientdesk.core.models import ClientAccess, Membership
from clientdesk.core.pagination import Page, keyset_page

STATUSES: list[str] = list(Status.values)
DRILL_ORDER = ["name_lower", "id"]


@dataclass(frozen=True)
class Summary:
    start: date
    end: date
    total: int
    new: int
    churned: int
    permanence_days_sum: int

    @property
    def recurrent(self) -> int:
        return self.total - self.new

    @property
    def average_permanence_days(self) -> float | None:
        """Days from the first day in service to the last (or `end`), averaged over the total
        clients, to one decimal; None when there are none."""
        if not self.total:
            return None
        return round(self.permanence_days_sum / self.total, 1)


@dataclass
class Evolution:
    start: date
    end: date
    # one {status: n} per day of the range, every status present
    days: list[tuple[date, dict[str, int]]] = field(default_factory=list)


def limited(membership: Membership) -> bool:
    return membership.client_access != ClientAccess.ALL


def set_aside_ids(account_id: int) -> list[int]:
    """The ids of the account's few clients left out of every metric (archived or deleted),
    read through `client_set_aside_idx` (named on SQLite, which has no statistics to find it
    and would read every client of the account instead)."""
    rows = (
        Client.objects.for_account(account_id)
        .filter(Q(archived=True) | Q(deleted_at__isnull=False))
        .values_list("pk", flat=True)
    )
    if connection.vendor != "sqlite":
        return list(rows)
    sql, params = rows.query.sql_with_params()
    table = f'FROM "{Client._meta.db_table}"'
    sql = sql.replace(table, f'{table} INDEXED BY "client_set_aside_idx"', 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _intervals(membership: Membership) -> QuerySet[StatusInterval]:
    """The status intervals of the clients this member counts (seen, not set aside)."""
    if limited(membership):
        return StatusInterval.objects.for_member(membership).filter(client__archived=False)
    return StatusInterval.objects.for_account(membership.account_id).exclude(
        client_id__in=set_aside_ids(membership.account_id)
    )


def _periods(membership: Membership) -> QuerySet[ServicePeriod]:
    if limited(membership):
        return ServicePeriod.objects.for_member(membership).filter(client__archived=False)
    return ServicePeriod.objects.for_account(membership.account_id).exclude(
        client_id__in=set_aside_ids(membership.account_id)
    )


# --- evolution -------------------------------------------------------------------------------


def evolution(membership: Membership, start: date, end: date) -> Evolution:
    """For each day of [start, end] and each status, the clients with that status at the end
    of that day."""
    if limited(membership):
        changes = _interval_changes(_intervals(membership), start, end)
    else:
        changes = _delta_changes(membership.account_id, start, end)
        aside = set_aside_ids(membership.account_id)
        if aside:
            qs = StatusInterval.objects.for_account(membership.account_id).filter(
                client_id__in=aside
            )
            for key, n in _interval_changes(qs, start, end).items():
                changes[key] -= n
    return _running(start, end, changes)


def _running(start: date, end: date, changes: dict[tuple[date, str], int]) -> Evolution:
    """The running sum of each status over the days of the range (no day may vanish for lack
    of changes); `changes` holds the baseline on `start`."""
    now = dict.fromkeys(STATUSES, 0)
    out = Evolution(start=start, end=end)
    day = start
    while day <= end:
        for status in STATUSES:
            now[status] += changes.get((day, status), 0)
        out.days.append((day, dict(now)))
        day += timedelta(days=1)
    return out


def _delta_changes(account_id: int, start: date, end: date) -> dict[tuple[date, str], int]:
    """The account's day deltas up to `end`, those before the range summed onto `start`: one
    grouped query over a few thousand rows."""
    on = Case(When(day__lt=start, then=Value(start)), default=F("day"))
    rows = (
        StatusDayDelta.objects.for_account(account_id)
        .filter(day__lte=end)
        .annotate(on=on)
        .values_list("on", "status")
        .annotate(n=Sum("delta"))
        .values_list("on", "status", "n")
    )
    changes: dict[tuple[date, str], int] = defaultdict(int)
    for on_day, status, n in rows:
        changes[(_as_date(on_day), status)] += n
    return changes


def _interval_changes(
    qs: QuerySet[StatusInterval], start: date, end: date
) -> dict[tuple[date, str], int]:
    """The same changes counted from status intervals: +1 on the later of its first day and
    `start`, −1 on the day it ends, in two grouped queries."""
    on = Case(When(valid_from__lt=start, then=Value(start)), default=F("valid_from"))
    began = (
        qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start), valid_from__lte=end)
        .annotate(on=on)
        .values_list("on", "status")
        .annotate(n=Count("id"))
        .values_list("on", "status", "n")
    )
    ended = (
        qs.filter(valid_to__gt=start, valid_to__lte=end)
        .values_list("valid_to", "status")
        .annotate(n=Count("id"))
        .values_list("valid_to", "status", "n")
    )
    changes: dict[tuple[date, str], int] = defaultdict(int)
    for on_day, status, n in began:
        changes[(_as_date(on_day), status)] += n
    for on_day, status, n in ended:
        changes[(_as_date(on_day), status)] -= n
    return changes


def _as_date(value) -> date:
    # A CASE of dates comes back from SQLite as text.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- summary ---------------------------------------------------------------------------------


def summary(membership: Membership, start: date, end: date) -> Summary:
    """Total, new, churned and the permanence of the clients in service over [start, end], in
    one query: the service periods that begin by `end`, one row per client, summed."""
    inner = (
        _periods(membership)
        .filter(start_day__lte=end)
        .values_list("client_id", "first_day", "end_day")
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    day = connection.ops.adapt_datefield_value
    before, last = start - timedelta(days=1), end - timedelta(days=1)
    if connection.vendor == "postgresql":
        spell = "(t.last_day - t.first_day)"
    else:
        spell = "CAST(julianday(t.last_day) - julianday(t.first_day) AS INTEGER)"
    # Per client: its first day in service ever; whether a spell reaches into the range
    # (served); whether one ended inside it (its service ended: the move out of service falls
    # on a day of the range); its last day in service up to `end`.
    outer = (
        "SELECT COALESCE(SUM(t.served), 0), "
        "COALESCE(SUM(CASE WHEN t.served = 1 AND t.first_day >= %s THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(t.churned), 0), "
        "COALESCE(SUM(CASE WHEN t.served = 1 THEN {spell} ELSE 0 END), 0) "
        "FROM (SELECT p.client_id, MIN(p.first_day) AS first_day, "
        "MAX(CASE WHEN p.end_day IS NULL OR p.end_day >= %s THEN 1 ELSE 0 END) AS served, "
        "MAX(CASE WHEN p.end_day >= %s AND p.end_day <= %s THEN 1 ELSE 0 END) AS churned, "
        "MAX(CASE WHEN p.end_day IS NULL OR p.end_day > %s THEN %s ELSE p.end_day END) "
        "AS last_day "
        "FROM ({inner}) p GROUP BY p.client_id) t"
    )
    if connection.vendor == "postgresql":
        # The parameters typed as dates (the CASE mixes them with date columns).
        outer = outer.replace("%s", "%s::date")
    sql = outer.replace("{spell}", spell).replace("{inner}", inner_sql)
    params = [day(start), day(start), day(before), day(last), day(end), day(end)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])
        total, new, churned, days = cursor.fetchone()
    return Summary(
        start=start,
        end=end,
        total=int(total),
        new=int(new),
        churned=int(churned),
        permanence_days_sum=int(days),
    )


def previous_range(start: date, end: date) -> tuple[date, date]:
    """The range of the same length just before [start, end]."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


# --- drill-down ------------------------------------------------------------------------------


def _at_end_of(qs: QuerySet[StatusInterval], status: str, day: date) -> QuerySet:
    return qs.filter(status=status, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def drill_down_count(membership: Membership, status: str, day: date) -> int:
    """How many clients had `status` at the end of `day`. On PostgreSQL the open intervals and
    the closed ones are counted apart: `valid_to IS NULL OR …` keeps it off the index."""
    qs = _intervals(membership).filter(status=status, valid_from__lte=day)
    if connection.vendor == "postgresql":
        return qs.filter(valid_to__isnull=True).count() + qs.filter(valid_to__gt=day).count()
    return _at_end_of(qs, status, day).count()


def drill_down_page(
    membership: Membership,
    status: str,
    day: date,
    *,
    cursor: str | None = None,
    before: str | None = None,
    limit: int = 50,
) -> Page:
    """A page of the clients with `status` at the end of `day`, by name."""
    base = _intervals(membership).filter(status=status, valid_from__lte=day)
    if connection.vendor == "postgresql":
        ids = Q(pk__in=base.filter(valid_to__isnull=True).values("client_id")) | Q(
            pk__in=base.filter(valid_to__gt=day).values("client_id")
        )
    else:
        ids = Q(pk__in=_at_end_of(base, status, day).values("client_id"))
    clients = (
        Client.objects.for_account(membership.account_id)
        .filter(ids)
        .annotate(name_lower=Lower("name"))
        .select_related("manager")
    )
    return keyset_page(clients, order=DRILL_ORDER, cursor=cursor, before=before, limit=limit)
