"""Server time of the Clients list with the software columns (app stack and missing apps
indicators, project and revenue opportunity), sorted by project opportunity, at 100,000
clients, each beside the SQL floor of its main query; and the cost of a catalog change (every
client's opportunity recomputed).

    .venv/bin/python bench/software.py                                        # SQLite
    .venv/bin/python scripts/with_postgres.py .venv/bin/python bench/software.py   # PostgreSQL
    .venv/bin/python bench/software.py --quick        # 5,000 clients, 10 runs, var/bench/

As bench/devices.py, reusing bench/clients.py's measuring (Bench, Scenario): a throwaway
database, migrated; an account of --clients clients (bench/clientdata.py) with the starter
catalog; 0 to 6 apps of it in each client's stack (about one in seven flagged problematic),
written straight to the table; then every opportunity computed once, as a catalog change does
(`software.opportunity.opportunities_recompute`, timed). Then, through Django's handler
in-process:

- the Clients page, Active tab (its default columns: the indicators and the opportunities),
  sorted by project opportunity, highest first, first page (50);
- the same with `problematic_app=any` and with `min_project_opportunity=2000`;
- GET /api/v1/clients?order=-project_opportunity (its `opportunity` of each client).

Results: bench/results/software-<sqlite|postgres>.json and .md (--quick: var/bench/).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
RESULTS = ROOT / "bench" / "results"


def generate_stacks(roster, *, seed: int, log) -> dict:
    from django.core.management.color import no_style
    from django.db import connection

    from bench.clientdata import _bulk_load, _Writer
    from clientdesk.clients.models import Client
    from clientdesk.software.models import Application, ClientApp
    from clientdesk.software.opportunity import opportunities_recompute

    rng = random.Random(seed)
    account = roster.account
    apps = list(Application.objects.filter(account=account).values_list("pk", flat=True))
    clients = list(
        Client.objects.filter(account=account, deleted_at=None).values_list("pk", flat=True)
    )
    rows, pk = [], 0
    now = datetime.now(UTC)
    for client_id in clients:
        for app_id in rng.sample(apps, k=rng.randint(0, min(6, len(apps)))):
            pk += 1
            rows.append((pk, account.pk, client_id, app_id, rng.random() < 0.14, "", now))
    t0 = time.perf_counter()
    fields = ["id", "account", "client", "application", "problematic", "note", "added_at"]
    with _bulk_load([ClientApp]):
        _Writer().write(ClientApp, fields, rows)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [ClientApp]):
                cursor.execute(sql)
    write_s = time.perf_counter() - t0
    log(f"    wrote {len(rows):,} stack rows in {write_s:.1f}s; computing every opportunity")
    t1 = time.perf_counter()
    opportunities_recompute(account.pk, None)
    recompute_s = time.perf_counter() - t1
    log(f"    every opportunity computed in {recompute_s:.1f}s (a catalog change)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE software_clientapp")
            cursor.execute("VACUUM ANALYZE software_clientopportunity")
    return {
        "applications": len(apps),
        "stack_rows": len(rows),
        "seconds": {"write": round(write_s, 1), "recompute_all": round(recompute_s, 1)},
    }


def scenarios(roster, token: str):
    from bench.clients import Scenario, is_list_query, reverse_or_none
    from clientdesk.clients import queries as q

    m, slug = roster.owner, roster.account.slug
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    F = q.ClientFilters

    def list_url(query: str):
        def url():
            base = reverse_or_none("client_list", slug)
            return base and f"{base}?{query}"

        return url

    def page(filters):
        return lambda: q.client_page(
            membership=m, filters=filters, sort="project_opportunity", descending=True
        )

    return [
        Scenario(
            "list_plain",
            "Clients page, All tab, by name (no software column: the baseline beside it)",
            list_url("tab=all"),
            is_list_query,
        ),
        Scenario(
            "list_by_project",
            "Clients page, Active tab with the software columns, by project opportunity "
            "(highest first)",
            list_url("tab=active&sort=-project_opportunity"),
            is_list_query,
            page(F(tab="active")),
            expect="opportunity",
        ),
        Scenario(
            "list_problematic",
            "… and problematic_app=any",
            list_url("tab=active&sort=-project_opportunity&problematic_app=any"),
            is_list_query,
            page(F(tab="active", extra={"problematic_app": "any"})),
            expect="problematic",
        ),
        Scenario(
            "list_min_project",
            "… and min_project_opportunity=2000",
            list_url("tab=active&sort=-project_opportunity&min_project_opportunity=2000"),
            is_list_query,
            expect="opportunity",
        ),
        Scenario(
            "api_by_project",
            "API GET /api/v1/clients?order=-project_opportunity (50, with `opportunity`)",
            lambda: "/api/v1/clients?order=-project_opportunity",
            is_list_query,
            headers=auth,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="5,000 clients, 10 runs")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per figure (30)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    if args.quick:
        args.clients = min(args.clients, 5_000)
    args.runs = args.runs or (10 if args.quick else 30)
    args.out = args.out or str(ROOT / "var" / "bench" if args.quick else RESULTS)
    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {text}", flush=True)

    workdir = tempfile.mkdtemp(prefix="clientdesk-bench-software-")
    os.environ["CLIENTDESK_VAR_DIR"] = os.path.join(workdir, "var")
    if not os.environ.get("CLIENTDESK_DATABASE_URL"):
        os.environ["CLIENTDESK_DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    try:
        return run(args, log)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, log) -> int:
    import django

    django.setup()
    from clientdesk.core.tenancy import unscoped_from_here

    unscoped_from_here()  # the bench makes and checks its data across accounts
    from django.core.management import call_command
    from django.db import connection

    from bench import clientdata
    from bench.clients import Bench, machine
    from clientdesk.core.models import Account
    from clientdesk.integrations.services import api_token_create

    log(f"=== software bench on {connection.vendor}: {args.clients:,} clients, {args.runs} runs")
    if Account._meta.db_table in connection.introspection.table_names() and (
        Account.objects.exists()
    ):
        raise SystemExit("bench/software.py needs an empty, throwaway database; this one has data")
    call_command("migrate", verbosity=0)
    roster = clientdata.generate(clients=args.clients, seed=args.seed, log=log)
    data = generate_stacks(roster, seed=args.seed, log=log)
    _, token = api_token_create(membership=roster.owner, name="bench", actor=roster.owner.user)
    bench = Bench(args, roster, log)
    load_before = os.getloadavg()
    results = {}
    log("--- the Clients list with the software columns, beside its floors")
    for sc in scenarios(roster, token):
        results[sc.key] = bench.scenario(sc)
    load_after = os.getloadavg()
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_1m": [round(load_before[0], 2), round(load_after[0], 2)],
        "data": {"clients": roster.clients, **data},
        "runs": args.runs,
        "target": {"median_ms": 50.0},
        "scenarios": results,
    }
    name = "sqlite" if connection.vendor == "sqlite" else "postgres"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"software-{name}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (out / f"software-{name}.md").write_text(markdown(report))
    log(f"=== written {out / f'software-{name}.md'} and .json")
    return 0


def markdown(r: dict) -> str:
    from bench.clients import fmt, fmt_cpu

    d, mach = r["data"], r["machine"]
    lines = [
        f"# The Clients list with the software columns at {d['clients']:,} clients — "
        f"{mach['database']} {mach['database_version']}",
        "",
        f"Measured {r['when']} by `bench/software.py` on {mach['cpus']} CPUs "
        f"(load average {r['load_average_1m'][0]} → {r['load_average_1m'][1]}), "
        f"{r['runs']} timed runs per figure after 3 warm-up runs. Times in ms, median / p95 "
        "(CPU: this process plus the database server's), server time through Django's handler "
        "in-process (no network).",
        "",
        f"Data: {d['stack_rows']:,} stack rows over {d['clients']:,} clients, a catalog of "
        f"{d['applications']} applications; every opportunity computed in "
        f"{d['seconds']['recompute_all']} s (what a catalog change costs).",
        "",
        "| what | median / p95 (CPU) | query functions | main query floor | × floor | queries "
        "| all SQL floors | < 50 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in r["scenarios"].values():
        figure = s.get("page") or s.get("query_functions")
        if not figure:
            lines.append(f"| {s['title']} | missing | — | — | — | — | — | — |")
            continue
        fast = "yes" if figure["median"] < r["target"]["median_ms"] else "**no**"
        lines.append(
            f"| {s['title']} | {fmt_cpu(figure)} | {fmt(s.get('query_functions'))} "
            f"| {fmt(s['floor'])} | {s['ratio']} | {s['queries']} "
            f"| {s['all_queries_floor_ms']:.1f} | {fast} |"
        )
    lines += ["", "## Plans of the main queries", ""]
    for s in r["scenarios"].values():
        if s.get("explain"):
            lines += [f"**{s['title']}**", "", "```", s["explain"], "```", ""]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
