"""The client page's Support Tickets tab: this client's own tickets (not its sub-clients'),
newest first, each row expanding in place to a preview, with an edit link to its page."""

from dataclasses import dataclass
from typing import ClassVar

from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from clientdesk.clients.queries import get_client
from clientdesk.clients.views.detail import page_context
from clientdesk.core import tables
from clientdesk.core.pagination import Page, keyset_page
from clientdesk.tickets import queries

OPEN = {"open": gettext_lazy("Open"), "done": gettext_lazy("Resolved and closed")}
TABLE = tables.Table(
    list_name="client_tickets",
    columns={
        "number": gettext_lazy("Number"),
        "title": gettext_lazy("Title"),
        "kind": gettext_lazy("Kind"),
        "priority": gettext_lazy("Priority"),
        "status": gettext_lazy("Status"),
        "assignee": gettext_lazy("Assignee"),
        "due": gettext_lazy("Due"),
        "created": gettext_lazy("Opened"),
    },
    default_columns=("number", "title", "kind", "priority", "status", "assignee", "due"),
    sorts=("newest",),
    default_sort="newest",
    always_shown=("number", "title"),
    num_columns=("created",),
)


@dataclass(frozen=True)
class ClientTicketsState(tables.TableState):
    table: ClassVar[tables.Table] = TABLE
    text_filters: ClassVar[tuple[str, ...]] = ("q",)

    q: str = ""
    show: str = ""  # "open", "done" or "" (all)

    @classmethod
    def filters_from_query(cls, params: QueryDict) -> dict:
        return {"q": tables.text(params, "q"), "show": tables.one_of(params, "show", OPEN)}

    def filter_pairs(self) -> list[tuple[str, object]]:
        return [("q", self.q), ("show", self.show)]

    @property
    def filtering(self) -> bool:
        return bool(self.q or self.show)


@require_GET
def client_tickets(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    refusal = ClientTicketsState.refusal(request.GET)
    state = ClientTicketsState.from_query(request.GET)
    list_url = reverse("client_tickets", args=[request.account.slug, client.pk])
    link = tables.linker(list_url)
    own = queries.filtered(request.membership, queries.TicketFilters(client=client.pk, q=state.q))
    if state.show == "open":
        own = own.filter(resolved_at=None)
    elif state.show == "done":
        own = own.exclude(resolved_at=None)

    def fetch(*, cursor, before, limit) -> Page:
        qs = own.select_related("assignee")
        page = keyset_page(qs, order=queries.ORDER, cursor=cursor, before=before, limit=limit)
        queries.decorate(page.items, request.account)
        return page

    context = tables.table_context(request, state, fetch, link)
    if not tables.wants_partial(request):
        context |= page_context(request, client)
    count = own.count()
    context |= {
        "client": client,
        "active_tab": "tickets",
        "now": timezone.now(),
        "list_url": list_url,
        "count": count,
        "shows": OPEN.items(),
        "pipeline": queries.pipeline(request.account),
        "no_tickets_yet": not state.filtering and count == 0,
        "clear_url": link(ClientTicketsState(size=state.size).query()),
        "refusal": refusal,
    }
    return tables.render_table(
        request, "tickets/client_tab.html", context, status=400 if refusal else 200
    )
