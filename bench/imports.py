"""Import speed (issue 5 point 9): 100,000 clients from CSV and from XLSX, our engine beside
django-import-export and the raw floor, each in a fresh process on a fresh database.

    .venv/bin/python bench/imports.py                                        # SQLite, ~4 min
    .venv/bin/python scripts/with_postgres.py .venv/bin/python bench/imports.py   # PostgreSQL
    .venv/bin/python bench/imports.py --rows 2000        # a quick try, results into var/bench/
    .venv/bin/python bench/imports.py --million          # also our engine on 1,000,000 rows

Without CLIENTDESK_DATABASE_URL the run works in a temporary folder with SQLite files; with it
(as scripts/with_postgres.py sets it) the database must be empty and the role may create
databases. The run migrates that database once (with bench/ie_app, the model
django-import-export fills), then gives every contender a copy of it (SQLite: a file copy;
PostgreSQL: CREATE DATABASE … TEMPLATE) and a fresh account, and runs the contender in a child
process of its own (bench/importrun.py): its wall time from the first byte read to the last
commit, its CPU time (plus the PostgreSQL server's, all its processes), its peak memory (the child's
ru_maxrss, from wait4), and the rows it left in each table.

The files (bench/importdata.py, cached under var/bench/) are the same for everyone: 100,000
rows, and the first 10,000 of them for django-import-export's default settings, which run at
a few hundred rows a second. Our engine runs last; while transfer.services.import_file raises
NotImplementedError its lines read "not yet measured".

Results: bench/results/imports-<sqlite|postgres>.{json,md}, and the results section of
docs/import-speed.md rebuilt from both JSON files (targets met or not, from the figures). With
--rows other than 100,000 or --only, results go to var/bench/ and the docs are left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
RESULTS = ROOT / "bench" / "results"
SCRATCH = ROOT / "var" / "bench"
DOCS = ROOT / "docs" / "import-speed.md"
SETTINGS = "bench.import_settings"
MILLION = 1_000_000


@dataclass
class Run:
    key: str  # contender/format, plus /1m for the memory check
    contender: str
    fmt: str
    rows: int


def plan(args) -> list[Run]:
    n, small = args.rows, min(args.rows, args.default_rows)
    runs = [
        Run("floor_client/csv", "floor_client", "csv", n),
        Run("floor_all/csv", "floor_all", "csv", n),
        Run("floor_all/xlsx", "floor_all", "xlsx", n),
        Run("ie_default/csv", "ie_default", "csv", small),
        Run("ie_default/xlsx", "ie_default", "xlsx", small),
        Run("ie_fast/csv", "ie_fast", "csv", n),
        Run("ie_fast/xlsx", "ie_fast", "xlsx", n),
        Run("engine/csv", "engine", "csv", n),  # ours last
        Run("engine/xlsx", "engine", "xlsx", n),
    ]
    if args.million:
        runs += [
            # The same tables' writes in raw SQL at that size: how much of the slowdown the
            # database's own work at a million rows leaves to any importer.
            Run("floor_all/csv/1m", "floor_all", "csv", args.million_rows),
            Run("engine/csv/1m", "engine", "csv", args.million_rows),
            Run("engine/xlsx/1m", "engine", "xlsx", args.million_rows),
        ]
    only = set(filter(None, (args.only or "").split(",")))
    formats = set(args.formats.split(","))
    return [
        r for r in runs if r.fmt in formats and (not only or r.contender in only or r.key in only)
    ]


class Databases:
    """A migrated template database and a fresh copy of it for each contender."""

    def __init__(self, workdir: Path, url: str | None) -> None:
        self.workdir, self.url = workdir, url
        self.vendor = "postgresql" if url else "sqlite"
        self.template_url = url or f"sqlite:///{workdir / 'template.sqlite3'}"

    def _admin(self):
        import psycopg

        parts = urlsplit(self.url)
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)

    def fresh(self, name: str) -> str:
        if self.vendor == "sqlite":
            target = self.workdir / f"{name}.sqlite3"
            shutil.copyfile(self.workdir / "template.sqlite3", target)
            return f"sqlite:///{target}"
        template = urlsplit(self.url).path.lstrip("/")
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return urlunsplit(urlsplit(self.url)._replace(path=f"/{name}"))

    def drop(self, name: str) -> None:
        if self.vendor == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                (self.workdir / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
            return
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_template(dbs: Databases, log) -> dict:
    """Migrate the template database and read what the run needs from it; close it after."""
    os.environ["CLIENTDESK_DATABASE_URL"] = dbs.template_url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()

    from clientdesk.core.tenancy import unscoped_from_here

    unscoped_from_here()  # the bench makes and checks its data across accounts
    from django.core.management import call_command
    from django.db import connection, connections

    from clientdesk.clients.services import DEFAULT_INDUSTRIES
    from clientdesk.core.models import Account
    from clientdesk.transfer.kinds import CLIENTS

    if Account._meta.db_table in connection.introspection.table_names() and (
        Account.objects.exists()
    ):
        raise SystemExit("bench/imports.py needs an empty, throwaway database; this one has data")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"    migrated the template database in {time.perf_counter() - t:.1f}s")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one self-contained file to copy
            cursor.execute("SELECT sqlite_version()")
        else:
            cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connections.close_all()  # PostgreSQL copies a template only while nobody is connected
    return {
        # The 20 columns importdata writes (not Client since: its rows are new clients).
        "headers": [str(c.label) for c in CLIENTS.columns if c.name != "client_since"],
        "industries": list(DEFAULT_INDUSTRIES),
        "database_version": version,
    }


def cpu_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def wait_for_quiet(max_seconds: float = 5.0, busy_share: float = 0.2) -> float:
    """Wait (up to max_seconds) until others use under busy_share of the machine's CPUs;
    answers the share seen last. Other work on the machine stretches every wall time."""
    deadline = time.monotonic() + max_seconds
    while True:
        b0, t0 = cpu_jiffies()
        time.sleep(0.5)
        b1, t1 = cpu_jiffies()
        share = (b1 - b0) / max(t1 - t0, 1)
        if share < busy_share or time.monotonic() > deadline:
            return share


def run_child(
    run: Run, path: Path, dbs: Databases, workdir: Path, index: int, profile: Path | None = None
) -> dict:
    name = f"bench_imports_{index}"
    url = dbs.fresh(name)
    result_path = workdir / f"{name}.json"
    env = {
        **os.environ,
        "CLIENTDESK_DATABASE_URL": url,
        "CLIENTDESK_VAR_DIR": str(workdir / f"var-{index}"),
        "DJANGO_SETTINGS_MODULE": SETTINGS,
    }
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", run.contender]
    cmd += ["--file", str(path), "--fmt", run.fmt, "--rows", str(run.rows)]
    cmd += ["--result", str(result_path)]
    if profile is not None:
        cmd += ["--profile-to", str(profile)]
    quiet = wait_for_quiet()
    busy_before, total_before = cpu_jiffies()
    t = time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, env=env)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not all children's
        busy_after, total_after = cpu_jiffies()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if result_path.exists():
            out = json.loads(result_path.read_text())
        else:
            out = {"status": "failed", "error": f"the child exited {proc.returncode}"}
        # The whole child's peak, counting included; the report's figure is the child's own
        # peak as the contender returned (importrun.child), where it has one.
        out["process_peak_mb"] = round(usage.ru_maxrss / 1024, 1)
        out.setdefault("peak_mb", out["process_peak_mb"])
        out["process_seconds"] = round(time.perf_counter() - t, 1)
        # CPU the rest of the machine used meanwhile: all busy time, less this process's and
        # (roughly: the timed part only) the PostgreSQL server's.
        tick = os.sysconf("SC_CLK_TCK")
        ours = usage.ru_utime + usage.ru_stime + out.get("db_cpu_seconds", 0)
        others = (busy_after - busy_before) / tick - ours
        out["other_cpu_share"] = round(max(others, 0) / ((total_after - total_before) / tick), 2)
        out["quiet_before"] = round(quiet, 2)
    finally:
        dbs.drop(name)
        shutil.rmtree(workdir / f"var-{index}", ignore_errors=True)
    out.update(key=run.key, contender=run.contender, fmt=run.fmt, rows=run.rows, file=path.name)
    if out.get("status") == "ok":
        out["rows_per_second"] = round(run.rows / out["seconds"])
    return out


def machine(database: str, version: str) -> dict:
    from importlib.metadata import version as pkg

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "database": database,
        "database_version": version,
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            name: pkg(name)
            for name in (
                "django",
                "django-import-export",
                "tablib",
                "openpyxl",
                "python-calamine",
                "psycopg",
            )
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the file (100,000)")
    parser.add_argument(
        "--default-rows",
        type=int,
        default=10_000,
        help="rows for django-import-export's default settings (10,000: it runs minutes)",
    )
    parser.add_argument("--million", action="store_true", help="also our engine on 1,000,000 rows")
    parser.add_argument("--million-rows", type=int, default=MILLION, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument(
        "--only",
        default="",
        help="contenders or run keys, comma-separated (engine, ie_fast, floor_all/xlsx, …)",
    )
    parser.add_argument("--out", default=None, help="results folder (bench/results or var/bench)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run each contender under cProfile (slower: results go to var/bench/, with "
        "profile-<contender>-<format>-<rows>.txt beside them)",
    )
    parser.add_argument(
        "--profile-cpu",
        action="store_true",
        help="--profile, timed by the process's CPU time instead of the wall clock",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--fmt", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile_cpu:
        args.profile = True
        os.environ["BENCH_PROFILE_CLOCK"] = "cpu"  # the children inherit it
    if args.child:
        from bench.importrun import child

        return child(
            contender=args.child,
            path=Path(args.file),
            fmt=args.fmt,
            rows=args.rows,
            result_path=Path(args.result),
            profile_path=Path(args.profile_to) if args.profile_to else None,
        )
    official = (
        args.rows == 100_000
        and args.million_rows == MILLION
        and not args.only
        and args.formats == "csv,xlsx"
        and not args.profile
    )
    out_dir = Path(args.out) if args.out else (RESULTS if official else SCRATCH)

    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {text}", flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="clientdesk-bench-imports-"))
    os.environ["CLIENTDESK_VAR_DIR"] = str(workdir / "var")
    try:
        return run_all(args, workdir, out_dir, official, log, started)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run_all(args, workdir: Path, out_dir: Path, official: bool, log, started: float) -> int:
    from bench import importdata, importreport

    dbs = Databases(workdir, os.environ.get("CLIENTDESK_DATABASE_URL") or None)
    runs = plan(args)
    if not runs:
        raise SystemExit(f"nothing to run: --only {args.only!r} --formats {args.formats!r}")
    sizes = ", ".join(f"{n:,}" for n in sorted({r.rows for r in runs}))
    log(f"=== import bench on {dbs.vendor}: {len(runs)} runs, files of {sizes} rows")
    info = setup_template(dbs, log)
    load_before = os.getloadavg()[0]

    def data_file(rows: int, fmt: str) -> Path:
        return importdata.clients_file(
            count=rows,
            seed=args.seed,
            fmt=fmt,
            headers=info["headers"],
            industries=info["industries"],
            log=log,
        )

    for run in runs:  # generated (or found in the cache) before anything is timed
        if not run.key.endswith("/1m"):
            data_file(run.rows, run.fmt)
    results: list[dict] = []
    for index, run in enumerate(runs):
        if run.key.endswith("/1m"):
            smaller = next((r for r in results if r["key"] == run.key.removesuffix("/1m")), None)
            if smaller is not None and smaller["status"] != "ok":
                # Not worth a million rows (and minutes of generating them): say why.
                status = smaller["status"]
                results.append(
                    {
                        **run.__dict__,
                        "status": status,
                        "error": f"skipped: {smaller['key']} ended {status}",
                        "file": "",
                    }
                )
                log(f"    {run.key}: skipped, {smaller['key']} ended {status}")
                continue
        path = data_file(run.rows, run.fmt)
        profile = None
        if args.profile:
            profile = out_dir / f"profile-{run.contender}-{run.fmt}-{run.rows}.txt"
            out_dir.mkdir(parents=True, exist_ok=True)
        result = run_child(run, path, dbs, workdir, index, profile)
        results.append(result)
        log("    " + importreport.one_line(result))
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(dbs.vendor, info["database_version"]),
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "seed": args.seed,
        "rows": args.rows,
        "data_version": importdata.DATA_VERSION,
        "command": " ".join(["bench/imports.py", *sys.argv[1:]]),
        "seconds": round(time.perf_counter() - started, 1),
        "runs": results,
    }
    name = "sqlite" if dbs.vendor == "sqlite" else "postgres"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"imports-{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (out_dir / f"imports-{name}.md").write_text(importreport.markdown(report))
    log(f"=== written {out_dir / f'imports-{name}.md'} and .json")
    if official and out_dir == RESULTS:
        importreport.update_docs(DOCS, RESULTS)
        log(f"=== results section of {DOCS.relative_to(ROOT)} rebuilt")
    return 0 if all(r["status"] != "failed" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
