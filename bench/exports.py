"""Exports at 100,000 clients: how soon the download starts, how long it takes, how much memory.

The Clients page's export in its import columns (`/a/<slug>/transfer/export/clients/?columns=
import`), as CSV and as XLSX, through Django's handler in this process (`django.test.Client`),
reading the streamed answer chunk by chunk as a browser would. Beside them, the XLSX writer the
export used before (openpyxl's write-only workbook into a temporary file, then served), fed the
same rows, to show why it was replaced.

For each: the first byte (from the request to the first chunk), the whole download, the bytes,
and the peak of Python's allocations (tracemalloc, in a second pass: tracing slows the code) and
the process's peak RSS growth.

    CLIENTDESK_DATABASE_URL= .venv/bin/python bench/exports.py                     # SQLite
    .venv/bin/python scripts/with_postgres.py .venv/bin/python bench/exports.py    # PostgreSQL
    .venv/bin/python bench/exports.py --clients 10000                             # a quick try

A full run (100,000 clients) writes bench/results/exports-<sqlite|postgres>.{md,json};
anything smaller goes to var/bench/.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
RESULTS = ROOT / "bench" / "results"
FULL = 100_000
TARGET_FIRST_BYTE_S = 1.0
TARGET_TOTAL_S = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=FULL)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--out", default=None)
    parser.add_argument("--no-openpyxl", action="store_true", help="skip the old XLSX writer")
    parser.add_argument(
        "--profile", action="store_true", help="print the XLSX export's costliest functions"
    )
    args = parser.parse_args()
    full = args.clients == FULL
    args.out = args.out or str(RESULTS if full else ROOT / "var" / "bench")
    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {text}", flush=True)

    workdir = tempfile.mkdtemp(prefix="clientdesk-bench-exports-")
    os.environ["CLIENTDESK_VAR_DIR"] = os.path.join(workdir, "var")
    if not os.environ.get("CLIENTDESK_DATABASE_URL"):
        os.environ["CLIENTDESK_DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    try:
        return run(args, log)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _download(get, *, trace: bool) -> dict:
    """One download, read chunk by chunk: first byte, total, bytes (and peak memory)."""
    if trace:
        tracemalloc.start()
    rss_before = _rss_mb()
    cpu_before = time.process_time()
    began = time.perf_counter()
    response = get()
    first = None
    size = chunks = 0
    for chunk in response:
        if first is None and chunk:
            first = time.perf_counter() - began
        size += len(chunk)
        chunks += 1
    total = time.perf_counter() - began
    found = {
        "first_byte_s": round(first or total, 3),
        "total_s": round(total, 2),
        # This process's CPU time (the web server's side; SQLite runs in it too): on a busy
        # machine the wall time grows with the load, this much less.
        "cpu_s": round(time.process_time() - cpu_before, 2),
        "bytes": size,
        "chunks": chunks,
        "rss_growth_mb": round(_rss_mb() - rss_before, 1),
    }
    if trace:
        found["python_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
        tracemalloc.stop()
    return found


def run(args, log) -> int:
    import django

    django.setup()
    from clientdesk.core.tenancy import unscoped_from_here

    unscoped_from_here()  # the bench makes and checks its data across accounts
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench import clientdata
    from clientdesk.clients.models import Client as ClientModel
    from clientdesk.core.models import Account
    from clientdesk.transfer import exports
    from clientdesk.transfer.kinds import CLIENTS

    if Account._meta.db_table in connection.introspection.table_names() and (
        Account.objects.exists()
    ):
        raise SystemExit("bench/exports.py needs an empty, throwaway database; this one has data")
    call_command("migrate", verbosity=0)
    log(f"=== exports on {connection.vendor}: generating {args.clients:,} clients")
    roster = clientdata.generate(clients=args.clients, seed=args.seed, log=log)
    account, owner = roster.account, roster.owner
    http = Client()
    http.force_login(owner.user)
    url = f"/a/{account.slug}/transfer/export/clients/"
    listed = (
        ClientModel.objects.for_account(account).filter(archived=False, deleted_at=None).count()
    )

    def page(fmt: str):
        def get():
            response = http.get(url, {"columns": "import", "format": fmt})
            assert response.status_code == 200, response.status_code
            return response.streaming_content

        return get

    def openpyxl_old():
        """The writer the export used before: the whole sheet to a temporary file first."""
        from openpyxl import Workbook

        def get():
            chunks = exports.listed_client_chunks(
                membership=owner,
                filters=_filters(),
            )
            rows = exports.client_chunk_rows_for_import(chunks, account)
            book = Workbook(write_only=True)
            sheet = book.create_sheet(title="Clients")
            sheet.append(exports.import_header(CLIENTS))
            for row in rows:
                sheet.append(row)
            handle = tempfile.TemporaryFile()  # noqa: SIM115 - read to its end, then dropped
            book.save(handle)
            handle.seek(0)
            return iter(lambda: handle.read(64 * 1024), b"")

        return get

    def _filters():
        from clientdesk.clients.views.listing import ListState

        return ListState.from_query({}).filters

    # A first request loads what a process loads once (URLs, templates): not the export's time.
    _download(
        lambda: http.get(url, {"columns": "import", "format": "csv", "q": "-"}).streaming_content,
        trace=False,
    )
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(_download, page("xlsx"), trace=False)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        return 0
    contenders = [("csv", page("csv")), ("xlsx", page("xlsx"))]
    if not args.no_openpyxl:
        contenders.append(("xlsx, openpyxl write-only (before)", openpyxl_old()))
    results = {}
    for name, get in contenders:
        log(f"--- {name}")
        timed = _download(get, trace=False)
        traced = _download(get, trace=True)
        timed["python_peak_mb"] = traced["python_peak_mb"]
        results[name] = timed
        log(f"    {timed}")
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "clients_listed": listed,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "target": {"first_byte_s": TARGET_FIRST_BYTE_S, "total_s": TARGET_TOTAL_S},
        "results": results,
    }
    name = "sqlite" if connection.vendor == "sqlite" else "postgres"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"exports-{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / f"exports-{name}.md").write_text(markdown(report))
    log(f"=== written {out / f'exports-{name}.md'}")
    return 0


def markdown(r: dict) -> str:
    lines = [
        f"# Exports of {r['clients_listed']:,} clients on {r['database']} ({r['when']})",
        "",
        f"Load average (1 min) at the end: {r['load_average_1m']}. Targets: first byte under"
        f" {r['target']['first_byte_s']} s, the whole download under {r['target']['total_s']} s,"
        " memory flat.",
        "",
        "| export | first byte | whole download | CPU | size | Python peak | RSS growth |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, x in r["results"].items():
        lines.append(
            f"| {name} | {x['first_byte_s']:.3f} s | {x['total_s']:.2f} s | {x['cpu_s']:.2f} s |"
            f" {x['bytes'] / 1e6:.1f} MB | {x['python_peak_mb']} MB | {x['rss_growth_mb']} MB |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
