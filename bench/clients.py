"""Server time of the client pages at 100,000 clients, each beside the SQL floor of its query.

    .venv/bin/python bench/clients.py                                       # SQLite, ~1½ min
    .venv/bin/python scripts/with_postgres.py .venv/bin/python bench/clients.py   # PostgreSQL
    .venv/bin/python bench/clients.py --quick         # 5,000 clients, 10 runs, into var/bench/

Without CLIENTDESK_DATABASE_URL the run makes a SQLite file in a temporary folder; with it (as
scripts/with_postgres.py sets it) the database must be empty: the run refuses any database
that already holds an account. It migrates, writes the roster of bench/clientdata.py (an
account with --clients clients and about ten status changes each over 18 months; the derived
tables are checked against the history with derived.differences), then measures through
Django's handler in-process (django.test.Client signed in as the owner, a bearer token for the
API), so each figure is server time without the network:

- the Clients page (first page; filtered and sorted; a search; a page deep in the list), the
  API list, and the page of the client with 500 sub-clients: median and p95 of wall time over
  --runs, and CPU time (this process, plus the PostgreSQL server process), which a busy machine
  does not stretch;
- beside each, the floor: the main query's SQL, as the page sent it, run through a cursor
  (execute + fetch, no model objects), and the sum of the floors of all its queries;
- beside the list, Django's own admin changelist of Client on the same data (bench/urls.py);
- the query functions of clients/queries.py that each page calls (when a page is not there
  yet, only those are measured and the page is marked missing);
- search with and without its index (PostgreSQL: the trigram indexes dropped inside a
  transaction that is rolled back; SQLite: LIKE instead of the FTS5 table).

Results: bench/results/clients-<sqlite|postgres>.json and .md (--quick: var/bench/).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
RESULTS = ROOT / "bench" / "results"
TARGET_MS = 50.0
TARGET_RATIO = 3.0


def ms_stats(samples: list[float], cpu: list[float], db_cpu: float | None) -> dict:
    ordered = sorted(samples)
    return {
        "median": round(statistics.median(ordered), 2),
        "p95": round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)], 2),
        "min": round(ordered[0], 2),
        "cpu_median": round(statistics.median(cpu), 2),
        "db_cpu_mean": None if db_cpu is None else round(db_cpu, 2),
        "runs": len(ordered),
    }


def _db_backend() -> tuple[int, float] | None:
    """PostgreSQL: the pid of this connection's server process and its CPU seconds so far.

    A busy machine stretches wall time while a request waits for a core; CPU time does not
    stretch, so this process's CPU plus its server process's CPU says what the request costs.
    (Parallel workers, when the planner starts any, are not counted.)
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn: Callable[[], object], runs: int, warmup: int = 3) -> dict:
    """Wall time per run, this process's CPU per run, and the database server's CPU per run."""
    for _ in range(warmup):
        fn()
    samples, cpu = [], []
    before = _db_backend()
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c) * 1000)
        samples.append((time.perf_counter() - t) * 1000)
    after = _db_backend()
    db_cpu = None
    if before and after and before[0] == after[0]:  # the same server process throughout
        db_cpu = (after[1] - before[1]) * 1000 / runs
    return ms_stats(samples, cpu, db_cpu)


class Recorder:
    """An execute_wrapper that keeps every query of a request (SQL, parameters, time)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, tuple, float]] = []

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, tuple(params or ()), (time.perf_counter() - t) * 1000))


@contextmanager
def recording():
    from django.db import connection

    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        yield recorder


def is_list_query(sql: str) -> bool:
    """One page of client rows (not a count, not another table's rows that join clients)."""
    return sql.startswith('SELECT "clients_client"."id"') and "LIMIT" in sql and "COUNT(" not in sql


def is_children_query(sql: str) -> bool:
    return '"clients_client"."parent_id" = ' in sql and "COUNT(" in sql


def is_navigator_top_query(sql: str) -> bool:
    return '"nav_lname"' in sql and '"clients_client"."parent_id" IS NULL' in sql and "LIMIT" in sql


def is_navigator_children_query(sql: str) -> bool:
    return '"nav_lname"' in sql and '"clients_client"."parent_id" = ' in sql and "LIMIT" in sql


def is_token_query(sql: str) -> bool:
    return '"integrations_apitoken"' in sql


@dataclass
class Scenario:
    key: str
    title: str
    url: Callable[[], str | None]  # None: the page is not there yet
    main: Callable[[str], bool]  # picks the main query among the request's queries
    queries: Callable[[], object] | None = None  # the query functions the page calls
    headers: dict = field(default_factory=dict)
    # Text the main query must hold, or the page ignored the state it was given.
    expect: str | None = None


class Bench:
    def __init__(self, args, roster, log) -> None:
        from django.db import connection
        from django.test import Client as HttpClient

        self.args, self.roster, self.log = args, roster, log
        self.connection = connection
        self.vendor = connection.vendor
        self.http = HttpClient()
        self.http.force_login(roster.owner.user)

    # --- the pieces of one measurement -------------------------------------------------------

    def get(self, url: str, headers: dict) -> None:
        response = self.http.get(url, **headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")

    def floor(self, sql: str, params: tuple, runs: int) -> dict:
        def run():
            with self.connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        return timed(run, runs)

    def explain(self, sql: str, params: tuple) -> str:
        prefix = (
            "EXPLAIN (ANALYZE, BUFFERS) " if self.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        )
        with self.connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            return "\n".join(" | ".join(str(v) for v in row) for row in cursor.fetchall())

    def profile(self, fn: Callable[[], object], main: Callable[[str], bool]) -> dict:
        """One run with every query kept: how many, the main one, and each query's floor."""
        fn()
        with recording() as rec:
            fn()
        reads = [(s, p, t) for s, p, t in rec.queries if s.lstrip().upper().startswith("SELECT")]
        candidates = [q for q in reads if main(q[0])] or reads
        sql, params, _ = max(candidates, key=lambda q: q[2])
        per_query = []
        for s, p, _t in reads:
            per_query.append((self.floor(s, p, runs=5)["median"], s))
        per_query.sort(reverse=True)
        return {
            "queries": len(rec.queries),
            "main_sql": sql,
            "main_params": [str(v) for v in params],
            "all_queries_floor_ms": round(sum(ms for ms, _ in per_query), 2),
            "top_queries": [{"floor_ms": ms, "sql": s[:400]} for ms, s in per_query[:5]],
            "_main": (sql, params),
        }

    def scenario(self, sc: Scenario) -> dict:
        runs = self.args.runs
        out: dict = {"title": sc.title}
        url = sc.url()
        out["url"] = url
        source = None
        if url is not None:
            try:
                self.get(url, sc.headers)
            except Exception as exc:  # a page being written may still fail: say so, go on
                out["page_error"] = f"{type(exc).__name__}: {exc}"[:500]
                self.log(f"    !! {sc.title}: {out['page_error']}")
                url = None
        if url is not None:
            out["page"] = timed(lambda: self.get(url, sc.headers), runs)
            source = lambda: self.get(url, sc.headers)  # noqa: E731
        else:
            out["page"] = None
        if sc.queries is not None:
            try:
                out["query_functions"] = timed(sc.queries, runs)
                source = source or sc.queries
            except Exception as exc:
                out["query_error"] = f"{type(exc).__name__}: {exc}"[:500]
                self.log(f"    !! {sc.title} (query functions): {out['query_error']}")
        if source is None:
            return out
        prof = self.profile(source, sc.main)
        sql, params = prof.pop("_main")
        out.update(prof)
        if sc.expect and sc.expect not in sql:
            out["warning"] = f"the main query lacks {sc.expect!r}: the state was not applied"
            self.log(f"    !! {sc.title}: {out['warning']}")
        out["floor"] = self.floor(sql, params, runs)
        out["explain"] = self.explain(sql, params)
        figure = out["page"] or out.get("query_functions")
        out["measured"] = "page" if out["page"] else "query functions"
        out["ratio"] = round(figure["median"] / max(out["floor"]["median"], 0.01), 1)
        out["meets_target"] = figure["median"] < TARGET_MS and out["ratio"] <= TARGET_RATIO
        self.log(
            f"    {sc.title}: {out['measured']} {figure['median']:.1f} ms median, "
            f"p95 {figure['p95']:.1f}; floor {out['floor']['median']:.2f} ms; "
            f"{out['queries']} queries, all SQL {out['all_queries_floor_ms']:.1f} ms"
        )
        return out


def reverse_or_none(name: str, *args) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def api_url() -> str | None:
    from django.urls import Resolver404, resolve

    try:
        resolve("/api/v1/clients")
    except Resolver404:
        return None
    return "/api/v1/clients"


def scenarios(roster, token: str) -> list[Scenario]:
    from django.db import connection

    from clientdesk.clients import queries as q

    vendor = connection.vendor
    m, slug = roster.owner, roster.account.slug
    industry = roster.industry_ids[0]
    F = q.ClientFilters

    def page_and_counts(filters, **kw):
        def run():
            q.client_page(membership=m, filters=filters, **kw)
            q.tab_counts(membership=m, filters=filters)

        return run

    def list_url(query: str = "") -> Callable[[], str | None]:
        def url():
            base = reverse_or_none("client_list", slug)
            return base and (f"{base}?{query}" if query else base)

        return url

    # The cursor the pages hand out after the first half of the list (asked once, whatever
    # its format).
    deep = q.client_page(membership=m, filters=F(), limit=roster.clients // 2).next
    deep_prefix = q.client_page(
        membership=m, filters=F(), sort="prefix", limit=roster.clients // 2
    ).next

    def detail():
        client = q.get_client(membership=m, pk=roster.big_parent_id)
        list(q.children(membership=m, parent_id=client.pk))
        list(q.history(client=client))
        q.ancestors(client=client)

    navigator_scenarios = navigator(roster)
    return [
        *navigator_scenarios,
        Scenario(
            "list_first",
            "Clients page, first page",
            list_url(),
            is_list_query,
            page_and_counts(F()),
        ),
        Scenario(
            "list_filtered_sorted",
            "Clients page, Active tab, one industry, newest first",
            list_url(f"tab=active&industry={industry}&sort=-created"),
            is_list_query,
            page_and_counts(F(tab="active", industry=industry), sort="created", descending=True),
            expect='"clients_client"."industry_id" = ',
        ),
        Scenario(
            "list_search",
            f"Clients page, search “{SEARCH_TERM}”",
            list_url(f"q={SEARCH_TERM}"),
            is_list_query,
            page_and_counts(F(q=SEARCH_TERM)),
            expect="clients_client_search" if vendor == "sqlite" else "LIKE UPPER(",
        ),
        Scenario(
            "list_deep",
            "Clients page, a page halfway down (cursor)",
            list_url(f"cursor={deep}"),
            is_list_query,
            lambda: (
                q.client_page(membership=m, filters=F(), cursor=deep),
                q.tab_counts(membership=m, filters=F()),
            ),
            expect='LOWER("clients_client"."name") > ',
        ),
        Scenario(
            "list_deep_prefix",
            "Clients page sorted by prefix, a page halfway down (cursor)",
            list_url(f"sort=prefix&cursor={deep_prefix}"),
            is_list_query,
            lambda: (
                q.client_page(membership=m, filters=F(), sort="prefix", cursor=deep_prefix),
                q.tab_counts(membership=m, filters=F()),
            ),
            expect='"clients_client"."prefix" >= ',
        ),
        Scenario(
            "api_list",
            "API list GET /api/v1/clients",
            api_url,
            is_list_query,
            lambda: q.client_page(membership=m, filters=F(tab="all", archived=False)),
            headers={"HTTP_AUTHORIZATION": f"Bearer {token}"},
        ),
        Scenario(
            "client_500",
            "Client page, a client with 500 sub-clients",
            lambda: reverse_or_none("client_detail", slug, roster.big_parent_id),
            is_children_query,
            detail,
        ),
        Scenario(
            "admin_changelist",
            "Django admin changelist of Client (plain ModelAdmin, 100 rows, counts every row)",
            lambda: "/bench-admin/clients/client/",
            is_list_query,
        ),
        # What any request costs before it reads a list: the same stack (middleware, token,
        # account, ninja, JSON) answering four fields of one account. A page can come no
        # nearer its floor than this request comes to its own.
        Scenario(
            "api_account",
            "API GET /api/v1/account (the stack alone: a token and one account, no list)",
            lambda: "/api/v1/account",
            is_token_query,
            headers={"HTTP_AUTHORIZATION": f"Bearer {token}"},
        ),
    ]


def navigator(roster) -> list[Scenario]:
    """The client navigator (clients/navigator.py): the panel as it opens on a sub-client of
    the client with 500 sub-clients (the top level, that client's first 50 sub-clients, the
    counts), one page of a level deep in the top level and of those 500, and the filter."""
    from django.db.models.functions import Lower

    from clientdesk.clients import navigator as nav
    from clientdesk.clients import queries as q
    from clientdesk.clients.models import Client
    from clientdesk.core.pagination import encode_cursor

    m, slug = roster.owner, roster.account.slug
    kid = q.children(membership=m, parent_id=roster.big_parent_id, limit=1)[0]
    big = q.get_client(membership=m, pk=roster.big_parent_id)
    tops = Client.objects.for_account(m.account_id).filter(parent=None, archived=False)
    middle = tops.annotate(nav_lname=Lower("name")).order_by("nav_lname", "id")[tops.count() // 2]
    deep = encode_cursor([",".join(nav.ORDER), middle.nav_lname, middle.pk])
    hx = {"HTTP_HX_REQUEST": "true"}

    def at(name: str, *args, query: str = "") -> Callable[[], str | None]:
        def url():
            base = reverse_or_none(name, slug, *args)
            return base and f"{base}?{query}"

        return url

    return [
        Scenario(
            "navigator_open",
            "Client navigator, opened on a sub-client of the client with 500 (top level, "
            "its 50 siblings, counts)",
            at("client_navigator", query=f"current={kid.pk}"),
            is_navigator_top_query,
            lambda: nav.navigator(m, current=q.get_client(membership=m, pk=kid.pk)),
            headers=hx,
        ),
        Scenario(
            "navigator_top_deep",
            "Client navigator, a page of the top level halfway down (cursor)",
            at("client_navigator_tops", query=f"cursor={deep}"),
            is_navigator_top_query,
            lambda: nav.tops(m, cursor=deep),
            headers=hx,
        ),
        Scenario(
            "navigator_children",
            "Client navigator, expanding the client with 500 sub-clients (first 50)",
            at("client_navigator_children", roster.big_parent_id),
            is_navigator_children_query,
            lambda: nav.children(m, parent=big),
            headers=hx,
        ),
        Scenario(
            "navigator_filter",
            f"Client navigator, filter “{SEARCH_TERM}” (matches with their way down)",
            at("client_navigator_search", query=f"q={SEARCH_TERM}"),
            is_list_query,
            lambda: nav.matches(m, SEARCH_TERM),
            headers=hx,
        ),
    ]


SEARCH_TERM = "harbor"
SEARCH_TERMS = [
    ("first word of 1 name in 60", SEARCH_TERM),
    ("first word of 1 name in 60, sorting last", "zenith"),
    ("second word of 1 name in 40", "dental"),
    ("a common fragment", "ing"),
    ("part of one prefix", None),  # filled in: a prefix of the data
    ("matches nothing", "qxzv"),
    ("two letters (never indexed)", "ta"),
]


def search_both_ways(bench: Bench, roster, runs: int) -> list[dict]:
    from django.db import transaction

    from clientdesk.clients import queries as q
    from clientdesk.clients.search import search_like

    m = roster.owner
    rows = []
    prefix = q.live_clients(m).order_by("-id").values_list("prefix", flat=True)[0]
    terms = [(label, term or prefix[1:]) for label, term in SEARCH_TERMS]

    def measure(term: str) -> dict:
        filters = q.ClientFilters(q=term)
        page = timed(lambda: q.client_page(membership=m, filters=filters), runs)
        counts = timed(lambda: q.tab_counts(membership=m, filters=filters), runs)
        with recording() as rec:
            q.client_page(membership=m, filters=filters)
        sql, params, _ = next(x for x in rec.queries if is_list_query(x[0]))
        return {"page_query": page, "counts_query": counts, "plan": bench.explain(sql, params)}

    for label, term in terms:
        matches = q.filtered(m, q.ClientFilters(q=term)).count()
        rows.append({"label": label, "term": term, "matches": matches, "indexed": measure(term)})
    if bench.vendor == "postgresql":
        with transaction.atomic():
            with bench.connection.cursor() as cursor:
                cursor.execute("DROP INDEX client_name_trgm_idx")
                cursor.execute("DROP INDEX client_prefix_trgm_idx")
            for row in rows:
                row["no_index"] = measure(row["term"])
            transaction.set_rollback(True)
    else:
        with mock.patch.object(q, "search", search_like):
            for row in rows:
                row["no_index"] = measure(row["term"])
    for row in rows:
        bench.log(
            f"    search {row['term']!r} ({row['matches']} matches): page query "
            f"{row['indexed']['page_query']['median']:.1f} ms indexed, "
            f"{row['no_index']['page_query']['median']:.1f} ms without; counts "
            f"{row['indexed']['counts_query']['median']:.1f} / "
            f"{row['no_index']['counts_query']['median']:.1f} ms"
        )
    return rows


def verify(roster, log) -> dict:
    """The derived tables as the status service would have written them, for every client."""
    from clientdesk.clients import derived

    t = time.perf_counter()
    diff = derived.differences(roster.account)
    seconds = time.perf_counter() - t
    log(f"    derived tables vs history, every client: {diff} differences in {seconds:.1f}s")
    if any(diff.values()):
        raise SystemExit(f"the derived tables disagree with the history: {diff}")
    return {"checked": "all clients", "differences": diff, "seconds": round(seconds, 1)}


def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cursor.fetchone()[0]
    return {
        "database": connection.vendor,
        "database_version": version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="5,000 clients and 10 runs")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per figure (30)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--out", default=None, help="folder for the results (bench/results; --quick: var/bench)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file; print its path")
    parser.add_argument("--data-only", action="store_true", help="build the data, measure nothing")
    args = parser.parse_args()
    if args.quick:
        args.clients = min(args.clients, 5_000)
    args.runs = args.runs or (10 if args.quick else 30)
    args.out = args.out or str(ROOT / "var" / "bench" if args.quick else RESULTS)

    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {text}", flush=True)

    # One temporary folder for the run's var/ (and the SQLite file), removed at the end.
    workdir = tempfile.mkdtemp(prefix="clientdesk-bench-clients-")
    os.environ["CLIENTDESK_VAR_DIR"] = os.path.join(workdir, "var")
    sqlite = not os.environ.get("CLIENTDESK_DATABASE_URL")
    if sqlite:
        os.environ["CLIENTDESK_DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    try:
        return run(args, log)
    finally:
        if sqlite and args.keep:
            print(f"kept {workdir}/bench.sqlite3")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args, log) -> int:
    import django

    django.setup()

    from clientdesk.core.tenancy import unscoped_from_here

    unscoped_from_here()  # the bench makes and checks its data across accounts
    from django.core.management import call_command
    from django.db import connection

    from bench import clientdata
    from clientdesk.core.models import Account
    from clientdesk.integrations.services import api_token_create

    log(f"=== clients bench on {connection.vendor}: {args.clients:,} clients, {args.runs} runs")
    # Checked before migrating: the run must never touch a database that holds anything.
    if Account._meta.db_table in connection.introspection.table_names() and (
        Account.objects.exists()
    ):
        raise SystemExit("bench/clients.py needs an empty, throwaway database; this one has data")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - t
    log(f"    migrated in {migrate_s:.1f}s; generating the data")
    roster = clientdata.generate(clients=args.clients, seed=args.seed, log=log)
    check = verify(roster, log)
    user = roster.owner.user
    type(user).objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    user.refresh_from_db()
    _, token = api_token_create(membership=roster.owner, name="bench", actor=user)

    if args.data_only:
        return 0
    bench = Bench(args, roster, log)
    load_before = os.getloadavg()
    results: dict = {}
    log("--- pages and their floors")
    all_scenarios = scenarios(roster, token)
    for sc in all_scenarios:
        results[sc.key] = bench.scenario(sc)
    log("--- search with and without its index")
    search = search_both_ways(bench, roster, args.runs)
    load_after = os.getloadavg()

    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_1m": [round(load_before[0], 2), round(load_after[0], 2)],
        "data": {
            "clients": roster.clients,
            "status_changes": roster.changes,
            "rows": roster.rows,
            "mix": roster.mix,
            "seconds": {k: round(v, 1) for k, v in roster.seconds.items()},
            "migrate_seconds": round(migrate_s, 1),
            "derived_check": check,
        },
        "runs": args.runs,
        "target": {"median_ms": TARGET_MS, "ratio_to_floor": TARGET_RATIO},
        "scenarios": results,
        "search": search,
    }
    name = "sqlite" if connection.vendor == "sqlite" else "postgres"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"clients-{name}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (out / f"clients-{name}.md").write_text(markdown(report))
    log(f"=== written {out / f'clients-{name}.md'} and .json")
    return 0


TABLE_HEAD = [
    "| what | measured | median / p95 (CPU) | query functions | main query floor | × floor "
    "| queries | all SQL floors | < 50 ms | ≤ 3× floor |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
]


def fmt_cpu(stats: dict | None) -> str:
    if not stats:
        return "—"
    cpu = stats["cpu_median"] + (stats.get("db_cpu_mean") or 0)
    return f"{stats['median']:.1f} / {stats['p95']:.1f} ({cpu:.1f})"


def fmt(stats: dict | None) -> str:
    return "—" if not stats else f"{stats['median']:.1f} / {stats['p95']:.1f}"


def markdown(r: dict) -> str:
    d, mach = r["data"], r["machine"]
    db = f"{mach['database']} {mach['database_version']}"
    lines = [
        f"# Client pages at {d['clients']:,} clients — {db}",
        "",
        f"Measured {r['when']} by `bench/clients.py` on {mach['cpus']} CPUs "
        f"(load average {r['load_average_1m'][0]} → {r['load_average_1m'][1]}), "
        f"{r['runs']} timed runs per figure after 3 warm-up runs. Times in ms, "
        "median / p95, server time through Django's handler in-process (no network).",
        "",
        f"Data: {d['clients']:,} clients, {d['status_changes']:,} status changes over 18 months, "
        f"{d['rows'].get('status intervals', 0):,} status intervals, "
        f"{d['rows'].get('service periods', 0):,} service periods, "
        f"{d['rows'].get('day deltas', 0):,} day deltas, {d['rows'].get('client tags', 0):,} tags "
        f"on clients; now {', '.join(f'{n:,} {k}' for k, n in d['mix'].items())}; "
        f"derived tables checked against the history "
        f"({d['derived_check']['checked']}): {d['derived_check']['differences']}.",
        "",
        f"Target on PostgreSQL: median under {r['target']['median_ms']:.0f} ms and at most "
        f"{r['target']['ratio_to_floor']:.0f}× the floor of the main query.",
        "",
        *TABLE_HEAD,
    ]
    for s in r["scenarios"].values():
        lines.append(row(s))
    lines += [
        "",
        "## Search, with and without its index",
        "",
        "The query of one page of results (50 rows, sorted by name) and the tab counts query, "
        "for the same terms; without the index: "
        + (
            "the trigram indexes dropped in a transaction that is rolled back."
            if mach["database"] == "postgresql"
            else "the LIKE query instead of the FTS5 trigram table."
        ),
        "",
        "| term | matches | page query, indexed | without | counts, indexed | without |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in r["search"]:
        lines.append(
            f"| “{s['term']}” ({s['label']}) | {s['matches']:,} | {fmt(s['indexed']['page_query'])} "
            f"| {fmt(s['no_index']['page_query'])} | {fmt(s['indexed']['counts_query'])} "
            f"| {fmt(s['no_index']['counts_query'])} |"
        )
    lines += ["", "## Where the time goes", ""]
    for s in r["scenarios"].values():
        if not s.get("top_queries"):
            continue
        lines.append(f"**{s['title']}** — {s['queries']} queries; the slowest floors:")
        lines.append("")
        for q in s["top_queries"][:3]:
            sql = q["sql"].replace("\n", " ")
            lines.append(f"- {q['floor_ms']:.2f} ms `{sql[:160]}…`")
        lines.append("")
    return "\n".join(lines) + "\n"


def row(s: dict) -> str:
    page = s.get("page")
    figure = page or s.get("query_functions")
    if not figure:
        return f"| {s['title']} | missing | — | — | — | — | — | — | — | — |"
    measured = "page" if page else "queries only (page missing)"
    fast = "yes" if figure["median"] < TARGET_MS else "**no**"
    near = "yes" if s["ratio"] <= TARGET_RATIO else "**no**"
    return (
        f"| {s['title']} | {measured} | {fmt_cpu(figure)} | {fmt(s.get('query_functions'))} "
        f"| {fmt(s['floor'])} | {s['ratio']} | {s['queries']} | {s['all_queries_floor_ms']:.1f} "
        f"| {fast} | {near} |"
    )


if __name__ == "__main__":
    sys.exit(main())
