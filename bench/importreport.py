"""The import benchmark's tables: one page per database, and the results section of the docs.

Every verdict (met / not met) is computed here from the measured figures; nothing is typed in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BEGIN = "<!-- import-results:begin (written by bench/imports.py; edit the code, not this) -->"
END = "<!-- import-results:end -->"
MB_TARGET = 150

LABELS = {
    "floor_client": "Raw floor, clients_client only",
    "floor_all": "Raw floor, every table our engine writes",
    "ie_default": "django-import-export, default settings",
    "ie_fast": "django-import-export, fastest documented settings",
    "engine": "**Clientdesk engine** (`import_file`, mode create)",
}
READERS = {
    ("floor_client", "csv"): "csv module",
    ("floor_all", "csv"): "csv module",
    ("floor_all", "xlsx"): "python-calamine",
    ("ie_default", "csv"): "tablib",
    ("ie_default", "xlsx"): "tablib + openpyxl",
    ("ie_fast", "csv"): "tablib",
    ("ie_fast", "xlsx"): "tablib + openpyxl",
}
DB_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _n(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def rps(run: dict | None) -> int | None:
    return run.get("rows_per_second") if run and run.get("status") == "ok" else None


def figure(run: dict | None) -> str:
    """rows/s, or why there is none."""
    if run is None:
        return "not run"
    if run.get("status") == "ok":
        return _n(run["rows_per_second"])
    if run.get("status") == "not yet measured":
        return "not yet measured"
    return f"failed ({run.get('error', '')[:80]})"


def one_line(r: dict) -> str:
    if r.get("status") != "ok":
        return f"{r['key']}: {r.get('status')} {r.get('error', '')}"
    db = f" + db {r['db_cpu_seconds']:.1f}" if "db_cpu_seconds" in r else ""
    return (
        f"{r['key']}: {r['rows']:,} rows in {r['seconds']:.1f}s = {r['rows_per_second']:,} rows/s; "
        f"CPU {r['cpu_seconds']:.1f}s{db}; peak {r['peak_mb']:.0f} MB (before {r['baseline_mb']:.0f});"
        f" others used {r.get('other_cpu_share', 0):.0%} of the CPUs"
    )


def _by_key(report: dict) -> dict[str, dict]:
    return {r["key"]: r for r in report["runs"]}


@dataclass
class Target:
    label: str
    value: Callable[..., tuple[str, bool | None]]  # (runs, database) → (figure, met)


def _speed(key: str, minimum: int) -> Callable:
    def value(runs, database=None):
        r = runs.get(key)
        speed = rps(r)
        return (figure(r), None) if speed is None else (f"{speed:,} rows/s", speed >= minimum)

    return value


def _versus(ours: str, theirs: str, *, at_least: float | None = None, within: float | None = None):
    def value(runs, database=None):
        a, b = rps(runs.get(ours)), rps(runs.get(theirs))
        if a is None or b is None:
            missing = ours if a is None else theirs
            return f"{figure(runs.get(missing))} ({missing})", None
        if at_least is not None:
            return f"{a / b:.1f}× ({a:,} vs {b:,})", a >= at_least * b
        return f"floor {b / a:.1f}× faster ({b:,} vs {a:,})", b <= within * a

    return value


def _versus_on(ours: str, theirs: str, at_least: dict[str, float]) -> Callable:
    """At least so many times the other's rate, by database (issue 18: 1.5× on SQLite, level
    on PostgreSQL)."""

    def value(runs, database=None):
        return _versus(ours, theirs, at_least=at_least.get(database or "", 1.0))(runs)

    return value


def _keeps_pace(large: str, small: str, share: float) -> Callable:
    """The large file's rate is at least `share` of the smaller file's, in the same run."""

    def value(runs, database=None):
        a, b = rps(runs.get(large)), rps(runs.get(small))
        if a is None or b is None:
            missing = large if a is None else small
            return f"{figure(runs.get(missing))} ({missing})", None
        return f"{a / b:.0%} ({a:,} vs {b:,})", a >= share * b

    return value


def _memory(key: str) -> Callable:
    def value(runs, database=None):
        r = runs.get(key)
        if r is None or r.get("status") != "ok":
            return figure(r), None
        if r["rows"] != 1_000_000:
            return f"{r['peak_mb']:.0f} MB for {r['rows']:,} rows", None
        return f"{r['peak_mb']:.0f} MB", r["peak_mb"] < MB_TARGET

    return value


TARGETS = [
    Target("CSV at ≥ 15,000 rows/s", _speed("engine/csv", 15_000)),
    Target("XLSX at ≥ 10,000 rows/s", _speed("engine/xlsx", 10_000)),
    Target("CSV ≥ 3× import-export's fastest", _versus("engine/csv", "ie_fast/csv", at_least=3)),
    Target("XLSX ≥ 3× import-export's fastest", _versus("engine/xlsx", "ie_fast/xlsx", at_least=3)),
    Target(
        "CSV ≥ 1.5× import-export's fastest on SQLite, ≥ 1× on PostgreSQL (issue 18)",
        _versus_on("engine/csv", "ie_fast/csv", {"sqlite": 1.5, "postgresql": 1.0}),
    ),
    Target(
        "XLSX ≥ 1.5× import-export's fastest on SQLite, ≥ 1× on PostgreSQL (issue 18)",
        _versus_on("engine/xlsx", "ie_fast/xlsx", {"sqlite": 1.5, "postgresql": 1.0}),
    ),
    Target(
        "1,000,000 rows from CSV at ≥ 85 % of the 100,000-row rate",
        _keeps_pace("engine/csv/1m", "engine/csv", 0.85),
    ),
    Target(
        "1,000,000 rows from XLSX at ≥ 85 % of the 100,000-row rate",
        _keeps_pace("engine/xlsx/1m", "engine/xlsx", 0.85),
    ),
    Target(
        "The floor (raw SQL, the same tables), for comparison: 1,000,000 rows from CSV at"
        " ≥ 85 % of its 100,000-row rate",
        _keeps_pace("floor_all/csv/1m", "floor_all/csv", 0.85),
    ),
    Target("CSV within 3× of the floor", _versus("engine/csv", "floor_all/csv", within=3)),
    Target("XLSX within 3× of the floor", _versus("engine/xlsx", "floor_all/xlsx", within=3)),
    Target(f"1,000,000 rows from CSV in < {MB_TARGET} MB", _memory("engine/csv/1m")),
    Target(f"1,000,000 rows from XLSX in < {MB_TARGET} MB", _memory("engine/xlsx/1m")),
]


def verdict(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def _reader(r: dict) -> str:
    if r["contender"] == "engine":
        return f"{r['fmt'].upper()} (its own reader)"
    return f"{r['fmt'].upper()} ({READERS.get((r['contender'], r['fmt']), '?')})"


def markdown(report: dict) -> str:
    m = report["machine"]
    db = DB_NAMES.get(m["database"], m["database"])
    write = (
        "COPY"
        if m["database"] == "postgresql"
        else "executemany; clients_client in multi-row INSERTs"
    )
    server = " + the PostgreSQL server's (all its processes)" if db == "PostgreSQL" else ""
    v = m["versions"]
    runs = _by_key(report)
    lines = [
        f"# Importing {report['rows']:,} clients — {db} {m['database_version']}",
        "",
        f"Measured {report['when']} by `{report['command']}` (whole run {report['seconds']:.0f} s)"
        f" on {m['cpu']}, {m['cpus']} CPUs, {m['memory_gib']} GiB, {m['platform']}; load average"
        f" (1 min) {report['load_average_1m'][0]} before, {report['load_average_1m'][1]} after."
        f" Python {m['python']}, Django {v['django']}, django-import-export"
        f" {v['django-import-export']}, tablib {v['tablib']}, openpyxl {v['openpyxl']},"
        f" python-calamine {v['python-calamine']}, psycopg {v['psycopg']}.",
        "",
        f"Method (docs/import-speed.md): the same files for everyone (bench/importdata.py, seed"
        f" {report['seed']}, data v{report['data_version']}: the clients template's 20 columns);"
        " each line a fresh process, a fresh copy of the migrated database and a fresh account."
        " Wall time from the first byte read to the last commit; rows/s = rows ÷ wall time."
        f" CPU = the process's CPU time{server} over the same span; rows per CPU second is"
        " what an idle machine would come near. Peak = the process's peak resident memory"
        " (VmHWM) as the contender returns, before the bench counts the rows it wrote (in"
        " brackets: its resident memory before the contender started, Django and the account"
        " set up; the JSON's process_peak_mb is the whole child's ru_maxrss, counting included)."
        " Others' CPU = the share of the machine's CPU time other processes used meanwhile"
        " (it stretches wall times; each run first waits up to 5 s for a quiet machine). The"
        f" raw floors write with {write}, no checks.",
        "",
        "| contender | file (reader) | rows | wall s | rows/s | CPU s | rows per CPU s "
        "| peak MB (before) | others' CPU |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["runs"]:
        label = LABELS.get(r["contender"], r["contender"])
        if r["contender"].startswith("floor"):
            label += " (COPY)" if db == "PostgreSQL" else " (executemany)"
        if r["status"] != "ok":
            lines.append(
                f"| {label} | {_reader(r)} | {r['rows']:,} | — | {figure(r)} | — | — | — | — |"
            )
            continue
        cpu_seconds = r["cpu_seconds"] + r.get("db_cpu_seconds", 0)
        cpu = f"{r['cpu_seconds']:.1f}"
        if "db_cpu_seconds" in r:
            cpu += f" + {r['db_cpu_seconds']:.1f}"
        lines.append(
            f"| {label} | {_reader(r)} | {r['rows']:,} | {r['seconds']:.1f} "
            f"| {r['rows_per_second']:,} | {cpu} | {r['rows'] / max(cpu_seconds, 0.001):,.0f} "
            f"| {r['peak_mb']:.0f} ({r['baseline_mb']:.0f}) "
            f"| {r.get('other_cpu_share', 0):.0%} |"
        )
    floor = runs.get("floor_all/csv")
    if floor and floor.get("status") == "ok" and floor["detail"].get("write_seconds"):
        spent = floor["detail"]["write_seconds"]
        lines += [
            "",
            f"Where the floor's {floor['seconds']:.1f} s go (CSV): writing "
            + ", ".join(f"{table} {seconds:.1f} s" for table, seconds in reversed(spent.items()))
            + f"; the commit {floor['detail'].get('commit_seconds', 0):.1f} s (on PostgreSQL it"
            " checks the deferred foreign keys); the rest"
            f" ({floor['seconds'] - sum(spent.values()) - floor['detail'].get('commit_seconds', 0):.1f}"
            " s) parses the file and builds the rows.",
        ]
    small = runs.get("ie_default/csv") or runs.get("ie_default/xlsx")
    if small and small["rows"] != report["rows"]:
        lines += [
            "",
            f"django-import-export's default settings ran on the first {small['rows']:,} rows of"
            " the same file (at its pace the whole file takes minutes); rows/s is the figure"
            " to compare.",
        ]
    lines += [
        "",
        "## Targets (issue 5 point 9)",
        "",
        "| target | figure | |",
        "| --- | --- | --- |",
    ]
    for target in TARGETS:
        text, met = target.value(runs, report["machine"]["database"])
        lines.append(f"| {target.label} | {text} | {verdict(met)} |")
    lines += ["", "## Rows written, per table", ""]
    shown = [r for r in report["runs"] if r.get("written")]
    tables = sorted({t for r in shown for t in r["written"]})
    if shown:
        lines.append("| table | " + " | ".join(f"{r['key']}" for r in shown) + " |")
        lines.append("| --- |" + " ---: |" * len(shown))
        for table in tables:
            cells = " | ".join(_n(r["written"].get(table)) for r in shown)
            lines.append(f"| {table} | {cells} |")
    for fmt in ("csv", "xlsx"):
        ours, floor = runs.get(f"engine/{fmt}"), runs.get(f"floor_all/{fmt}")
        if ours and floor and ours.get("written") and floor.get("written"):
            if ours["written"] == floor["written"]:
                lines += ["", f"{fmt.upper()}: the engine and the floor wrote the same rows."]
            else:
                lines += [
                    "",
                    f"**{fmt.upper()}: the engine and the floor wrote different rows**: the floor"
                    " no longer writes what the engine writes (bench/importfloor.py).",
                ]
    return "\n".join(lines) + "\n"


def docs_section(reports: list[dict]) -> str:
    """Both databases side by side: the figures and the targets."""
    if not reports:
        return "No results yet: run `make bench`."
    heads = [DB_NAMES.get(r["machine"]["database"], "?") for r in reports]
    lines = []
    for head, r in zip(heads, reports, strict=True):
        lines.append(
            f"- {head} {r['machine']['database_version']}: {r['when']}, `{r['command']}`,"
            f" load average {r['load_average_1m'][0]} → {r['load_average_1m'][1]};"
            f" details in bench/results/imports-{'sqlite' if head == 'SQLite' else 'postgres'}.md"
        )
    lines += [
        "",
        "| contender | file (reader) | rows | "
        + " | ".join(f"{h} rows/s | {h} peak MB" for h in heads)
        + " |",
        "| --- | --- | ---: |" + " ---: | ---: |" * len(heads),
    ]
    keys = list(dict.fromkeys(run["key"] for r in reports for run in r["runs"]))
    by_db = [_by_key(r) for r in reports]
    for key in keys:
        first = next(runs[key] for runs in by_db if key in runs)
        cells = []
        for runs in by_db:
            run = runs.get(key)
            peak = f"{run['peak_mb']:.0f}" if run and run.get("status") == "ok" else "—"
            cells.append(f"{figure(run)} | {peak}")
        lines.append(
            f"| {LABELS.get(first['contender'], first['contender'])} | {_reader(first)} "
            f"| {first['rows']:,} | " + " | ".join(cells) + " |"
        )
    lines += ["", "| target | " + " | ".join(heads) + " |", "| --- |" + " --- |" * len(heads)]
    for target in TARGETS:
        cells = []
        for runs, report in zip(by_db, reports, strict=True):
            text, met = target.value(runs, report["machine"]["database"])
            cells.append(f"{text}: {verdict(met)}")
        lines.append(f"| {target.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def update_docs(docs: Path, results: Path) -> None:
    reports = [
        json.loads(path.read_text())
        for name in ("sqlite", "postgres")
        if (path := results / f"imports-{name}.json").exists()
    ]
    text = docs.read_text()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    docs.write_text(f"{head}{BEGIN}\n{docs_section(reports)}\n{END}{tail}")
