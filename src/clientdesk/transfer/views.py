"""The Bulk import pages below /a/<account_slug>/imports/: upload a file (with the templates and
the account's import history), choose what each column fills, check the file (a preview that
writes nothing), run it while a progress bar follows it, and download the rejected rows.

One import is one job and one entry of the history: running a checked file continues its job.
`?client=<id>` (the Contacts tab's *Import contacts*) imports contacts into that client: the
client must be one the member may see (else 404), and the file needs no client column.

Every view on one import asks the role first (`clients.import`, 403), then looks the import
up among those the member may see (transfer.queries: their own, or every one for owners and
admins); another member's, another account's and a missing one are the same 404. Every
write goes through transfer.services; reads through transfer.queries. Every import runs as a
background task, with the visibility of the member who started it.
"""

from datetime import date, datetime
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientdesk.clients.models import Client
from clientdesk.clients.queries import get_client
from clientdesk.core.forms import add_errors
from clientdesk.core.pagination import BadCursor, keyset_page
from clientdesk.core.roles import require
from clientdesk.transfer import exports, queries, services
from clientdesk.transfer.dates import CHOSEN, DMY, FROM_FILE, MDY, order_label
from clientdesk.transfer.forms import KEY_HELP, MappingForm, UploadForm
from clientdesk.transfer.kinds import KINDS, Kind, kind_for
from clientdesk.transfer.models import ImportJob, State

CAPABILITY = "clients.import"
HISTORY_PAGE = 20
MAX_ID = 2**63 - 1
ERRORS_SHOWN = 200  # the page lists this many rejected rows; the error report has them all


def awaiting_start(job: ImportJob) -> bool:
    """Uploaded, its columns not yet confirmed: nobody has started it (see import_start)."""
    return job.state == State.QUEUED and job.started_at is None


def _job(request: HttpRequest, import_id: int) -> ImportJob:
    require(request.membership, CAPABILITY)
    if import_id > MAX_ID:  # no such row, and SQLite cannot even compare with it
        raise Http404
    return queries.import_get(membership=request.membership, pk=import_id)


def _job_url(request: HttpRequest, job: ImportJob) -> str:
    return reverse("import_detail", args=[request.account.slug, job.pk])


def _fixed_client(request: HttpRequest) -> Client | None:
    """The client of an import started from its Contacts tab (`client`), else None."""
    raw = (request.POST if request.method == "POST" else request.GET).get("client", "")
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise Http404
    return get_client(membership=request.membership, pk=int(raw))


# The Bulk import page: upload, templates, history


@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    require(request.membership, CAPABILITY)
    client = _fixed_client(request)
    kind = "contacts" if client else request.GET.get("kind", "")
    initial = {"kind": kind if kind in KINDS else "clients"}
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.import_create(
                account=request.account,
                membership=request.membership,
                kind="contacts" if client else data["kind"],
                upload=data["file"],
                mode=data["mode"],
                dry_run=True,  # a new upload is checked first; then the same job runs
                client=client,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(_job_url(request, job))
    form.focus_first_error()
    jobs = queries.imports_for_member(request.membership)
    if client is not None:  # the imports into this client, as its Contacts tab started them
        jobs = jobs.filter(client=client)
    try:
        history = keyset_page(
            jobs,
            order=["-created_at", "-id"],
            cursor=request.GET.get("cursor") or None,
            before=request.GET.get("before") or None,
            limit=HISTORY_PAGE,
        )
    except BadCursor:
        url = reverse("imports", args=[request.account.slug])
        return redirect(f"{url}?client={client.pk}" if client else url)
    context = {
        "form": form,
        "history": history,
        "kinds": list(KINDS.values()),
        "fixed_client": client,
        # Into one client: only what it can hold (its template's client column may stay empty).
        "template_kinds": [KINDS["contacts"]] if client else list(KINDS.values()),
    }
    return render(request, "transfer/imports.html", context, status=400 if form.errors else 200)


# One import: its columns, then its progress and result


@require_GET
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    job = _job(request, import_id)
    if awaiting_start(job):
        return _mapping_page(request, job, _mapping_form(job))
    return render(request, "transfer/job.html", _status_context(request, job))


@require_GET
def import_status(request: HttpRequest, import_id: int) -> HttpResponse:
    """The progress (polled by htmx every second while it runs) or, once over, the result."""
    job = _job(request, import_id)
    if not request.htmx:  # opened by hand: the whole page
        return redirect(_job_url(request, job))
    response = render(request, "transfer/job.html#status", _status_context(request, job))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def import_mapping(request: HttpRequest, import_id: int) -> HttpResponse:
    """Save the columns' fields, then check the file (preview) or import it for real."""
    job = _job(request, import_id)
    if not awaiting_start(job):  # sent twice, or from a stale tab: show where it stands
        return redirect(_job_url(request, job))
    form = _mapping_form(job, request.POST)
    if form.is_valid():
        try:
            services.import_set_mapping(job=job, mapping=form.mapping())
            # "Import" without a check first: the same job, writing.
            dry_run = request.POST.get("action") != "run"
            services.import_start(job=job, membership=request.membership, dry_run=dry_run)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(_job_url(request, job))
    form.focus_first_error()
    return _mapping_page(request, job, form, status=400)


@require_POST
def import_run(request: HttpRequest, import_id: int) -> HttpResponse:
    """After a check: the same job goes on, writing, unless what it checked has changed."""
    job = _job(request, import_id)
    if not job.dry_run:  # sent twice, or from a stale tab: it runs already
        return redirect(_job_url(request, job))
    try:
        services.import_run_checked(job=job, membership=request.membership)
    except services.CheckOutdated as exc:
        messages.error(request, " ".join(exc.messages))
    except ValidationError as exc:
        job.refresh_from_db(fields=["dry_run"])
        if job.dry_run:  # else another request started it a moment ago: its page says so
            messages.error(request, " ".join(exc.messages))
    return redirect(_job_url(request, job))


@require_POST
def import_check(request: HttpRequest, import_id: int) -> HttpResponse:
    """Check the same file with the same columns again (its data changed since the check)."""
    job = _job(request, import_id)
    if job.dry_run and job.state in (State.DONE, State.FAILED):
        try:
            services.import_check_again(job=job, membership=request.membership)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect(_job_url(request, job))


@require_POST
def import_dates(request: HttpRequest, import_id: int) -> HttpResponse:
    """The check page's switch: read a date column with the other order, and check again."""
    job = _job(request, import_id)
    try:
        services.import_date_order(
            job=job,
            membership=request.membership,
            field=request.POST.get("field", ""),
            order=request.POST.get("order", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_job_url(request, job))


@require_POST
def import_recheck(request: HttpRequest, import_id: int) -> HttpResponse:
    """Choose the columns anew (from the ones chosen last time): the same job after a check,
    a new one over the same file after a run."""
    job = _job(request, import_id)
    try:
        again = services.import_columns_again(job=job, membership=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_job_url(request, job))
    return redirect(_job_url(request, again))


@require_GET
def import_error_report(request: HttpRequest, import_id: int) -> HttpResponse:
    """The rejected rows as they were in the file, plus an Error column, as streamed CSV."""
    job = _job(request, import_id)
    rows = iter(queries.error_report_rows(job))
    header = next(rows)
    stem = PurePath(job.filename).stem or "import"
    return exports.export_response(
        "csv", filename=f"{stem}-errors", header=header, rows=rows, title=stem
    )


# Helpers


def _mapping_form(job: ImportJob, data=None) -> MappingForm:
    return MappingForm(
        data,
        kind=kind_for(job.kind, job.account_id),
        headers=job.headers,
        mapping=job.mapping,
        fixed=services.fixed_fields(job),
    )


def _key_help(job: ImportJob) -> str:
    if job.client_id:
        return _("Contacts match on their email within %(name)s.") % {"name": job.client.name}
    return str(KEY_HELP.get(job.kind, ""))


def _mapping_page(
    request: HttpRequest, job: ImportJob, form: MappingForm, status: int = 200
) -> HttpResponse:
    kind = kind_for(job.kind, job.account_id)
    fields = [job.mapping[i] if i < len(job.mapping) else "" for i in range(len(job.headers))]
    context = {
        "job": job,
        "kind": kind,
        "form": form,
        # What the file's own header row told us, before any choice on this page.
        "unknown": [h or _("(no name)") for h, f in zip(job.headers, fields, strict=True) if not f],
        "missing": [
            str(c.label)
            for c in kind.required
            if c.name not in fields and c.name not in services.fixed_fields(job)
        ],
        "key_help": _key_help(job),
    }
    return render(request, "transfer/mapping.html", context, status=status)


def _status_context(request: HttpRequest, job: ImportJob) -> dict:
    kind = kind_for(job.kind, job.account_id)
    over = job.state in (State.DONE, State.FAILED)
    context = {
        "job": job,
        "kind": kind,
        "over": over,
        "counts": _counts(job),
        "key_help": _key_help(job),
    }
    if over:
        errors = queries.import_errors(job)
        shown = list(errors[: ERRORS_SHOWN + 1])
        context["errors"] = [_error_row(job, e) for e in shown[:ERRORS_SHOWN]]
        context["more_errors"] = len(shown) > ERRORS_SHOWN
        context["errors_shown"] = ERRORS_SHOWN
    if over and job.dates:
        context["dates"] = date_readings(job, kind)
    if job.dry_run and job.state == State.DONE:
        context["outdated"] = queries.check_outdated(job)
        context["plan"] = "" if context["outdated"] else plan(job, kind)
    return context


def date_readings(job: ImportJob, kind: Kind) -> list[dict]:
    """How each date column was read, in words, with its first values and their days."""
    found = []
    header_of = {name: job.headers[i] for i, name in enumerate(job.mapping) if name}
    for name, reading in job.dates.items():
        if name not in header_of:
            continue
        order = reading.get("order", DMY)
        other = MDY if order == DMY else DMY
        source = reading.get("source")
        ambiguous = int(reading.get("ambiguous") or 0)
        plain = source not in (CHOSEN, FROM_FILE) and not ambiguous
        if plain:
            # ISO dates, month names, date cells: the order was never asked.
            why = _(
                "each date says which part is its month, so the order of day and month did not matter."
            )
        elif source == CHOSEN:
            why = _("as you chose.")
        elif source == FROM_FILE:
            why = _("the column holds %(value)s, which can only be read so.") % {
                "value": reading.get("evidence", "")
            }
        else:
            why = _("as dates are written where your account is: no value of the column tells.")
        found.append(
            {
                "field": name,
                "header": header_of[name],
                "order": order,
                "order_label": order_label(order),
                "why": why,
                "ambiguous": ambiguous,
                "plain": plain,
                "samples": [
                    {"text": raw, "day": _day_of(iso), "hung": hung}
                    for raw, iso, hung in reading.get("samples", [])
                ],
                "other": other,
                "other_label": order_label(other),
            }
        )
    return found


def _day_of(iso: str) -> str:
    """A date as the page writes it (15 February 2024), with its time if it has one."""
    if len(iso) > 10:
        return date_format(datetime.fromisoformat(iso), "j F Y, H:i")
    return date_format(date.fromisoformat(iso), "j F Y")


def _counts(job: ImportJob) -> dict[str, int]:
    names = ("rows", "created", "updated", "unchanged", "rejected")
    return {name: int((job.counts or {}).get(name) or 0) for name in names}


def _error_row(job: ImportJob, error) -> dict:
    """A rejected row for the table, with the value of the column it names (None: no column)."""
    value = None
    if error.field and error.field in job.headers:
        position = job.headers.index(error.field)
        values = error.values or []
        value = values[position] if position < len(values) else ""
    return {"row": error.row, "field": error.field, "message": error.message, "value": value}


def plan(job: ImportJob, kind: Kind) -> str:
    """What "Run import" will do, in words: "Create 1,204 clients and update 37"."""
    counts = _counts(job)
    created, updated = counts["created"], counts["updated"]
    n_created = number_format(created, force_grouping=True)
    n_updated = number_format(updated, force_grouping=True)
    if kind.name == "contacts":
        create = ngettext("Create %(n)s contact", "Create %(n)s contacts", created)
        update = ngettext("Update %(n)s contact", "Update %(n)s contacts", updated)
    elif kind.name == "devices":
        create = ngettext("Create %(n)s device", "Create %(n)s devices", created)
        update = ngettext("Update %(n)s device", "Update %(n)s devices", updated)
    elif kind.name == "applications":
        create = ngettext("Create %(n)s application", "Create %(n)s applications", created)
        update = ngettext("Update %(n)s application", "Update %(n)s applications", updated)
    else:
        create = ngettext("Create %(n)s client", "Create %(n)s clients", created)
        update = ngettext("Update %(n)s client", "Update %(n)s clients", updated)
    if created and updated:
        return _("%(create)s and update %(n)s") % {
            "create": create % {"n": n_created},
            "n": n_updated,
        }
    if created:
        return create % {"n": n_created}
    if updated:
        return update % {"n": n_updated}
    return ""
