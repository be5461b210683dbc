"""The engine's pace through one long import, a segment at a time (issue 18: why it slows).

    .venv/bin/python bench/import_pace.py ROWS [csv|xlsx] [SEGMENT]
    PACE_PRAGMAS="wal_autocheckpoint=1000" .venv/bin/python bench/import_pace.py 100000

Imports the bench's file of ROWS rows (bench/importdata.py, cached in var/bench/) into a fresh
SQLite database in a temporary folder, and prints for every SEGMENT rows (50,000) the rows per
second of wall time and of CPU time, and the seconds spent in SQL statements and in commits.
PACE_PRAGMAS: SQLite pragmas (separated by ;) run after the engine's own import settings, to
compare settings in alternating runs. A scratch tool: it prints, and writes no results.
"""

import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]


class Pace:
    """Counts time in SQL statements and commits, and prints a line per segment."""

    def __init__(self, segment: int) -> None:
        self.segment, self.rows = segment, 0
        self.sql = self.commit = 0.0
        self._mark()

    def _mark(self) -> None:
        self.t0, self.cpu0, self.sql0, self.commit0 = (
            time.perf_counter(),
            time.process_time(),
            self.sql,
            self.commit,
        )
        self.rows0 = self.rows

    def sql_wrapper(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += time.perf_counter() - t

    def written(self, rows: int, final: bool, batch_rows: int) -> None:
        self.rows += rows
        n = self.rows - self.rows0
        if n < self.segment and not (final and n):
            return
        wall, cpu = time.perf_counter() - self.t0, time.process_time() - self.cpu0
        sql, commit = self.sql - self.sql0, self.commit - self.commit0
        print(
            f"rows {self.rows:>9,}: {n / wall:6.0f} rows/s {n / cpu:6.0f} rows/cpu-s;"
            f" wall {wall:5.1f}s cpu {cpu:5.1f}s sql {sql:5.1f}s commit {commit:5.1f}s;"
            f" batch {batch_rows}",
            flush=True,
        )
        self._mark()


def main() -> int:
    rows = int(sys.argv[1])
    fmt = sys.argv[2] if len(sys.argv) > 2 else "csv"
    segment = int(sys.argv[3]) if len(sys.argv) > 3 else 50_000
    work = Path(tempfile.mkdtemp(prefix="clientdesk-pace-"))
    os.environ["CLIENTDESK_DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    os.environ["CLIENTDESK_VAR_DIR"] = str(work / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.import_settings"
    try:
        return run(rows, fmt, segment)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(rows: int, fmt: str, segment: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.backends.base.base import BaseDatabaseWrapper

    from bench import importdata, importrun
    from clientdesk.clients.services import DEFAULT_INDUSTRIES
    from clientdesk.core.tenancy import unscoped_from_here
    from clientdesk.transfer import engine, runtime
    from clientdesk.transfer.kinds import CLIENTS
    from clientdesk.transfer.services import import_file

    unscoped_from_here()
    call_command("migrate", verbosity=0)
    path = importdata.clients_file(
        count=rows,
        seed=5,
        fmt=fmt,
        # The bench's 20 columns (bench/imports.py): its data has no Client since.
        headers=[str(c.label) for c in CLIENTS.columns if c.name != "client_since"],
        industries=list(DEFAULT_INDUSTRIES),
    )
    account, membership = importrun._fresh_account()
    pace = Pace(segment)

    commit_batch = engine._commit

    def counted_batch(run, batch, rejected, read, final=False):
        commit_batch(run, batch, rejected, read, final)
        pace.written(len(batch), final, run.batch_rows)

    db_commit = BaseDatabaseWrapper._commit

    def counted_commit(self):
        t = time.perf_counter()
        try:
            return db_commit(self)
        finally:
            pace.commit += time.perf_counter() - t

    pragmas = [p for p in os.environ.get("PACE_PRAGMAS", "").split(";") if p]
    settings = runtime.sqlite_import_settings

    @contextmanager
    def with_pragmas():
        with settings():
            with connection.cursor() as cursor:
                for pragma in pragmas:
                    cursor.execute(f"PRAGMA {pragma}")
            yield

    engine._commit = counted_batch
    BaseDatabaseWrapper._commit = counted_commit
    runtime.sqlite_import_settings = with_pragmas
    t = time.perf_counter()
    with connection.execute_wrapper(pace.sql_wrapper):
        job = import_file(
            account=account, membership=membership, kind="clients", path=str(path), mode="create"
        )
    print(f"{job.state} {job.counts}: {rows / (time.perf_counter() - t):.0f} rows/s overall")
    return 0 if job.state == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
