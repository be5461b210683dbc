"""One contender of the import benchmark, run inside its own child process (bench/imports.py).

The child sets Django up against a fresh copy of the migrated database, creates a fresh
account (its owner and three managers, through the core services as `clientdesk newaccount`
does), and times one contender function from the first byte read to the last commit. It
then counts, untimed, the rows the contender left in each table of that account, and writes
its figures as JSON for the parent; the parent reads the child's peak memory (ru_maxrss)
from wait4.

Contenders (each a function of `Ctx`; a new one is one more entry in CONTENDERS):
- `engine`: Clientdesk's `transfer.services.import_file(…, kind="clients", mode="create")`.
- `ie_default`, `ie_fast`: django-import-export into bench/ie_app's model (ie_app/resources.py),
  the file read by its own format classes (tablib; openpyxl for XLSX) as its admin does.
- `floor_all`: the raw floor, the same rows written with no checks into every table our
  engine writes for a client (importfloor.py); `floor_client`: clients_client alone.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "bench-only-password-nobody-types"
TIME_ZONE = "Europe/Madrid"
# The tables a client row ends up in (per account), counted after each contender.
TABLES = [
    "clients_client",
    "clients_statuschange",
    "clients_statusinterval",
    "clients_serviceperiod",
    "clients_statusdaydelta",
    "clients_clienttag",
    "clients_tag",
    "contacts_contact",
    "audit_activity",
    "software_clientopportunity",
    "ie_app_importedclient",
]


@dataclass
class Ctx:
    account: object
    membership: object
    path: Path
    fmt: str
    rows: int


class NotYetThere(Exception):
    """The contender's code is not written yet (NotImplementedError, or a module of it that
    does not import yet)."""


def engine(ctx: Ctx) -> dict:
    try:
        from clientdesk.transfer.services import import_file

        job = import_file(
            account=ctx.account,
            membership=ctx.membership,
            kind="clients",
            path=str(ctx.path),
            mode="create",
        )
    except NotImplementedError as exc:
        raise NotYetThere(f"NotImplementedError: {exc}") from None
    except ImportError as exc:
        if not (exc.name or "").startswith("clientdesk."):
            raise
        raise NotYetThere(f"{exc} (being written)") from None
    detail = {"state": job.state, "counts": job.counts, "failure": job.failure[:500]}
    if job.state != "done":
        raise RuntimeError(f"the import job ended {job.state}: {job.failure[:300]}")
    return detail


def _dataset(ctx: Ctx):
    from import_export.formats.base_formats import CSV, XLSX

    if ctx.fmt == "csv":
        return CSV().create_dataset(ctx.path.read_text(encoding="utf-8"))
    return XLSX().create_dataset(ctx.path.read_bytes())


def _import_export(ctx: Ctx, resource_class) -> dict:
    dataset = _dataset(ctx)
    result = resource_class(account=ctx.account).import_data(dataset, raise_errors=True)
    totals = dict(result.totals)
    if totals.get("error") or totals.get("invalid"):
        raise RuntimeError(f"import-export reported errors: {totals}")
    return {"totals": totals}


def ie_default(ctx: Ctx) -> dict:
    from bench.ie_app.resources import ClientResource

    return _import_export(ctx, ClientResource)


def ie_fast(ctx: Ctx) -> dict:
    from bench.ie_app.resources import FastClientResource

    return _import_export(ctx, FastClientResource)


def floor_all(ctx: Ctx) -> dict:
    from bench.importfloor import floor

    return floor(account=ctx.account, owner=ctx.membership.user, path=ctx.path, fmt=ctx.fmt)


def floor_client(ctx: Ctx) -> dict:
    from bench.importfloor import floor

    return floor(
        account=ctx.account, owner=ctx.membership.user, path=ctx.path, fmt=ctx.fmt, only_client=True
    )


CONTENDERS: dict[str, Callable[[Ctx], dict]] = {
    "engine": engine,
    "ie_default": ie_default,
    "ie_fast": ie_fast,
    "floor_all": floor_all,
    "floor_client": floor_client,
}


def _fresh_account():
    from bench.importdata import MANAGER_EMAILS, OWNER_EMAIL
    from clientdesk.core.models import Membership
    from clientdesk.core.services import account_create, membership_add, user_create

    owner = user_create(email=OWNER_EMAIL, password=PASSWORD)
    account = account_create(
        name="Import Bench", slug="import-bench", owner=owner, time_zone=TIME_ZONE
    )
    for email in MANAGER_EMAILS:
        membership_add(
            account=account,
            user=user_create(email=email, password=PASSWORD),
            role="manager",
            actor=owner,
        )
    return account, Membership.objects.select_related("user").get(account=account, user=owner)


def _counts(account_id: int) -> dict[str, int]:
    from django.db import connection

    present = set(connection.introspection.table_names())
    out = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            if table in present:
                cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE account_id = %s", [account_id])
                out[table] = cursor.fetchone()[0]
    return out


def _db_backend_cpu() -> tuple[int, float] | None:
    """PostgreSQL: the server's CPU seconds so far, all its processes (from /proc): the
    postmaster's own and its children's, those still running and those that ended (the
    postmaster reaps them, and their time moves into its cutime and cstime). The engine
    writes from a connection of its own (transfer.engine's pipeline), whose server process
    ends with the import; the whole server's time also counts the log writer and the
    checkpointer, which work for the import too. Answers (the postmaster's pid, seconds)."""
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        return None

    def stat(pid: int) -> list[str]:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            postmaster = int(stat(cursor.fetchone()[0])[1])
        own = stat(postmaster)
        ticks = sum(int(v) for v in own[11:15])  # utime, stime, cutime, cstime
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = stat(int(entry.name))
            except OSError:  # ended meanwhile
                continue
            if int(fields[1]) == postmaster:
                ticks += int(fields[11]) + int(fields[12])
    except (OSError, DatabaseError):  # after a failed contender: no figure, not a crash
        return None
    return postmaster, ticks / os.sysconf("SC_CLK_TCK")


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def _peak_mb() -> float:
    """The process's peak resident memory so far (VmHWM; exec started it afresh)."""
    return _status_mb("VmHWM")


# Where an engine row's time goes: each stage is the cumulative time of the functions named
# (file suffix, function), as cProfile measured them; SQL run inside a stage counts in it.
STAGES = [
    ("read (the file's records)", [("transfer/readers/delimited.py", "rows"),
                                   ("transfer/readers/workbook.py", "rows")]),
    ("parse (cells to values)", [("transfer/parse.py", "parse")]),
    ("key and repeats", [("transfer/engine.py", "key"), ("core/seenkeys.py", "get"),
                         ("core/seenkeys.py", "setdefault")]),
    ("validate: client rules (checks, lookups)", [("clients/batch/check.py", "_plan_row"),
                                                  ("clients/batch/check.py", "_check_parents")]),
    ("validate: existing prefixes (one query a batch)", [("clients/batch/check.py", "_existing")]),
    ("validate: primary contact", [("contacts/primary_batch.py", "primary_contacts_check")]),
    ("write clients_client", [("clients/batch/write.py", "_insert_clients")]),
    ("write history and derived tables", [("clients/batch/write.py", "_history")]),
    ("write tags", [("clients/batch/write.py", "_set_tags")]),
    ("write contacts_contact", [("contacts/primary_batch.py", "primary_contacts_write")]),
    ("write activity (changes; the job's entry) and tell watchers",
     [("clients/batch/write.py", "_client_activities"), ("clients/batch/write.py", "records_tell")]),
    ("job progress and rejected rows", [("transfer/engine.py", "_record")]),
    ("commit", [("~", "<method 'commit' of 'sqlite3.Connection' objects>"),
                ("psycopg/connection.py", "commit")]),
    ("whole import", [("transfer/engine.py", "_run")]),
]  # fmt: skip


def stages(stats) -> str:
    """A table of STAGES: seconds (cumulative, under cProfile) and share of the whole."""
    found: dict[str, float] = {}
    for (path, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        for stage, functions in STAGES:
            if any(path.endswith(suffix) and name == fn for suffix, fn in functions):
                found[stage] = found.get(stage, 0.0) + cumulative
    whole = found.get("whole import") or 1.0
    lines = ["| stage | seconds (cProfile) | share |", "| --- | ---: | ---: |"]
    for stage, _functions in STAGES:
        seconds = found.get(stage, 0.0)
        lines.append(f"| {stage} | {seconds:.2f} | {100 * seconds / whole:.0f} % |")
    return "\n".join(lines)


def _profiled(fn: Callable[[], dict], out: Path) -> dict:
    """Run fn under cProfile; its 40 costliest functions (own time, then cumulative) to out."""
    import cProfile
    import io
    import pstats

    # Wall time by default (on PostgreSQL a stage's time includes the server's); with
    # `--profile-cpu`, this process's CPU time, which other work on the machine stretches less.
    cpu = os.environ.get("BENCH_PROFILE_CLOCK") == "cpu"
    profile = cProfile.Profile(time.process_time) if cpu else cProfile.Profile()
    try:
        return profile.runcall(fn)
    finally:
        text = io.StringIO()
        stats = pstats.Stats(profile, stream=text)
        text.write(stages(stats) + "\n\n")
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(40)
        out.write_text(text.getvalue())


def child(
    *,
    contender: str,
    path: Path,
    fmt: str,
    rows: int,
    result_path: Path,
    profile_path: Path | None = None,
) -> int:
    """Run one contender (Django is configured by the environment the parent gave)."""
    import django

    django.setup()

    from clientdesk.core.tenancy import unscoped_from_here

    unscoped_from_here()  # the bench makes and checks its data across accounts
    account, membership = _fresh_account()
    before = _counts(account.pk)
    out: dict = {
        "contender": contender,
        "fmt": fmt,
        "rows": rows,
        "baseline_mb": round(_rss_mb(), 1),
        "baseline_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    db_before = _db_backend_cpu()
    cpu, t = time.process_time(), time.perf_counter()
    try:
        ctx = Ctx(account=account, membership=membership, path=path, fmt=fmt, rows=rows)
        if profile_path is None:
            out["detail"] = CONTENDERS[contender](ctx)
        else:
            out["detail"] = _profiled(lambda: CONTENDERS[contender](ctx), profile_path)
        out["status"] = "ok"
    except NotYetThere as exc:
        out["status"] = "not yet measured"
        out["error"] = str(exc)[:300]
    except Exception as exc:
        out["status"] = "failed"
        out["error"] = f"{type(exc).__name__}: {exc}"[:1000]
    out["seconds"] = round(time.perf_counter() - t, 3)
    out["cpu_seconds"] = round(time.process_time() - cpu, 3)
    # The peak as the contender returns: counting its rows below reads every table through
    # SQLite's page cache (64 MB in settings, in this process), which is the bench's work,
    # not the import's (+25 MB at 100,000 rows on SQLite, more at 1,000,000).
    out["peak_mb"] = round(_peak_mb(), 1)
    db_after = _db_backend_cpu()
    if db_before and db_after and db_before[0] == db_after[0]:
        out["db_cpu_seconds"] = round(db_after[1] - db_before[1], 3)
    if out["status"] == "ok":
        after = _counts(account.pk)
        out["written"] = {
            t: after[t] - before.get(t, 0) for t in after if after[t] != before.get(t, 0)
        }
        landed = out["written"].get("clients_client", 0) + out["written"].get(
            "ie_app_importedclient", 0
        )
        if landed != rows:
            out["status"] = "failed"
            out["error"] = f"{landed:,} clients written for {rows:,} rows in the file"
    result_path.write_text(json.dumps(out, indent=2, default=str))
    return 0
