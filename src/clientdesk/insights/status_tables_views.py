"""The status tables as a page of their own (insights/status/): today's count per status and,
for the chosen status (`?status=`), the list of those clients. The Insights page includes the
same block (`insights/status_tables.html`, context from `status_tables_context`)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clientdesk.clients.models import Status
from clientdesk.clients.views.listing import quick_links_attach
from clientdesk.core.pagination import BadCursor
from clientdesk.insights import status_tables

PAGE_SIZE = 50


def status_tables_context(request, chosen: str = "") -> dict:
    """What `insights/status_tables.html` needs: the counts, and the chosen status's list."""
    counts = status_tables.status_counts(request.membership)
    context: dict = {
        "status_rows": [(value, label, counts[value]) for value, label in Status.choices],
        "status_chosen": chosen,
        "status_page": None,
    }
    if chosen:
        try:
            context["status_page"] = status_tables.status_page(
                request.membership,
                chosen,
                cursor=request.GET.get("cursor") or None,
                before=request.GET.get("before") or None,
                limit=PAGE_SIZE,
            )
        except BadCursor:
            context["status_page"] = status_tables.status_page(
                request.membership, chosen, cursor=None, before=None, limit=PAGE_SIZE
            )
        context["status_label"] = Status(chosen).label
        # The Clients page's quick functions (core.registry.client_quick_links) in each row.
        quick_links_attach(request, context["status_page"].items)
    return context


@require_GET
def status_tables_page(request) -> HttpResponse:
    chosen = request.GET.get("status", "")
    if chosen not in Status.values:
        chosen = ""
    context = status_tables_context(request, chosen)
    template = (
        "insights/status_tables_list.html"
        if request.headers.get("HX-Request") and chosen
        else "insights/status_tables_page.html"
    )
    return render(request, template, context)
