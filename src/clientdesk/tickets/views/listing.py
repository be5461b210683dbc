"""The Tickets page (core.tables, like the Clients page) and the board of the pipeline.

Both read the same filters from the address bar (client, kind, status, priority, assignee,
breached, q), so a filtered view is a link to keep or share.
"""

from dataclasses import dataclass
from typing import ClassVar

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clientdesk.clients.queries import live_clients
from clientdesk.core import tables
from clientdesk.core.pagination import Page, keyset_page
from clientdesk.tickets import queries
from clientdesk.tickets.forms import _people
from clientdesk.tickets.models import Kind, Priority

COLUMNS = {
    "number": gettext_lazy("Number"),
    "title": gettext_lazy("Title"),
    "client": gettext_lazy("Client"),
    "kind": gettext_lazy("Kind"),
    "priority": gettext_lazy("Priority"),
    "status": gettext_lazy("Status"),
    "assignee": gettext_lazy("Assignee"),
    "due": gettext_lazy("Due"),
    "created": gettext_lazy("Opened"),
}
TABLE = tables.Table(
    list_name="tickets",
    columns=COLUMNS,
    default_columns=tuple(COLUMNS),
    sorts=("newest",),  # newest first, by the keyset index; no column sorts another way yet
    default_sort="newest",
    always_shown=("number", "title"),
    num_columns=("created",),
)
YES_NO = {"yes": True, "no": False}


@dataclass(frozen=True)
class TicketListState(tables.TableState):
    table: ClassVar[tables.Table] = TABLE
    text_filters: ClassVar[tuple[str, ...]] = ("q",)

    q: str = ""
    client: int | None = None
    kind: str = ""
    status: str = ""
    priority: str = ""
    assignee: str = ""  # a user id, or "none"
    breached: str = ""  # "yes", "no" or ""

    @classmethod
    def filters_from_query(cls, params: QueryDict) -> dict:
        assignee = params.get("assignee", "")
        return {
            "q": tables.text(params, "q"),
            "client": tables.number(params, "client"),
            "kind": tables.one_of(params, "kind", Kind.values),
            "status": tables.one_of(params, "status", queries.Status.values),
            "priority": tables.one_of(params, "priority", Priority.values),
            "assignee": assignee if assignee == "none" or tables.number(params, "assignee") else "",
            "breached": tables.one_of(params, "breached", YES_NO),
        }

    def filter_pairs(self) -> list[tuple[str, object]]:
        return [
            ("q", self.q),
            ("client", self.client or ""),
            ("kind", self.kind),
            ("status", self.status),
            ("priority", self.priority),
            ("assignee", self.assignee),
            ("breached", self.breached),
        ]

    @property
    def filtering(self) -> bool:
        return any(value for _name, value in self.filter_pairs())

    def filters(self) -> queries.TicketFilters:
        assignee = None
        if self.assignee == "none":
            assignee = 0
        elif self.assignee:
            assignee = int(self.assignee)
        return queries.TicketFilters(
            client=self.client,
            kind=[self.kind] if self.kind else [],
            status=[self.status] if self.status else [],
            priority=[self.priority] if self.priority else [],
            assignee=assignee,
            breached=YES_NO.get(self.breached),
            q=self.q,
        )


def _filter_choices(request: HttpRequest, state: TicketListState) -> dict:
    account = request.account
    chosen_client = None
    if state.client:
        chosen_client = live_clients(request.membership).filter(pk=state.client).first()
    return {
        "kinds": Kind.choices,
        "priorities": Priority.choices,
        "statuses": list(queries.pipeline(account).items()),
        "people": _people(account),
        "chosen_client": chosen_client,
    }


@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    refusal = TicketListState.refusal(request.GET)
    state = TicketListState.from_query(request.GET)
    list_url = reverse("ticket_list", args=[request.account.slug])
    link = tables.linker(list_url)
    filters = state.filters()

    def fetch(*, cursor, before, limit) -> Page:
        qs = queries.filtered(request.membership, filters).select_related(
            "client", "assignee", "requester"
        )
        page = keyset_page(qs, order=queries.ORDER, cursor=cursor, before=before, limit=limit)
        queries.decorate(page.items, request.account)
        return page

    context = tables.table_context(request, state, fetch, link)
    context |= _filter_choices(request, state) | {
        "now": timezone.now(),
        "list_url": list_url,
        "board_url": reverse("ticket_board", args=[request.account.slug]),
        "pipeline": queries.pipeline(request.account),
        "clear_url": link(TicketListState(size=state.size).query()),
        "refusal": refusal,
    }
    return tables.render_table(
        request, "tickets/list.html", context, status=400 if refusal else 200
    )


@require_POST
def ticket_columns(request: HttpRequest) -> HttpResponse:
    TABLE.save_choice(request)
    return tables.back_to(
        request, TicketListState, reverse("ticket_list", args=[request.account.slug])
    )


@require_GET
def ticket_board(request: HttpRequest) -> HttpResponse:
    state = TicketListState.from_query(request.GET)
    columns = queries.board(request.membership, state.filters())
    pipeline = queries.pipeline(request.account)
    for column in columns.values():
        queries.decorate(column["items"], request.account)
    context = _filter_choices(request, state) | {
        "now": timezone.now(),
        "state": state,
        "columns": [(key, pipeline[key], col) for key, col in columns.items()],
        "list_url": reverse("ticket_list", args=[request.account.slug]),
        "board_url": reverse("ticket_board", args=[request.account.slug]),
        "return_query": state.here(),
    }
    template = "tickets/board.html"
    if tables.wants_partial(request):
        template += "#columns"
    return render(request, template, context)
