"""The frame the domain benches share (bench/tickets.py, bench/devices.py): the command line, a
throwaway database, the client roster (bench/clientdata.py), the domain's own rows, a bearer
token, each scenario measured by bench/clients.py's `Bench` beside its SQL floors, and the
results as JSON and Markdown. A domain bench gives its `Spec`: how it writes its rows, its
scenarios, and the words of its report.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Spec:
    name: str  # "tickets": the option (--tickets), the file names, the log
    rows: int | None  # how many of them by default (None: the bench has no such option)
    clients: int  # the roster's size by default
    quick: tuple[int, int]  # (clients, rows) under --quick
    seed: int
    generate: Callable[..., dict]  # (roster, rows, seed, log) → what the report says of them
    scenarios: Callable[..., list]  # (roster, data, token) → bench.clients.Scenario list
    heading: Callable[[dict], str]  # data → the report's title, before the database's name
    data_line: Callable[[dict], str]  # data → the report's "Data:" sentences
    target_ms: float = 50.0


def main(spec: Spec, doc: str) -> int:
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=spec.clients)
    if spec.rows is not None:
        parser.add_argument(f"--{spec.name}", dest="rows", type=int, default=spec.rows)
    parser.add_argument("--quick", action="store_true", help=f"{spec.quick[0]:,} clients, 10 runs")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per figure (30)")
    parser.add_argument("--seed", type=int, default=spec.seed)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    args.rows = getattr(args, "rows", None)
    if args.quick:
        args.clients = min(args.clients, spec.quick[0])
        args.rows = args.rows if args.rows is None else min(args.rows, spec.quick[1])
    args.runs = args.runs or (10 if args.quick else 30)
    args.out = args.out or str(ROOT / "var" / "bench" if args.quick else RESULTS)
    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {text}", flush=True)

    workdir = tempfile.mkdtemp(prefix=f"clientdesk-bench-{spec.name}-")
    os.environ["CLIENTDESK_VAR_DIR"] = os.path.join(workdir, "var")
    if not os.environ.get("CLIENTDESK_DATABASE_URL"):
        os.environ["CLIENTDESK_DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    try:
        return _run(spec, args, log)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(spec: Spec, args, log) -> int:
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

    rows = f"{args.rows:,} {spec.name}, " if args.rows is not None else ""
    log(
        f"=== {spec.name} bench on {connection.vendor}: {args.clients:,} clients, {rows}{args.runs} runs"
    )
    if Account._meta.db_table in connection.introspection.table_names() and (
        Account.objects.exists()
    ):
        raise SystemExit(f"bench/{spec.name}.py needs an empty, throwaway database; this has data")
    call_command("migrate", verbosity=0)
    roster = clientdata.generate(clients=args.clients, seed=args.seed, log=log)
    data = spec.generate(roster, args.rows, args.seed, log)
    _, token = api_token_create(membership=roster.owner, name="bench", actor=roster.owner.user)
    bench = Bench(args, roster, log)
    load_before = os.getloadavg()
    results = {}
    log(f"--- the {spec.name} scenarios, beside their floors")
    for sc in spec.scenarios(roster, data, token):
        results[sc.key] = bench.scenario(sc)
    load_after = os.getloadavg()
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_1m": [round(load_before[0], 2), round(load_after[0], 2)],
        "data": {"clients": roster.clients, **data},
        "runs": args.runs,
        "target": {"median_ms": spec.target_ms},
        "scenarios": results,
    }
    db = "sqlite" if connection.vendor == "sqlite" else "postgres"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{spec.name}-{db}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (out / f"{spec.name}-{db}.md").write_text(markdown(spec, report))
    log(f"=== written {out / f'{spec.name}-{db}.md'} and .json")
    return 0


def markdown(spec: Spec, r: dict) -> str:
    from bench.clients import fmt, fmt_cpu

    d, mach = r["data"], r["machine"]
    target = r["target"]["median_ms"]
    lines = [
        f"# {spec.heading(d)} — {mach['database']} {mach['database_version']}",
        "",
        f"Measured {r['when']} by `bench/{spec.name}.py` on {mach['cpus']} CPUs "
        f"(load average {r['load_average_1m'][0]} → {r['load_average_1m'][1]}), "
        f"{r['runs']} timed runs per figure after 3 warm-up runs. Times in ms, median / p95 "
        "(CPU: this process plus the database server's), server time through Django's handler "
        "in-process (no network).",
        "",
        f"Data: {spec.data_line(d)}",
        "",
        f"Target: median under {target:.0f} ms.",
        "",
        "| what | median / p95 (CPU) | query functions | main query floor | × floor | queries "
        f"| all SQL floors | < {target:.0f} ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in r["scenarios"].values():
        figure = s.get("page") or s.get("query_functions")
        if not figure:
            lines.append(f"| {s['title']} | missing | — | — | — | — | — | — |")
            continue
        fast = "yes" if figure["median"] < target else "**no**"
        lines.append(
            f"| {s['title']} | {fmt_cpu(figure)} | {fmt(s.get('query_functions'))} "
            f"| {fmt(s['floor'])} | {s['ratio']} | {s['queries']} "
            f"| {s['all_queries_floor_ms']:.1f} | {fast} |"
        )
    lines += ["", "## Plans of the main queries", ""]
    for s in r["scenarios"].values():
        if not s.get("explain"):
            continue
        lines += [f"**{s['title']}**", "", "```", s["explain"], "```", ""]
    return "\n".join(lines) + "\n"
