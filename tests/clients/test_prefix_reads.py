"""A client's prefix has one index, the unique (account, prefix), and every read by prefix goes
through it: an import's lookup of thousands at once (never through the search's trigram index,
which holds UPPER(prefix) and took 10 s for a batch's `= ANY(…)` of 2,500 prefixes when the
lookup compared UPPER(prefix)) and the list sorted by prefix. The database holds a prefix to
upper case, so that index is unique ignoring case too (clients.models, docs/import-speed.md)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
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


def _prefix_index() -> str:
    """The name the plans give the unique (account, prefix): SQLite names the index of a
    table's UNIQUE clause itself."""
    if connection.vendor == "postgresql":
        return "client_prefix_unique_per_account"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA index_list(clients_client)")
        for _seq, name, _unique, origin, _partial in cursor.fetchall():
            cursor.execute(f"PRAGMA index_info({name})")
            if origin == "u" and [r[2] for r in cursor.fetchall()] == ["account_id", "prefix"]:
                return name
    raise AssertionError("no unique index on (account_id, prefix)")


def _plan(sql: str, params=()) -> str:
    """The plan of one statement, PostgreSQL told to avoid whole-table scans, which it rightly
    prefers on a few thousand rows, so that its plan shows which index it would read instead."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")


def _plans_of_prefix_reads(captured) -> list[str]:
    """The plan of each captured read of clients that names prefixes."""
    return [
        _plan(q["sql"])
        for q in captured
        if q["sql"].startswith("SELECT") and '"clients_client"."prefix" IN (' in q["sql"]
    ]


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
            assert _prefix_index() in plan, plan


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


@pytest.mark.parametrize("descending", [False, True])
def test_the_list_sorted_by_prefix_reads_the_prefix_index_in_order(cast, prefixes, descending):
    """A page sorted by prefix walks the unique index instead of sorting the account: SQLite
    in full (its index ends with the rowid, the id), PostgreSQL with an incremental sort of
    one row per prefix."""
    page = client_page(
        membership=cast.owner, filters=ClientFilters(), sort="prefix", descending=descending
    )
    after = client_page(
        membership=cast.owner,
        filters=ClientFilters(),
        sort="prefix",
        descending=descending,
        cursor=page.next,
    )
    assert len(after.items) == 50
    with CaptureQueriesContext(connection) as captured:
        client_page(
            membership=cast.owner,
            filters=ClientFilters(),
            sort="prefix",
            descending=descending,
            cursor=page.next,
        )
    [sql] = [q["sql"] for q in captured if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]]
    plan = _plan(sql)
    assert _prefix_index() in plan, plan
    if connection.vendor == "sqlite":
        assert "TEMP B-TREE" not in plan, plan
    else:
        assert "Incremental Sort" in plan or "Sort" not in plan, plan


def test_the_database_holds_a_prefix_to_upper_case(cast, prefixes):
    """Written past the services (which upper-case it), a prefix in another case is refused:
    "q00001" would otherwise stand beside "Q00001"."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.filter(account=cast.account, prefix="Q00001").update(prefix=Lower("prefix"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.filter(account=cast.account, prefix="Q00002").update(prefix="Q00001")
    assert Client.objects.filter(account=cast.account, prefix__in=["Q00001", "Q00002"]).count() == 2
