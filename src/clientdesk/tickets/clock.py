"""The SLA clock: adding working minutes to a moment, inside the account's business hours and
outside its holidays (DESIGN §4). Pure functions of a `Calendar`; no database.

A day's hours are intervals of local time in the account's time zone; a moment is an aware
datetime. Daylight-saving changes are handled by building each interval's ends as local times
and measuring between them in UTC, so a working day that loses an hour to the change has one
hour less.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Monday = 0, as date.weekday(); each day a list of (start, end) local times, end > start.
WeekHours = dict[int, list[tuple[time, time]]]

OFFICE_HOURS: WeekHours = {day: [(time(9), time(17))] for day in range(5)}
# No SLA runs longer than this: a calendar with hours finds them well within it.
_HORIZON_DAYS = 3 * 366


@dataclass(frozen=True)
class Calendar:
    time_zone: str = "UTC"
    always_open: bool = True
    hours: WeekHours = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def _intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        if day in self.holidays:
            return []
        tz = self.tz
        return [
            (
                datetime.combine(day, start, tzinfo=tz),
                datetime.combine(day, end, tzinfo=tz)
                if end != time(0)
                else datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz),
            )
            for start, end in self.hours.get(day.weekday(), [])
        ]

    def _open_spans(self, start: datetime):
        """The open intervals from `start` on, in order, clipped to begin no earlier."""
        start = start.astimezone(UTC)
        day = start.astimezone(self.tz).date() - timedelta(
            days=1
        )  # an interval may end past midnight
        for offset in range(_HORIZON_DAYS):
            for lo, hi in self._intervals(day + timedelta(days=offset)):
                lo, hi = lo.astimezone(UTC), hi.astimezone(UTC)
                if hi <= start:
                    continue
                yield max(lo, start), hi

    def add(self, start: datetime, minutes: int) -> datetime:
        """The moment `minutes` working minutes after `start`."""
        if self.always_open or not self.hours:
            return start + timedelta(minutes=minutes)
        left = timedelta(minutes=minutes)
        for lo, hi in self._open_spans(start):
            span = hi - lo
            if span >= left:
                return lo + left
            left -= span
        raise ValueError("no business hours within three years")

    def between(self, start: datetime, end: datetime) -> int:
        """Working minutes from `start` to `end` (0 if end is not after start), rounded down."""
        if end <= start:
            return 0
        end = end.astimezone(UTC)
        if self.always_open or not self.hours:
            return int((end - start).total_seconds() // 60)
        total = timedelta()
        for lo, hi in self._open_spans(start):
            if lo >= end:
                break
            total += min(hi, end) - lo
        return int(total.total_seconds() // 60)
