"""Search over clients by any part of the name or prefix (the global search starts here).

Both backends answer the same question, a case-insensitive substring match, through an index
(bench/clients.py measures it with and without, docs/speed.md has the figures):

- PostgreSQL: Django's `icontains`, i.e. `UPPER(col::text) LIKE UPPER('%q%')`, served by the GIN
  trigram indexes on (account_id, UPPER(name)) and (account_id, UPPER(prefix)) of migration
  0003_search; their expressions must stay the ones Django renders here. From 3 characters the
  matches are collected first, `id = ANY(ARRAY(SELECT id … LIKE …))`, and only they are sorted:
  a plain `WHERE … LIKE` lets the planner walk the name index in page order hoping to meet
  matches early, which reads most of the account when they all sort late (searching "Zenith"
  for the Zenith companies).
- SQLite: an FTS5 table with the trigram tokenizer over (name, prefix), kept in step with
  clients_client by triggers, answers queries of 3 characters or more.

A trigram index cannot serve a shorter query: one or two characters use LIKE on both, which
scans the account's clients (cheap enough for a word being typed).
"""

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.db.models.expressions import RawSQL

MIN_INDEXED_LENGTH = 3
SQLITE_TABLE = "clients_client_search"
_SQLITE_MATCH = "SELECT rowid FROM clients_client_search WHERE clients_client_search MATCH %s"


def search(qs: QuerySet, q: str) -> QuerySet:
    q = q.strip()
    if not q:
        return qs
    if len(q) < MIN_INDEXED_LENGTH:
        return search_like(qs, q)
    vendor = connections[qs.db].vendor
    if vendor == "sqlite":
        return search_sqlite_fts(qs, q)
    if vendor == "postgresql":
        return search_postgres_trigram(qs, q)
    return search_like(qs, q)


def search_like(qs: QuerySet, q: str) -> QuerySet:
    return qs.filter(_matches(q))


def _matches(q: str) -> Q:
    return Q(name__icontains=q) | Q(prefix__icontains=q)


class _AnyOf(Func):
    """`lhs = ANY(rhs)`, as a condition."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def search_postgres_trigram(qs: QuerySet, q: str) -> QuerySet:
    from django.contrib.postgres.expressions import ArraySubquery

    matching = qs.filter(_matches(q)).order_by().values("pk")
    return qs.filter(_AnyOf(F("pk"), ArraySubquery(matching)))


def search_sqlite_fts(qs: QuerySet, q: str) -> QuerySet:
    # One quoted FTS5 string: every character is literal, so the query is a substring of a
    # column (case folded by the tokenizer), whatever punctuation the person typed.
    phrase = '"' + q.replace('"', '""') + '"'
    matches = RawSQL(_SQLITE_MATCH, (phrase,))  # noqa: S611 - constant SQL, the query is a parameter
    return qs.filter(pk__in=matches)
