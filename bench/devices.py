"""Server time of the Devices tab, the device list API and the client page (with its device
counts) of the client with 500 sub-clients, at 100,000 clients and 1,000,000 devices, each
beside the SQL floor of its main query.

    .venv/bin/python bench/devices.py                                        # SQLite
    .venv/bin/python scripts/with_postgres.py .venv/bin/python bench/devices.py   # PostgreSQL
    .venv/bin/python bench/devices.py --quick        # 5,000 clients, 50,000 devices, var/bench/

As bench/tickets.py (whose measuring it reuses): a throwaway database, migrated; an account of
--clients clients (bench/clientdata.py: one client has 500 sub-clients); then --devices devices
written straight to the table, spread over the live clients unevenly (a Pareto law: a few
clients hold thousands), with types, serials, addresses and last-seen times. Then, through
Django's handler in-process (bearer token for the API):

- the Devices tab of the busiest client, first page (50);
- GET /api/v1/clients/{id}/devices of the busiest client, first page (50);
- GET /api/v1/clients/{id} of the client with 500 sub-clients (its `counts` per type, own and
  with its sub-clients);
- the client page of the client with 500 sub-clients (the Device counts panel included).

Results: bench/results/devices-<sqlite|postgres>.json and .md (--quick: var/bench/).
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
RESULTS = ROOT / "bench" / "results"

TYPES = {"standard": 70, "advanced": 15, "passive": 15}
OS = ["Windows 11 Pro", "Windows 10 Pro", "Windows Server 2022", "macOS 14", "Ubuntu 22.04", ""]
MAKERS = [("Dell", "OptiPlex 7010"), ("HP", "EliteBook 840"), ("Lenovo", "ThinkPad T14"),
          ("Apple", "MacBook Air"), ("Synology", "DS920+"), ("Brother", "HL-L2350")]  # fmt: skip


def generate_devices(roster, *, devices: int, seed: int, log) -> dict:
    from django.core.management.color import no_style
    from django.db import connection

    from bench.clientdata import _bulk_load, _Writer
    from clientdesk.clients.models import Client
    from clientdesk.devices.models import Device

    rng = random.Random(seed)
    account = roster.account
    now = datetime.now(UTC).replace(microsecond=0)
    clients = list(
        Client.objects.filter(account=account, deleted_at=None).values_list("pk", flat=True)
    )
    weights = [rng.paretovariate(1.2) for _ in clients]
    owners = rng.choices(clients, weights=weights, k=devices)
    t0 = time.perf_counter()
    fields = [
        "id", "account", "client", "name", "type", "os", "manufacturer", "model", "serial",
        "ip", "mac", "location", "last_seen_at", "online", "notes", "version", "created_at",
    ]  # fmt: skip
    kinds = list(TYPES)
    kind_weights = list(TYPES.values())
    per_client: dict[int, int] = {}
    rows = []
    for pk, client_id in enumerate(owners, start=1):
        n = per_client[client_id] = per_client.get(client_id, 0) + 1
        maker, model = MAKERS[pk % len(MAKERS)]
        seen = now - timedelta(minutes=int(rng.expovariate(1 / 600)))
        rows.append(
            (
                pk, account.pk, client_id, f"DEV-{client_id}-{n:05d}",
                rng.choices(kinds, weights=kind_weights)[0], OS[pk % len(OS)], maker, model,
                f"SN{pk:09d}" if rng.random() < 0.9 else "",
                f"10.{(pk >> 16) & 255}.{(pk >> 8) & 255}.{pk & 255}",
                ":".join(f"{(pk >> s) & 255:02X}" for s in (40, 32, 24, 16, 8, 0)),
                "", seen, seen > now - timedelta(minutes=15), "", 1, seen - timedelta(days=90),
            )
        )  # fmt: skip
    generate_s = time.perf_counter() - t0
    log(f"    generated {devices:,} devices for {len(per_client):,} clients in {generate_s:.1f}s")
    t1 = time.perf_counter()
    writer = _Writer()
    with _bulk_load([Device]):
        writer.write(Device, fields, rows)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Device]):
                cursor.execute(sql)
    write_s = time.perf_counter() - t1
    log(f"    wrote them in {write_s:.1f}s")
    if connection.vendor == "postgresql":  # SQLite: no statistics, as bench/clientdata.py
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE devices_device")
    busy_client, busy_count = max(per_client.items(), key=lambda kv: kv[1])
    subtree = Client.objects.filter(account=account, parent_id=roster.big_parent_id)
    in_tree = sum(per_client.get(pk, 0) for pk in subtree.values_list("pk", flat=True))
    return {
        "devices": devices,
        "clients_with_devices": len(per_client),
        "busiest_client": busy_client,
        "busiest_client_devices": busy_count,
        "big_parent_subtree_devices": in_tree + per_client.get(roster.big_parent_id, 0),
        "seconds": {"generate": round(generate_s, 1), "write": round(write_s, 1)},
    }


def is_device_list(sql: str) -> bool:
    return sql.startswith('SELECT "devices_device"."id"') and "LIMIT" in sql


def is_device_counts(sql: str) -> bool:
    return '"devices_device"' in sql and "COUNT(" in sql and "GROUP BY" in sql


def scenarios(roster, data: dict, token: str):
    from bench.clients import Scenario, reverse_or_none
    from clientdesk.clients.models import Client
    from clientdesk.devices import queries as q

    m, slug = roster.owner, roster.account.slug
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    busy = Client.objects.get(pk=data["busiest_client"])
    big = Client.objects.get(pk=roster.big_parent_id)
    return [
        Scenario(
            "tab",
            f"Devices tab, the busiest client ({data['busiest_client_devices']:,} devices), "
            "first page (50)",
            lambda: reverse_or_none("client_devices", slug, busy.pk),
            is_device_list,
            lambda: q.devices_of(membership=m, client=busy, limit=50),
        ),
        Scenario(
            "api_list",
            "API GET /api/v1/clients/{id}/devices, the busiest client, first page (50)",
            lambda: f"/api/v1/clients/{busy.pk}/devices",
            is_device_list,
            lambda: q.devices_of(membership=m, client=busy, limit=50),
            headers=auth,
        ),
        Scenario(
            "api_counts",
            f"API GET /api/v1/clients/{{id}}, the client with 500 sub-clients "
            f"({data['big_parent_subtree_devices']:,} devices in its tree)",
            lambda: f"/api/v1/clients/{big.pk}",
            is_device_counts,
            lambda: q.device_counts_by_client(clients=[big], membership=m),
            headers=auth,
        ),
        Scenario(
            "client_page",
            "Client page of the client with 500 sub-clients (device counts included)",
            lambda: reverse_or_none("client_detail", slug, big.pk),
            is_device_counts,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--devices", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="5,000 clients, 50,000 devices")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per figure (30)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    if args.quick:
        args.clients, args.devices = min(args.clients, 5_000), min(args.devices, 50_000)
    args.runs = args.runs or (10 if args.quick else 30)
    args.out = args.out or str(ROOT / "var" / "bench" if args.quick else RESULTS)
    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {text}", flush=True)

    workdir = tempfile.mkdtemp(prefix="clientdesk-bench-devices-")
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

    log(
        f"=== devices bench on {connection.vendor}: {args.clients:,} clients, "
        f"{args.devices:,} devices, {args.runs} runs"
    )
    if Account._meta.db_table in connection.introspection.table_names() and (
        Account.objects.exists()
    ):
        raise SystemExit("bench/devices.py needs an empty, throwaway database; this one has data")
    call_command("migrate", verbosity=0)
    roster = clientdata.generate(clients=args.clients, seed=args.seed, log=log)
    data = generate_devices(roster, devices=args.devices, seed=args.seed, log=log)
    _, token = api_token_create(membership=roster.owner, name="bench", actor=roster.owner.user)
    bench = Bench(args, roster, log)
    load_before = os.getloadavg()
    results = {}
    log("--- the Devices tab, the device list API and the counts, beside their floors")
    for sc in scenarios(roster, data, token):
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
    (out / f"devices-{name}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (out / f"devices-{name}.md").write_text(markdown(report))
    log(f"=== written {out / f'devices-{name}.md'} and .json")
    return 0


def markdown(r: dict) -> str:
    from bench.clients import fmt, fmt_cpu

    d, mach = r["data"], r["machine"]
    lines = [
        f"# Devices at {d['devices']:,} devices and {d['clients']:,} clients — "
        f"{mach['database']} {mach['database_version']}",
        "",
        f"Measured {r['when']} by `bench/devices.py` on {mach['cpus']} CPUs "
        f"(load average {r['load_average_1m'][0]} → {r['load_average_1m'][1]}), "
        f"{r['runs']} timed runs per figure after 3 warm-up runs. Times in ms, median / p95 "
        "(CPU: this process plus the database server's), server time through Django's handler "
        "in-process (no network).",
        "",
        f"Data: {d['devices']:,} devices over {d['clients_with_devices']:,} of {d['clients']:,} "
        f"clients of one account (the busiest client holds {d['busiest_client_devices']:,}; the "
        f"client with 500 sub-clients has {d['big_parent_subtree_devices']:,} in its tree). "
        f"Written in {d['seconds']['write']} s.",
        "",
        f"Target: median under {r['target']['median_ms']:.0f} ms.",
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
        if not s.get("explain"):
            continue
        lines += [f"**{s['title']}**", "", "```", s["explain"], "```", ""]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
