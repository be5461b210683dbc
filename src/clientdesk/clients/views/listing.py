"""The Clients page: tabs, filters, sort, keyset pages, column chooser, bulk actions; Add client.

The table machinery (state in the URL, headers, columns, paging, htmx partials) is
core.tables, shared with the other list pages; this file adds the tabs and the filters. A
search also lists what the other domains find for it (core.registry.search_groups).
"""

from dataclasses import dataclass
from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from clientdesk.clients import queries
from clientdesk.clients.forms import BulkForm
from clientdesk.clients.models import Engagement, Status
from clientdesk.clients.rows import rows_attach
from clientdesk.clients.services import UNDO_DAYS, clients_bulk, restore_until, undelete_refusal
from clientdesk.core import registry, tables
from clientdesk.core.api_schemas import NUL_MESSAGE
from clientdesk.core.pagination import BadCursor
from clientdesk.core.roles import can, require
from clientdesk.core.urlfill import ANY_ID, fill

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
DEFAULT_COLUMNS = ("prefix", "name", "status", "engagement", "industry", "manager", "tags")


_table_kept: tuple[int, tables.Table | None] = (-1, None)


def client_table() -> tables.Table:
    """The Clients table: its own columns, then those other domains add
    (core.registry.client_columns), read when asked, since the domains register at start-up,
    after this module is imported; built once per state of the registry (a page reads it
    twenty times)."""
    global _table_kept
    version, kept = _table_kept
    if kept is not None and version == registry.client_columns.version:
        return kept
    kept = _client_table_build()
    _table_kept = (registry.client_columns.version, kept)
    return kept


def _client_table_build() -> tables.Table:
    extra = registry.client_columns.all()
    tab_columns: dict[str, tuple[str, ...]] = {}
    for column in extra:
        for tab in column.tabs:
            tab_columns[tab] = (*tab_columns.get(tab, ()), column.key)
    return tables.Table(
        list_name="clients",
        columns={**COLUMNS, **{c.key: c.label for c in extra}},
        default_columns=DEFAULT_COLUMNS,
        sorts=queries.sorts(),
        default_sort=queries.DEFAULT_SORT,
        # The link to the client; hiding it would leave rows nobody can open.
        always_shown=("name",),
        num_columns=("created", "status_since", *(c.key for c in extra if c.numeric)),
        tab_columns=tab_columns,
    )


class _TableOfTheRegistry:
    """`ListState.table`: `client_table()` each time it is read."""

    def __get__(self, obj, owner) -> tables.Table:
        return client_table()


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
DELETED_PAGE_SIZE = 50
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
class ListState(tables.TableState):
    """Everything the URL says about the list; `query()` writes it back as a query string."""

    table: ClassVar[tables.Table] = _TableOfTheRegistry()  # type: ignore[assignment]
    text_filters: ClassVar[tuple[str, ...]] = ("q",)

    tab: str = DEFAULT_TAB
    q: str = ""
    status: str = ""
    engagement: str = ""
    industry: int | None = None
    manager: int | None = None
    tag: int | None = None
    # The other domains' filters (core.registry.client_filters) as the URL gives them, those
    # that parse: ((key, raw text), …).
    extra: tuple[tuple[str, str], ...] = ()

    @classmethod
    def filters_from_query(cls, params: QueryDict) -> dict:
        extra = []
        for entry in queries.extra_filters():
            raw = tables.text(params, entry.key)
            if raw and _parsed(entry, raw) is not None:
                extra.append((entry.key, raw))
        return {
            "extra": tuple(extra),
            "tab": params.get("tab") if params.get("tab") in queries.TABS else DEFAULT_TAB,
            "q": tables.text(params, "q"),
            "status": tables.one_of(params, "status", Status.values),
            "engagement": tables.one_of(params, "engagement", Engagement.values),
            "industry": tables.number(params, "industry"),
            "manager": tables.number(params, "manager"),
            "tag": tables.number(params, "tag"),
        }

    def filter_pairs(self) -> list[tuple[str, object]]:
        return [
            ("tab", self.tab if self.tab != DEFAULT_TAB else ""),
            ("q", self.q),
            ("status", self.status),
            ("engagement", self.engagement),
            ("industry", self.industry or ""),
            ("manager", self.manager or ""),
            ("tag", self.tag or ""),
            *self.extra,
        ]

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
            extra={
                entry.key: _parsed(entry, raw)
                for key, raw in self.extra
                for entry in queries.extra_filters()
                if entry.key == key
            },
        )

    @property
    def filtering(self) -> bool:
        return bool(
            self.q
            or self.status
            or self.engagement
            or self.industry
            or self.manager
            or self.tag
            or self.extra
        )


def _parsed(entry: registry.ClientFilter, raw: str):
    """The filter's value, or None when the text is no value of it (a page ignores it)."""
    try:
        return entry.parse(raw)
    except ValueError:
        return None


def quick_links_attach(request: HttpRequest, clients: list) -> bool:
    """Each row's quick functions (core.registry.client_quick_links): URLs reversed once for
    the page, the row's id put in."""
    slug = request.account.slug
    made = []
    for entry in registry.client_quick_links.for_member(request.membership):
        url = reverse(entry.url_name, args=[slug, ANY_ID] if entry.with_client else [slug])
        made.append((entry, url + (f"?{entry.query}" if entry.query else "")))
    for client in clients:
        pk = str(client.pk)
        client.quick_links = [(entry, fill(url, pk).replace("{id}", pk)) for entry, url in made]
    return bool(made)


def _extra_columns_attach(request: HttpRequest, context: dict) -> None:
    """The other domains' cells of each row (core.registry.client_columns): the shown columns'
    values for the whole page, `client.extra_cells` = [(column, value), …] in the table's
    order. A column the member may not see is neither shown nor offered."""
    membership = request.membership
    allowed = {c.key for c in registry.client_columns.for_member(membership)}
    hidden = {c.key for c in registry.client_columns.all()} - allowed
    if hidden:
        context["columns"] = [h for h in context["columns"] if h["key"] not in hidden]
        context["column_choices"] = [c for c in context["column_choices"] if c[0] not in hidden]
        context["shown"] = context["shown"] - hidden
    clients = context["results"].items
    shown = [c for c in registry.client_columns.for_member(membership) if c.key in context["shown"]]
    values = {c.key: c.values(membership, clients) if clients else {} for c in shown}
    for client in clients:
        client.extra_cells = [(c, values[c.key].get(client.pk)) for c in shown]


def _extra_filter_controls(request: HttpRequest, state: ListState) -> list[dict]:
    """The filter row's controls of the other domains (core.registry.client_filters)."""
    raw = dict(state.extra)
    return [
        {
            "filter": entry,
            "value": raw.get(entry.key, ""),
            "choices": entry.choices(request.membership) if entry.choices else None,
        }
        for entry in queries.extra_filters(request.membership)
        if entry.template
    ]


@require_GET
def client_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, request.GET)


def _render_list(request: HttpRequest, params: QueryDict) -> HttpResponse:
    state = ListState.from_query(params)
    refusal = ListState.refusal(params)
    if refusal:
        messages.error(request, refusal)
    list_url = reverse("client_list", args=[request.account.slug])
    link = tables.linker(list_url)

    def fetch(*, cursor: str | None, before: str | None, limit: int):
        return queries.client_page(
            membership=request.membership,
            filters=state.filters,
            sort=state.sort,
            descending=state.descending,
            cursor=cursor,
            before=before,
            limit=limit,
        )

    context = tables.table_context(request, state, fetch, link)
    _extra_columns_attach(request, context)
    quick = quick_links_attach(request, context["results"].items)
    rows_attach(
        request,
        context["results"].items,
        context["shown"],
        selectable=can(request.membership, "clients.write"),
    )
    counts = queries.tab_counts(membership=request.membership, filters=state.filters)
    context |= {
        "list_url": list_url,
        "quick_head": _("Quick functions") if quick else "",
        "count": counts[state.tab],
        "tabs": [
            {"key": key, "label": label, "count": counts[key], "url": link(state.query(tab=key))}
            for key, label in TAB_LABELS.items()
        ],
        "no_clients_yet": not state.filtering and counts["all"] + counts["archived"] == 0,
        "clear_url": link(
            ListState(
                tab=state.tab, sort=state.sort, descending=state.descending, size=state.size
            ).query()
        ),
        "all_url": link(state.query(tab="all")),
        "add_client_entries": registry.add_client_entries.for_member(request.membership),
        # What the other domains find for the same words (core.registry.search_groups).
        "search_groups": [
            (group, rows)
            for group in registry.search_groups.for_member(request.membership)
            if state.q.strip()
            and (rows := group.find(membership=request.membership, q=state.q, limit=group.limit))
        ],
        "statuses": [(s.value, s.label, STATUS_MEANING[s]) for s in Status],
        "engagements": [(e.value, e.label, ENGAGEMENT_MEANING[e]) for e in Engagement],
        "industries": queries.industries(account=request.account),
        "tags": queries.tags(account=request.account),
        "managers": queries.managers(account=request.account),
        "deleted_tab": _deleted_tab(request),
        "extra_filters": _extra_filter_controls(request, state),
    }
    return tables.render_table(
        request, "clients/list.html", context, status=400 if refusal else 200
    )


def _deleted_tab(request: HttpRequest) -> dict | None:
    """The Deleted view's place beside the tabs: owners only, who alone may restore."""
    if not can(request.membership, "clients.undelete"):
        return None
    return {
        "url": reverse("clients_deleted", args=[request.account.slug]),
        "count": queries.deleted_clients(request.membership).count(),
    }


@require_GET
def deleted_list(request: HttpRequest) -> HttpResponse:
    """The Deleted view: who deleted each client and when, and Restore within UNDO_DAYS. Clients
    deleted longer ago stay listed (nothing is purged), without Restore."""
    membership = request.membership
    require(membership, "clients.undelete")
    q = tables.text(request.GET, "q")
    refused = "\x00" in request.GET.get("q", "")  # as the Clients page: 400, unfiltered
    if refused:
        messages.error(request, str(NUL_MESSAGE))
    here = reverse("clients_deleted", args=[request.account.slug])
    try:
        page = queries.deleted_page(
            membership=membership,
            q=q,
            cursor=request.GET.get("cursor") or None,
            before=request.GET.get("before") or None,
            limit=DELETED_PAGE_SIZE,
        )
    except BadCursor:
        page = queries.deleted_page(
            membership=membership, q=q, cursor=None, before=None, limit=DELETED_PAGE_SIZE
        )
    rows = [
        {"client": c, "until": restore_until(c), "refusal": undelete_refusal(c)} for c in page.items
    ]

    def link(**params) -> str:
        query = QueryDict(mutable=True)
        query.update({k: v for k, v in ({"q": q} | params).items() if v})
        return f"{here}?{query.urlencode()}" if query else here

    list_url = reverse("client_list", args=[request.account.slug])
    counts = queries.tab_counts(membership=membership, filters=queries.ClientFilters())
    context = {
        "rows": rows,
        "q": q,
        "here": here,
        "undo_days": UNDO_DAYS,
        "next_url": link(cursor=page.next) if page.next else "",
        "previous_url": link(before=page.previous) if page.previous else "",
        "clear_url": here,
        "tabs": [
            {
                "key": key,
                "label": label,
                "count": counts[key],
                "url": list_url if key == DEFAULT_TAB else f"{list_url}?tab={key}",
            }
            for key, label in TAB_LABELS.items()
        ],
        "deleted_tab": _deleted_tab(request),
    }
    return render(request, "clients/deleted_list.html", context, status=400 if refused else 200)


def _back_to_list(request: HttpRequest) -> HttpResponse:
    """To the list in the state the person left it (only a query string is accepted)."""
    return tables.back_to(request, ListState, reverse("client_list", args=[request.account.slug]))


@require_POST
def client_columns(request: HttpRequest) -> HttpResponse:
    tab = ListState.from_query(QueryDict(request.POST.get("return_query", ""))).tab
    if client_table().save_choice(request, tab) and request.htmx:
        return _render_list(request, QueryDict(request.POST.get("return_query", "")))
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
    tag = data["tag"].strip()
    value = {"manager": data["manager"], "tag": tag, "untag": tag}.get(data["action"])
    try:
        done = clients_bulk(
            account=request.account,
            actor=request.membership,
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
    elif data["action"] == "untag":
        text = ngettext(
            "Tag “%(tag)s” removed from %(n)s client.",
            "Tag “%(tag)s” removed from %(n)s clients.",
            done,
        )
    else:
        text = ngettext(
            "Manager changed on %(n)s client.", "Manager changed on %(n)s clients.", done
        )
    messages.success(request, text % {"n": done, "tag": value})
    return _back_to_list(request)


urlpatterns = [
    path("", client_list, name="client_list"),
    path("bulk/", bulk, name="clients_bulk"),
    path("columns/", client_columns, name="client_columns"),
    path("deleted/", deleted_list, name="clients_deleted"),
]
