"""The jobs report (the seeds' "Job Queries Report"): the tickets a member may see, created in a
range of the account's calendar days, counted and timed by status, priority, kind and assignee.

One GROUP BY query over the four fields at once gives at most a few hundred groups, summed in
Python into each breakdown; the totals are the sum of the status rows. Times are
wall-clock minutes from a ticket's creation to its first response and to its resolution (not
the SLA's working minutes): the database computes them (`MinutesBetween`, julianday on SQLite,
EXTRACT(EPOCH …) on PostgreSQL) and sums them, so an average is the sum over the tickets that
have the time, divided by their number. No median: it would need every ticket's times read
back (SQLite has no percentile function), which at a whole account's month is tens of
thousands of rows per request.
"""

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, F, FloatField, Func, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.clients.models import Client
from clientdesk.clients.queries import descendant_ids
from clientdesk.core.models import Account, Membership, User
from clientdesk.tickets.models import DONE, Kind, Priority, Status, Ticket, TicketSettings
from clientdesk.tickets.queries import breached_q

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366  # a range longer than about three years is refused
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)  # the days a range may name


class MinutesBetween(Func):
    """Wall-clock minutes from `start` to `end` (NULL when either is), in the database."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end, start):
        super().__init__(end, start)

    def _parts(self, compiler, connection):
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        return end_sql, start_sql, (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra):
        end, start, params = self._parts(compiler, connection)
        return f"((julianday({end}) - julianday({start})) * 1440.0)", params

    def as_postgresql(self, compiler, connection, **extra):
        end, start, params = self._parts(compiler, connection)
        return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 60.0)", params

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"MinutesBetween has no SQL for {connection.vendor}")


@dataclass
class ReportFilters:
    start: date
    end: date  # inclusive
    client: Client | None = None
    with_subclients: bool = False
    kinds: list[str] = field(default_factory=list)  # empty: every kind


@dataclass
class Figures:
    """One row of a breakdown (or the totals)."""

    key: str
    label: str
    count: int = 0
    open: int = 0
    breached: int = 0
    responded: int = 0
    response_minutes: float = 0.0
    resolved: int = 0
    resolution_minutes: float = 0.0
    minutes_logged: int = 0
    email: str = ""  # the assignee's, in the assignee breakdown

    @property
    def avg_response_minutes(self) -> float | None:
        return round(self.response_minutes / self.responded, 1) if self.responded else None

    @property
    def avg_resolution_minutes(self) -> float | None:
        return round(self.resolution_minutes / self.resolved, 1) if self.resolved else None

    @property
    def avg_response_text(self) -> str:
        return duration_text(self.avg_response_minutes)

    @property
    def avg_resolution_text(self) -> str:
        return duration_text(self.avg_resolution_minutes)

    def add(self, other: "Figures") -> None:
        for name in (
            "count",
            "open",
            "breached",
            "responded",
            "response_minutes",
            "resolved",
            "resolution_minutes",
            "minutes_logged",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Report:
    filters: ReportFilters
    totals: Figures
    by_status: list[Figures]
    by_priority: list[Figures]
    by_kind: list[Figures]
    by_assignee: list[Figures]

    @property
    def empty(self) -> bool:
        return self.totals.count == 0

    def breakdowns(self) -> list[tuple[str, str, list[Figures]]]:
        return [
            ("status", _("By status"), self.by_status),
            ("priority", _("By priority"), self.by_priority),
            ("kind", _("By kind"), self.by_kind),
            ("assignee", _("By assignee"), self.by_assignee),
        ]


def local_today(account: Account, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(account.time_zone)).date()


def default_range(account: Account, now: datetime | None = None) -> tuple[date, date]:
    """The last 30 days of the account's calendar, today included."""
    end = local_today(account, now)
    return end - timedelta(days=DEFAULT_DAYS - 1), end


def range_check(start: date, end: date) -> None:
    """A ValidationError naming the field when the range cannot be reported."""
    for name, day in (("start", start), ("end", end)):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(
                {name: _("Choose a day from %(first)s to %(last)s.")
                 % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}}
            )  # fmt: skip
    if end < start:
        raise ValidationError({"end": _("The end date must be on or after the start date.")})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError(
            {"end": _("Choose a range of at most %(days)s days.") % {"days": MAX_DAYS}}
        )


def bounds(account: Account, start: date, end: date) -> tuple[datetime, datetime]:
    """The range's first moment and the moment after its last, at midnight in the account's
    zone (a day is not always 24 hours there)."""
    zone = zoneinfo.ZoneInfo(account.time_zone)
    return (
        datetime.combine(start, time(), tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time(), tzinfo=zone),
    )


def tickets_in_range(membership: Membership, filters: ReportFilters) -> QuerySet[Ticket]:
    """The tickets the report counts: visible to the member, of the client (and its
    sub-clients when asked), of the kinds, created in the range."""
    qs = Ticket.objects.for_member(membership)
    if filters.client is not None:
        if filters.with_subclients:
            ids = {filters.client.pk, *descendant_ids(client=filters.client)}
            qs = qs.filter(client_id__in=ids)
        else:
            qs = qs.filter(client_id=filters.client.pk)
    if filters.kinds:
        qs = qs.filter(kind__in=filters.kinds)
    since, until = bounds(membership.account, filters.start, filters.end)
    return qs.filter(created_at__gte=since, created_at__lt=until)


def _aggregates(now: datetime) -> dict:
    return {
        "n": Count("id"),
        "n_open": Count("id", filter=~Q(status__in=DONE)),
        "n_breached": Count("id", filter=breached_q(now)),
        "n_responded": Count("first_response_at"),
        "response_sum": Sum(MinutesBetween(F("first_response_at"), F("created_at"))),
        "n_resolved": Count("resolved_at"),
        "resolution_sum": Sum(MinutesBetween(F("resolved_at"), F("created_at"))),
        "logged": Sum("minutes_logged"),
    }


def _figures(row: dict) -> Figures:
    return Figures(
        key="",
        label="",
        count=row["n"],
        open=row["n_open"],
        breached=row["n_breached"],
        responded=row["n_responded"],
        response_minutes=float(row["response_sum"] or 0),
        resolved=row["n_resolved"],
        resolution_minutes=float(row["resolution_sum"] or 0),
        minutes_logged=int(row["logged"] or 0),
    )


def status_labels(account: Account) -> dict[str, str]:
    """The pipeline's names as the account calls them (TicketSettings.status_labels)."""
    renamed = (
        TicketSettings.objects.for_account(account).values_list("status_labels", flat=True).first()
    ) or {}
    return {value: str(renamed.get(value) or label) for value, label in Status.choices}


def _fixed(groups: list[dict], name: str, choices, only: list[str] | None) -> list[Figures]:
    """A breakdown by a field of fixed values: every value (the chosen ones), in their order,
    with zeros where no ticket has it."""
    rows = {
        value: Figures(key=value, label=str(label))
        for value, label in choices
        if not only or value in only
    }
    for group in groups:
        if group[name] in rows:
            rows[group[name]].add(_figures(group))
    return list(rows.values())


def _by_assignee(groups: list[dict]) -> list[Figures]:
    """Each assignee with tickets, by name (their email when they have none), nobody last."""
    ids = {g["assignee_id"] for g in groups if g["assignee_id"] is not None}
    people = {u.pk: u for u in User.objects.filter(pk__in=ids).only("pk", "email", "name")}
    rows: dict[int | None, Figures] = {}
    for group in groups:
        pk = group["assignee_id"]
        if pk not in rows:
            user = people.get(pk)
            rows[pk] = (
                Figures(key=str(pk), label=user.name or user.email, email=user.email)
                if user
                else Figures(key="", label=_("Unassigned"))
            )
        rows[pk].add(_figures(group))
    nobody = rows.pop(None, None)
    named = sorted(rows.values(), key=lambda f: (f.label.casefold(), f.email))
    return [*named, *([nobody] if nobody else [])]


def jobs_report(
    membership: Membership, filters: ReportFilters, *, now: datetime | None = None
) -> Report:
    """One GROUP BY over the tickets in range, by status, priority, kind and assignee together
    (at most a few hundred groups), summed here into each breakdown: one pass over the
    tickets whatever the breakdowns. Plus the status names and the assignees' names."""
    now = now or timezone.now()
    groups = list(
        tickets_in_range(membership, filters)
        .order_by()
        .values("status", "priority", "kind", "assignee_id")
        .annotate(**_aggregates(now))
    )
    labels = status_labels(membership.account)
    by_status = _fixed(groups, "status", labels.items(), None)
    totals = Figures(key="total", label=_("All tickets"))
    for row in by_status:
        totals.add(row)
    return Report(
        filters=filters,
        totals=totals,
        by_status=by_status,
        by_priority=_fixed(groups, "priority", Priority.choices, None),
        by_kind=_fixed(groups, "kind", Kind.choices, filters.kinds),
        by_assignee=_by_assignee(groups),
    )


def duration_text(minutes: float | None) -> str:
    """Minutes as a person reads them: "45 min", "3 h 20 min", "2 d 4 h"; "—" for none."""
    if minutes is None:
        return "—"
    whole = round(minutes)
    days, rest = divmod(whole, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": mins}
    return _("%(m)s min") % {"m": mins}
