"""The raw floor of the import benchmark: the file's rows written with no checks at all.

What a hand-made client with its primary contact leaves in the database (clients/services.py
client_create, contacts/services.py contact_create), which is also what our engine writes for
a new client row (clients/batch/), for every row of the file, in batches of BATCH rows inside
one transaction: PostgreSQL `COPY … FROM STDIN` (psycopg 3's `cursor.copy`), SQLite
`executemany`. Per row: clients_client; clients_statuschange (the first status, with its
date); clients_statusinterval (open); clients_serviceperiod (when active); contacts_contact
(primary) when the row has a contact; clients_tag (each new name once) and clients_clienttag
for its tags; software_clientopportunity (the client's kept opportunity, from the account's
starter catalog: every live client keeps one since the software domain). clients_client
carries the job's id (`imported_by_job`), and audit_activity gets one row for the whole file
(`clients.imported`, the job's entry with its counts: the engine writes one per job since
issue 18, no longer one per client and one per contact).
clients_statusdaydelta is summed per day and status over the whole file and written once at
the end. Ids come from the sequences (PostgreSQL: nextval over generate_series) or follow
MAX(id) (SQLite), so dependent rows need no read-back.

No lookups beyond dictionaries read once (industries, the team's emails), no validation, no
duplicate check, no job bookkeeping, no error report: the time is the file's parse (the csv
module, or python-calamine for XLSX) plus the writes. `only_client=True` writes
clients_client alone (the figure issue 5 quotes, about 68,000 rows/s on PostgreSQL).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from time import perf_counter
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

BATCH = 5000
MULTIROW = 1000  # rows per INSERT statement into clients_client on SQLite (22,000 parameters)
CLIENT_COLUMNS = [
    "account_id", "prefix", "name", "description", "status", "status_changed_at", "engagement",
    "industry_id", "parent_id", "manager_id", "license", "email_domains", "billing_email",
    "billing_address", "tax_id", "payment_terms", "currency", "archived", "deleted_at",
    "deleted_by_id", "version", "created_at", "activated_at", "imported_by_job",
]  # fmt: skip
CONTACT_COLUMNS = [
    "id", "account_id", "client_id", "first_name", "last_name", "email", "phone", "mobile",
    "title", "notes", "street", "city", "region", "postcode", "country", "is_primary",
    "is_secondary", "source", "active", "version", "created_at", "deleted_at",
]  # fmt: skip
CHANGE_COLUMNS = [
    "account_id",
    "client_id",
    "from_status",
    "to_status",
    "at",
    "by_id",
    "reason",
    "recorded_at",
]
INTERVAL_COLUMNS = ["account_id", "client_id", "status", "valid_from", "valid_to"]
PERIOD_COLUMNS = ["account_id", "client_id", "start_day", "end_day", "first_day", "next_start_day"]
OPPORTUNITY_COLUMNS = [
    "account_id", "client_id", "industry_id", "contacts", "stack_count", "missing_count",
    "problematic_count", "project", "revenue", "sub_project", "sub_revenue",
]  # fmt: skip
ZERO = Decimal("0.00")
# The floor makes no job row: the number its clients and its entry carry stands for one.
JOB_ID = 1
ACTIVITY_COLUMNS = [
    "account_id", "actor_id", "actor_label", "verb", "target_type", "target_id", "target_repr",
    "changes", "at",
]  # fmt: skip


def _read_csv(path: Path) -> Iterator[list]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        yield from reader


def _read_xlsx(path: Path) -> Iterator[list]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows()
    next(rows)
    yield from rows


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if value else None


class _Tables:
    """Rows into tables, their values already in the form the driver takes.

    SQLite: `executemany`, except for clients_client. Its FTS5 search table is filled by an
    AFTER INSERT trigger, and with a trigger SQLite opens a statement savepoint for each row
    `executemany` runs, at which FTS5 flushes its pending terms as a new index segment: about
    0.1 ms a client, most of the floor's time. Multi-row `INSERT … VALUES (…), (…)`
    statements of MULTIROW rows flush once per statement. PostgreSQL: COPY for every table.
    """

    def __init__(self, tz: ZoneInfo) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.cursor = connection.cursor().cursor  # the driver's own cursor
        self.tz = tz
        self.next_id: dict[str, int] = {}
        self.seconds: dict[str, float] = {}  # time spent writing each table
        self._days: dict[date, object] = {}
        self._midnights: dict[date, object] = {}

    def instant(self, value: datetime):
        # What Django stores on SQLite: naive UTC text.
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if self.sqlite else value

    def day(self, value: date):
        if value not in self._days:
            self._days[value] = value.isoformat() if self.sqlite else value
        return self._days[value]

    def midnight(self, value: date):
        """The start of that day in the account's time zone: a status since that day."""
        if value not in self._midnights:
            self._midnights[value] = self.instant(datetime.combine(value, time(), tzinfo=self.tz))
        return self._midnights[value]

    def ids(self, table: str, n: int) -> list[int]:
        if not n:
            return []
        if self.sqlite:
            if table not in self.next_id:
                self.cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
                self.next_id[table] = self.cursor.fetchone()[0]
            first = self.next_id[table]
            self.next_id[table] += n
            return list(range(first, first + n))
        self.cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, n],
        )
        return [row[0] for row in self.cursor.fetchall()]

    def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        started = perf_counter()
        try:
            self._write(table, columns, rows)
        finally:
            self.seconds[table] = self.seconds.get(table, 0.0) + perf_counter() - started

    def _write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        names = ", ".join(columns)
        if not self.sqlite:
            with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = "(" + ", ".join("?" * len(columns)) + ")"
        if table != "clients_client":
            self.cursor.executemany(f"INSERT INTO {table} ({names}) VALUES {marks}", rows)
            return
        for start in range(0, len(rows), MULTIROW):
            chunk = rows[start : start + MULTIROW]
            self.cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([marks] * len(chunk))}",
                [value for row in chunk for value in row],
            )


class _Floor:
    def __init__(self, *, account, owner, only_client: bool) -> None:
        from clientdesk.clients.models import Industry
        from clientdesk.core.models import Membership

        self.account, self.owner, self.only_client = account, owner, only_client
        self.industries = {
            name.lower(): pk
            for pk, name in Industry.objects.filter(account=account).values_list("pk", "name")
        }
        self.team = {
            email.lower(): pk
            for pk, email in Membership.objects.filter(account=account).values_list(
                "user_id", "user__email"
            )
        }
        tz = ZoneInfo(account.time_zone)
        self.tables = _Tables(tz)
        now = timezone.now()
        self.now = self.tables.instant(now)
        self.today = now.astimezone(tz).date()
        self.deltas: dict[tuple[date, str], int] = defaultdict(int)
        self.tag_ids: dict[str, int] = {}
        self.filename = ""  # the file's name, as the job's entry names it
        # Each client's kept opportunity (software): the figures of DESIGN §4 from the starter
        # catalog, its industry and its contacts (a new client holds no apps), once per pair.
        from clientdesk.software.opportunity import catalog_of

        self.catalog = catalog_of(account.pk)
        self.opportunity_of: dict[tuple[int | None, int], tuple] = {}

    def batch(self, batch: list[list]) -> int:
        aid, uid, now, tables = self.account.pk, self.owner.pk, self.now, self.tables
        clients, changes, intervals, periods = [], [], [], []
        contacts, client_tags, new_tags, opportunities = [], [], [], []
        only_client = self.only_client
        ids = [None] * len(batch) if only_client else tables.ids("clients_client", len(batch))
        with_contact = 0 if only_client else sum(1 for r in batch if r[16] or r[18])
        contact_ids = iter(tables.ids("contacts_contact", with_contact))
        for cid, r in zip(ids, batch, strict=True):
            prefix, name = r[0].strip().upper(), r[1].strip()
            status = r[3].strip().lower() or "active"
            since = _day(r[4])
            at = tables.midnight(since) if since else now
            client = (
                aid, prefix, name, r[2], status, at, r[5].strip().lower() or "silent",
                self.industries.get(r[6].strip().lower()), None,
                self.team.get(r[7].strip().lower()), r[9], "[]", r[10].strip().lower(), r[11], r[12],
                r[13], r[14] or self.account.currency, False, None, None, 1, now,
                at if status == "active" else None, JOB_ID,
            )  # fmt: skip
            if only_client:
                clients.append(client)
                continue
            clients.append((cid, *client))
            day = since or self.today
            day_value = tables.day(day)
            changes.append((aid, cid, None, status, at, uid, "Created", now))
            intervals.append((aid, cid, status, day_value, None))
            if status == "active":
                periods.append((aid, cid, day_value, None, day_value, None))
            self.deltas[(day, status)] += 1
            if r[16] or r[18]:
                contact_id = next(contact_ids)
                first, last = r[16].strip(), r[17].strip()
                contacts.append(
                    (contact_id, aid, cid, first, last, r[18].strip().lower(), r[19], "", "",
                     "", "", "", "", "", "", True, False, "import", True, 1, now, None)
                )  # fmt: skip
            industry_id, contacts_n = client[7], 1 if r[16] or r[18] else 0
            opportunities.append((aid, cid, *self.figures(industry_id, contacts_n)))
            for tag in {t.strip() for t in r[15].split(",") if t.strip()}:
                key = tag.lower()
                if key not in self.tag_ids:
                    self.tag_ids[key] = tables.ids("clients_tag", 1)[0]
                    new_tags.append((self.tag_ids[key], aid, tag[:40]))
                client_tags.append((aid, cid, self.tag_ids[key]))
        if only_client:
            tables.write("clients_client", CLIENT_COLUMNS, clients)
            return len(clients)
        tables.write("clients_client", ["id", *CLIENT_COLUMNS], clients)
        tables.write("clients_statuschange", CHANGE_COLUMNS, changes)
        tables.write("clients_statusinterval", INTERVAL_COLUMNS, intervals)
        tables.write("clients_serviceperiod", PERIOD_COLUMNS, periods)
        tables.write("contacts_contact", CONTACT_COLUMNS, contacts)
        tables.write("clients_tag", ["id", "account_id", "name"], new_tags)
        tables.write("clients_clienttag", ["account_id", "client_id", "tag_id"], client_tags)
        tables.write("software_clientopportunity", OPPORTUNITY_COLUMNS, opportunities)
        return len(clients)

    def figures(self, industry_id: int | None, contacts: int) -> tuple:
        key = (industry_id, contacts)
        if key not in self.opportunity_of:
            from clientdesk.software.opportunity import figures

            f = figures(self.catalog, industry_id, {}, contacts)
            self.opportunity_of[key] = (
                industry_id, contacts, 0, len(f.missing), 0, f.project, f.revenue, ZERO, ZERO
            )  # fmt: skip
        return self.opportunity_of[key]

    def finish(self, written: int) -> None:
        if not self.only_client:
            # The job's one entry (transfer.events), with the file's counts.
            changes = {"file": [None, self.filename], "created": [None, written]}
            self.tables.write(
                "audit_activity",
                ACTIVITY_COLUMNS,
                [
                    (self.account.pk, self.owner.pk, self.owner.email, "clients.imported",
                     "transfer.importjob", str(JOB_ID), self.filename, json.dumps(changes),
                     self.now)
                ],
            )  # fmt: skip
            self.tables.write(
                "clients_statusdaydelta",
                ["account_id", "day", "status", "delta"],
                [
                    (self.account.pk, self.tables.day(d), s, n)
                    for (d, s), n in sorted(self.deltas.items())
                ],
            )


def floor(*, account, owner, path: Path, fmt: str, only_client: bool = False) -> dict:
    written = 0
    reader = _read_csv(path) if fmt == "csv" else _read_xlsx(path)
    with transaction.atomic():
        state = _Floor(account=account, owner=owner, only_client=only_client)
        state.filename = path.name
        batch: list[list] = []
        for record in reader:
            batch.append(record)
            if len(batch) == BATCH:
                written += state.batch(batch)
                batch = []
        if batch:
            written += state.batch(batch)
        state.finish(written)
        committing = perf_counter()
    # PostgreSQL checks Django's foreign keys (DEFERRABLE INITIALLY DEFERRED) at the commit.
    commit_seconds = perf_counter() - committing
    spent = state.tables.seconds
    return {
        "rows": written,
        "batch": BATCH,
        "commit_seconds": round(commit_seconds, 2),
        "write_seconds": {table: round(spent[table], 2) for table in sorted(spent, key=spent.get)},
    }
