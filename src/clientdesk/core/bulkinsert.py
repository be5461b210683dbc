"""Plain rows into a table at the speed of the database: COPY on PostgreSQL, INSERTs of many rows on
SQLite, with ids taken up front so that the rows can point at each other.

Why not `bulk_create`: at 20,000 imported clients, building the model instances and compiling
the INSERT statements took half of the import's time (9.5 s of 18.7 s in a profile), more than
the database spent writing. The values here are already checked by the services; this module
only moves them. Columns are model field names; the values are Python values of those fields.
"""

import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from django.db import connection, models

Converter = Callable[[Any], Any]


@functools.lru_cache(maxsize=4096)  # a batch repeats its `now` and the file's dates
def _sqlite_datetime(value: datetime | None) -> str | None:
    # As Django's SQLite backend stores them: naive UTC text.
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ")


def _json(value: Any) -> str:
    return json.dumps(value)


def _converters(model: type[models.Model], columns: Sequence[str]) -> list[Converter | None]:
    sqlite = connection.vendor == "sqlite"
    out: list[Converter | None] = []
    for name in columns:
        field = model._meta.get_field(name)
        kind = field.get_internal_type()
        if kind == "JSONField":
            out.append(_json)
        elif kind == "DateTimeField" and sqlite:
            out.append(_sqlite_datetime)
        else:
            out.append(None)
    return out


def _converted(row: Sequence, convert: list[tuple[int, Converter]]) -> list:
    out = list(row)
    for i, c in convert:
        out[i] = c(out[i])
    return out


def _attnames(model: type[models.Model], columns: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in columns]


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model` (the caller holds the transaction)."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the database's write lock (IMMEDIATE), so nobody
        # else takes ids between this read and the insert.
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608 - our table
        start = cursor.fetchone()[0] + 1
        seq = connection.ops.quote_name("sqlite_sequence")
        cursor.execute(f"SELECT seq FROM {seq} WHERE name = %s", [table])  # noqa: S608
        row = cursor.fetchone()
        start = max(start, (row[0] if row else 0) + 1)
        return list(range(start, start + count))


def insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` (tuples in `columns` order) into the model's table; answers the count."""
    convert = [(i, c) for i, c in enumerate(_converters(model, columns)) if c is not None]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in _attnames(model, columns))
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if convert:
                rows = (_converted(row, convert) for row in rows)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        # SQLite: statements of many rows each. One row per statement (executemany) makes
        # the search table's trigger flush an index segment per row: 3-5x slower (bench).
        # They go to sqlite3's own cursor in its own `?` style: Django's wrapper rewrites
        # every `%s` of a statement with a regular expression, a tenth of an import's time
        # at 15,000 placeholders a statement (profile, docs/import-speed.md).
        raw = cursor.cursor
        per_statement = 1 << min(9, (30_000 // len(columns)).bit_length() - 1)  # ≤ 512
        one = "(" + ", ".join(["?"] * len(columns)) + ")"
        head = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 - our names
        batch: list = []
        for row in rows:
            batch.append(row)
            if len(batch) == per_statement:
                count += _insert_values(raw, head, one, batch, convert)
                batch = []
        # The rest in power-of-two pieces: sqlite3 keeps up to 128 prepared statements per
        # connection, and a statement per remainder length would fill it with large ones.
        while batch:
            size = 1 << (len(batch).bit_length() - 1)
            count += _insert_values(raw, head, one, batch[:size], convert)
            batch = batch[size:]
        return count


@functools.lru_cache(maxsize=64)
def _values_sql(head: str, one: str, rows: int) -> str:
    return head + ", ".join([one] * rows)


def _insert_values(raw, head: str, one: str, batch: list, convert: list) -> int:
    params = list(chain.from_iterable(batch))
    width = len(params) // len(batch)
    for i, c in convert:  # a column at a time, over the statement's values
        params[i::width] = map(c, params[i::width])
    sqlite3.Cursor.execute(raw, _values_sql(head, one, len(batch)), params)
    return len(batch)
