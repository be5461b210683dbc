"""Running an import job: read the file, parse each record, reject repeated keys, and hand
batches of rows to the kind's batch service, each batch in its own transaction together with
the job's progress, counts and rejected rows.

So a worker killed mid-run leaves whole batches only, and the job says how far it got
(`rows_done`, the last row number committed); running the job again resumes after it, and
running the same file again in upsert mode finds those rows unchanged.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from clientdesk.clients.batch import CREATE, REJECTED, UNCHANGED, UPDATE, Context, Outcome, Row
from clientdesk.core.models import Membership
from clientdesk.core.seenkeys import SeenKeys
from clientdesk.transfer.kinds import KINDS, Kind
from clientdesk.transfer.models import ImportJob, ImportRowError, State
from clientdesk.transfer.parse import RowParser, text
from clientdesk.transfer.readers import UnreadableFile, open_sheet

log = logging.getLogger(__name__)
BATCH_SIZE = 2000
# Errors the services name by their own argument, shown under the file's column.
FIELD_OF = {"at": "status_since", "parent": "parent_prefix", "manager": "manager_email"}
COUNTS = ("rows", CREATE, UPDATE, UNCHANGED, REJECTED)


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


class _Run:
    def __init__(self, job: ImportJob, kind: Kind, membership: Membership):
        self.job, self.kind = job, kind
        self.writer = import_string(kind.writer)
        self.ctx = Context.load(
            account=job.account,
            membership=membership,
            actor=membership.user,
            mode=job.mode,
            dry_run=job.dry_run,
        )
        self.parser = RowParser(kind, job.account, job.mapping)
        self.key_slots = [
            (job.mapping.index(name), name) for name in kind.key if name in job.mapping
        ]
        self.header_of = {name: job.headers[i] for i, name in enumerate(job.mapping) if name}
        self.seen = SeenKeys(expected=job.rows_total)
        self.deferred: dict[int, tuple[Row, list, list[tuple[str, str]]]] = {}
        self.counts = {**empty_counts(), **(job.counts or {})}

    def key(self, values: list) -> str | None:
        """The record's key, matched ignoring case (prefixes are stored upper case, emails
        lower case); None when a part of it is empty (the services reject that row)."""
        size = len(values)
        parts = [text(values[i]).casefold() if i < size else "" for i, _name in self.key_slots]
        return "\x1f".join(parts) if parts and all(parts) else None

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
    kind = KINDS[job.kind]
    membership = (
        Membership.objects.for_account(job.account_id)
        .select_related("user", "account")
        .get(user=job.created_by)
    )
    job.state, job.started_at = State.RUNNING, job.started_at or timezone.now()
    ImportJob.objects.for_account(job.account_id).filter(pk=job.pk).update(
        state=job.state, started_at=job.started_at
    )
    try:
        with _small_sqlite_cache():
            _run(_Run(job, kind, membership), path or job.file.path, batch_size)
    except UnreadableFile as exc:
        _fail(job, str(exc))
    except Exception:
        # The job carries the failure to the page and the API; the log has the details.
        log.exception("import %s failed", job.pk)
        _fail(job, _("The import stopped on an unexpected error; the rows before it are saved."))
    return job


@contextmanager
def _small_sqlite_cache() -> Iterator[None]:
    """SQLite's page cache lives in this process: the 64 MB the pages get (settings) would be
    most of an import's memory budget, and at 100,000 rows 16 MB writes as fast (bench)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size=-16000")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={int(before)}")


def _fail(job: ImportJob, message: str) -> None:
    job.state, job.failure, job.finished_at = State.FAILED, message, timezone.now()
    job.save(update_fields=["state", "failure", "finished_at"])


Pending = tuple[Row, list]  # a row to write and its original values
Failed = tuple[Row, list, list[tuple[str, str]]]


def _run(run: _Run, path: str, batch_size: int) -> None:
    job = run.job
    resumed = set(job.deferred)
    with open_sheet(path, job.filename) as sheet:
        batch: list[Pending] = []
        rejected: list[Failed] = []
        last = job.rows_done
        for number, values in sheet.rows():
            key = run.key(values)
            earlier = run.seen.get(key) if key else None
            if number <= job.rows_done and number not in resumed:
                if key:  # committed by an earlier attempt of this job
                    run.seen.setdefault(key, number)
                continue
            last = max(last, number)
            if number not in resumed:
                run.counts["rows"] += 1
            data, errors = run.parser.parse(values)
            if earlier is not None:
                errors.append(
                    (
                        run.kind.key[0],
                        _("Row %(row)s has the same %(what)s; this row is skipped.")
                        % {"row": earlier, "what": " + ".join(run.label(k) for k in run.kind.key)},
                    )
                )
            elif key:
                run.seen.setdefault(key, number)
            row = Row(number=number, data=data)
            if errors:
                rejected.append((row, values, errors))
            else:
                batch.append((row, values))
            if len(batch) + len(rejected) >= batch_size:
                _commit(run, batch, rejected, last)
                batch, rejected = [], []
        _commit(run, batch, rejected, last)
    _settle_deferred(run, last, batch_size)


def _settle_deferred(run: _Run, last: int, batch_size: int) -> None:
    """Offer the set-aside rows again until a round writes none of them; then they are
    rejected with their reasons."""
    while run.deferred:
        waiting = [(row, values) for row, values, _errors in run.deferred.values()]
        before = len(waiting)
        run.deferred = {}
        for i in range(0, len(waiting), batch_size):
            _commit(run, waiting[i : i + batch_size], [], last)
        if len(run.deferred) == before:
            final = list(run.deferred.values())
            run.deferred = {}
            _commit(run, [], final, last)
            break
    _commit(run, [], [], last, final=True)


def _commit(
    run: _Run, batch: list[Pending], rejected: list[Failed], last: int, final: bool = False
) -> None:
    """One batch and the job's progress in one transaction: both or neither."""
    job = run.job
    with transaction.atomic():
        outcomes: list[Outcome] = (
            run.writer(ctx=run.ctx, rows=[row for row, _ in batch]) if batch else []
        )
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
                    field=run.label(name),
                    message=message[:500],
                    values=[text(v) for v in values],
                )
                for row, values, errors in sorted(failed, key=lambda f: f[0].number)
                for name, message in errors
            ],
            batch_size=1000,
        )
        job.rows_done, job.counts = last, dict(run.counts)
        job.deferred = sorted(run.deferred)
        fields = ["rows_done", "counts", "progress", "deferred"]
        if final:
            job.state, job.progress, job.finished_at = State.DONE, 100, timezone.now()
            job.rows_total = run.counts["rows"]
            fields += ["state", "finished_at", "rows_total"]
        else:
            job.progress = _progress(run.counts["rows"], job.rows_total)
        job.save(update_fields=fields)


def _progress(done: int, total: int | None) -> int:
    if not total:
        return 0
    return max(1, min(99, done * 100 // total))
