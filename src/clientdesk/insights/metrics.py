"""The Insights page's date range: its presets, the rules of a range, the account's today."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientdesk.core.models import Account

MAX_DAYS = 3 * 366  # a range longer than about three years is refused
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)
DEFAULT_PRESET = "30d"
PRESETS = {
    "month": gettext_lazy("This month"),
    "30d": gettext_lazy("Last 30 days"),
    "90d": gettext_lazy("Last 90 days"),
    "365d": gettext_lazy("Last 365 days"),
    "year": gettext_lazy("This year"),
    "custom": gettext_lazy("Custom"),
}


@dataclass(frozen=True)
class Range:
    start: date
    end: date
    preset: str = "custom"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Range":
        """The range of the same length just before this one."""
        return Range(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def local_today(account: Account, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(account.time_zone)).date()


def preset_range(preset: str, today: date) -> Range:
    if preset == "month":
        return Range(today.replace(day=1), today, preset)
    if preset == "year":
        return Range(today.replace(month=1, day=1), today, preset)
    days = {"30d": 30, "90d": 90, "365d": 365}[preset]
    return Range(today - timedelta(days=days - 1), today, preset)


def range_check(start: date, end: date) -> None:
    """A ValidationError naming the field when the range cannot be shown."""
    for name, day in (("start", start), ("end", end)):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(
                {name: _("Choose a day from %(first)s to %(last)s.")
                 % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}}
            )  # fmt: skip
    if end < start:
        raise ValidationError({"end": _("The last day comes before the first.")})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError(
            {"end": _("Choose a range of at most %(days)s days.") % {"days": MAX_DAYS}}
        )


def day_check(name: str, text: str) -> date:
    """A YYYY-MM-DD day, else a ValidationError naming the field."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationError({name: [_("Enter a day as YYYY-MM-DD.")]}) from None
    if len(text) != 10 or not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError({name: [_("Enter a day as YYYY-MM-DD.")]})
    return day


def change(now: float | None, before: float | None) -> dict | None:
    """A card's change against the previous range: the difference and, when the previous
    figure is not zero, the percentage."""
    if now is None or before is None:
        return None
    diff = round(now - before, 1)
    if isinstance(now, int) and isinstance(before, int):
        diff = int(diff)
    pct = round(100 * (now - before) / before) if before else None
    return {"diff": diff, "pct": pct, "up": diff > 0, "down": diff < 0}
