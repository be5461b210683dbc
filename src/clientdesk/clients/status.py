"""The status rules of DESIGN §2 and the derived rows of §3, as pure functions of the history."""

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from clientdesk.clients.models import IN_SERVICE, Status

S = Status
ALLOWED: dict[str, tuple[str, ...]] = {
    S.LEAD: (S.PROSPECT, S.INVITED, S.ACTIVE, S.INACTIVE),
    S.PROSPECT: (S.LEAD, S.INVITED, S.ACTIVE, S.INACTIVE),
    S.INVITED: (S.WAITING, S.ACTIVE, S.INACTIVE),
    S.WAITING: (S.ACTIVE, S.INACTIVE),
    S.ACTIVE: (S.AT_RISK, S.OFFBOARDING),
    S.AT_RISK: (S.ACTIVE, S.OFFBOARDING),
    S.OFFBOARDING: (S.ACTIVE, S.INACTIVE),
    S.INACTIVE: (S.LEAD, S.PROSPECT, S.INVITED, S.ACTIVE),
}
# A client is created in one of these (the API's default is active).
INITIAL = (S.LEAD, S.PROSPECT, S.INVITED, S.WAITING, S.ACTIVE)
# An import (never the client form or the API's create) may also bring former and troubled
# clients in, with the day that status began and, optionally, the day service started.
IMPORTED_ONLY = (S.AT_RISK, S.OFFBOARDING, S.INACTIVE)
ORDER = list(Status.values)


def allowed_targets(current: str) -> tuple[str, ...]:
    return ALLOWED[current]


def is_allowed(current: str | None, target: str) -> bool:
    return target in INITIAL if current is None else target in ALLOWED[current]


def local_day(at: datetime, tz: str) -> date:
    """The account's calendar day of an instant (SQLite has no zone database: done here)."""
    return at.astimezone(zoneinfo.ZoneInfo(tz)).date()


@dataclass(frozen=True)
class Change:
    to_status: str
    day: date


def day_deltas(from_status: str | None, to_status: str, day: date) -> list[tuple[date, str, int]]:
    """A change on `day` from p to n: −1 for p and +1 for n on that day."""
    out = [(day, to_status, 1)]
    if from_status is not None:
        out.append((day, from_status, -1))
    return out


def intervals(changes: Sequence[Change]) -> list[tuple[str, date, date | None]]:
    """(status, valid_from, valid_to) spans, oldest first; the status at the end of each day.

    Several changes on one day leave only the last one's status for that day, so spans that
    would hold no end of a day are dropped and equal neighbours merged.
    """
    spans: list[list] = []
    for change in changes:
        if spans and spans[-1][1] == change.day:
            spans.pop()  # superseded the same day
        if spans:
            spans[-1][2] = change.day
            if spans[-1][0] == change.to_status:
                spans[-1][2] = None
                continue
        spans.append([change.to_status, change.day, None])
    return [tuple(span) for span in spans]


def service_periods(changes: Sequence[Change]) -> list[tuple[date, date | None]]:
    """(start_day, end_day) spells in service, end_day the last day in service (None: ongoing)."""
    periods: list[list] = []
    for status, start, end in intervals(changes):
        in_service = status in IN_SERVICE
        if in_service and periods and periods[-1][1] == start - timedelta(days=1):
            periods[-1][1] = None if end is None else end - timedelta(days=1)
        elif in_service:
            periods.append([start, None if end is None else end - timedelta(days=1)])
    return [tuple(p) for p in periods]


def period_rows(
    spells: Sequence[tuple[date, date | None]],
) -> list[tuple[date, date | None, date, date | None, date | None]]:
    """The service-period rows of one client's spells: (start_day, end_day, first_day,
    next_start_day, next_end_day), the last two the next spell's, if any."""
    out = []
    for i, (start, end) in enumerate(spells):
        following = spells[i + 1] if i + 1 < len(spells) else (None, None)
        out.append((start, end, spells[0][0], *following))
    return out


def changes_of(rows: Iterable, tz: str) -> list[Change]:
    return [Change(to_status=row.to_status, day=local_day(row.at, tz)) for row in rows]
