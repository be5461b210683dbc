"""`among(field, ids)`: a filter "field is one of these ids" that stays cheap with thousands of
ids. On PostgreSQL it is `field = ANY(%s)` with the ids as one array parameter: as
`IN (%s, %s, …)` a long list costs more to send than the query itself (psycopg's client-side
binding rewrites a statement of hundreds of placeholders on every run, measured ~3–4 ms for a
thousand ids in insights). On SQLite it is `IN (?, ?, …)` with the ids as they are: Django's
`__in` prepares each value through the field (five calls a value), which was about 5 % of an
import's time, its batches reading thousands of ids at a time (docs/import-speed.md).

`among_texts(field, values)`: the same for text (an import's batch of prefixes); on PostgreSQL
Django's own `__in`, whose plan tests/clients/test_prefix_reads.py watches.

On SQLite a long list is padded to the next power of two by repeating its last value. Python's
sqlite3 keeps a connection's last 128 statements prepared, each under its text, and a list of
n placeholders is another text for every n: an import's batches, each of a different length,
filled that cache with statements of thousands of placeholders, most of a megabyte each in
SQLite's memory (55 MB of the job's connection at 300,000 rows, sqlite3_memory_used). Padded,
a query has a handful of texts, prepared once each."""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Lookup, Q


class _AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = sorted({int(v) for v in self.rhs if v is not None})
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, ids]


# Lists longer than this are padded (above): shorter ones are small statements.
PADDED_FROM = 64


def padded(values: list) -> list:
    """`values` and then its last value again, up to the next power of two in length."""
    size = len(values)
    if size <= PADDED_FROM:
        return values
    return values + values[-1:] * ((1 << (size - 1).bit_length()) - size)


class _InList(Lookup):
    lookup_name = "in_list"
    prepare_rhs = False
    cast: type = int

    def as_sql(self, compiler, connection):
        values = padded([self.cast(v) for v in dict.fromkeys(self.rhs) if v is not None])
        if not values:  # as Django's `__in` of nothing: no row (and its negation, every row)
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


class _InTextList(_InList):
    lookup_name = "in_text_list"
    cast = str


def among(field: str, ids) -> Q:
    """`field` is one of `ids` (integers): an array on PostgreSQL, a plain `IN` list
    elsewhere; a Q, so it negates and combines like any other."""
    if connection.vendor == "postgresql":
        return Q(_AnyOf(F(field), list(ids)))
    return Q(_InList(F(field), list(ids)))


def among_texts(field: str, values) -> Q:
    """`field` is one of `values` (texts, compared exactly): a padded `IN` list on SQLite,
    Django's `__in` elsewhere."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": [v for v in values if v is not None]})
    return Q(_InTextList(F(field), list(values)))
