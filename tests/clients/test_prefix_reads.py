"""Clients are found and sorted by prefix through the one prefix index, the unique
(account, UPPER(prefix)): prefixes are stored upper-case, so reads compare UPPER(prefix)
(`prefix__upper`) and a second, plain prefix index is not needed (docs/import-speed.md)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientdesk.clients.models import Client
from clientdesk.clients.queries import ClientFilters, client_page
from clientdesk.clients.services import client_create
from clientdesk.transfer.models import State
from clientdesk.transfer.services import import_file
from tests.clients.factories import make_client

UNIQUE = "client_prefix_ci_unique_per_account"


def _through_an_index(plan: str) -> bool:
    """SQLite reads through the unique index; PostgreSQL through it or its trigram index on the
    same expression (for search), whichever its statistics prefer: either way the prefixes are
    the index's condition, not a filter over the account's clients."""
    if connection.vendor == "sqlite":
        return UNIQUE in plan
    conditions = [line for line in plan.splitlines() if "Index Cond:" in line]
    return any("upper((prefix)::text)" in line for line in conditions)


def _plans(captured) -> list[str]:
    """The plan of each captured read of clients that compares or sorts by prefix. PostgreSQL
    is told to avoid whole-table scans, since on a handful of rows it would rightly choose
    one: what is checked is that the index can serve the query's expression at all."""
    plans = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
        try:
            for query in captured:
                sql = query["sql"]
                if not sql.startswith("SELECT") or 'UPPER("clients_client"."prefix")' not in sql:
                    continue
                if connection.vendor == "sqlite":
                    cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                    plans.append("\n".join(str(row[-1]) for row in cursor.fetchall()))
                else:
                    cursor.execute(f"EXPLAIN {sql}")
                    plans.append("\n".join(row[0] for row in cursor.fetchall()))
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("RESET enable_seqscan")
    return plans


@pytest.fixture
def prefixes(cast) -> list[str]:
    """Four clients made as a person would, and 2,000 more written directly, so that
    PostgreSQL's statistics see the prefix index as the selective one (on a handful of rows
    any index would do). Returns every prefix of the account."""
    made = [make_client(cast, prefix=p, name=f"Client {p}") for p in ("MID", "AB1", "ZZ9", "AB2")]
    Client.objects.bulk_create(
        Client(
            account=cast.account,
            prefix=f"Q{n:04d}",
            name=f"Bulk {n}",
            status="active",
            status_changed_at=made[0].status_changed_at,
        )
        for n in range(2000)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE clients_client")
    return list(Client.objects.filter(account=cast.account).values_list("prefix", flat=True))


def test_a_prefix_already_taken_is_refused_whatever_its_case_through_the_unique_index(
    cast, prefixes
):
    with CaptureQueriesContext(connection) as captured, pytest.raises(ValidationError) as refused:
        client_create(account=cast.account, actor=None, prefix="ab1", name="Again", status="lead")
    assert "Another client of this account already uses AB1." in str(refused.value)
    plans = _plans(captured.captured_queries)
    assert plans and all(_through_an_index(plan) for plan in plans), plans


def test_an_import_finds_its_rows_clients_by_prefix_through_the_index(cast, prefixes, tmp_path):
    path = tmp_path / "rename.csv"
    path.write_text("Prefix,Name,Parent prefix\r\nab1,Renamed,zz9\r\nNEW1,Brand new,AB2\r\n")
    with CaptureQueriesContext(connection) as captured:
        job = import_file(
            account=cast.account, membership=cast.owner, kind="clients", path=str(path)
        )
    assert job.state == State.DONE, job.failure
    assert job.counts["updated"] == 1 and job.counts["created"] == 1
    renamed = Client.objects.select_related("parent").get(account=cast.account, prefix="AB1")
    assert (renamed.name, renamed.parent.prefix) == ("Renamed", "ZZ9")
    plans = _plans(captured.captured_queries)
    assert plans and all(_through_an_index(plan) for plan in plans), plans


@pytest.mark.parametrize("descending", [False, True])
def test_the_list_sorted_by_prefix_pages_in_prefix_order(cast, prefixes, descending):
    seen, cursor, captured_all = [], None, []
    for _page in range(3):
        with CaptureQueriesContext(connection) as captured:
            page = client_page(
                membership=cast.owner,
                filters=ClientFilters(),
                sort="prefix",
                descending=descending,
                cursor=cursor,
                limit=2,
            )
        captured_all += captured.captured_queries
        seen += [c.prefix for c in page.items]
        cursor = page.next
    assert seen == sorted(prefixes, reverse=descending)[:6]
    plans = _plans(captured_all)
    assert len(plans) >= 2, plans  # the first page and those after a cursor
    if connection.vendor == "sqlite":
        # Read in the index's order (it ends with the rowid, the id the order ends with):
        # no sorting step, however many clients the account has.
        assert all(UNIQUE in plan and "TEMP B-TREE" not in plan for plan in plans), plans
