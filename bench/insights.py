"""Server time of Insights at 100,000 clients and about a million status changes: the metrics
API (evolution for 365 days, summary, the first page of a drill-down) and the whole Insights
page, each beside the bare SQL of the same work run in the same bench; then the same for a
member limited to 1,000 clients (an allow-list), whose figures come from the status intervals
and service periods of those clients (the per-account day deltas cannot serve them).

    .venv/bin/python bench/insights.py                                        # SQLite
    .venv/bin/python scripts/with_postgres.py .venv/bin/python bench/insights.py   # PostgreSQL
    .venv/bin/python bench/insights.py --quick      # 5,000 clients, 10 runs, into var/bench/

As bench/devices.py: a throwaway database, migrated; the roster of bench/clientdata.py (about
ten status changes per client over 18 months, the derived tables written from the history
and checked against it); then, through Django's handler in-process (a bearer token for the API,
a signed-in session for the page), median and p95 of wall time and CPU time over --runs
(bench/clients.py's harness). Beside each figure:

- floor: the request's main query as it was sent, run through a cursor;
- all SQL: the sum of the floors of every query of the request;
- bare SQL: the same work written by hand as one statement (the evolution as a calendar of
  days × statuses left-joined to the day deltas with a running window sum; the summary and
  the drill-down as their one statement) — what the prototype of DESIGN §3 measured.

Targets (issue 16): on PostgreSQL the evolution API ≤ 25 ms median, the summary ≤ 60 ms, the
first page of a drill-down ≤ 30 ms, the whole page ≤ 150 ms; on SQLite within 2× of those.

Results: bench/results/insights-<sqlite|postgres>.json and .md (--quick: var/bench/).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
RESULTS = ROOT / "bench" / "results"
LIMITED_CLIENTS = 1_000
TARGETS_PG = {"evolution": 25.0, "summary": 60.0, "drilldown": 30.0, "page": 150.0}
SQLITE_FACTOR = 2.0


def is_delta_query(sql: str) -> bool:
    return '"clients_statusdaydelta"' in sql


def is_interval_query(sql: str) -> bool:
    return '"clients_statusinterval"' in sql and "GROUP BY" in sql


def is_summary_query(sql: str) -> bool:
    return "p.next_end_day IS NULL OR p.next_end_day >" in sql


def is_drill_page(sql: str) -> bool:
    return 'FROM "clients_client"' in sql and "LIMIT" in sql


def evolution_bare_sql(vendor: str, account_id: int, start: date, end: date) -> tuple[str, list]:
    """Evolution in one hand-written statement: every day of the range × the eight statuses,
    left-joined to the day deltas, a running sum from the baseline before the range."""
    from clientdesk.clients.models import Status

    statuses = " UNION ALL ".join(f"SELECT '{s}' AS status" for s in Status.values)
    if vendor == "postgresql":
        days = "SELECT generate_series(%s::date, %s::date, interval '1 day')::date AS day"
        params: list = [start, end]
    else:
        days = (
            "WITH RECURSIVE d(day) AS (SELECT %s UNION ALL SELECT date(day, '+1 day') FROM d "
            "WHERE day < %s) SELECT day FROM d"
        )
        params = [start.isoformat(), end.isoformat()]
    first = start.isoformat() if vendor != "postgresql" else start
    last = end.isoformat() if vendor != "postgresql" else end
    sql = (
        f"WITH days AS ({days}), st AS ({statuses}), "
        "base AS (SELECT status, SUM(delta) AS n FROM clients_statusdaydelta "
        "WHERE account_id = %s AND day <= %s GROUP BY status), "
        "d AS (SELECT day, status, SUM(delta) AS n FROM clients_statusdaydelta "
        "WHERE account_id = %s AND day > %s AND day <= %s GROUP BY day, status) "
        "SELECT days.day, st.status, COALESCE(base.n, 0) + SUM(COALESCE(d.n, 0)) "
        "OVER (PARTITION BY st.status ORDER BY days.day) "
        "FROM days CROSS JOIN st LEFT JOIN d ON d.day = days.day AND d.status = st.status "
        "LEFT JOIN base ON base.status = st.status ORDER BY 1, 2"
    )
    return sql, [*params, account_id, first, account_id, first, last]


def scenarios(roster, token: str, suffix: str = "", limited: bool = False):
    from bench.clients import Scenario, reverse_or_none
    from clientdesk.insights import queries as q
    from clientdesk.insights.metrics import local_today

    m, slug = roster.owner, roster.account.slug
    end = local_today(roster.account)
    start = end - timedelta(days=364)
    day = end - timedelta(days=30)
    span = f"start={start.isoformat()}&end={end.isoformat()}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    who = f" — limited to {LIMITED_CLIENTS:,} clients" if limited else ""

    def page_queries():
        q.summary(m, start, end)
        q.summary(m, start - timedelta(days=365), start - timedelta(days=1))
        q.evolution(m, start, end)

    return [
        Scenario(
            f"evolution{suffix}",
            f"GET /api/v1/metrics/evolution, 365 days × 8 statuses{who}",
            lambda: f"/api/v1/metrics/evolution?{span}",
            is_interval_query if limited else is_delta_query,
            lambda: q.evolution(m, start, end),
            headers=auth,
        ),
        Scenario(
            f"summary{suffix}",
            f"GET /api/v1/metrics/summary, 365 days{who}",
            lambda: f"/api/v1/metrics/summary?{span}",
            is_summary_query,
            lambda: q.summary(m, start, end),
            headers=auth,
        ),
        Scenario(
            f"drilldown{suffix}",
            f"GET /api/v1/metrics/clients?date=…&status=active, first page of 50 and the count"
            f"{who}",
            lambda: f"/api/v1/metrics/clients?date={day.isoformat()}&status=active",
            is_drill_page,
            lambda: (q.drill_down_page(m, "active", day), q.drill_down_count(m, "active", day)),
            headers=auth,
        ),
        Scenario(
            f"page{suffix}",
            f"The Insights page, last 365 days (two summaries, the evolution, the table){who}",
            lambda: (reverse_or_none("insights", slug) or "") + "?range=365d",
            is_summary_query,
            page_queries,
        ),
    ]


def hinted_bench(bench_class):
    """The harness's Bench, whose floors run the drill-down's SQL as the page sends it: on
    SQLite the page names the intervals' client index (queries.client_index_hinted) below the
    recorder that captured the SQL."""
    from clientdesk.insights.queries import client_index_hinted

    class Hinted(bench_class):
        def floor(self, sql, params, runs):
            if self.vendor == "sqlite":
                sql = client_index_hinted(sql)
            return super().floor(sql, params, runs)

        def explain(self, sql, params):
            if self.vendor == "sqlite":
                sql = client_index_hinted(sql)
            return super().explain(sql, params)

    return Hinted


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="5,000 clients, 10 runs")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per figure (30)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    if args.quick:
        args.clients = min(args.clients, 5_000)
    args.runs = args.runs or (10 if args.quick else 30)
    args.out = args.out or str(ROOT / "var" / "bench" if args.quick else RESULTS)
    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {text}", flush=True)

    workdir = tempfile.mkdtemp(prefix="clientdesk-bench-insights-")
    os.environ["CLIENTDESK_VAR_DIR"] = os.path.join(workdir, "var")
    if not os.environ.get("CLIENTDESK_DATABASE_URL"):
        os.environ["CLIENTDESK_DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    try:
        return run(args, log)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def limited_member(roster, log):
    """A viewer whose allow-list holds 1,000 clients without sub-clients (so exactly 1,000)."""
    from bench import clientdata
    from clientdesk.clients.models import Client
    from clientdesk.core.services import membership_add, membership_set_client_access, user_create

    user = user_create(email="limited@bench.example", password=clientdata.PASSWORD)
    member = membership_add(account=roster.account, user=user, role="viewer", actor=None)
    chosen = list(
        Client.objects.for_account(roster.account)
        .filter(deleted_at=None, archived=False, children__isnull=True)
        .order_by("?")[: min(LIMITED_CLIENTS, roster.clients // 5)]
    )
    membership_set_client_access(
        actor=roster.owner, membership=member, access="allow", clients=chosen
    )
    log(f"    a viewer limited to {len(chosen):,} clients (an allow-list)")
    return member, len(chosen)


def run(args, log) -> int:
    import django

    django.setup()
    from clientdesk.core.tenancy import unscoped_from_here

    unscoped_from_here()  # the bench makes and checks its data across accounts
    from django.core.management import call_command
    from django.db import connection

    from bench import clientdata
    from bench.clients import Bench, machine, timed, verify
    from clientdesk.clients.models import StatusDayDelta, StatusInterval
    from clientdesk.core.models import Account
    from clientdesk.insights.metrics import local_today
    from clientdesk.integrations.services import api_token_create

    log(f"=== insights bench on {connection.vendor}: {args.clients:,} clients, {args.runs} runs")
    if Account._meta.db_table in connection.introspection.table_names() and (
        Account.objects.exists()
    ):
        raise SystemExit("bench/insights.py needs an empty, throwaway database; this one has data")
    call_command("migrate", verbosity=0)
    roster = clientdata.generate(clients=args.clients, seed=args.seed, log=log)
    checked = verify(roster, log)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _, token = api_token_create(membership=roster.owner, name="bench", actor=roster.owner.user)
    Bench = hinted_bench(Bench)  # the harness's class, its floors hinted as the page
    bench = Bench(args, roster, log)
    load_before = os.getloadavg()
    results = {}
    log("--- every client: the metrics API and the page, beside their floors")
    for sc in scenarios(roster, token):
        results[sc.key] = bench.scenario(sc)

    end = local_today(roster.account)
    sql, params = evolution_bare_sql(
        connection.vendor, roster.account.pk, end - timedelta(days=364), end
    )

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    rows = bare()
    assert len(rows) == 365 * 8, len(rows)
    results["evolution"]["bare_sql"] = timed(bare, args.runs)
    results["evolution"]["bare_sql_text"] = sql
    log(f"    evolution as one bare SQL statement: {results['evolution']['bare_sql']['median']} ms")
    for key in ("summary", "drilldown"):
        results[key]["bare_sql"] = results[key]["floor"]

    # What a covering index of the service periods (the clients app's to add) would give the
    # summary: made here for the measurement, then dropped.
    from clientdesk.insights import queries as q

    start = end - timedelta(days=364)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX bench_service_period_cover ON clients_serviceperiod "
            "(account_id, start_day, end_day, next_start_day, first_day, client_id)"
        )
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE clients_serviceperiod")
    results["summary"]["with_covering_index"] = timed(
        lambda: q.summary(roster.owner, start, end), args.runs
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX bench_service_period_cover")
    log(
        "    summary query functions with a covering index of service periods: "
        f"{results['summary']['with_covering_index']['median']} ms"
    )

    log(f"--- a member limited to {LIMITED_CLIENTS:,} clients")
    member, listed = limited_member(roster, log)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _, limited_token = api_token_create(membership=member, name="bench", actor=member.user)
    limited_roster = dataclasses.replace(roster, owner=member)
    limited_bench = Bench(args, limited_roster, log)
    for sc in scenarios(limited_roster, limited_token, suffix="_limited", limited=True):
        results[sc.key] = limited_bench.scenario(sc)
        results[sc.key]["bare_sql"] = results[sc.key]["floor"]
    load_after = os.getloadavg()
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_1m": [round(load_before[0], 2), round(load_after[0], 2)],
        "data": {
            "clients": roster.clients,
            "changes": roster.changes,
            "day_delta_rows": StatusDayDelta.objects.for_account(roster.account).count(),
            "interval_rows": StatusInterval.objects.for_account(roster.account).count(),
            "limited_to": listed,
            "derived_check": checked,
        },
        "runs": args.runs,
        "targets_postgres_ms": TARGETS_PG,
        "sqlite_factor": SQLITE_FACTOR,
        "scenarios": results,
    }
    name = "sqlite" if connection.vendor == "sqlite" else "postgres"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"insights-{name}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (out / f"insights-{name}.md").write_text(markdown(report))
    log(f"=== written {out / f'insights-{name}.md'} and .json")
    return 0


def markdown(r: dict) -> str:
    from bench.clients import fmt, fmt_cpu

    d, mach = r["data"], r["machine"]
    sqlite = mach["database"].lower().startswith("sqlite")
    factor = r["sqlite_factor"] if sqlite else 1.0
    lines = [
        f"# Insights at {d['clients']:,} clients and {d['changes']:,} status changes — "
        f"{mach['database']} {mach['database_version']}",
        "",
        f"Measured {r['when']} by `bench/insights.py` on {mach['cpus']} CPUs "
        f"(load average {r['load_average_1m'][0]} → {r['load_average_1m'][1]}), "
        f"{r['runs']} timed runs per figure after 3 warm-up runs. Times in ms, median / p95 "
        "(CPU: this process plus the database server's), server time through Django's handler "
        "in-process (no network).",
        "",
        f"Data: one account, {d['day_delta_rows']:,} day-delta rows, {d['interval_rows']:,} "
        f"status intervals; the derived tables checked equal to the history "
        f"({d['derived_check']['differences']}). The limited member sees {d['limited_to']:,} "
        "clients (an allow-list).",
        "",
        "Targets (issue 16, PostgreSQL; SQLite within 2×): evolution ≤ 25, summary ≤ 60, "
        "drill-down first page ≤ 30, page ≤ 150 ms median."
        + (f" Here (SQLite): × {factor:g}." if sqlite else ""),
        "",
        "| what | median / p95 (CPU) | query functions | main query floor | bare SQL of the "
        "same work | × bare | queries | all SQL floors | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for key, s in r["scenarios"].items():
        figure = s.get("page") or s.get("query_functions")
        if not figure:
            lines.append(f"| {s['title']} | missing | — | — | — | — | — | — | — |")
            continue
        kind = key.removesuffix("_limited")
        target = r["targets_postgres_ms"][kind] * factor
        bare = s.get("bare_sql") or s["floor"]
        ok = "yes" if figure["median"] <= target else "**no**"
        lines.append(
            f"| {s['title']} | {fmt_cpu(figure)} | {fmt(s.get('query_functions'))} "
            f"| {fmt(s['floor'])} | {fmt(bare)} "
            f"| {round(figure['median'] / max(bare['median'], 0.01), 1)} | {s['queries']} "
            f"| {s['all_queries_floor_ms']:.1f} | ≤ {target:g}: {ok} |"
        )
    cover = r["scenarios"].get("summary", {}).get("with_covering_index")
    if cover:
        lines += [
            "",
            "The summary's query functions with a covering index of the service periods "
            "(account, start_day, end_day, next_start_day, first_day, client; made for this "
            f"measurement, not in the schema): {fmt_cpu(cover)}.",
        ]
    lines += ["", "## The evolution as one bare SQL statement", ""]
    evo = r["scenarios"].get("evolution", {})
    if evo.get("bare_sql_text"):
        lines += ["```sql", evo["bare_sql_text"], "```", ""]
    lines += ["## Plans of the main queries", ""]
    for s in r["scenarios"].values():
        if not s.get("explain"):
            continue
        lines += [f"**{s['title']}**", "", "```", s["explain"], "```", ""]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
