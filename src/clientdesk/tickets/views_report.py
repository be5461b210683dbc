"""The jobs report page (/a/<slug>/tickets/report/) and its CSV and XLSX downloads.

Every member may read it (`clients.read`): it counts only the tickets of the clients they see.
A `?client=<id>` the member may not see is a 404, as its page would be.
"""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clientdesk.clients.queries import get_client, live_clients
from clientdesk.core.api_schemas import id_from_text
from clientdesk.core.roles import require
from clientdesk.tickets import report_export
from clientdesk.tickets.report import default_range, jobs_report
from clientdesk.tickets.report_forms import ReportForm
from clientdesk.transfer.exports import export_filename, export_response
from clientdesk.transfer.import_templates import FORMATS


def _form(request: HttpRequest) -> ReportForm:
    """The form bound to the query string, the last 30 days when no dates are given."""
    require(request.membership, "clients.read")
    data = request.GET.copy()
    chosen = None
    text = data.get("client", "")
    if text:
        pk = id_from_text(text)
        if pk is None:
            raise Http404
        chosen = get_client(membership=request.membership, pk=pk)
        data.setdefault("prefix", chosen.prefix)
    start, end = default_range(request.account)
    if not data.get("start") and not data.get("end"):
        data["start"], data["end"] = start.isoformat(), end.isoformat()
    return ReportForm(data, visible=live_clients(request.membership), chosen=chosen)


def _query(form: ReportForm) -> str:
    """The report's state as a query string, for the downloads and the links."""
    filters = form.filters()
    params: dict[str, str] = {"start": filters.start.isoformat(), "end": filters.end.isoformat()}
    if filters.client is not None:
        params["client"] = str(filters.client.pk)
        if filters.with_subclients:
            params["subclients"] = "on"
    if filters.kinds:
        params["kind"] = filters.kinds[0]
    return urlencode(params)


@require_GET
def ticket_report(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context: dict = {"form": form}
    if form.is_valid():
        context["report"] = jobs_report(request.membership, form.filters())
        context["query"] = _query(form)
    return render(request, "tickets/report.html", context)


@require_GET
def ticket_report_export(request: HttpRequest) -> HttpResponse:
    """`?format=csv|xlsx` plus the page's own query string: the figures the page shows."""
    fmt = request.GET.get("format", "csv")
    form = _form(request)
    if fmt not in FORMATS:
        return _bad_request(_("Choose the format csv or xlsx."))
    if not form.is_valid():
        messages = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
        return _bad_request("\n".join(messages))
    filters = form.filters()
    report = jobs_report(request.membership, filters)
    return export_response(
        fmt,
        filename=export_filename(request.account, "jobs-report"),
        header=report_export.header(),
        rows=report_export.rows(report),
        title=_("Jobs report"),
    )


def _bad_request(message: str) -> HttpResponse:
    # Only a hand-edited link gets here: the page offers valid choices.
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
