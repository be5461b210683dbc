"""Keyset (cursor) pagination shared by list pages and the API.

A page costs the same whatever its depth: the cursor carries the sort values of the last row
seen, and the next page starts strictly after them (no OFFSET, no COUNT).
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet


class BadCursor(ValueError):
    pass


@dataclass
class Page:
    items: list
    next: str | None  # give back as `cursor` for the page after this one
    previous: str | None = None  # give back as `before` for the page before this one


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(values: list) -> str:
    raw = json.dumps([_plain(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor("cursor is not one this server gave") from exc
    if not isinstance(values, list) or len(values) != size:
        raise BadCursor("cursor is not one this server gave")
    return values


def _after(order: list[str], values: list) -> Q:
    """Rows strictly after `values` in `order` (a lexicographic comparison, field by field).

    The first column's bound also stands alone in front (a >= x AND (a > x OR …)): the same
    rows, but a range an index on the order can seek to instead of scanning from the start.
    """
    condition = Q()
    for i in reversed(range(len(order))):
        field = order[i].lstrip("-")
        op = "lt" if order[i].startswith("-") else "gt"
        step = Q(**{f"{field}__{op}": values[i]})
        if i < len(order) - 1:
            step |= Q(**{field: values[i]}) & condition
        condition = step
    first = order[0].lstrip("-")
    bound = "lte" if order[0].startswith("-") else "gte"
    return Q(**{f"{first}__{bound}": values[0]}) & condition


def keyset_page(
    qs: QuerySet, *, order: list[str], cursor: str | None, limit: int, before: str | None = None
) -> Page:
    """One page of `qs` sorted by `order`, whose last field must be unique (e.g. `id`).

    With `cursor` the page starts after that row; with `before` it ends before that row (read
    in the opposite order, then turned round). A cursor names the order it was made for, so one
    sent with another order is refused instead of comparing values of another column.
    """
    signature = ",".join(order)
    backwards = bool(before) and not cursor
    boundary = cursor or before
    walk = [_flip(f) for f in order] if backwards else order
    qs = qs.order_by(*walk)
    if boundary:
        made_for, *values = decode_cursor(boundary, len(order) + 1)
        if made_for != signature:
            raise BadCursor("cursor was given for another order")
        try:
            qs = qs.filter(_after(walk, values))
        except (TypeError, ValueError, ValidationError) as exc:  # a value of the wrong type
            raise BadCursor("cursor is not one this server gave") from exc
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()

    def at(row) -> str:
        return encode_cursor([signature, *(_attr(row, f.lstrip("-")) for f in order)])

    if not rows:
        return Page(items=[], next=None, previous=None)
    if backwards:
        return Page(items=rows, next=at(rows[-1]), previous=at(rows[0]) if more else None)
    return Page(
        items=rows, next=at(rows[-1]) if more else None, previous=at(rows[0]) if boundary else None
    )


def _flip(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def _attr(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj.pk if isinstance(obj, Model) else obj
