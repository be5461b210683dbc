"""Running an import job: read the file, parse each record, reject repeated keys, and hand
batches of rows to the kind's batch service, each batch in its own transaction together with
the job's progress, counts and rejected rows.

So a worker killed mid-run leaves whole batches only, and the job says how far it got
(`rows_done`, the records read and committed, in file order); running the job again resumes
after them, and running the same file again in upsert mode finds those rows unchanged.

A batch holds the database's write lock (SQLite has one for the whole database) while it runs,
so batches are kept short: at most BATCH_SIZE rows and BATCH_BYTES of values, and fewer rows
when a batch takes longer than BATCH_SECONDS, so that other people's writes wait at most one
batch; after each batch, writers waiting for SQLite's lock go first (core.sqlitedb). A check
(dry run) reads outside any transaction and writes only its progress.

Every record read is accounted for: the job ends done only when the rows read equal created +
updated + unchanged + rejected, and fails with the numbers otherwise.

A job that only creates writes each batch on a thread of its own while this one reads, parses
and checks the next (`transfer.runtime.Pipeline`, in kinds whose writer has two halves): the
database works while Python does, the batches still commit one after the other in file order.
"""

import functools
import logging
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from clientdesk.audit.events import event_record
from clientdesk.audit.models import Activity
from clientdesk.clients.batch import CREATE, REJECTED, UNCHANGED, UPDATE, Context, Outcome, Row
from clientdesk.clients.models import Client
from clientdesk.clients.queries import live_clients
from clientdesk.core.models import Membership
from clientdesk.core.roles import can
from clientdesk.core.seenkeys import SeenKeys
from clientdesk.core.sqlitedb import let_waiting_writers_in
from clientdesk.transfer import runtime
from clientdesk.transfer.events import JOB_VERBS, TARGET, job_changes
from clientdesk.transfer.kinds import Kind, kind_for
from clientdesk.transfer.models import ImportJob, ImportRowError, State
from clientdesk.transfer.parse import RowParser, text
from clientdesk.transfer.readers import UnreadableFile, open_sheet

log = logging.getLogger(__name__)
BATCH_SIZE = 4000
BATCH_MIN = 50
BATCH_FIRST = 250  # the first batch measures the pace; the next ones double up to BATCH_SIZE
BATCH_BYTES = 4 << 20  # of text in a batch's values: rows may hold 2 MB each (readers.limits)
BATCH_SECONDS = 0.4
KEPT_CHARS = 300  # of each value kept with a rejected row (the page and the error report)
# Errors the services name by their own argument, shown under the file's column.
FIELD_OF = {"at": "status_since", "parent": "parent_prefix", "manager": "manager_email"}
COUNTS = ("rows", CREATE, UPDATE, UNCHANGED, REJECTED)
# The kinds a job can import into one client, and the field that client fills.
CLIENT_FIELD = {"contacts": "client_prefix"}


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


class _Run:
    def __init__(
        self, job: ImportJob, kind: Kind, membership: Membership, client: Client | None = None
    ):
        self.job, self.kind, self.client = job, kind, client
        self.writer = import_string(kind.writer)
        self.check: Callable[..., Any] | None = None
        self.write_checked: Callable[..., Any] | None = None
        if kind.halves is not None:
            self.check, self.write_checked = map(import_string, kind.halves)
        self.pipeline: runtime.Pipeline | None = None
        self.ctx = Context.load(
            account=job.account,
            membership=membership,
            actor=membership.user,
            mode=job.mode,
            dry_run=job.dry_run,
        )
        # One activity entry for the job (transfer.events): found again when the job resumes.
        self.job_verb = None if job.dry_run else JOB_VERBS.get(kind.name)
        if self.job_verb is not None:
            self.ctx.job_id = job.pk
            self.ctx.job_entry_make = functools.partial(_job_entry, self)
            self.ctx.job_entry = (
                Activity.objects.for_account(job.account_id)
                .filter(target_type=TARGET, target_id=str(job.pk), verb=self.job_verb.name)
                .values_list("pk", flat=True)
                .first()
            )
        self.parser = RowParser(kind, job.account, job.mapping, orders=job.date_orders)
        # Imported into one client: its column, if the file has one, only confirms the client.
        self.client_field = CLIENT_FIELD.get(kind.name) if client is not None else None
        self.key_slots = [
            (job.mapping.index(name), name)
            for name in kind.key
            if name in job.mapping and name != self.client_field
        ]
        self.header_of = {name: job.headers[i] for i, name in enumerate(job.mapping) if name}
        self.seen = SeenKeys(expected=job.rows_total)
        self.deferred: dict[int, tuple[Row, list, list[tuple[str, str]]]] = {}
        self.counts = {**empty_counts(), **(job.counts or {})}
        self.batch_rows = self.most = BATCH_SIZE

    def pace(self, seconds: float, rows: int) -> None:
        """Size the next batch so that it holds the write lock about BATCH_SECONDS."""
        if rows < self.batch_rows / 2:  # a short batch (the end, or a large row) says little
            return
        wanted = int(rows * BATCH_SECONDS / max(seconds, 1e-3))
        self.batch_rows = max(BATCH_MIN, min(self.most, wanted, self.batch_rows * 2))

    def key(self, values: list) -> str | None:
        """The record's key, matched ignoring case (prefixes are stored upper case, emails
        lower case); None when a part of it is empty (the services reject that row)."""
        size = len(values)
        parts = [text(values[i]).casefold() if i < size else "" for i, _name in self.key_slots]
        return "\x1f".join(parts) if parts and all(parts) else None

    def fix_client(self, data: dict) -> list[tuple[str, str]]:
        """Fill in the job's client; a row that names another one is rejected."""
        if self.client_field is None:
            return []
        named = text(data.get(self.client_field)).upper()
        data[self.client_field] = self.client.prefix
        if not named or named == self.client.prefix.upper():
            return []
        return [
            (
                self.client_field,
                _(
                    "This file is imported into %(client)s (%(prefix)s); this row names"
                    " another client, %(named)s."
                )
                % {"client": self.client.name, "prefix": self.client.prefix, "named": named},
            )
        ]

    def label(self, name: str) -> str:
        name = FIELD_OF.get(name, name)
        if name in self.header_of:
            return self.header_of[name]
        try:
            return str(self.kind.column(name).label)
        except StopIteration:
            return ""


def run(job: ImportJob, *, path: str | None = None, batch_size: int = BATCH_SIZE) -> ImportJob:
    """Run (or resume) a job to its end; the job row tells the outcome."""
    kind = kind_for(job.kind, job.account_id)
    # Whoever started it, with their role and client limits as they stand now.
    membership = (
        Membership.objects.for_account(job.account_id)
        .select_related("user", "account")
        .filter(user_id=job.started_by_id or job.created_by_id)
        .first()
    )
    if membership is None or not can(membership, "clients.import"):
        _fail(job, _("The person who started this import may no longer import in this account."))
        return job
    client = None
    if job.client_id:
        client = live_clients(membership).filter(pk=job.client_id).first()
        if client is None:
            _fail(job, _("The client of this import is gone, or hidden from who started it."))
            return job
    job.state, job.started_at = State.RUNNING, job.started_at or timezone.now()
    ImportJob.objects.for_account(job.account_id).filter(pk=job.pk).update(
        state=job.state, started_at=job.started_at
    )
    try:
        with runtime.sqlite_import_settings(), runtime.few_collections():
            _run(_Run(job, kind, membership, client), path or job.file.path, batch_size)
    except UnreadableFile as exc:
        _fail(job, str(exc))
    except Exception:
        # The job carries the failure to the page and the API; the log has the details.
        log.exception("import %s failed", job.pk)
        _fail(job, _("The import stopped on an unexpected error; the rows before it are saved."))
    return job


def _pipelined(run: _Run) -> bool:
    """Whether the job's batches are written on a thread of their own while the next is read,
    parsed and checked: a job that only creates (an update's checks read what the batch
    before it writes), in a kind whose writer has two halves. Not inside a transaction (a
    test's: the writer's own connection would not see it) nor in an in-memory SQLite
    database (a second connection cannot read it while the first writes)."""
    if not runtime.PIPELINE or run.check is None or run.job.dry_run or run.job.mode != "create":
        return False
    if connection.in_atomic_block:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def _fail(job: ImportJob, message: str) -> None:
    job.state, job.failure, job.finished_at = State.FAILED, message, timezone.now()
    job.save(update_fields=["state", "failure", "finished_at"])


Pending = tuple[Row, list]  # a row to write and its original values
Failed = tuple[Row, list, list[tuple[str, str]]]


def _run(run: _Run, path: str, batch_size: int) -> None:
    job = run.job
    resumed = set(job.deferred)
    run.batch_rows, run.most = min(BATCH_FIRST, batch_size), batch_size
    # A date column whose order no value has settled yet reads ahead in the file, once.
    for column in (*run.parser.dates.values(), *run.parser.decimals.values()):
        column.scan = functools.partial(open_sheet, path, job.filename)
    run.pipeline = runtime.Pipeline() if _pipelined(run) else None
    try:
        read = _read_all(run, path, resumed)
    finally:
        if run.pipeline is not None:
            pipeline, run.pipeline = run.pipeline, None
            run.ctx.in_flight = frozenset()
            pipeline.close()
    _keep_readings(run)
    _settle_deferred(run, read)


def _read_all(run: _Run, path: str, resumed: set[int]) -> int:
    """Every record of the file into batches; answers the records read."""
    job = run.job
    with open_sheet(path, job.filename) as sheet:
        batch: list[Pending] = []
        rejected: list[Failed] = []
        read = size = counted = 0  # records read, in file order; text in the batch; its rows
        for number, values in sheet.rows():
            read += 1
            key = run.key(values)
            earlier = run.seen.get(key) if key else None
            if read <= job.rows_done and number not in resumed:
                if key:  # committed by an earlier attempt of this job
                    run.seen.setdefault(key, number)
                continue
            if number not in resumed:
                counted += 1
            data, errors = run.parser.parse(values)
            errors += run.fix_client(data)
            if earlier is not None:
                errors.append(
                    (
                        run.kind.key[0],
                        _("Row %(row)s has the same %(what)s; this row is skipped.")
                        % {
                            "row": earlier,
                            "what": " + ".join(run.label(k) for _i, k in run.key_slots),
                        },
                    )
                )
            elif key:
                run.seen.setdefault(key, number)
            row = Row(number=number, data=data)
            if errors:
                rejected.append((row, values, errors))
            else:
                batch.append((row, values))
            try:  # a delimited file's cells are all text
                size += sum(map(len, values))
            except TypeError:  # a workbook's are also numbers, dates and blanks
                size += sum(len(v) for v in values if type(v) is str)
            if len(batch) + len(rejected) >= run.batch_rows or size >= BATCH_BYTES:
                _commit(run, batch, rejected, read, counted)
                batch, rejected, size, counted = [], [], 0, 0
        _commit(run, batch, rejected, read, counted)
    return read


def _keep_readings(run: _Run) -> None:
    """How the date columns were read, for the check page (before the job says it is done)."""
    job = run.job
    job.dates = run.parser.readings()
    ImportJob.objects.for_account(job.account_id).filter(pk=job.pk).update(dates=job.dates)


def _settle_deferred(run: _Run, read: int) -> None:
    """Offer the set-aside rows again until a round writes none of them; then they are
    rejected with their reasons."""
    while run.deferred:
        waiting = [(row, values) for row, values, _errors in run.deferred.values()]
        before = len(waiting)
        run.deferred = {}
        for i in range(0, len(waiting), run.batch_rows):
            _commit(run, waiting[i : i + run.batch_rows], [], read)
        if len(run.deferred) == before:
            final = list(run.deferred.values())
            run.deferred = {}
            _commit(run, [], final, read)
            break
    _commit(run, [], [], read, final=True)


def _commit(
    run: _Run,
    batch: list[Pending],
    rejected: list[Failed],
    read: int,
    counted: int = 0,
    final: bool = False,
) -> None:
    """One batch and the job's progress in one transaction: both or neither. A check writes
    nothing but its progress: it reads before the transaction, which then stays short.

    `counted`: the rows of the file this batch accounts for the first time (a resumed job's
    set-aside rows were counted by the attempt that read them)."""
    pipeline = run.pipeline
    if pipeline is None:
        _write(run, batch, rejected, read, counted, final, None)
        return
    assert run.check is not None
    checked = run.check(ctx=run.ctx, rows=[row for row, _ in batch]) if batch else None
    pipeline.submit(_write, run, batch, rejected, read, counted, final, checked)
    # The next batch is checked while this one is written: its new clients can be parents.
    run.ctx.in_flight = frozenset(checked.created()) if checked is not None else frozenset()


def _write(
    run: _Run,
    batch: list[Pending],
    rejected: list[Failed],
    read: int,
    counted: int,
    final: bool,
    checked: Any,
) -> None:
    job = run.job
    began = time.monotonic()
    outcomes: list[Outcome] = []
    entry = run.ctx.job_entry
    try:
        with transaction.atomic() if not job.dry_run else nullcontext():
            if checked is not None:
                assert run.write_checked is not None
                outcomes = run.write_checked(ctx=run.ctx, checked=checked)
            elif batch:
                outcomes = run.writer(ctx=run.ctx, rows=[row for row, _ in batch])
            with transaction.atomic() if job.dry_run else nullcontext():
                _record(run, batch, rejected, outcomes, read, counted, final)
    except BaseException:
        run.ctx.job_entry = entry  # an entry made in the batch is undone with it
        raise
    run.pace(time.monotonic() - began, len(batch) + len(rejected))
    let_waiting_writers_in(most=BATCH_SECONDS)


def _job_entry(run: _Run) -> int:
    """The job's one activity entry, made by the writer with the first records the job
    creates; its counts follow each batch (_record). A job that creates nothing has none."""
    job = run.job
    assert run.job_verb is not None
    return event_record(
        account=run.ctx.account,
        actor=run.ctx.actor,
        verb=run.job_verb,
        target=job,
        changes=job_changes(job.filename, run.counts),
        target_label=job.filename,
    ).pk


def _record(
    run: _Run,
    batch: list[Pending],
    rejected: list[Failed],
    outcomes: list[Outcome],
    read: int,
    counted: int,
    final: bool,
) -> None:
    job = run.job
    run.counts["rows"] += counted
    failed = list(rejected)
    for (row, values), outcome in zip(batch, outcomes, strict=True):
        if outcome.retry:
            run.deferred[row.number] = (row, values, outcome.errors)
        elif outcome.action == REJECTED:
            failed.append((row, values, outcome.errors))
        else:
            run.counts[outcome.action] += 1
    run.counts[REJECTED] += len(failed)
    ImportRowError.objects.bulk_create(
        [
            ImportRowError(
                account_id=job.account_id,
                job_id=job.pk,
                row=row.number,
                field=run.label(name)[:60],
                message=message[:500],
                values=[kept(v) for v in values],
            )
            for row, values, errors in sorted(failed, key=lambda f: f[0].number)
            for name, message in errors
        ],
        batch_size=1000,
    )
    if run.ctx.job_entry is not None:
        Activity.objects.for_account(job.account_id).filter(pk=run.ctx.job_entry).update(
            changes=job_changes(job.filename, run.counts)
        )
    job.rows_done, job.counts = read, dict(run.counts)
    job.deferred = sorted(run.deferred)
    fields = ["rows_done", "counts", "progress", "deferred"]
    if final:
        counts = run.counts
        accounted = sum(counts[name] for name in (CREATE, UPDATE, UNCHANGED, REJECTED))
        job.finished_at, job.rows_total = timezone.now(), counts["rows"]
        fields += ["state", "finished_at", "rows_total"]
        if counts["rows"] == read == accounted:
            job.state, job.progress = State.DONE, 100
        else:
            job.state, job.progress = State.FAILED, _progress(accounted, read)
            job.failure = _(
                "The file has %(read)s rows, but %(accounted)s were accounted for (%(created)s"
                " created, %(updated)s updated, %(unchanged)s unchanged, %(rejected)s"
                " rejected): the import is not complete."
            ) % {"read": read, "accounted": accounted, **counts}
            fields.append("failure")
            log.error("import %s: %s rows read, %s accounted for", job.pk, read, accounted)
    else:
        job.progress = _progress(run.counts["rows"], job.rows_total)
    job.save(update_fields=fields)


def kept(value: object) -> str:
    """A value as kept with a rejected row: its text, at most KEPT_CHARS characters, a NUL
    shown as U+FFFD (PostgreSQL's text and JSON cannot hold one; the row is rejected for it)."""
    value = text(value).replace("\x00", "\ufffd")
    return value if len(value) <= KEPT_CHARS else value[: KEPT_CHARS - 1] + "…"


def _progress(done: int, total: int | None) -> int:
    if not total:
        return 0
    return max(1, min(99, done * 100 // total))
