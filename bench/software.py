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

import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench import domainbench  # noqa: E402 - after the path is set


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


SPEC = domainbench.Spec(
    name="software",
    rows=None,
    clients=100_000,
    quick=(5_000, 0),
    seed=11,
    generate=lambda roster, rows, seed, log: generate_stacks(roster, seed=seed, log=log),
    scenarios=lambda roster, data, token: scenarios(roster, token),
    heading=lambda d: f"The Clients list with the software columns at {d['clients']:,} clients",
    data_line=lambda d: (
        f"{d['stack_rows']:,} stack rows over {d['clients']:,} clients, a catalog of "
        f"{d['applications']} applications, written in {d['seconds']['write']} s; every "
        f"opportunity computed in {d['seconds']['recompute_all']} s (what a catalog change "
        "costs)."
    ),
)

if __name__ == "__main__":
    sys.exit(domainbench.main(SPEC, __doc__))
