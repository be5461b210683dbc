"""Server time of the Tickets API list and the jobs report at 1,000,000 tickets, each beside the
SQL floor of its query.

    .venv/bin/python bench/tickets.py                                        # SQLite
    .venv/bin/python scripts/with_postgres.py .venv/bin/python bench/tickets.py   # PostgreSQL
    .venv/bin/python bench/tickets.py --quick        # 50,000 tickets, 10 runs, into var/bench/

As bench/clients.py (whose measuring it reuses): a throwaway database, migrated; an account of
--clients clients (bench/clientdata.py, with their status history); then --tickets tickets
written straight to the table (COPY on PostgreSQL, executemany on SQLite; never through the
service, which would take hours), spread over the clients unevenly (a few clients hold many)
and over 18 months, with statuses, assignees, response and resolution times, breaches and
logged minutes; each client's ticket counter is set to its last number. Then, through Django's
handler in-process with a bearer token:

- GET /api/v1/tickets: the first page, `client=`, `status=`, `breached=true`;
- GET /api/v1/reports/jobs: one client over the last 30 days, the whole account over the last
  30 days; and the report page for the whole account;

each with median and p95 over --runs, the floor of its main query (its SQL through a cursor),
the sum of the floors of all its queries, and the main query's plan.

Results: bench/results/tickets-<sqlite|postgres>.json and .md (--quick: var/bench/).
"""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench import domainbench  # noqa: E402 - after the path is set

HISTORY_DAYS = 548

KINDS = {"request": 55, "incident": 15, "job": 30}
PRIORITIES = {"low": 20, "normal": 55, "high": 20, "urgent": 5}
RESPONSE = {"low": 24 * 60, "normal": 8 * 60, "high": 2 * 60, "urgent": 30}  # SLA minutes
RESOLUTION = {"low": 5 * 1440, "normal": 3 * 1440, "high": 1440, "urgent": 4 * 60}


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def generate_tickets(roster, *, tickets: int, seed: int, log) -> dict:
    """`tickets` rows for the roster's live clients; answers what the report needs to know."""
    from django.core.management.color import no_style
    from django.db import connection

    from bench.clientdata import _bulk_load, _Writer
    from clientdesk.clients.models import Client
    from clientdesk.tickets.models import Ticket, TicketCounter

    rng = random.Random(seed)
    account = roster.account
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=HISTORY_DAYS)
    span = (now - start).total_seconds()
    clients = list(
        Client.objects.filter(account=account, deleted_at=None).values_list("pk", "prefix")
    )
    # Uneven: a client's weight follows a Pareto law, so a few clients hold many tickets.
    weights = [rng.paretovariate(1.2) for _ in clients]
    owners = rng.choices(range(len(clients)), weights=weights, k=tickets)
    people = [roster.owner.user_id, *roster.manager_ids]
    t0 = time.perf_counter()
    seq: dict[int, int] = defaultdict(int)
    rows = []
    fields = [
        "id", "account", "client", "seq", "number", "kind", "title", "description", "priority",
        "status", "requester", "assignee", "created_by", "source", "created_at", "updated_at",
        "response_due_at", "resolution_due_at", "paused_at", "paused_minutes",
        "first_response_at", "resolved_at", "closed_at", "response_breached",
        "resolution_breached", "minutes_logged", "version",
    ]  # fmt: skip
    created_all = sorted(start + timedelta(seconds=int(span * rng.random())) for _ in owners)
    for pk, (index, created) in enumerate(zip(owners, created_all, strict=True), start=1):
        client_id, prefix = clients[index]
        seq[client_id] += 1
        kind, priority = _pick(rng, KINDS), _pick(rng, PRIORITIES)
        age_days = (now - created).total_seconds() / 86400
        # Old tickets are done; recent ones still move.
        done = rng.random() < min(0.97, 0.25 + age_days / 20)
        response_due = created + timedelta(minutes=RESPONSE[priority] * 1.6)
        resolution_due = created + timedelta(minutes=RESOLUTION[priority] * 1.6)
        answered = done or rng.random() < 0.6
        first = created + timedelta(minutes=rng.expovariate(1 / (RESPONSE[priority] * 0.8)))
        first = min(first, now) if answered else None
        resolved = closed = None
        status = "new"
        if done:
            resolved = min(
                now, first + timedelta(minutes=rng.expovariate(1 / RESOLUTION[priority]))
            )
            status = "closed" if rng.random() < 0.7 else "resolved"
            closed = resolved if status == "closed" else None
        elif answered:
            status = rng.choice(["open", "in_progress", "in_progress", "waiting"])
        rows.append(
            (
                pk, account.pk, client_id, seq[client_id], f"{prefix}-{seq[client_id]:03d}",
                kind, f"Bench {kind} {pk}", "", priority, status, None,
                rng.choice(people) if rng.random() < 0.85 else None, None,
                rng.choice(["staff", "portal", "email", "api"]), created, resolved or created,
                None if first else response_due, None if resolved else resolution_due,
                None, 0, first, resolved, closed,
                bool(first and first > response_due),
                bool(resolved and resolved > resolution_due),
                rng.choice((0, 0, 15, 30, 45, 60, 90, 120)), 1,
            )
        )  # fmt: skip
    generate_s = time.perf_counter() - t0
    log(f"    generated {tickets:,} tickets for {len(clients):,} clients in {generate_s:.1f}s")
    t1 = time.perf_counter()
    writer = _Writer()
    with _bulk_load([Ticket, TicketCounter]):
        writer.write(Ticket, fields, rows)
        writer.write(
            TicketCounter,
            ["account", "client", "last_seq"],
            [(account.pk, client_id, n) for client_id, n in sorted(seq.items())],
        )
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Ticket, TicketCounter]):
                cursor.execute(sql)
    write_s = time.perf_counter() - t1
    log(f"    wrote them in {write_s:.1f}s")
    analyze_s = 0.0
    if connection.vendor == "postgresql":
        t2 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE tickets_ticket")
            cursor.execute("VACUUM ANALYZE tickets_ticketcounter")
        analyze_s = time.perf_counter() - t2
    # The client the bench filters on: the one at the median of ticket counts, and the busiest.
    counts = sorted(seq.items(), key=lambda kv: kv[1])
    median_client, median_count = counts[len(counts) // 2]
    busy_client, busy_count = counts[-1]
    statuses: dict[str, int] = defaultdict(int)
    for row in rows:
        statuses[row[9]] += 1
    return {
        "tickets": tickets,
        "clients_with_tickets": len(seq),
        "median_client": median_client,
        "median_client_tickets": median_count,
        "busiest_client": busy_client,
        "busiest_client_tickets": busy_count,
        "statuses": dict(statuses),
        "seconds": {
            "generate": round(generate_s, 1),
            "write": round(write_s, 1),
            "analyze": round(analyze_s, 1),
        },
    }


def is_ticket_list(sql: str) -> bool:
    return sql.startswith('SELECT "tickets_ticket"."id"') and "LIMIT" in sql


def is_report_query(sql: str) -> bool:
    return '"tickets_ticket"' in sql and "GROUP BY" in sql


def scenarios(roster, data: dict, token: str):
    from bench.clients import Scenario
    from clientdesk.tickets import queries as q
    from clientdesk.tickets.report import ReportFilters, default_range, jobs_report

    m = roster.owner
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = data["busiest_client"]
    start, end = default_range(roster.account)
    F = q.TicketFilters
    month = f"start={start.isoformat()}&end={end.isoformat()}"

    def page(filters):
        return lambda: q.ticket_page(m, filters, cursor=None, limit=50)

    from clientdesk.clients.models import Client

    the_client = Client.objects.get(pk=client)

    return [
        Scenario(
            "api_first",
            "API GET /api/v1/tickets, first page (50)",
            lambda: "/api/v1/tickets",
            is_ticket_list,
            page(F()),
            headers=auth,
        ),
        Scenario(
            "api_client",
            f"API GET /api/v1/tickets?client= (the busiest client, "
            f"{data['busiest_client_tickets']:,} tickets)",
            lambda: f"/api/v1/tickets?client={client}",
            is_ticket_list,
            page(F(client=client)),
            headers=auth,
            expect='"tickets_ticket"."client_id" = ',
        ),
        Scenario(
            "api_status",
            "API GET /api/v1/tickets?status=open",
            lambda: "/api/v1/tickets?status=open",
            is_ticket_list,
            page(F(status=["open"])),
            headers=auth,
            expect='"tickets_ticket"."status" IN',
        ),
        Scenario(
            "api_breached",
            "API GET /api/v1/tickets?breached=true",
            lambda: "/api/v1/tickets?breached=true",
            is_ticket_list,
            page(F(breached=True)),
            headers=auth,
            expect='"tickets_ticket"."response_breached"',
        ),
        Scenario(
            "page_first",
            "Tickets page, first page (50)",
            lambda: f"/a/{roster.account.slug}/tickets/",
            is_ticket_list,
            page(F()),
        ),
        Scenario(
            "page_client",
            "Tickets page, ?client= (the busiest client)",
            lambda: f"/a/{roster.account.slug}/tickets/?client={client}",
            is_ticket_list,
            page(F(client=client)),
            expect='"tickets_ticket"."client_id" = ',
        ),
        Scenario(
            "report_client",
            "API GET /api/v1/reports/jobs, the busiest client, last 30 days",
            lambda: f"/api/v1/reports/jobs?client={client}&{month}",
            is_report_query,
            lambda: jobs_report(m, ReportFilters(start=start, end=end, client=the_client)),
            headers=auth,
        ),
        Scenario(
            "report_account",
            "API GET /api/v1/reports/jobs, the whole account, last 30 days",
            lambda: f"/api/v1/reports/jobs?{month}",
            is_report_query,
            lambda: jobs_report(m, ReportFilters(start=start, end=end)),
            headers=auth,
        ),
        Scenario(
            "report_page",
            "Jobs report page, the whole account, last 30 days",
            lambda: f"/a/{roster.account.slug}/tickets/report/?{month}",
            is_report_query,
        ),
    ]


SPEC = domainbench.Spec(
    name="tickets",
    rows=1_000_000,
    clients=10_000,
    quick=(2_000, 50_000),
    seed=5,
    generate=lambda roster, rows, seed, log: generate_tickets(
        roster, tickets=rows, seed=seed, log=log
    ),
    scenarios=scenarios,
    heading=lambda d: f"Tickets list and jobs report at {d['tickets']:,} tickets",
    data_line=lambda d: (
        f"{d['tickets']:,} tickets over 18 months for {d['clients_with_tickets']:,} of "
        f"{d['clients']:,} clients of one account (the busiest client holds "
        f"{d['busiest_client_tickets']:,}, the median one {d['median_client_tickets']:,}); "
        f"statuses {', '.join(f'{n:,} {k}' for k, n in sorted(d['statuses'].items()))}. "
        f"Written in {d['seconds']['write']} s."
    ),
)

if __name__ == "__main__":
    sys.exit(domainbench.main(SPEC, __doc__))
