"""Cells to values: what a column's type means for the text or the typed cell of a file.

Only the shape is checked here (a date is a date, a fixed value is one of the list, yes is
yes); the business rules are the services' (clients.batch, contacts.batch).
"""

import functools
import re
import unicodedata
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _

from clientdesk.core.models import Account
from clientdesk.transfer.dates import DateColumn, DateError, DecimalColumn, locale_order
from clientdesk.transfer.kinds import BOOL, CHOICE, DATE, DECIMAL, EMAIL, LIST, Kind

YES = {"yes", "y", "true", "1", "x", "oui", "ja", "si", "sí"}
NO = {"no", "n", "false", "0", "non", "nein", ""}
NEUTRALISED = ("=", "+", "-", "@", "\t", "\r")


class CellError(ValueError):
    pass


def text(value: Any) -> str:
    """A cell as text: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = value.strip()
        # Our exports write a formula-like text as '=…; reading it back gives the text again.
        if value[:1] == "'" and value[1:2] in NEUTRALISED:
            return value[1:]
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.isoformat(sep=" ")
            if value.time() != datetime.min.time()
            else value.date().isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


@functools.lru_cache(maxsize=4096)
def fold(value: str) -> str:
    """Case, accents, spaces and punctuation folded: "At-risk" → "atrisk"."""
    decomposed = unicodedata.normalize("NFKD", value)
    return re.sub(
        r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    )


def _cells(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A column's reader whose refusals are the cell's errors."""

    def convert(value: Any) -> Any:
        try:
            return read(value)
        except DateError as exc:
            raise CellError(str(exc)) from None

    return convert


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    word = fold(text(value))
    if word in YES:
        return True
    if word in NO:
        return None if word == "" else False
    raise CellError(_("Write yes or no."))


def _list(value: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", text(value)) if part.strip()]


def _choice(options: dict[str, str], shown: str) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        raw = text(value)
        if not raw:
            return ""
        found = options.get(fold(raw))
        if found is None:
            raise CellError(
                _("Unknown value %(value)s: use one of %(list)s.") % {"value": raw, "list": shown}
            )
        return found

    return convert


def _email(value: Any) -> str:
    return text(value).lower()


class RowParser:
    """Turns a record's cells into {field: value}, given the job's mapping (field per position).

    Each date column reads its day-and-month order as its values settle it, or as `orders`
    (the person's choice on the check page) says; `readings()` tells how each one was read."""

    def __init__(
        self,
        kind: Kind,
        account: Account,
        mapping: list[str],
        *,
        orders: dict[str, str] | None = None,
        scan: Callable[[], AbstractContextManager] | None = None,
    ):
        self.dates: dict[str, DateColumn] = {}
        self.decimals: dict[str, DecimalColumn] = {}
        self.slots: list[tuple[int, str, Callable[[Any], Any]]] = []
        default = locale_order(account.time_zone)
        for position, name in enumerate(mapping):
            if not name:
                continue
            column = kind.column(name)
            if column.type == DATE:
                dates = self.dates[name] = DateColumn(name, default, scan=scan, position=position)
                if (orders or {}).get(name):
                    dates.choose(orders[name])  # type: ignore[index]
                convert = _cells(dates.read)
            elif column.type == DECIMAL:
                number = self.decimals[name] = DecimalColumn(name, scan=scan, position=position)
                convert = _cells(number.read)
            else:
                convert = self._converter(kind, account, name)
            self.slots.append((position, name, convert))

    def readings(self) -> dict[str, dict]:
        """How each date column was read: {field: {order, source, evidence, samples, …}}."""
        return {name: column.reading() for name, column in self.dates.items()}

    @staticmethod
    def _converter(kind: Kind, account: Account, name: str) -> Callable[[Any], Any]:
        column = kind.column(name)
        if column.type == BOOL:
            return _bool
        if column.type == LIST:
            return _list
        if column.type == EMAIL:
            return _email
        if column.type == CHOICE and column.choices and name != "industry":
            pairs = column.choices(account)
            options = {fold(v): v for v, _label in pairs} | {fold(label): v for v, label in pairs}
            return _choice(options, ", ".join(label for _v, label in pairs))
        return text

    def parse(self, values: list) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        data: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        size = len(values)
        for position, name, convert in self.slots:
            cell = values[position] if position < size else None
            if isinstance(cell, str) and "\x00" in cell:
                # As a form refuses it: PostgreSQL cannot store it, whatever the column.
                errors.append((name, str(ProhibitNullCharactersValidator.message)))
                continue
            try:
                data[name] = convert(cell)
            except CellError as exc:
                errors.append((name, str(exc)))
        return data, errors
