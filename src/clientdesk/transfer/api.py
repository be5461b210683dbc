"""The imports API (DESIGN §7): upload a file to import (or to check), then follow the job.

The same services as the Bulk import pages: the upload is stored with its columns matched by
their names (as the page guesses them), and started as a background task at once: 202 while it
runs (poll GET /imports/{id}). A member reads their own imports; owners and admins every one.
A finished check runs for real as the same job (`POST /imports/{id}/run`), unless what it read
has changed since it began (409: check again). The templates are `GET /imports/template`
(api/exports.py).
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import Status as Answer
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from clientdesk.clients.queries import get_client
from clientdesk.core.api_schemas import ErrorOut, Id, Strict
from clientdesk.core.roles import require
from clientdesk.transfer import queries, services
from clientdesk.transfer.kinds import KINDS
from clientdesk.transfer.models import ImportJob, State

router = Router(tags=["imports"])

CAPABILITY = "clients.import"
ERRORS_LISTED = 1000  # the first rejected rows; counts.rejected says how many in all
WRITE = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


class ImportIn(Strict):
    """The form fields beside the file (text, as forms send it: `dry_run` is true or false)."""

    model_config = ConfigDict(strict=False)

    kind: Literal[tuple(KINDS)] = Field(description="What the file holds.")  # type: ignore[valid-type]
    mode: Literal["create", "upsert"] = Field(
        "upsert",
        description="create: a row matching an existing record is rejected; upsert: it "
        "updates that record (clients match on prefix, contacts on client prefix + email).",
    )
    dry_run: bool = Field(
        False,
        description="true: check only, nothing is written; run the checked file with "
        "POST /imports/{id}/run.",
    )
    client: int | None = Field(
        None,
        ge=1,
        description="kind=contacts only: the id of a client you may see; every row becomes its "
        "contact, the file needs no client column, and a row naming another client is rejected.",
    )
    date_order: Literal["dmy", "mdy"] | None = Field(
        None,
        description="How to read dates such as 03/04/2024 in every date column: dmy (day "
        "first) or mdy (month first). Default: a value whose first part is over 12 settles a "
        "column, else the account's time zone's country (month first in the United States).",
    )


# A form field is text or absent, never null: `client` is an integer when it is sent.
FORM_FIELDS = ImportIn.model_json_schema()["properties"]
FORM_FIELDS["client"] = {
    "type": "integer",
    "minimum": 1,
    "description": FORM_FIELDS["client"]["description"],
}
FORM_FIELDS["date_order"] = {
    "type": "string",
    "enum": ["dmy", "mdy"],
    "description": FORM_FIELDS["date_order"]["description"],
}

# The form is read in the handler, after the role check (a missing right is a 403 whatever the
# form holds); the document says what it must hold.
IMPORT_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "kind"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The CSV or XLSX file.",
                        },
                        **FORM_FIELDS,
                    },
                    "additionalProperties": False,
                }
            }
        },
    }
}


class ImportCountsOut(Schema):
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


class RowErrorOut(Schema):
    row: int = Field(description="The row as seen in the file: the header is row 1.")
    field: str = Field(description="The column's header in the file; empty for the whole row.")
    message: str


class ColumnOut(Schema):
    header: str
    field: str = Field(description="The field it fills; empty when the column is ignored.")


class DateSampleOut(Schema):
    text: str = Field(description="The value as the file holds it.")
    read: str = Field(description="The day (YYYY-MM-DD) or moment it was read as.")


class DateReadingOut(Schema):
    field: str
    order: Literal["dmy", "mdy"] = Field(description="Day first or month first.")
    source: Literal["file", "locale", "chosen"] = Field(
        description="file: a value of the column settled it (`evidence`); locale: the account's "
        "time zone's country; chosen: date_order, or the check page's switch."
    )
    evidence: str
    ambiguous: int = Field(description="Values that read differently in the other order.")
    samples: list[DateSampleOut] = Field(description="The column's first values, as read.")


class ImportOut(Schema):
    id: int
    kind: str
    mode: Literal["create", "upsert"]
    dry_run: bool
    state: Literal["queued", "running", "done", "failed"]
    progress: int = Field(description="0–100.")
    counts: ImportCountsOut
    errors: list[RowErrorOut] = Field(
        description=f"The rejected rows by row number, at most {ERRORS_LISTED}."
    )
    failure: str = Field(description="Why a failed job stopped.")
    client: int | None = Field(description="The client every row was imported into, if any.")
    checked_at: datetime | None = Field(
        description="A run that continued its own check: when that check finished."
    )
    check_counts: ImportCountsOut | None = Field(
        description="A run that continued its own check: what the check counted."
    )
    filename: str
    columns: list[ColumnOut]
    dates: list[DateReadingOut] = Field(
        description="How each date column was read, once the check or run has read the file."
    )
    rows_done: int
    rows_total: int | None = Field(description="Estimated until the job is done.")
    created_at: datetime
    finished_at: datetime | None


def import_out(job: ImportJob) -> dict:
    errors = []
    if job.state in (State.DONE, State.FAILED):
        errors = [
            {"row": e.row, "field": e.field, "message": e.message}
            for e in queries.import_errors(job)[:ERRORS_LISTED]
        ]
    return {
        "id": job.pk,
        "kind": job.kind,
        "mode": job.mode,
        "dry_run": job.dry_run,
        "state": job.state,
        "progress": job.progress,
        "counts": {name: (job.counts or {}).get(name, 0) for name in ImportCountsOut.model_fields},
        "errors": errors,
        "failure": job.failure,
        "client": job.client_id,
        "checked_at": job.checked_at if job.was_checked else None,
        "check_counts": (
            {name: (job.check_counts or {}).get(name, 0) for name in ImportCountsOut.model_fields}
            if job.was_checked
            else None
        ),
        "filename": job.filename,
        "columns": [
            {"header": header, "field": job.mapping[i] if i < len(job.mapping) else ""}
            for i, header in enumerate(job.headers)
        ],
        "dates": [
            {
                "field": name,
                "order": r.get("order"),
                "source": r.get("source"),
                "evidence": r.get("evidence", ""),
                "ambiguous": r.get("ambiguous", 0),
                "samples": [{"text": t, "read": iso} for t, iso, _hung in r.get("samples", [])],
            }
            for name, r in (job.dates or {}).items()
        ],
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@router.post(
    "/imports", response={202: ImportOut, 404: ErrorOut, **WRITE}, openapi_extra=IMPORT_FORM
)
def imports_create(request):
    """Import a CSV or XLSX file (multipart). Columns are matched by their headers, by label
    or field name, ignoring case and punctuation; unknown columns are ignored. 202: it runs
    in the background; follow it with GET /imports/{id}. 404: `client` names no client you
    may see."""
    require(request.membership, CAPABILITY)
    file = request.FILES.get("file")
    if file is None:
        raise ValidationError({"file": [_("Choose a CSV or XLSX file to import.")]})
    try:
        form = ImportIn.model_validate(request.POST.dict())
    except PydanticValidationError as exc:
        raise NinjaValidationError(
            [{**e, "loc": ("form", *e.get("loc", ()))} for e in exc.errors(include_url=False)]
        ) from None
    client = None
    if form.client is not None:  # one the member may not see is the same 404 as a missing one
        client = get_client(membership=request.membership, pk=form.client)
    job = services.import_create(
        account=request.account,
        membership=request.membership,
        kind=form.kind,
        upload=file,
        mode=form.mode,
        dry_run=form.dry_run,
        start=True,
        client=client,
        date_order=form.date_order,
    )
    job.refresh_from_db()
    return Answer(202, import_out(job))


@router.post(
    "/imports/{import_id}/run",
    response={202: ImportOut, 404: ErrorOut, 409: ErrorOut, **WRITE},
)
def imports_run(request, import_id: Id):
    """Run a finished check (an import sent with dry_run=true) for real, as the same import:
    its id stays, `checked_at` and `check_counts` keep the check, `counts` become the run's.
    409 when clients or contacts it read have changed since the check began (check the file
    again), or when it is not a finished check."""
    require(request.membership, CAPABILITY)
    job = queries.import_get(membership=request.membership, pk=import_id)
    try:
        job = services.import_run_checked(job=job, membership=request.membership)
    except ValidationError as exc:
        return Answer(409, {"detail": " ".join(exc.messages), "errors": exc.message_dict})
    return Answer(202, import_out(job))


@router.get(
    "/imports/{import_id}",
    response={200: ImportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def import_get(request, import_id: Id):
    """One import of yours (owners and admins: any of the account's): its state, progress,
    counts and rejected rows."""
    require(request.membership, CAPABILITY)
    return import_out(queries.import_get(membership=request.membership, pk=import_id))
