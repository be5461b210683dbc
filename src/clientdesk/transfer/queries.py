"""Reads of imports that the pages, the API and the command share.

A member sees the imports they uploaded; owners and admins (`imports.all`) see every import of
the account. A job holds the rows of its file, whatever clients they name, so another
member's job is the same 404 as a missing one."""

from collections.abc import Iterator
from itertools import groupby

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from clientdesk.audit.models import Activity
from clientdesk.contacts.models import Contact
from clientdesk.core.models import Membership
from clientdesk.core.roles import can
from clientdesk.core.tenancy import get_or_404
from clientdesk.transfer.events import JOB_VERBS
from clientdesk.transfer.kinds import KINDS
from clientdesk.transfer.models import ImportJob, ImportRowError, State


def imports_visible(membership: Membership) -> QuerySet[ImportJob]:
    """The imports this member may see, re-run and download."""
    jobs = ImportJob.objects.for_account(membership.account_id)
    if can(membership, "imports.all"):
        return jobs
    return jobs.filter(created_by_id=membership.user_id)


def imports_for_member(membership: Membership) -> QuerySet[ImportJob]:
    """The member's import history, newest first."""
    return (
        imports_visible(membership)
        .select_related("created_by", "client")
        .order_by("-created_at", "-id")
    )


def import_get(*, membership: Membership, pk: int) -> ImportJob:
    return get_or_404(
        imports_visible(membership).select_related("account", "created_by", "client"), pk=pk
    )


def check_outdated(job: ImportJob) -> bool:
    """Whether what a check read may have changed since it began: the activity log, which every
    change of a client or a contact writes to, has an entry since then about

    - for a file imported into one client (its Contacts tab): that client or one of its contacts;
    - otherwise: any client or contact of the account, or what else the kind reads (its
      `reads`: industries and the team for clients, the team for contacts).

    Stricter than "the rows the file names changed", and simple to explain: nothing the check
    could have read changed since it began, so the run does what the check said. The check's
    start is when the person started it, before the worker read anything.

    An import of clients or contacts writes one entry for what it creates (transfer.events):
    another such import that ran since the check began outdates it too."""
    since = job.started_at
    if since is None:
        return False
    entries = Activity.objects.for_account(job.account_id).filter(at__gte=since)
    if job.client_id:
        contacts = (
            Contact.objects.for_account(job.account_id)
            .filter(client_id=job.client_id)
            .annotate(key=Cast("pk", output_field=CharField()))
            .values("key")
        )
        # Two lookups by target (activity_target_idx), not one OR the planner would answer by
        # scanning every entry since the check began.
        return (
            entries.filter(target_type="clients.client", target_id=str(job.client_id)).exists()
            or entries.filter(target_type="contacts.contact", target_id__in=contacts).exists()
            or _imports_since(job)
        )
    return entries.filter(target_type__in=KINDS[job.kind].reads).exists() or _imports_since(job)


def _imports_since(job: ImportJob) -> bool:
    """Another import that wrote while or since this check ran. The records a clients or
    contacts import creates have no entry each, and the job's one entry is dated when it began,
    perhaps before the check: the jobs themselves tell. A job killed mid-run stays running until
    it is resumed, and outdates checks meanwhile."""
    return (
        ImportJob.objects.for_account(job.account_id)
        .filter(dry_run=False, kind__in=JOB_VERBS)
        .exclude(pk=job.pk)
        .filter(
            Q(state=State.RUNNING)
            | Q(state__in=(State.DONE, State.FAILED), finished_at__gte=job.started_at)
        )
        .exists()
    )


def import_errors(job: ImportJob) -> QuerySet[ImportRowError]:
    return ImportRowError.objects.for_account(job.account_id).filter(job=job).order_by("row", "id")


def error_report_rows(job: ImportJob) -> Iterator[list[str]]:
    """The header row plus an Error column, then each rejected row as it was, with its reasons."""
    yield [*job.headers, "Error"]
    for _row, errors in groupby(import_errors(job).iterator(chunk_size=2000), key=lambda e: e.row):
        errors_list = list(errors)
        values = list(errors_list[0].values)
        values += [""] * (len(job.headers) - len(values))
        reasons = "; ".join(
            f"{e.field}: {e.message}" if e.field else e.message for e in errors_list
        )
        yield [*values, reasons]
