"""The Clients page: tabs, filters, sort, keyset pages, column chooser, bulk actions; Add client.

The whole state of the list lives in the URL query (bookmarkable, shareable); an htmx request
gets only the results partial of the same template, so filters, sort and paging update in place,
and plain GET forms and links do the same without JavaScript.
"""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientdesk.clients import queries, services
from clientdesk.clients.forms import BulkForm, ClientCreateForm, ColumnsForm
from clientdesk.clients.models import Engagement, ListPreference, Status
from clientdesk.clients.services import client_create, clients_bulk
from clientdesk.core.pagination import BadCursor
from clientdesk.core.roles import require

LIST_NAME = "clients"
PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50
COLUMNS = {
    "prefix": gettext_lazy("Prefix"),
    "name": gettext_lazy("Name"),
    "status": gettext_lazy("Status"),
    "engagement": gettext_lazy("Client type"),
    "industry": gettext_lazy("Industry"),
    "manager": gettext_lazy("Manager"),
    "tags": gettext_lazy("Tags"),
    "parent": gettext_lazy("Parent"),
    "created": gettext_lazy("Created"),
    "status_since": gettext_lazy("Status since"),
}
ALWAYS_SHOWN = ("name",)  # the link to the client; hiding it would leave rows nobody can open
DEFAULT_COLUMNS = ["prefix", "name", "status", "engagement", "industry", "manager", "tags"]
DATE_COLUMNS = ("created", "status_since")
TAB_LABELS = {
    "leads": gettext_lazy("Leads"),
    "onboarding": gettext_lazy("Onboarding"),
    "active": gettext_lazy("Active"),
    "offboarding": gettext_lazy("Off-boarding"),
    "inactive": gettext_lazy("Inactive"),
    "archived": gettext_lazy("Archived"),
    "all": gettext_lazy("All"),
}
DEFAULT_TAB = "all"
STATUS_MEANING = {
    Status.LEAD: gettext_lazy("known, not yet qualified"),
    Status.PROSPECT: gettext_lazy("qualified, being won"),
    Status.INVITED: gettext_lazy("invited to start, not yet accepted"),
    Status.WAITING: gettext_lazy("accepted, waiting for service to start"),
    Status.ACTIVE: gettext_lazy("in service"),
    Status.AT_RISK: gettext_lazy("in service, likely to leave"),
    Status.OFFBOARDING: gettext_lazy("leaving"),
    Status.INACTIVE: gettext_lazy("former client or lost lead"),
}
ENGAGEMENT_MEANING = {
    Engagement.SILENT: gettext_lazy("no portal access"),
    Engagement.ACCESS_SENT: gettext_lazy("invitation sent"),
    Engagement.ENGAGED: gettext_lazy("uses the portal"),
}


@dataclass(frozen=True)
class ListState:
    """Everything the URL says about the list; `query()` writes it back as a query string."""

    tab: str = DEFAULT_TAB
    q: str = ""
    status: str = ""
    engagement: str = ""
    industry: int | None = None
    manager: int | None = None
    tag: int | None = None
    sort: str = queries.DEFAULT_SORT
    descending: bool = False
    cursor: str = ""  # the page starts after this row …
    before: str = ""  # … or ends before this one (the "Previous" link)
    size: int | None = None  # None: the person's remembered page size

    @classmethod
    def from_query(cls, params: QueryDict) -> "ListState":
        def one_of(name: str, allowed) -> str:
            value = params.get(name, "")
            return value if value in allowed else ""

        def number(name: str) -> int | None:
            value = params.get(name, "")
            return int(value) if value.isdigit() else None

        sort = params.get("sort", "")
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        size = number("size")
        return cls(
            tab=params.get("tab") if params.get("tab") in queries.TABS else DEFAULT_TAB,
            q=params.get("q", "").strip()[:100],
            status=one_of("status", Status.values),
            engagement=one_of("engagement", Engagement.values),
            industry=number("industry"),
            manager=number("manager"),
            tag=number("tag"),
            sort=sort if sort in queries.SORTS else queries.DEFAULT_SORT,
            descending=descending and sort in queries.SORTS,
            cursor=params.get("cursor", "")[:500],
            before="" if params.get("cursor") else params.get("before", "")[:500],
            size=size if size in PAGE_SIZES else None,
        )

    @property
    def filters(self) -> queries.ClientFilters:
        return queries.ClientFilters(
            tab=self.tab,
            q=self.q,
            status=[self.status] if self.status else [],
            engagement=[self.engagement] if self.engagement else [],
            industry=self.industry,
            manager=self.manager,
            tag=self.tag,
        )

    @property
    def filtering(self) -> bool:
        return bool(
            self.q or self.status or self.engagement or self.industry or self.manager or self.tag
        )

    @property
    def sort_param(self) -> str:
        return ("-" if self.descending else "") + self.sort

    def query(self, **changes) -> str:
        """The query string of this state with `changes`; moving anywhere but a page resets it."""
        if not {"cursor", "before"} & changes.keys():
            changes = {"cursor": "", "before": "", **changes}
        state = replace(self, **changes)
        pairs = [
            ("tab", state.tab if state.tab != DEFAULT_TAB else ""),
            ("q", state.q),
            ("status", state.status),
            ("engagement", state.engagement),
            ("industry", state.industry or ""),
            ("manager", state.manager or ""),
            ("tag", state.tag or ""),
            ("sort", state.sort_param if state.sort_param != queries.DEFAULT_SORT else ""),
            ("size", state.size or ""),
            ("cursor", state.cursor),
            ("before", state.before),
        ]
        return urlencode([(k, v) for k, v in pairs if v not in ("", None)])

    def sort_link(self, column: str) -> str:
        return self.query(sort=column, descending=self.sort == column and not self.descending)


def _preference(request: HttpRequest) -> ListPreference | None:
    return queries.list_preference(membership=request.membership, list_name=LIST_NAME)


def _columns(pref: ListPreference | None) -> list[str]:
    chosen = set(pref.columns) if pref and pref.columns else set(DEFAULT_COLUMNS)
    return [c for c in COLUMNS if c in chosen or c in ALWAYS_SHOWN]


@dataclass
class Results:
    items: list
    next: str | None  # cursor after the last row
    previous: str | None  # cursor before the first row


def _results(request: HttpRequest, state: ListState, size: int) -> Results:
    """One page, forwards from `cursor` or backwards from `before` (the "Previous" link)."""

    def page(cursor: str | None = None, before: str | None = None):
        return queries.client_page(
            membership=request.membership,
            filters=state.filters,
            sort=state.sort,
            descending=state.descending,
            cursor=cursor,
            before=before,
            limit=size,
        )

    if state.cursor or state.before:
        try:
            found = page(cursor=state.cursor or None, before=state.before or None)
        except BadCursor:  # damaged, or made for another sort: start again
            found = None
        # A short page with nothing before it, going back: the start moved (rows came and
        # went, or the page size changed), so show the first page instead.
        short_start = state.before and found and found.previous is None and len(found.items) < size
        if found is not None and not short_start:
            return Results(items=found.items, next=found.next, previous=found.previous)
    first = page()
    return Results(items=first.items, next=first.next, previous=None)


@require_GET
def client_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, request.GET)


def _render_list(request: HttpRequest, params: QueryDict) -> HttpResponse:
    state = ListState.from_query(params)
    pref = _preference(request)
    saved_size = pref.page_size if pref and pref.page_size in PAGE_SIZES else DEFAULT_PAGE_SIZE
    size = state.size or saved_size
    results = _results(request, state, size)
    counts = queries.tab_counts(membership=request.membership, filters=state.filters)
    list_url = reverse("client_list", args=[request.account.slug])

    def link(query: str) -> str:
        return f"{list_url}?{query}" if query else list_url

    shown = _columns(pref)
    context = {
        "state": state,
        "size": size,
        "list_url": list_url,
        "results": results,
        "count": counts[state.tab],
        "tabs": [
            {"key": key, "label": label, "count": counts[key], "url": link(state.query(tab=key))}
            for key, label in TAB_LABELS.items()
        ],
        "no_clients_yet": not state.filtering and counts["all"] + counts["archived"] == 0,
        "columns": [
            {
                "key": key,
                "label": COLUMNS[key],
                "sort_url": link(state.sort_link(key)) if key in queries.SORTS else None,
                "aria_sort": (
                    ("descending" if state.descending else "ascending") if key == state.sort else ""
                ),
                "num": key in DATE_COLUMNS,
            }
            for key in shown
        ],
        "shown": set(shown),
        "column_choices": [(key, label, key in ALWAYS_SHOWN) for key, label in COLUMNS.items()],
        "page_sizes": PAGE_SIZES,
        "saved_page_size": saved_size,
        "previous_url": results.previous and link(state.query(before=results.previous, cursor="")),
        "next_url": results.next and link(state.query(cursor=results.next, before="")),
        "clear_url": link(
            ListState(
                tab=state.tab, sort=state.sort, descending=state.descending, size=state.size
            ).query()
        ),
        "all_url": link(state.query(tab="all")),
        "return_query": state.query(cursor=state.cursor, before=state.before),
        "statuses": [(s.value, s.label, STATUS_MEANING[s]) for s in Status],
        "engagements": [(e.value, e.label, ENGAGEMENT_MEANING[e]) for e in Engagement],
        "industries": queries.industries(account=request.account),
        "tags": queries.tags(account=request.account),
        "managers": queries.managers(account=request.account),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "clients/list.html#results" if partial else "clients/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _back_to_list(request: HttpRequest) -> HttpResponse:
    """To the list in the state the person left it (only a query string is accepted)."""
    state = ListState.from_query(QueryDict(request.POST.get("return_query", "")))
    query = state.query(cursor=state.cursor, before=state.before)
    url = reverse("client_list", args=[request.account.slug])
    return redirect(f"{url}?{query}" if query else url)


@require_POST
def client_columns(request: HttpRequest) -> HttpResponse:
    form = ColumnsForm(
        request.POST,
        columns=[(key, label) for key, label in COLUMNS.items()],
        sizes=PAGE_SIZES,
    )
    if form.is_valid():
        columns = [c for c in COLUMNS if c in form.cleaned_data["columns"] or c in ALWAYS_SHOWN]
        services.list_preference_save(
            membership=request.membership,
            list_name=LIST_NAME,
            columns=columns,
            page_size=form.cleaned_data["page_size"],
        )
        if request.htmx:
            return _render_list(request, QueryDict(request.POST.get("return_query", "")))
        messages.success(request, _("Your columns are saved for the next time too."))
    else:
        messages.error(request, _("Choose a page size of 25, 50 or 100."))
    return _back_to_list(request)


@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    require(request.membership, "clients.write")
    form = BulkForm(request.POST, membership=request.membership)
    if not form.is_valid():
        errors = [e for errs in form.errors.values() for e in errs]
        messages.error(request, " ".join(errors))
        return _back_to_list(request)
    data = form.cleaned_data
    clients = list(queries.live_clients(request.membership).filter(pk__in=data["ids"]))
    value = {"manager": data["manager"], "tag": data["tag"].strip()}.get(data["action"])
    try:
        done = clients_bulk(
            account=request.account,
            actor=request.user,
            clients=clients,
            action=data["action"],
            value=value,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to_list(request)
    if data["action"] == "archive":
        text = ngettext("%(n)s client archived.", "%(n)s clients archived.", done)
    elif data["action"] == "tag":
        text = ngettext(
            "Tag “%(tag)s” added to %(n)s client.", "Tag “%(tag)s” added to %(n)s clients.", done
        )
    else:
        text = ngettext(
            "Manager changed on %(n)s client.", "Manager changed on %(n)s clients.", done
        )
    messages.success(request, text % {"n": done, "tag": value})
    return _back_to_list(request)


@require_http_methods(["GET", "POST"])
def add(request: HttpRequest) -> HttpResponse:
    require(request.membership, "clients.write")
    initial = {"manager": request.user.pk}
    form = ClientCreateForm(request.POST or None, membership=request.membership, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client = client_create(
                account=request.account,
                actor=request.user,
                actor_membership=request.membership,
                prefix=data["prefix"],
                name=data["name"],
                status=data["status"],
                # Invitations need contacts, which a later part brings: silent until then.
                engagement=Engagement.SILENT,
                parent=data["parent"],
                tags=data["tags"],
                description=data["description"],
                industry=data["industry"],
                manager=data["manager"],
                license=data["license"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            text = _("%(client)s was added.") % {"client": f"{client.name} ({client.prefix})"}
            if data["engagement"] == Engagement.ENGAGED:
                text += " " + _(
                    "It is silent for now: no invitation was sent to %(email)s. Invite the "
                    "client from its page once contacts are available."
                ) % {"email": data["primary_email"]}
            messages.success(request, text)
            return redirect(_client_url(request, client))
    form.focus_first_error()
    return render(request, "clients/add.html", {"form": form}, status=400 if form.errors else 200)


def _client_url(request: HttpRequest, client) -> str:
    try:
        return reverse("client_detail", args=[request.account.slug, client.pk])
    except NoReverseMatch:  # the client page is not there yet: the list, showing the new client
        query = urlencode({"q": client.prefix})
        return reverse("client_list", args=[request.account.slug]) + f"?{query}"


def _add_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


urlpatterns = [
    path("", client_list, name="client_list"),
    path("new/", add, name="client_create"),
    path("bulk/", bulk, name="clients_bulk"),
    path("columns/", client_columns, name="client_columns"),
]
