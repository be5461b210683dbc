"""Every write on imports: accept an upload, set its column mapping, start it as a background
task, run a finished check for real, and the command line's synchronous run.

One import is one job: an upload is checked (a dry run), and running the checked file continues
that job (its history entry shows checked → imported). A check holds only while what it read is
as it was: once the account's clients or contacts changed after the check began (see
transfer.queries.check_outdated), the check must run again before the import can.

No import runs inside a request: a request's transaction would hold the database (SQLite's
write lock is the whole database's) for as long as the file takes, however small the upload,
since a small workbook can inflate to millions of rows. The task writes in short batches.

The rows themselves are checked and written by the kind's batch entry point in the client and
contact services (see transfer.kinds and transfer.engine): one write path, run in batches.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.clients.models import Client
from clientdesk.core.models import Account, Membership
from clientdesk.core.roles import can
from clientdesk.transfer import engine, mapping, queries
from clientdesk.transfer.dates import ORDERS
from clientdesk.transfer.kinds import DATE, KINDS, kind_for
from clientdesk.transfer.models import ImportJob, ImportRowError, Mode, State
from clientdesk.transfer.readers import UnreadableFile, estimate_records, open_sheet

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # ~270,000 client rows of every column as CSV; more: importfile
EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


class CheckOutdated(ValidationError):
    """The data a finished check read has changed since: check the file again."""


def fixed_fields(job: ImportJob) -> set[str]:
    """The fields the job fills itself, so the file needs no column for them."""
    return (
        {engine.CLIENT_FIELD[job.kind]}
        if job.client_id and job.kind in engine.CLIENT_FIELD
        else set()
    )


def _check_choice(kind: str, mode: str, membership: Membership) -> None:
    errors = {}
    if kind not in KINDS:
        errors["kind"] = [_("Choose what the file holds: %s.") % ", ".join(KINDS)]
    if mode not in Mode.values:
        errors["mode"] = [_("Choose create or upsert.")]
    if errors:
        raise ValidationError(errors)
    if not can(membership, "clients.import"):
        raise PermissionError("clients.import")


def _describe(job: ImportJob, path: str) -> None:
    """Read the header row, guess the mapping and estimate the records, or refuse the file."""
    try:
        with open_sheet(path, job.filename) as sheet:
            job.headers = [engine.kept(h) for h in sheet.headers]
    except UnreadableFile as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    if not any(job.headers):
        raise ValidationError({"file": [_("The file has no header row.")]})
    job.mapping = mapping.guess(kind_for(job.kind, job.account_id), job.headers)
    job.rows_total = estimate_records(path)


def import_create(
    *,
    account: Account,
    membership: Membership,
    kind: str,
    upload: UploadedFile,
    mode: str = Mode.UPSERT,
    dry_run: bool = False,
    start: bool = False,
    client: Client | None = None,
    date_order: str | None = None,
) -> ImportJob:
    """Store the upload as a queued job with the headers found and the mapping guessed, and
    with `start`, start it with that mapping (the API); a file that cannot start leaves no job.

    With `client` (a client the member may see; the caller looked it up), every row is that
    client's: the file needs no client column, and a row naming another client is rejected.
    `date_order` ("dmy" or "mdy") reads every date column in that order instead of the one its
    values or the account settle.

    The file is read (its header, and a workbook's shared strings) before any transaction:
    that can take a while, and nobody's writes should wait for it."""
    _check_choice(kind, mode, membership)
    if client is not None and kind not in engine.CLIENT_FIELD:
        raise ValidationError({"client": [_("Only contacts can be imported into one client.")]})
    name = Path(upload.name or "upload").name
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("The file is %(size)s MB; the limit is %(limit)s MB: split it in parts.")
                    % {
                        "size": round(upload.size / 1048576, 1),
                        "limit": MAX_UPLOAD_BYTES // 1048576,
                    }
                ]
            }
        )
    if not name.lower().endswith(EXTENSIONS):
        raise ValidationError({"file": [_("Upload a CSV or XLSX file.")]})
    job = ImportJob(
        account=account,
        created_by=membership.user,
        kind=kind,
        mode=mode,
        dry_run=dry_run,
        filename=name[:200],
        size=upload.size,
        client=client,
    )
    if date_order is not None and date_order not in ORDERS:
        raise ValidationError({"date_order": [_("Choose day first or month first.")]})
    job.file.save(name, upload, save=False)
    try:
        _describe(job, job.file.path)
        if date_order:
            dated = {c.name for c in KINDS[kind].columns if c.type == DATE}
            job.date_orders = {f: date_order for f in job.mapping if f in dated}
        with transaction.atomic():
            job.save()
            if start:
                import_start(job=job, membership=membership)
    except ValidationError:
        job.file.delete(save=False)
        raise
    return job


@transaction.atomic
def import_set_mapping(*, job: ImportJob, mapping: list[str]) -> ImportJob:
    """Set the field of each header position ("" ignores it)."""
    errors = _mapping_errors(job, mapping, required=False)
    if errors:
        raise ValidationError({"mapping": errors})
    job.mapping = list(mapping)
    job.save(update_fields=["mapping"])
    return job


def _mapping_errors(job: ImportJob, wanted: list[str], *, required: bool) -> list[str]:
    kind = kind_for(job.kind, job.account_id)
    found = mapping.validate(kind, job.headers, wanted)
    found.pop("required", None)
    messages = [message for messages in found.values() for message in messages]
    if required:
        # Upsert can update existing records from a file of a few columns: only the key is
        # needed up front; a new record without a required value is a rejected row.
        needed = kind.required if job.mode == Mode.CREATE else [kind.column(n) for n in kind.key]
        fixed = fixed_fields(job)
        messages += [
            _("Choose the column that holds “%(label)s”: it is required.") % {"label": c.label}
            for c in needed
            if c.name not in wanted and c.name not in fixed
        ]
    return messages


def import_start(
    *, job: ImportJob, membership: Membership, dry_run: bool | None = None
) -> ImportJob:
    """Start a queued job as a background task, as `membership`: it runs with their role and
    client limits (the job shows its progress as it goes). `dry_run` turns an uploaded job
    into a preview or a real run before it starts."""
    _check_choice(job.kind, job.mode, membership)
    errors = _mapping_errors(job, job.mapping, required=True)
    if errors:
        raise ValidationError({"mapping": errors})
    if job.state != State.QUEUED or job.started_at is not None:
        raise ValidationError({"state": [_("This import has already run.")]})
    if dry_run is not None:
        job.dry_run = dry_run
    # Started from the person's point of view: the page shows progress from now on.
    job.started_at, job.started_by = timezone.now(), membership.user
    job.save(update_fields=["dry_run", "started_at", "started_by"])
    _enqueue(job)
    return job


def _locked(job: ImportJob) -> ImportJob:
    return ImportJob.objects.for_account(job.account_id).select_for_update().get(pk=job.pk)


def _clear_result(job: ImportJob) -> None:
    """Forget how far the job got and what it found (its rejected rows too), to run it again."""
    job.state, job.progress, job.rows_done, job.deferred = State.QUEUED, 0, 0, []
    job.counts, job.failure, job.finished_at, job.dates = {}, "", None, {}
    ImportRowError.objects.for_account(job.account_id).filter(job=job).delete()


def _enqueue(job: ImportJob) -> None:
    from clientdesk.transfer.tasks import import_run

    transaction.on_commit(lambda: import_run.enqueue(job.pk))


@transaction.atomic
def import_run_checked(*, job: ImportJob, membership: Membership) -> ImportJob:
    """Run a finished check for real, as the same job: it keeps when the check ran and what it
    counted, and starts over from the file's first row, writing. Refused (CheckOutdated) once
    the data the check read has changed since it began: the person checks again first."""
    _check_choice(job.kind, job.mode, membership)
    job = _locked(job)
    if not (job.dry_run and job.state == State.DONE):
        raise ValidationError({"state": [_("Only a finished check of a file can be run.")]})
    if queries.check_outdated(job):
        raise CheckOutdated(
            {
                "check": [
                    _(
                        "Clients or contacts have changed since this file was checked: check it"
                        " again, then import it."
                    )
                ]
            }
        )
    job.check_started_at, job.checked_at = job.started_at, job.finished_at
    job.check_counts = dict(job.counts or {})
    _clear_result(job)
    job.dry_run = False
    job.started_at, job.started_by = timezone.now(), membership.user
    job.save()
    _enqueue(job)
    return job


@transaction.atomic
def import_check_again(*, job: ImportJob, membership: Membership) -> ImportJob:
    """Check the same file with the same columns again, as the same job (after the data it
    read changed, or after a check that failed)."""
    _check_choice(job.kind, job.mode, membership)
    job = _locked(job)
    if not (job.dry_run and job.state in (State.DONE, State.FAILED)):
        raise ValidationError({"state": [_("Only a finished check can be checked again.")]})
    _clear_result(job)
    job.started_at, job.started_by = timezone.now(), membership.user
    job.save()
    _enqueue(job)
    return job


@transaction.atomic
def import_date_order(
    *, job: ImportJob, membership: Membership, field: str, order: str
) -> ImportJob:
    """Read a date column of a finished check with the other order of day and month, and
    check the file again with it (the check page's switch)."""
    _check_choice(job.kind, job.mode, membership)
    job = _locked(job)
    if not (job.dry_run and job.state in (State.DONE, State.FAILED)):
        raise ValidationError({"state": [_("Only a finished check can be read again.")]})
    kind = kind_for(job.kind, job.account_id)
    dated = {c.name for c in kind.columns if c.type == DATE}
    if field not in dated or field not in job.mapping:
        raise ValidationError({"field": [_("This file has no such date column.")]})
    if order not in ORDERS:
        raise ValidationError({"order": [_("Choose day first or month first.")]})
    job.date_orders = {**(job.date_orders or {}), field: order}
    _clear_result(job)
    job.started_at, job.started_by = timezone.now(), membership.user
    job.save()
    _enqueue(job)
    return job


@transaction.atomic
def import_columns_again(*, job: ImportJob, membership: Membership) -> ImportJob:
    """Choose the columns anew (from the ones chosen last time): a finished check goes back
    to its columns as the same job; a run that wrote rows stays in the history as it is, and
    a new job over the same file starts."""
    _check_choice(job.kind, job.mode, membership)
    locked = _locked(job)
    if locked.state not in (State.DONE, State.FAILED):
        raise ValidationError({"state": [_("This import is still running: wait for its end.")]})
    if not locked.dry_run:
        return import_again(job=locked, membership=membership, dry_run=True)
    _clear_result(locked)
    locked.started_at = locked.started_by = None
    locked.date_orders = {}  # the columns may change: their dates are read afresh
    locked.save()
    return locked


@transaction.atomic
def import_again(*, job: ImportJob, membership: Membership, dry_run: bool) -> ImportJob:
    """A new queued job over the same file and mapping (after a run that failed)."""
    _check_choice(job.kind, job.mode, membership)
    return ImportJob.objects.create(
        account=job.account,
        created_by=membership.user,
        client=job.client,
        kind=job.kind,
        mode=job.mode,
        dry_run=dry_run,
        file=job.file.name,
        filename=job.filename,
        size=job.size,
        headers=job.headers,
        mapping=job.mapping,
        rows_total=job.rows_total,
    )


def import_file(
    *,
    account: Account,
    membership: Membership,
    kind: str,
    path: str,
    mode: str = Mode.UPSERT,
    dry_run: bool = False,
) -> ImportJob:
    """Run a file from disk synchronously (the command line and the benchmarks)."""
    _check_choice(kind, mode, membership)
    job = ImportJob(
        account=account,
        created_by=membership.user,
        started_by=membership.user,
        kind=kind,
        mode=mode,
        dry_run=dry_run,
        filename=Path(path).name[:200],
        size=Path(path).stat().st_size,
    )
    _describe(job, path)
    errors = _mapping_errors(job, job.mapping, required=True)
    if errors:
        raise ValidationError({"mapping": errors})
    job.save()
    return engine.run(job, path=path)
