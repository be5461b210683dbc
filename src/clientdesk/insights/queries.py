"""The metrics of DESIGN §3, read from the derived status tables the clients' status service
keeps with the history (clients.models: StatusDayDelta, ServicePeriod, StatusInterval).

A few aggregate queries per figure, never a loop over clients (docs/insights.md):
- which clients count (`counted`): all the account's but a list (the few set aside, archived
  or deleted, and a deny-list's), or only a list (an allow-list's);
- evolution: the account's day deltas as a running sum from a baseline (the deltas before the
  range); they already leave out the clients set aside (the clients' services take an archived
  or deleted client's whole history out of them, and put it back on restore), so someone who
  sees every client reads them alone; a deny-list's clients are subtracted, counted from their
  status intervals; for an allow-list, those clients' intervals alone (the per-account deltas
  cannot serve it);
- summary: one pass over the service periods, without grouping by client (each client's last
  spell reaching into the range counts it), less the listed clients' own figures;
- drill-down: the count is one day's evolution; the page, the clients whose interval of the
  status holds the end of the day, by name.

Days are the account's calendar days; the status "at the end of day D" is the interval with
valid_from ≤ D < valid_to (valid_to null: still).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Lower

from clientdesk.clients.models import (
    Client,
    ServicePeriod,
    Status,
    StatusDayDelta,
    StatusInterval,
)
from clientdesk.clients.visibility import listed_subtree
from clientdesk.core.models import ClientAccess, Membership
from clientdesk.core.pagination import Page, keyset_page
from clientdesk.core.sqlarrays import among

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


# Above this many ids a list goes into the SQL as a join instead (SQLite takes at most 32,766
# parameters; a long list is no faster than the join anyway).
MAX_LISTED = 5_000


@dataclass(frozen=True)
class Counted:
    """Which clients a member's metrics count: the listed ones (`only`, an allow-list), or all
    the account's but some (`but`: those set aside and a deny-list's), or, for lists too long
    to name, the rows `for_member` gives joined to their clients (`joined`)."""

    account_id: int
    only: frozenset[int] | None = None
    but: frozenset[int] = frozenset()
    joined: Membership | None = None
    # those of `but` set aside (archived or deleted): already out of the day deltas
    aside: frozenset[int] = frozenset()

    @property
    def by_deltas(self) -> bool:
        """Whether the account's day deltas serve (less the intervals of `denied`)."""
        return self.only is None and self.joined is None

    @property
    def denied(self) -> frozenset[int]:
        """The clients the day deltas count that this member does not: a deny-list's, less
        those set aside (the deltas leave these out already)."""
        return self.but - self.aside


def counted(membership: Membership) -> Counted:
    """The clients this member's metrics count: those they see, neither archived nor
    deleted. One or two small queries (the set-aside clients; an allow-list's clients)."""
    cached = getattr(membership, "_insights_counted", None)
    if cached is not None:
        return cached
    aside = set(set_aside_ids(membership.account_id))
    out: Counted
    if membership.client_access == ClientAccess.ALLOW:
        ids = listed_subtree(membership) - aside
        out = (
            Counted(membership.account_id, only=frozenset(ids))
            if len(ids) <= MAX_LISTED
            else Counted(membership.account_id, joined=membership)
        )
    elif membership.client_access == ClientAccess.DENY:
        hidden = aside | listed_subtree(membership)
        out = (
            Counted(membership.account_id, but=frozenset(hidden), aside=frozenset(aside))
            if len(hidden) <= MAX_LISTED
            else Counted(membership.account_id, joined=membership)
        )
    else:
        out = (
            Counted(membership.account_id, but=frozenset(aside), aside=frozenset(aside))
            if len(aside) <= MAX_LISTED
            else Counted(membership.account_id, joined=membership)
        )
    membership._insights_counted = out  # type: ignore[attr-defined]
    return out


def set_aside_ids(account_id: int) -> list[int]:
    """The ids of the account's few clients left out of every metric (archived or deleted),
    read through `client_set_aside_idx` (named on SQLite, which has no statistics to find it
    and would read every client of the account instead)."""
    rows = (
        Client.objects.for_account(account_id)
        .filter(Q(archived=True) | Q(deleted_at__isnull=False))
        .values_list("pk", flat=True)
    )
    return [row[0] for row in _fetch(rows, "client_set_aside_idx")]


def _fetch(qs: QuerySet, index: str | None = None) -> list[tuple]:
    """The rows of a values_list queryset; on SQLite through the index named (it has no
    statistics, and takes the covering index of a table over the one that reads a few
    clients' rows: 65 ms instead of 2 at 20,000 clients)."""
    sql, params = qs.query.sql_with_params()
    if index and connection.vendor == "sqlite":
        table = f'FROM "{qs.model._meta.db_table}"'
        sql = sql.replace(table, f'{table} INDEXED BY "{index}"', 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _intervals_of(
    c: Counted, *, denied: bool = False
) -> tuple[QuerySet[StatusInterval], str | None]:
    """The status intervals counted (or, with `denied`, those of the deny-list's clients the
    deltas count: to subtract from them), and the index to read them through on SQLite."""
    if denied:
        qs = StatusInterval.objects.for_account(c.account_id).filter(among("client_id", c.denied))
        return qs, "status_interval_client_idx"
    if c.joined is not None:
        qs = StatusInterval.objects.for_member(c.joined).filter(client__archived=False)
        return qs, None
    if c.only is not None:
        qs = StatusInterval.objects.for_account(c.account_id).filter(among("client_id", c.only))
        return qs, "status_interval_client_idx"
    qs = StatusInterval.objects.for_account(c.account_id).exclude(among("client_id", c.but))
    return qs, None


def _periods(c: Counted) -> QuerySet[ServicePeriod]:
    if c.joined is not None:
        return ServicePeriod.objects.for_member(c.joined).filter(client__archived=False)
    if c.only is not None:
        return ServicePeriod.objects.for_account(c.account_id).filter(among("client_id", c.only))
    return ServicePeriod.objects.for_account(c.account_id).exclude(among("client_id", c.but))


# --- evolution -------------------------------------------------------------------------------


def evolution(membership: Membership, start: date, end: date) -> Evolution:
    """For each day of [start, end] and each status, the clients with that status at the end
    of that day."""
    return _running(start, end, _changes(membership, start, end))


def _changes(membership: Membership, start: date, end: date) -> dict[tuple[date, str], int]:
    if membership.client_access == ClientAccess.ALL:
        # The day deltas hold exactly the clients that count: no other query.
        return _delta_changes(membership.account_id, start, end)
    c = counted(membership)
    if not c.by_deltas:
        return _interval_changes(*_intervals_of(c), start, end)
    changes = _delta_changes(c.account_id, start, end)
    if c.denied:
        for key, n in _interval_changes(*_intervals_of(c, denied=True), start, end).items():
            changes[key] -= n
    return changes


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
    # Read through a plain cursor: the ORM's converters cost more than the query (a date
    # parsed per row, eight rows a day); each day is parsed once here.
    changes: dict[tuple[date, str], int] = defaultdict(int)
    days: dict = {}
    for on_day, status, n in _fetch(rows):
        if (day := days.get(on_day)) is None:
            day = days[on_day] = _as_date(on_day)
        changes[(day, status)] += n
    return changes


def _interval_changes(
    qs: QuerySet[StatusInterval], index: str | None, start: date, end: date
) -> dict[tuple[date, str], int]:
    """The same changes counted from status intervals: +1 on the later of its first day and
    `start`, −1 on the day it ends. For listed clients (read through their index), one query
    of their intervals that reach into the range, added up here: the rows are read once
    (two grouped queries would look each up twice, the cost at 100,000 clients); for the
    clients of a join, two grouped queries."""
    if index is not None:
        changes_: dict[tuple[date, str], int] = defaultdict(int)
        rows = qs.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=start), valid_from__lte=end
        ).values_list("status", "valid_from", "valid_to")
        for status, valid_from, valid_to in _fetch(rows, index):
            first = _as_date(valid_from)
            changes_[(max(first, start), status)] += 1
            if valid_to is not None and (last := _as_date(valid_to)) <= end:
                changes_[(last, status)] -= 1
        return changes_
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
    for on_day, status, n in _fetch(began, index):
        changes[(_as_date(on_day), status)] += n
    for on_day, status, n in _fetch(ended, index):
        changes[(_as_date(on_day), status)] -= n
    return changes


def _as_date(value) -> date:
    # A CASE of dates comes back from SQLite as text.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- summary ---------------------------------------------------------------------------------


def summary(membership: Membership, start: date, end: date) -> Summary:
    """Total, new, churned and the permanence of the clients in service over [start, end]."""
    return summaries(membership, [(start, end)])[0]


def summaries(membership: Membership, ranges: list[tuple[date, date]]) -> list[Summary]:
    """The summary of each range, in one pass over the service periods that begin by the last
    `end` (the page's range and the one before it), without grouping by client.

    A client in service during a range has exactly one *last* spell that reaches into it:
    the spell that overlaps the range and is not followed by another starting by `end`
    (`next_start_day`). Counting those counts each client once; its `first_day` says whether
    it is new, and its end (or `end`) less `first_day` is the client's permanence.

    Churned: the clients with a spell whose last day falls on the day before one of the
    range (the move out of service happens inside the range), each counted once through its
    last such spell: the one whose next spell does not end there too (`next_end_day`). A
    plain sum: the `COUNT(DISTINCT client)` it replaces was over a quarter of the statement
    on SQLite.
    """
    c = counted(membership)
    if c.by_deltas:
        # Every client's spells, less those of the few set aside (read through their own
        # index): cheaper than asking each spell whether its client is one of them.
        figures = _spells(ServicePeriod.objects.for_account(c.account_id), None, ranges)
        if c.but:
            hidden = ServicePeriod.objects.for_account(c.account_id).filter(
                among("client_id", c.but)
            )
            less = _spells(hidden, "service_period_client_idx", ranges)
            figures = [
                (a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3])
                for a, b in zip(figures, less, strict=True)
            ]
    else:
        index = "service_period_client_idx" if c.only is not None else "joined"
        figures = _spells(_periods(c), index, ranges)
    return [
        Summary(
            start=start,
            end=end,
            total=total,
            new=new,
            churned=churned,
            permanence_days_sum=days,
        )
        for (start, end), (total, new, churned, days) in zip(ranges, figures, strict=True)
    ]


def _spells(
    qs: QuerySet[ServicePeriod], index: str | None, ranges: list[tuple[date, date]]
) -> list[tuple[int, int, int, int]]:
    """(total, new, churned, permanence days) over each range of the clients whose spells
    `qs` holds, in one statement."""
    inner = qs.filter(start_day__lte=max(end for _, end in ranges))
    inner_sql, inner_params = inner.values_list(
        "client_id", "start_day", "first_day", "end_day", "next_start_day", "next_end_day"
    ).query.sql_with_params()
    if connection.vendor == "sqlite" and index != "joined":
        # Through the client index for listed clients; the whole account's spells read in
        # table order, not through `service_period_idx`, whose row-by-row lookups cost three
        # times the scan at 100,000 clients (276 ms against 90; a database of one or a few
        # accounts is SQLite's case).
        table = f'FROM "{ServicePeriod._meta.db_table}"'
        hint = f'INDEXED BY "{index}"' if index else "NOT INDEXED"
        inner_sql = inner_sql.replace(table, f"{table} {hint}", 1)
    day = connection.ops.adapt_datefield_value
    if connection.vendor == "postgresql":
        spell = "(LEAST(COALESCE(p.end_day, %s), %s) - p.first_day)"
    else:
        spell = (
            "CAST(julianday(MIN(COALESCE(p.end_day, %s), %s)) - julianday(p.first_day) AS INTEGER)"
        )
    reaches = (
        "p.start_day <= %s AND (p.end_day IS NULL OR p.end_day >= %s) "
        "AND (p.next_start_day IS NULL OR p.next_start_day > %s)"
    )
    one = (
        "COALESCE(SUM(CASE WHEN {reaches} THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN {reaches} AND p.first_day >= %s THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN p.end_day >= %s AND p.end_day <= %s "
        "AND (p.next_end_day IS NULL OR p.next_end_day > %s) THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN {reaches} THEN {spell} ELSE 0 END), 0)"
    )
    if connection.vendor == "postgresql":
        # The parameters typed as dates (they meet date columns in CASE and LEAST).
        one, reaches, spell = (part.replace("%s", "%s::date") for part in (one, reaches, spell))
    one = one.replace("{reaches}", reaches).replace("{spell}", spell)
    params: list = []
    for start, end in ranges:
        before, last = start - timedelta(days=1), end - timedelta(days=1)
        reach = [day(end), day(start), day(end)]
        params += [
            *reach,  # total
            *reach,
            day(start),  # new
            *(day(before), day(last), day(last)),  # churned
            *reach,
            *(day(end), day(end)),  # permanence
        ]
    sql = "SELECT {columns} FROM ({inner}) p".replace("{columns}", ", ".join([one] * len(ranges)))
    sql = sql.replace("{inner}", inner_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])
        row = cursor.fetchone()
    return [
        (int(row[k]), int(row[k + 1]), int(row[k + 2]), int(row[k + 3]))
        for k in range(0, len(row), 4)
    ]


def previous_range(start: date, end: date) -> tuple[date, date]:
    """The range of the same length just before [start, end]."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


# --- drill-down ------------------------------------------------------------------------------


def drill_down_count(membership: Membership, status: str, day: date) -> int:
    """How many clients had `status` at the end of `day`: the evolution of that one day (the
    day deltas, or the intervals of the clients listed); for an allow-list, its holders."""
    if membership.client_access == ClientAccess.ALLOW and counted(membership).only is not None:
        return len(_holders(membership, status, day))
    [(_, counts)] = _running(day, day, _changes(membership, day, day)).days
    return counts[status]


def _holders(membership: Membership, status: str, day: date) -> frozenset[int]:
    """The allow-listed clients (counted) with `status` at the end of `day`: one query of their
    intervals holding that day, through the client index; kept for the request (the page and
    the count ask the same)."""
    kept = getattr(membership, "_insights_holders", {})
    if (status, day) not in kept:
        c = counted(membership)
        rows = (
            StatusInterval.objects.for_account(c.account_id)
            .filter(
                Q(valid_to__isnull=True) | Q(valid_to__gt=day),
                among("client_id", c.only),
                status=status,
                valid_from__lte=day,
            )
            .values_list("client_id")
        )
        kept[(status, day)] = frozenset(
            row[0] for row in _fetch(rows, "status_interval_client_idx")
        )
        membership._insights_holders = kept  # type: ignore[attr-defined]
    return kept[(status, day)]


def drill_down_page(
    membership: Membership,
    status: str,
    day: date,
    *,
    cursor: str | None = None,
    before: str | None = None,
    limit: int = 50,
) -> Page:
    """A page of the clients with `status` at the end of `day`, by name: the member's clients
    in name order, each asked whether one of its intervals of `status` holds the end of the
    day (through its client index), until the page is full; no list of every holder first.
    For an allow-list, whose few clients would be found far apart in the account's name order,
    the list of its holders first (`_holders`), then those clients by name."""
    if membership.client_access == ClientAccess.ALLOW and counted(membership).only is not None:
        # The holders are some of the member's counted clients (`counted`: their allow-list
        # less those set aside): the account's rows of those ids, without the allow-list's
        # own thousand ids again, which PostgreSQL would meet with a scan of every client.
        listed = (
            Client.objects.for_account(membership.account_id)
            .filter(among("id", _holders(membership, status, day)), archived=False, deleted_at=None)
            .annotate(name_lower=Lower("name"))
            .select_related("manager")
        )
        return keyset_page(listed, order=DRILL_ORDER, cursor=cursor, before=before, limit=limit)
    holds = StatusInterval.objects.for_account(membership.account_id).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day),
        client_id=OuterRef("pk"),
        status=status,
        valid_from__lte=day,
    )
    clients = (
        Client.objects.for_member(membership)
        .filter(Exists(holds), archived=False)
        .annotate(name_lower=Lower("name"))
        .select_related("manager")
    )
    if connection.vendor != "sqlite":
        return keyset_page(clients, order=DRILL_ORDER, cursor=cursor, before=before, limit=limit)
    with connection.execute_wrapper(_client_index_hint):
        return keyset_page(clients, order=DRILL_ORDER, cursor=cursor, before=before, limit=limit)


def _client_index_hint(execute, sql, params, many, context):
    return execute(client_index_hinted(sql), params, many, context)


def client_index_hinted(sql: str) -> str:
    """SQLite, without statistics, asks each client's question through the covering index by
    status (every interval of the status, for each client: 1.5 s at 100,000 clients); named,
    the client's own index answers it (0.2 ms for the first page of `active`, 34 ms for a
    status one client in a hundred holds)."""
    table = f'"{StatusInterval._meta.db_table}" U0 '
    return sql.replace(table, f'{table}INDEXED BY "status_interval_client_idx" ', 1)
