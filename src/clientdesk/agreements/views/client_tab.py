"""The client page's Agreements tab: read-only, expired ones flagged red and current ones green;
members who may edit agreements get a link to Settings › Agreements."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clientdesk.agreements import queries
from clientdesk.clients.queries import get_client
from clientdesk.clients.views.detail import page_context
from clientdesk.core.roles import can


@require_GET
def client_agreements(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    agreements = queries.agreements_of(client=client)
    used = queries.hours_used(agreements)
    covered = queries.covered_ids(agreements)
    for agreement in agreements:
        agreement.hours_used = used[agreement.pk]
        agreement.covered_count = len(covered[agreement.pk])
    context = page_context(request, client) | {
        "client": client,
        "active_tab": "agreements",
        "agreements": agreements,
        "show_money": can(request.membership, "money.read"),
    }
    return render(request, "agreements/client_tab.html", context)
