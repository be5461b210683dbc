"""A large, believable client roster for the benchmarks, written fast and straight to the tables.

The web path writes one client at a time through services.py; 100,000 clients with a million
status changes that way would take hours. Here the rows are computed in Python and written with
COPY (PostgreSQL) or executemany (SQLite). The derived tables (day deltas, status intervals,
service periods) are computed from the generated history with the very functions the status
service uses (clients/status.py), the day deltas without the archived and deleted clients' (as
the services keep them), and `derived.differences` checks them afterwards.

The same `seed` gives the same data, relative to the day it runs.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core.management.color import no_style
from django.db import connection, transaction

from clientdesk.clients import status as rules
from clientdesk.clients.models import (
    Client,
    ClientTag,
    Industry,
    ServicePeriod,
    StatusChange,
    StatusDayDelta,
    StatusInterval,
    Tag,
)
from clientdesk.clients.search import SQLITE_TABLE as SEARCH_TABLE
from clientdesk.core.models import Account, Membership
from clientdesk.core.services import account_create, membership_add, user_create

TIME_ZONE = "Europe/Madrid"
HISTORY_DAYS = 548  # 18 months
BIG_TREE_CHILDREN = 500
PASSWORD = "bench-only-password"  # the bench signs in with force_login; nobody types it

# fmt: off
FIRST = [
    "Blue", "Harbor", "Northern", "Summit", "Cedar", "Granite", "Silver", "Maple", "Pioneer",
    "Atlas", "Beacon", "Crescent", "Evergreen", "Falcon", "Golden", "Highland", "Ironwood",
    "Juniper", "Keystone", "Lakeside", "Meridian", "Oakridge", "Pacific", "Quarry", "Redwood",
    "Riverside", "Sterling", "Trident", "Union", "Valley", "Westfield", "Willow", "Zenith",
    "Aurora", "Bayview", "Cobalt", "Driftwood", "Eastgate", "Foxglove", "Greystone",
    "Hillcrest", "Indigo", "Kingsley", "Lighthouse", "Marlow", "Nightingale", "Orchard",
    "Parkside", "Quayside", "Rosewood", "Saffron", "Thornbury", "Upland", "Vantage", "Windmill",
    "Yarrow", "Alder", "Birch", "Copper", "Delta"
]
SECOND = [
    "Dental", "Logistics", "Legal", "Media", "Health", "Engineering", "Consulting", "Bakery",
    "Motors", "Construction", "Pharma", "Retail", "Hotels", "Foods", "Analytics", "Architects",
    "Accounting", "Clinic", "Design", "Energy", "Freight", "Gardens", "Insurance", "Labs",
    "Manufacturing", "Marine", "Optics", "Printing", "Realty", "Security", "Software",
    "Studios", "Textiles", "Travel", "Veterinary", "Water", "Wines", "Robotics", "Solar",
    "Tooling"
]
SUFFIX = ["Ltd", "Group", "& Co.", "Partners", "Inc.", "GmbH", "S.L.", "LLP", "", "", "", ""]
TAGS = [
    "vip", "key-account", "reseller", "government", "nonprofit-rate", "24x7", "on-site",
    "remote-only", "legacy-stack", "cloud-first", "m365", "google-workspace", "backup-plus",
    "security-plus", "hardware-lease", "project", "quarterly-review", "late-payer", "referral",
    "partner", "pilot", "multi-site", "compliance"
]
# fmt: on
S = rules.Status
# Mean days a client stays in each status, and where it goes next (weights): in service most of
# the time, a few at risk and off-boarding, churn and win-back.
DWELL = {
    S.LEAD: 18,
    S.PROSPECT: 24,
    S.INVITED: 9,
    S.WAITING: 11,
    S.ACTIVE: 70,
    S.AT_RISK: 16,
    S.OFFBOARDING: 20,
    S.INACTIVE: 75,
}
NEXT = {
    S.LEAD: {S.PROSPECT: 50, S.INVITED: 12, S.ACTIVE: 18, S.INACTIVE: 20},
    S.PROSPECT: {S.LEAD: 8, S.INVITED: 40, S.ACTIVE: 35, S.INACTIVE: 17},
    S.INVITED: {S.WAITING: 55, S.ACTIVE: 35, S.INACTIVE: 10},
    S.WAITING: {S.ACTIVE: 88, S.INACTIVE: 12},
    S.ACTIVE: {S.AT_RISK: 78, S.OFFBOARDING: 22},
    S.AT_RISK: {S.ACTIVE: 72, S.OFFBOARDING: 28},
    S.OFFBOARDING: {S.ACTIVE: 25, S.INACTIVE: 75},
    S.INACTIVE: {S.LEAD: 30, S.PROSPECT: 20, S.INVITED: 10, S.ACTIVE: 40},
}
# Scales every dwell so a client averages about 10 changes over the 18 months, as in DESIGN §3
# (1,017,133 changes at 100,000 clients).
DWELL_SCALE = 0.7
FIRST_STATUS = {S.LEAD: 34, S.PROSPECT: 18, S.INVITED: 8, S.WAITING: 5, S.ACTIVE: 35}
REASONS = {
    S.AT_RISK: ["Late payments", "Complained about response times", "New IT director", ""],
    S.OFFBOARDING: ["Moved provider", "Price", "Business closed", "Not needed any more"],
    S.INACTIVE: ["", "Lost to a competitor", "Off-boarding completed"],
    S.ACTIVE: ["", "", "Signed the agreement", "Won back"],
}


@dataclass
class Roster:
    """What the benchmark needs to know about the data it generated."""

    account: Account
    owner: Membership
    clients: int
    changes: int
    big_parent_id: int
    industry_ids: list[int]
    manager_ids: list[int]
    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    mix: dict[str, int] = field(default_factory=dict)  # clients per current status, archived, …


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _sqlite_value(v):
    if isinstance(v, datetime):  # what Django stores on SQLite: naive UTC text
        return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(v, date):
        return v.isoformat()
    return v


class _Writer:
    """Bulk rows into a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.seconds: dict[str, float] = {}

    def write(self, model, fields: list[str], rows: list[tuple]) -> int:
        t = time.perf_counter()
        table = model._meta.db_table
        columns = [model._meta.get_field(f).column for f in fields]
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if self.sqlite:
                sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(columns))})"
                timey = [
                    i
                    for i, f in enumerate(fields)
                    if model._meta.get_field(f).get_internal_type()
                    in ("DateTimeField", "DateField")
                ]
                for start in range(0, len(rows), 20000):
                    batch = [list(row) for row in rows[start : start + 20000]]
                    for row in batch:
                        for i in timey:
                            row[i] = _sqlite_value(row[i])
                    cursor.cursor.executemany(sql, batch)
            else:
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        self.seconds[table] = round(time.perf_counter() - t, 1)
        return len(rows)


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


@contextmanager
def _bulk_load(models: list):
    """Load without per-row index and key upkeep, then build it all once.

    The tables' secondary indexes (the search indexes among them) are dropped and created again
    from their own definitions read back from the schema, so they stay the migrations'. Foreign
    keys are not checked row by row (the rows are consistent by construction); SQLite checks
    them all at the end. On SQLite the FTS5 insert trigger (about 0.2 ms a client) is dropped
    too and the search table rebuilt in one pass.
    """
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
                f" AND tbl_name IN ({', '.join(['%s'] * len(tables))})"
                " AND (type = 'index' OR (type = 'trigger' AND name = %s))",
                [*tables, f"{SEARCH_TABLE}_insert"],
            )
            saved = [(f'DROP {kind.upper()} "{name}"', sql) for kind, name, sql in cursor]
            cursor.execute("PRAGMA foreign_keys = OFF")
        else:
            # Indexes that back a constraint (primary keys, unique fields) stay.
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [tables],
            )
            saved = [(f'DROP INDEX "{name}"', sql) for name, sql in cursor.fetchall()]
        for drop, _create in saved:
            cursor.execute(drop)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql" and _is_superuser():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            yield
    finally:
        with connection.cursor() as cursor:
            for _drop, create in saved:
                cursor.execute(create)
            if connection.vendor == "sqlite":
                cursor.execute(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('rebuild')")
                cursor.execute(  # raises when the search table disagrees with clients_client
                    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rank) VALUES ('integrity-check', 1)"
                )
                cursor.execute("PRAGMA foreign_keys = ON")
                cursor.execute("PRAGMA foreign_key_check")
                broken = cursor.fetchall()
                if broken:
                    raise RuntimeError(f"the bulk load broke foreign keys: {broken[:5]}")


def _history(rng: random.Random, created: datetime, now: datetime) -> list[tuple]:
    """[(from, to, at)] oldest first: a walk over the allowed changes with believable dwell."""
    status = _pick(rng, FIRST_STATUS)
    out = [(None, status, created)]
    at = created
    while True:
        at += timedelta(
            seconds=max(60, int(rng.expovariate(1 / (DWELL[status] * DWELL_SCALE * 86400))))
        )
        if at >= now:
            return out
        target = _pick(rng, NEXT[status])
        assert rules.is_allowed(status, target)
        out.append((status, target, at))
        status = target


def generate(*, clients: int, seed: int = 3, log=print) -> Roster:
    """An account `bench` with `clients` clients and 18 months of status history."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=HISTORY_DAYS)
    seconds: dict[str, float] = {}
    rows: dict[str, int] = {}
    t0 = time.perf_counter()

    owner_user = user_create(email="owner@bench.example", password=PASSWORD)
    account = account_create(
        name="Bench Services", slug="bench", owner=owner_user, time_zone=TIME_ZONE
    )
    owner = Membership.objects.get(account=account, user=owner_user)
    managers = [
        membership_add(
            account=account,
            user=user_create(email=f"manager{i}@bench.example", password=PASSWORD),
            role="manager",
            actor=owner_user,
        ).user_id
        for i in range(8)
    ]
    people = [owner_user.pk, *managers]
    industry_ids = sorted(Industry.objects.filter(account=account).values_list("pk", flat=True))
    tags = Tag.objects.bulk_create([Tag(account=account, name=name) for name in TAGS])
    tag_ids = [t.pk for t in tags]

    # Who is whose parent: one client with 500 sub-clients, a few dozen small trees (some
    # three levels deep). Parents always have smaller ids than their children: no cycles.
    parent_of: dict[int, int] = {}
    big = 1
    for child in range(2, 2 + min(BIG_TREE_CHILDREN, max(clients - 1, 0))):
        parent_of[child] = big
    first_free = 2 + BIG_TREE_CHILDREN
    tree_roots = list(range(first_free, min(first_free + 40, clients + 1)))
    pool = list(range(first_free + 40, clients + 1))
    rng.shuffle(pool)
    for root in tree_roots:
        kids = [pool.pop() for _ in range(min(rng.randint(2, 12), len(pool)))]
        for kid in kids:
            parent_of[kid] = root
        if kids and rng.random() < 0.3:
            for grandchild in [pool.pop() for _ in range(min(rng.randint(1, 5), len(pool)))]:
                parent_of[grandchild] = max(kids)
    has_children = set(parent_of.values())

    client_fields = [
        "id", "account", "prefix", "name", "description", "status", "status_changed_at",
        "engagement", "industry", "parent", "manager", "license", "email_domains", "billing_email",
        "billing_address", "tax_id", "payment_terms", "currency", "archived", "deleted_at",
        "deleted_by", "version", "created_at", "activated_at",
    ]  # fmt: skip
    archived_at = client_fields.index("archived")
    change_fields = ["account", "client", "from_status", "to_status", "at", "by", "reason"]
    change_fields.append("recorded_at")
    client_rows, change_rows, tag_rows = [], [], []
    interval_rows, period_rows = [], []
    deltas: dict[tuple[date, str], int] = defaultdict(int)
    span = (now - start).total_seconds()
    for cid in range(1, clients + 1):
        first, second = rng.choice(FIRST), rng.choice(SECOND)
        name = f"{first} {second} {rng.choice(SUFFIX)}".strip()
        if cid == big:
            name = "Harborview Holdings"
        # New clients every month, a few more of them lately.
        created = start + timedelta(seconds=int(span * rng.random() ** 0.85))
        if cid in parent_of and parent_of[cid] == big:
            created = start + timedelta(days=rng.randint(0, 60))
        history = _history(rng, created, now)
        activated = next((at for _, to, at in history if to == S.ACTIVE), None)
        deleted = cid not in has_children and rng.random() < 0.003
        client_rows.append(
            (
                cid, account.pk, f"{first[0]}{second[0]}{cid}", name,
                "Bench client." if rng.random() < 0.2 else "",
                history[-1][1], history[-1][2],
                _pick(rng, {"silent": 70, "access_sent": 10, "engaged": 20}),
                rng.choice(industry_ids) if rng.random() < 0.95 else None,
                parent_of.get(cid),
                rng.choice(managers) if rng.random() < 0.9 else None,
                rng.choice(["", "Standard", "Premium", "Enterprise"]),
                "[]",  # email domains (JSON text)
                f"billing@client{cid}.example" if rng.random() < 0.6 else "",
                "", "", rng.choice(["", "30 days", "60 days"]), "EUR",
                cid not in has_children and rng.random() < 0.02,
                now - timedelta(days=rng.randint(0, 20)) if deleted else None,
                owner_user.pk if deleted else None,
                len(history), history[0][2], activated,
            )
        )  # fmt: skip
        for tag in rng.sample(tag_ids, k=rng.choice((0, 0, 1, 1, 1, 2, 2, 3))):
            tag_rows.append((account.pk, cid, tag))
        # The day deltas leave out archived and deleted clients (as clients.services keeps
        # them); their intervals and periods are written all the same.
        counted = not client_rows[-1][archived_at] and not deleted
        changes = []
        for i, (from_status, to_status, at) in enumerate(history):
            reason = "Created" if i == 0 else rng.choice(REASONS.get(to_status, [""]))
            by = rng.choice(people) if rng.random() < 0.9 else None
            change_rows.append((account.pk, cid, from_status, to_status, at, by, reason, at))
            day = rules.local_day(at, TIME_ZONE)
            if counted:
                for d, s, n in rules.day_deltas(from_status, to_status, day):
                    deltas[(d, s)] += n
            changes.append(rules.Change(to_status=to_status, day=day))
        for status, valid_from, valid_to in rules.intervals(changes):
            interval_rows.append((account.pk, cid, status, valid_from, valid_to))
        for row in rules.period_rows(rules.service_periods(changes)):
            period_rows.append((account.pk, cid, *row))
    seconds["generate rows (Python)"] = time.perf_counter() - t0
    log(
        f"    generated {clients:,} clients, {len(change_rows):,} changes in {seconds['generate rows (Python)']:.1f}s"
    )

    t1 = time.perf_counter()
    writer = _Writer()
    tables = [Client, StatusChange, ClientTag, StatusInterval, ServicePeriod, StatusDayDelta]
    with _bulk_load(tables):
        rows["clients"] = writer.write(Client, client_fields, client_rows)
        rows["status changes"] = writer.write(StatusChange, change_fields, change_rows)
        rows["client tags"] = writer.write(ClientTag, ["account", "client", "tag"], tag_rows)
        rows["status intervals"] = writer.write(
            StatusInterval, ["account", "client", "status", "valid_from", "valid_to"], interval_rows
        )
        rows["service periods"] = writer.write(
            ServicePeriod,
            [
                "account",
                "client",
                "start_day",
                "end_day",
                "first_day",
                "next_start_day",
                "next_end_day",
            ],
            period_rows,
        )
        rows["day deltas"] = writer.write(
            StatusDayDelta,
            ["account", "day", "status", "delta"],
            [(account.pk, d, s, n) for (d, s), n in sorted(deltas.items()) if n],
        )
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Client]):
                cursor.execute(sql)
    seconds["write rows"] = time.perf_counter() - t1
    log(f"    wrote {sum(rows.values()):,} rows in {seconds['write rows']:.1f}s ({rows})")
    log(f"    seconds per table: {writer.seconds}")

    # PostgreSQL's autovacuum would analyze such a load within a minute: do it now. SQLite
    # has statistics only when someone runs ANALYZE, which Django never does: none here either.
    if connection.vendor == "postgresql":
        t2 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        seconds["vacuum analyze"] = time.perf_counter() - t2
    mix: dict[str, int] = defaultdict(int)
    at = {name: i for i, name in enumerate(client_fields)}  # the columns move as fields come
    for row in client_rows:
        mix[row[at["status"]]] += 1
        mix["archived"] += row[at["archived"]]
        mix["deleted"] += row[at["deleted_at"]] is not None
        mix["sub-clients"] += row[at["parent"]] is not None
    return Roster(
        mix={k: mix[k] for k in [*S.values, "archived", "deleted", "sub-clients"]},
        account=account,
        owner=owner,
        clients=clients,
        changes=len(change_rows),
        big_parent_id=big,
        industry_ids=industry_ids,
        manager_ids=managers,
        seconds=seconds,
        rows=rows,
    )
