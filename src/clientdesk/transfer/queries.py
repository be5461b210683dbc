"""Reads of imports that the pages, the API and the command share.

A member sees the imports they uploaded; owners and admins (`imports.all`) see every import of
the account. A job holds the rows of its file, whatever clients they name, so another
member's job is the same 404 as a missing one."""

from collections.abc import Iterator
from itertools import groupby

from django.db.models import QuerySet

from clientdesk.core.models import Membership
from clientdesk.core.roles import can
from clientdesk.core.tenancy import get_or_404
from clientdesk.transfer.models import ImportJob, ImportRowError


def imports_visible(membership: Membership) -> QuerySet[ImportJob]:
    """The imports this member may see, re-run and download."""
    jobs = ImportJob.objects.for_account(membership.account_id)
    if can(membership, "imports.all"):
        return jobs
    return jobs.filter(created_by_id=membership.user_id)


def imports_for_member(membership: Membership) -> QuerySet[ImportJob]:
    """The member's import history, newest first."""
    return imports_visible(membership).select_related("created_by").order_by("-created_at", "-id")


def import_get(*, membership: Membership, pk: int) -> ImportJob:
    return get_or_404(imports_visible(membership).select_related("account", "created_by"), pk=pk)


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
