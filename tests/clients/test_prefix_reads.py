"""An import looks its rows' clients up by prefix, thousands at once, never through the
search's trigram index, which also holds UPPER(prefix) and took 10 s for a batch's
`= ANY(…)` of 2,500 prefixes when the lookup compared UPPER(prefix); on SQLite, through the
B-tree `client_prefix_idx` (the index and why: clients.models, docs/import-speed.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientdesk.clients.models import Client
from clientdesk.clients.queries import ClientFilters, client_page
from clientdesk.transfer.models import State
from clientdesk.transfer.services import import_file
from tests.clients.factories import make_client

BULK = 3000


@pytest.fixture
def prefixes(cast) -> list[str]:
    """A client made as a person would, and BULK more written directly, with the statistics
    PostgreSQL's planner would have for them. Returns every prefix of the account."""
    first = make_client(cast, prefix="MID", name="Client MID")
    Client.objects.bulk_create(
        Client(
            account=cast.account,
            prefix=f"Q{n:05d}",
            name=f"Bulk {n}",
            status="active",
            status_changed_at=first.status_changed_at,
        )
        for n in range(BULK)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE clients_client")
    return list(Client.objects.filter(account=cast.account).values_list("prefix", flat=True))


def _plans_of_prefix_reads(captured) -> list[str]:
    """The plan of each captured read of clients that names prefixes. PostgreSQL is told to
    avoid whole-table scans, which it rightly prefers on a few thousand rows, so that its plan
    shows which index it would read instead."""
    plans = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
        try:
            for query in captured:
                sql = query["sql"]
                if not sql.startswith("SELECT") or '"clients_client"."prefix" IN (' not in sql:
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


def test_an_import_finds_a_batch_of_prefixes_through_the_prefix_b_tree(cast, prefixes, tmp_path):
    path = tmp_path / "rename.csv"
    lines = ["Prefix,Name"] + [f"q{n:05d},Renamed {n}" for n in range(0, BULK, 2)]
    path.write_text("\r\n".join(lines) + "\r\n")
    with CaptureQueriesContext(connection) as captured:
        job = import_file(
            account=cast.account, membership=cast.owner, kind="clients", path=str(path)
        )
    assert job.state == State.DONE, job.failure
    assert job.counts["updated"] == BULK // 2
    assert Client.objects.get(account=cast.account, prefix="Q00002").name == "Renamed 2"
    plans = _plans_of_prefix_reads(captured.captured_queries)
    assert plans, "the import read no clients by prefix"
    for plan in plans:
        assert "trgm" not in plan, plan
        if connection.vendor == "sqlite":  # PostgreSQL weighs its indexes by the table's size
            assert "client_prefix_idx" in plan, plan


@pytest.mark.parametrize("descending", [False, True])
def test_the_list_sorted_by_prefix_pages_in_prefix_order(cast, prefixes, descending):
    seen, cursor = [], None
    for _page in range(3):
        page = client_page(
            membership=cast.owner,
            filters=ClientFilters(),
            sort="prefix",
            descending=descending,
            cursor=cursor,
            limit=2,
        )
        seen += [c.prefix for c in page.items]
        cursor = page.next
    assert seen == sorted(prefixes, reverse=descending)[:6]
