"""Adding to the day deltas of DESIGN §3 (`status_day_delta`): for one change (the status
services) and for a batch of them (clients.batch.write), through the same upsert.

Update-then-create races: two transactions that both find no row for a day both insert one,
and the second fails on `status_day_delta_unique` (a server error on PostgreSQL). An
INSERT … ON CONFLICT DO UPDATE (SQLite ≥ 3.24, PostgreSQL) adds to the row or creates it in
one step, waiting for a concurrent writer of the same row instead of failing.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import connection

from clientdesk.clients.models import StatusDayDelta

# A power of two, and so is every remainder's statement (see `_statements`).
ROWS_PER_STATEMENT = 256


def day_deltas_add(*, account_id: int, deltas: Iterable[tuple[date, str, int]]) -> None:
    """Add each (day, status, delta) to the account's row for that day and status."""
    summed: dict[tuple[date, str], int] = defaultdict(int)
    for day, status, delta in deltas:
        summed[(day, status)] += delta
    # Summed, as one statement may not touch a row twice on PostgreSQL. Sorted, so that every
    # writer locks the rows in the same order: two changes adding to the same two rows in
    # opposite orders (active → at risk beside at risk → active) deadlock otherwise.
    rows = [
        (account_id, connection.ops.adapt_datefield_value(day), status, n)
        for (day, status), n in sorted(summed.items())
        if n
    ]
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement of three arrays, whatever the count: as lists of VALUES, psycopg
            # rewrote every statement's placeholders and the server parsed them (1.2 s of a
            # 100,000-row import's writes, 400 statements; docs/import-speed.md).
            _, days, statuses, counts = zip(*rows, strict=True)
            cursor.execute(_unnest_sql(), [account_id, list(days), list(statuses), list(counts)])
            return
        for batch in _statements(rows):
            cursor.execute(_upsert_sql(len(batch)), [value for row in batch for value in row])


def _statements(rows: list) -> Iterable[list]:
    """Pieces of at most ROWS_PER_STATEMENT rows, the rest in power-of-two lengths: sqlite3
    keeps up to 128 prepared statements per connection, and a statement per length would
    fill it with large ones (as core.bulkinsert does)."""
    while rows:
        size = min(ROWS_PER_STATEMENT, 1 << (len(rows).bit_length() - 1))
        yield rows[:size]
        rows = rows[size:]


def _upsert_sql(count: int) -> str:
    table = connection.ops.quote_name(StatusDayDelta._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s)"] * count)
    return (
        f"INSERT INTO {table} (account_id, day, status, delta) VALUES {values} "  # noqa: S608 - our names
        "ON CONFLICT (account_id, day, status) "
        f"DO UPDATE SET delta = {table}.delta + excluded.delta"
    )


def _unnest_sql() -> str:
    """PostgreSQL: the rows as arrays, in their (sorted) order."""
    table = connection.ops.quote_name(StatusDayDelta._meta.db_table)
    return (
        f"INSERT INTO {table} (account_id, day, status, delta) "  # noqa: S608 - our names
        "SELECT %s, u.day, u.status, u.delta"
        " FROM UNNEST(%s::date[], %s::varchar[], %s::integer[]) AS u(day, status, delta) "
        "ON CONFLICT (account_id, day, status) "
        f"DO UPDATE SET delta = {table}.delta + excluded.delta"
    )
