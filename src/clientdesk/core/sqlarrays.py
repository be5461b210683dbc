"""`among(field, ids)`: a filter "field is one of these ids" that stays cheap with thousands of
ids. On PostgreSQL it is `field = ANY(%s)` with the ids as one array parameter: as
`IN (%s, %s, …)` a long list costs more to send than the query itself (psycopg's client-side
binding rewrites a statement of hundreds of placeholders on every run, measured ~3–4 ms for a
thousand ids in insights). On SQLite it is `IN (?, ?, …)` with the ids as they are: Django's
`__in` prepares each value through the field (five calls a value), which was about 5 % of an
import's time, its batches reading thousands of ids at a time (docs/import-speed.md)."""

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


class _InList(Lookup):
    lookup_name = "in_list"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        ids = [int(v) for v in dict.fromkeys(self.rhs) if v is not None]
        if not ids:  # as Django's `__in` of nothing: no row (and its negation, every row)
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]


def among(field: str, ids) -> Q:
    """`field` is one of `ids` (integers): an array on PostgreSQL, a plain `IN` list
    elsewhere; a Q, so it negates and combines like any other."""
    if connection.vendor == "postgresql":
        return Q(_AnyOf(F(field), list(ids)))
    return Q(_InList(F(field), list(ids)))
