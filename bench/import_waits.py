"""How long another person's write waits while an import runs (docs/import-speed.md, "Other
people's writes during an import").

    .venv/bin/python bench/import_waits.py                        # SQLite, 40,000 rows
    .venv/bin/python scripts/with_postgres.py .venv/bin/python bench/import_waits.py
    .venv/bin/python bench/import_waits.py --rows 100000 --writes 100

The scene of tests/transfer/test_import_concurrency.py, with more writes: a fresh database
(SQLite in a temporary folder, or the empty one CLIENTDESK_DATABASE_URL names), an account, a
CSV of new clients, and `clientdesk importfile` in a process of its own; once its first batch
is in, this process creates a client through `client_create` every 50 ms and times each. It
prints the waits' median, 95th percentile, longest and how many took over a second, and the
import's wall time (rows/s), which the writes slow down.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--writes", type=int, default=50, help="at most, while the import runs")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="clientdesk-bench-waits-"))
    try:
        return run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path) -> int:
    url = os.environ.get("CLIENTDESK_DATABASE_URL") or f"sqlite:///{workdir / 'waits.sqlite3'}"
    os.environ.update(
        CLIENTDESK_DATABASE_URL=url,
        CLIENTDESK_DEBUG="1",
        CLIENTDESK_VAR_DIR=str(workdir / "var"),
        DJANGO_SETTINGS_MODULE="clientdesk.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.importrun import PASSWORD
    from clientdesk.clients.services import client_create
    from clientdesk.core.services import account_create, user_create
    from clientdesk.core.tenancy import unscoped_from_here
    from clientdesk.transfer.models import ImportJob

    unscoped_from_here()  # a script's own set-up and writes, in its one account
    call_command("migrate", verbosity=0)
    owner = user_create(email="owner@waits.example", password=PASSWORD)
    account = account_create(name="Waits", slug="waits", owner=owner)
    path = workdir / "clients.csv"
    lines = ["Prefix,Name,Status,Status since"]
    lines += [f"K{i:07d},Client {i},active,2024-01-{1 + i % 28:02d}" for i in range(args.rows)]
    path.write_text("\n".join(lines) + "\n")
    command = [sys.executable, "-m", "clientdesk", "importfile", "clients", str(path)]
    began = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}  # this checkout's code, as here
    importer = subprocess.Popen(
        [*command, "--account", "waits", "--mode", "create"], env=env, stdout=subprocess.DEVNULL
    )
    waits: list[float] = []
    while not ImportJob.objects.for_account(account).filter(rows_done__gt=0).exists():
        if importer.poll() is not None:
            print("the import ended before its first batch was seen")
            return 1
        time.sleep(0.02)
    while importer.poll() is None and len(waits) < args.writes:
        t = time.monotonic()
        client_create(
            account=account, actor=None, prefix=f"W{len(waits):05d}", name="Edited meanwhile"
        )
        waits.append(time.monotonic() - t)
        time.sleep(0.05)
    if importer.wait() != 0:
        print("the import failed")
        return 1
    seconds = time.monotonic() - began
    if not waits:
        print("the import ended before any write; give more --rows")
        return 1
    waits.sort()
    print(
        f"{connection.vendor}, {args.rows:,} rows in {seconds:.1f}s ({args.rows / seconds:,.0f}"
        f" rows/s, with the writes); {len(waits)} writes: median {statistics.median(waits):.3f}s,"
        f" p95 {waits[int(0.95 * (len(waits) - 1))]:.3f}s, longest {waits[-1]:.3f}s,"
        f" over 1 s: {sum(w > 1 for w in waits)}; load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
