"""Dates and numbers as people write them in a file's cells.

A date cell of a workbook is a date already. A text is read in one of these forms:
- ISO, year first: `2024-02-15`, `2024/2/15`, `20240215`;
- day and month in either order, with `/`, `.` or `-`, a two- or four-digit year:
  `15/02/2024`, `2/15/24`, `15.02.2024`, `15-02-2024`;
- an English month name: `15 Feb 2024`, `15-Feb-24`, `Feb 15, 2024`, `February 15th 2024`,
  with or without a weekday before (`Thu, 15 Feb 2024`);
- any of those followed by a time (`15/02/2024 14:30`, `2024-02-15T14:30:00Z`, `2/15/2024 2:30 PM`);
- a spreadsheet's serial number (`45337` is 2024-02-15; `45337.5` its noon), as a CSV saved
  from a spreadsheet holds a date cell it did not format.

Whether `03/04/2024` is 3 April or 4 March is decided per column (`DateColumn`): a value of the
column whose first part is over 12 (`25/03/2024`) settles day first, one whose second part is
over 12 settles month first; a column with neither is read in the account's order (its time
zone's country: the United States and a few others write the month first), and the person
may switch it on the check page. A value that fits no reading is refused with the forms the
column accepts.

Numbers (`read_decimal`): `1234.50`, `1,234.50`, `1.234,50`, `1 234,50`, `1234,5`; a lone
comma followed by three digits (`1,234`) is a thousands separator unless the column is read
with a decimal comma.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

DMY, MDY = "dmy", "mdy"
ORDERS = (DMY, MDY)
# How a column's order was settled: a value of the file, the account's locale, or the person.
FROM_FILE, FROM_LOCALE, CHOSEN = "file", "locale", "chosen"
SAMPLES = 4  # values of a column kept to show how it was read
SERIAL_EPOCH = date(1899, 12, 30)  # day 0 of the spreadsheets' 1900 date system
# Time zones of the countries that write the month first (the United States and its
# territories, the Philippines, Belize, the Federated States of Micronesia, Palau, the
# Marshall Islands). Accounts elsewhere read day first.
_MONTH_FIRST_PREFIXES = ("US/",)
_MONTH_FIRST_ZONES = frozenset(
    {
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "America/Phoenix",
        "America/Anchorage",
        "America/Juneau",
        "America/Sitka",
        "America/Nome",
        "America/Yakutat",
        "America/Metlakatla",
        "America/Adak",
        "America/Boise",
        "America/Detroit",
        "America/Menominee",
        "America/Indiana/Indianapolis",
        "America/Indiana/Knox",
        "America/Indiana/Marengo",
        "America/Indiana/Petersburg",
        "America/Indiana/Tell_City",
        "America/Indiana/Vevay",
        "America/Indiana/Vincennes",
        "America/Indiana/Winamac",
        "America/Kentucky/Louisville",
        "America/Kentucky/Monticello",
        "America/North_Dakota/Beulah",
        "America/North_Dakota/Center",
        "America/North_Dakota/New_Salem",
        "America/Puerto_Rico",
        "America/Belize",
        "Pacific/Honolulu",
        "Pacific/Guam",
        "Pacific/Saipan",
        "Pacific/Pago_Pago",
        "Pacific/Palau",
        "Pacific/Majuro",
        "Pacific/Kwajalein",
        "Pacific/Chuuk",
        "Pacific/Pohnpei",
        "Pacific/Kosrae",
        "Asia/Manila",
        "EST5EDT",
        "CST6CDT",
        "MST7MDT",
        "PST8PDT",
    }
)

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_NUMERIC = re.compile(r"(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})\.?")
_DAY_NAME = re.compile(
    _WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]+([a-z]+)\.?,?[\s\-/.]+(\d{2}|\d{4})", re.I
)
_NAME_DAY = re.compile(
    _WEEKDAY + r"([a-z]+)\.?[\s\-/.]+(\d{1,2})(?:st|nd|rd|th)?,?[\s\-/.]+(\d{2}|\d{4})", re.I
)
_COMPACT = re.compile(r"(19|20)(\d{2})(\d{2})(\d{2})")
_SERIAL = re.compile(r"(\d{5})(?:\.(\d+))?")
_TIME = re.compile(
    r"(?P<rest>.+?)(?:[T\s]+|,\s*)(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,6})\d*)?)?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<tz>z|utc|gmt|[+-]\d{2}:?\d{2})?",
    re.I,
)


class DateError(ValueError):
    pass


def locale_order(time_zone: str) -> str:
    """The order of day and month an account's people write, from its time zone's country."""
    if time_zone in _MONTH_FIRST_ZONES or time_zone.startswith(_MONTH_FIRST_PREFIXES):
        return MDY
    return DMY


def order_label(order: str) -> str:
    return _("day first (DD/MM/YYYY)") if order == DMY else _("month first (MM/DD/YYYY)")


def forms(order: str | None) -> str:
    """The forms a date column accepts, in words, for an error message."""
    numeric = "DD/MM/YYYY" if order == DMY else "MM/DD/YYYY" if order == MDY else "DD/MM/YYYY"
    return _(
        "YYYY-MM-DD, %(numeric)s (or with . or -, a two-digit year too), 15 Feb 2024 or"
        " Feb 15, 2024, each with a time if you like, or a date cell"
    ) % {"numeric": numeric}


@dataclass
class Parts:
    """A text split into its reading: year, the two small numbers, and whether their order
    decides the date (`first` and `second` both 12 or less and different)."""

    year: int
    first: int
    second: int
    numeric: bool  # day and month both numbers: the order may matter
    clock: time | None = None
    tz: Any = None

    @property
    def ambiguous(self) -> bool:
        return self.numeric and self.first <= 12 and self.second <= 12 and self.first != self.second

    @property
    def settles(self) -> str | None:
        """The order this value alone proves, if any."""
        if not self.numeric:
            return None
        if self.first > 12 >= self.second:
            return DMY
        if self.second > 12 >= self.first:
            return MDY
        return None


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # as POSIX strptime reads %y: 69–99 are 1900s, 00–68 2000s
        return year + (1900 if year >= 69 else 2000)
    if len(text) != 4:
        raise DateError
    return year


def split(raw: str) -> Parts | date | datetime:
    """A text's reading, before any order is applied: `Parts` for day-and-month numbers,
    a date or datetime for a form that has one reading only. DateError: no form fits."""
    value = raw.strip()
    if len(value) == 10 and value[4] == "-":  # the common case first
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    serial = _SERIAL.fullmatch(value)
    if serial:
        return _serial(serial)
    clock = tz = None
    timed = _TIME.fullmatch(value)
    if timed:
        value = timed["rest"].strip()
        clock, tz = _clock(timed)
    parts = _split_date(value)
    parts.clock, parts.tz = clock, tz
    return parts


def _serial(match: re.Match) -> date | datetime:
    day = SERIAL_EPOCH + timedelta(days=int(match[1]))
    if not match[2] or not int(match[2]):
        return day
    fraction = float("0." + match[2])
    moment = datetime.combine(day, time.min) + timedelta(seconds=round(fraction * 86400))
    return moment


def _clock(match: re.Match) -> tuple[time, Any]:
    hour, minute = int(match["h"]), int(match["m"])
    second = int(match["s"] or 0)
    micro = int((match["f"] or "0").ljust(6, "0"))
    ampm = (match["ampm"] or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            raise DateError
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    tz = None
    zone = (match["tz"] or "").lower()
    if zone in ("z", "utc", "gmt"):
        tz = UTC
    elif zone:
        digits = zone.replace(":", "")
        offset = timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
        tz = timezone(offset if digits[0] == "+" else -offset)
    try:
        return time(hour, minute, second, micro), tz
    except ValueError:
        raise DateError from None


def _split_date(value: str) -> Parts:
    found = _NUMERIC.fullmatch(value)
    if found:
        a, b, c = found[1], found[3], found[4]
        if len(a) == 4:  # year first: always year, month, day
            return Parts(int(a), int(c), int(b), numeric=False)
        if len(a) > 2:
            raise DateError
        return Parts(_year(c), int(a), int(b), numeric=True)
    found = _COMPACT.fullmatch(value)
    if found:
        return Parts(int(found[1] + found[2]), int(found[4]), int(found[3]), numeric=False)
    found = _DAY_NAME.fullmatch(value)
    if found and found[2].lower() in MONTHS:
        return Parts(_year(found[3]), int(found[1]), MONTHS[found[2].lower()], numeric=False)
    found = _NAME_DAY.fullmatch(value)
    if found and found[1].lower() in MONTHS:
        return Parts(_year(found[3]), int(found[2]), MONTHS[found[1].lower()], numeric=False)
    raise DateError


def build(parts: Parts, order: str) -> date | datetime:
    """The date of `parts` read in `order` (numeric day and month), or as they came."""
    day, month = parts.first, parts.second
    if parts.numeric and order == MDY:
        day, month = month, day
    try:
        day_read = date(parts.year, month, day)
    except ValueError:
        raise DateError from None
    if parts.clock is None:
        return day_read
    return datetime.combine(day_read, parts.clock, tzinfo=parts.tz)


@dataclass
class DateColumn:
    """One date column of a job: its order once settled, why, and the first values read."""

    name: str
    default: str  # the account's order, for a column no value settles
    order: str | None = None
    source: str = ""
    evidence: str = ""  # the value that settled it
    samples: list[list] = field(default_factory=list)  # [text, ISO read, hung on the order]
    ambiguous: int = 0  # values whose reading hung on the order
    # Set by the engine: opens the file again, to look ahead for a value that settles it.
    scan: Callable[[], AbstractContextManager] | None = None
    position: int = -1

    def choose(self, order: str) -> None:
        self.order, self.source = order, CHOSEN

    def read(self, value: Any) -> date | datetime | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime | date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(int(value)) if float(value).is_integer() else repr(float(value))
        raw = str(value).strip()
        if not raw:
            return None
        try:
            parts = split(raw)
            if not isinstance(parts, Parts):
                self._sample(raw, parts, False)
                return parts
            settles = parts.settles
            if self.order is None and settles:
                self.order, self.source, self.evidence = settles, FROM_FILE, raw
            if parts.ambiguous:
                self.ambiguous += 1
                if self.order is None:
                    self._look_ahead()
            read = build(parts, self.order or self.default)
        except DateError:
            raise DateError(self._refusal(raw)) from None
        self._sample(raw, read, parts.ambiguous)
        return read

    def _refusal(self, raw: str) -> str:
        return _("%(value)s is not a date this column can read. Write it as %(forms)s.") % {
            "value": raw[:40],
            "forms": forms(self.order or self.default),
        }

    def _sample(self, raw: str, read: date | datetime, hung: bool) -> None:
        if len(self.samples) < SAMPLES:
            shown = read.isoformat(sep=" ") if isinstance(read, datetime) else read.isoformat()
            self.samples.append([raw[:40], shown, bool(hung)])

    def _look_ahead(self) -> None:
        """An ambiguous value before any value settled the order: read the column's other
        values until one settles it; none does: the account's order."""
        if self.scan is not None and self.position >= 0:
            with self.scan() as sheet:
                for settles, raw in _settling(sheet.rows(), self.position):
                    self.order, self.source, self.evidence = settles, FROM_FILE, raw
                    return
        self.order, self.source = self.default, FROM_LOCALE

    def reading(self) -> dict:
        """How the column was read, as the job keeps it for the check page and the API."""
        order = self.order or self.default
        source = self.source or FROM_LOCALE
        return {
            "order": order,
            "source": source,
            "evidence": self.evidence,
            "samples": self.samples,
            "ambiguous": self.ambiguous,
        }


def _settling(rows: Iterator, position: int) -> Iterator[tuple[str, str]]:
    for _number, values in rows:
        value = values[position] if position < len(values) else None
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            parts = split(value)
        except DateError:
            continue
        if isinstance(parts, Parts) and parts.settles:
            yield parts.settles, value.strip()


# Numbers -----------------------------------------------------------------------------------

_GROUPED = re.compile(r"[+-]?\d{1,3}(?:([ .,\u00a0\u202f'])\d{3})(?:\1\d{3})*(?:[.,]\d+)?")


def read_decimal(value: Any, *, comma: bool = False) -> Decimal | None:
    """A number as people write it: `1234.5`, `1,234.50`, `1.234,50`, `1 234,50`, `1234,5`.

    A separator followed by other digits than three, or the last of two different ones, is the
    decimal mark. A lone `,` or `.` followed by exactly three digits (`1,234`) is read as the
    column reads it: a thousands separator, unless `comma` (a decimal-comma column)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    raw = str(value).strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not raw:
        return None
    sign = ""
    if raw[0] in "+-":
        sign, raw = raw[0].replace("+", ""), raw[1:].strip()
    marks = [ch for ch in raw if ch in ".,"]
    digits = raw.replace(" ", "").replace("'", "")
    if not re.fullmatch(r"[\d.,]+", digits) or not re.search(r"\d", digits):
        raise ValueError(value)
    if not marks:
        number = digits
    elif len(set(marks)) == 2:  # both: the last one is the decimal mark
        decimal_mark = digits[max(digits.rfind("."), digits.rfind(","))]
        group = "," if decimal_mark == "." else "."
        if digits.count(decimal_mark) != 1 or digits.rfind(group) > digits.rfind(decimal_mark):
            raise ValueError(value)
        number = digits.replace(group, "").replace(decimal_mark, ".")
    else:
        mark = marks[0]
        head, _sep, tail = digits.rpartition(mark)
        if len(marks) > 1:  # repeated: grouping (1.234.567 or 1,234,567)
            if not _GROUPED.fullmatch(digits):
                raise ValueError(value)
            number = digits.replace(mark, "")
        elif len(tail) == 3 and head:
            # "," groups thousands in a point column, "." in a decimal-comma column.
            grouping = (mark == ",") != comma
            number = head + tail if grouping else head + "." + tail
        else:
            number = head + "." + tail
    try:
        return Decimal(sign + number)
    except InvalidOperation:
        raise ValueError(value) from None


def settles_comma(value: Any) -> bool | None:
    """True: this text proves a decimal comma (`12,5`, `1.234,50`); False: a decimal point
    (`12.5`, `1,234.50`); None: it could be either or neither (`1,234`, `12`)."""
    if not isinstance(value, str):
        return None
    raw = value.strip()
    last_comma, last_point = raw.rfind(","), raw.rfind(".")
    if last_comma >= 0 and last_point >= 0:
        return last_comma > last_point
    for mark, result in ((",", True), (".", False)):
        where = raw.rfind(mark)
        if where >= 0 and raw.count(mark) == 1:
            tail = raw[where + 1 :]
            if tail.isdigit() and len(tail) != 3:
                return result
    return None


@dataclass
class DecimalColumn:
    """A money or hours column: whether its decimal mark is a comma, settled by its first
    value that shows it (`12,5`, `1.234,50`), else a point."""

    name: str
    comma: bool | None = None
    scan: Callable[[], AbstractContextManager] | None = None
    position: int = -1

    def read(self, value: Any) -> Decimal | None:
        if self.comma is None and isinstance(value, str) and ("," in value or "." in value):
            settled = settles_comma(value)
            if settled is None:
                self._look_ahead()
            else:
                self.comma = settled
        try:
            return read_decimal(value, comma=bool(self.comma))
        except ValueError:
            raise DateError(
                _("%(value)s is not a number: write it as 1234.50, 1,234.50 or 1.234,50.")
                % {"value": str(value)[:40]}
            ) from None

    def _look_ahead(self) -> None:
        self.comma = False
        if self.scan is None or self.position < 0:
            return
        with self.scan() as sheet:
            for _number, values in sheet.rows():
                value = values[self.position] if self.position < len(values) else None
                settled = settles_comma(value)
                if settled is not None:
                    self.comma = settled
                    return
