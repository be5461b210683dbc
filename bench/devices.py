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

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench import domainbench  # noqa: E402 - after the path is set

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
        "ip", "mac", "location", "last_seen_at", "online", "notes", "custom_fields", "version",
        "created_at",
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
                "", seen, seen > now - timedelta(minutes=15), "", "{}", 1,
                seen - timedelta(days=90),
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


SPEC = domainbench.Spec(
    name="devices",
    rows=1_000_000,
    clients=100_000,
    quick=(5_000, 50_000),
    seed=7,
    generate=lambda roster, rows, seed, log: generate_devices(
        roster, devices=rows, seed=seed, log=log
    ),
    scenarios=scenarios,
    heading=lambda d: f"Devices at {d['devices']:,} devices and {d['clients']:,} clients",
    data_line=lambda d: (
        f"{d['devices']:,} devices over {d['clients_with_devices']:,} of {d['clients']:,} "
        f"clients of one account (the busiest client holds {d['busiest_client_devices']:,}; the "
        f"client with 500 sub-clients has {d['big_parent_subtree_devices']:,} in its tree). Written in {d['seconds']['write']} s."
    ),
)

if __name__ == "__main__":
    sys.exit(domainbench.main(SPEC, __doc__))
