"""What every list page shares: its state in the URL, sortable headers, a remembered column
choice and page size, keyset pages both ways, and htmx answers.

A list page describes itself once in a `Table` (columns, sorts, page sizes, and the name its
choices are remembered under) and reads the address bar into a `TableState` subclass that adds
its own filters. The whole state lives in the query string (bookmarkable, shareable); an htmx
request gets only the template's `results` partial, so sort, filters and paging update in
place, and plain links and GET forms do the same without JavaScript. The shared markup is in
templates/includes/table_*.html, the shared behaviour in frontend/tables.js.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Self
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from clientdesk.core.api_schemas import NUL_MESSAGE, id_from_text
from clientdesk.core.forms import ColumnsForm
from clientdesk.core.pagination import BadCursor, Page
from clientdesk.core.queries import list_preference
from clientdesk.core.services import list_preference_save

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Table:
    """One list page's columns and sorts, and the name a person's choices are kept under."""

    list_name: str
    columns: Mapping[str, Any]  # key → label, in the order they show
    default_columns: tuple[str, ...]
    sorts: Collection[str]  # the column keys (and other keys) the list can sort by
    default_sort: str
    always_shown: tuple[str, ...] = ()  # e.g. the link to the row's page
    num_columns: tuple[str, ...] = ()  # right-aligned (dates, numbers)
    page_sizes: tuple[int, ...] = PAGE_SIZES
    default_page_size: int = DEFAULT_PAGE_SIZE
    # Tabs with columns of their own (tab → the columns it adds to the defaults): a choice
    # made on such a tab is remembered for that tab alone.
    tab_columns: Mapping[str, tuple[str, ...]] | None = None

    def list_name_for(self, tab: str = "") -> str:
        return f"{self.list_name}.{tab}" if self.tab_columns and tab in self.tab_columns else ""

    def preference(self, membership, tab: str = ""):
        """The person's choice for this tab, else for the list."""
        own = self.list_name_for(tab)
        if own:
            found = list_preference(membership=membership, list_name=own)
            if found is not None:
                return found
        return list_preference(membership=membership, list_name=self.list_name)

    def shown(self, pref, tab: str = "") -> list[str]:
        chosen = set(pref.columns) if pref and pref.columns else set(self.default_columns)
        own = self.list_name_for(tab)
        if own and not (pref and pref.list_name == own):
            # No choice made on this tab yet: the list's choice plus the tab's own columns.
            chosen |= set((self.tab_columns or {})[tab])
        return [c for c in self.columns if c in chosen or c in self.always_shown]

    def saved_size(self, pref) -> int:
        return (
            pref.page_size if pref and pref.page_size in self.page_sizes else self.default_page_size
        )

    def headers(self, state: "TableState", shown: list[str], link: Callable[[str], str]) -> list:
        """The header cells: label, the link that sorts by it (the other way when it is the
        sorted one), and aria-sort on the sorted column only."""
        return [
            {
                "key": key,
                "label": self.columns[key],
                "sort_url": link(state.sort_link(key)) if key in self.sorts else None,
                "sort_param": state.sort_param_for(key),
                "aria_sort": (
                    ("descending" if state.descending else "ascending") if key == state.sort else ""
                ),
                "num": key in self.num_columns,
            }
            for key in shown
        ]

    def save_choice(self, request: HttpRequest, tab: str = "") -> bool:
        """The column chooser's POST: remember the columns and page size (for `tab` alone when
        it has columns of its own), or say what is wrong."""
        form = ColumnsForm(request.POST, columns=list(self.columns.items()), sizes=self.page_sizes)
        if not form.is_valid():
            *first, last = self.page_sizes
            messages.error(
                request,
                _("Choose a page size of %(sizes)s or %(last)s.")
                % {"sizes": ", ".join(map(str, first)), "last": last},
            )
            return False
        chosen = form.cleaned_data["columns"]
        list_preference_save(
            membership=request.membership,
            list_name=self.list_name_for(tab) or self.list_name,
            columns=[c for c in self.columns if c in chosen or c in self.always_shown],
            page_size=form.cleaned_data["page_size"],
        )
        if not request.htmx:
            messages.success(request, _("Your columns are saved for the next time too."))
        return True


def number(params: QueryDict, name: str) -> int | None:
    return id_from_text(params.get(name, ""))


def text(params: QueryDict, name: str, limit: int = 100) -> str:
    """A typed filter, or "" when it holds a NUL (`TableState.refusal` says why)."""
    value = params.get(name, "")
    return "" if "\x00" in value else value.strip()[:limit]


def one_of(params: QueryDict, name: str, allowed: Collection[str]) -> str:
    value = params.get(name, "")
    return value if value in allowed else ""


@dataclass(frozen=True)
class TableState:
    """The sort and the page; a subclass adds its filters (`filters_from_query`,
    `filter_pairs`, `filtering`) and names its `table`."""

    table: ClassVar[Table]
    text_filters: ClassVar[tuple[str, ...]] = ()  # read with `text`

    sort: str = ""  # empty: the table's default sort
    descending: bool = False
    cursor: str = ""  # the page starts after this row …
    before: str = ""  # … or ends before this one (the "Previous" link)
    size: int | None = None  # None: the person's remembered page size

    def __post_init__(self) -> None:
        if not self.sort:
            object.__setattr__(self, "sort", self.table.default_sort)

    @classmethod
    def filters_from_query(cls, params: QueryDict) -> dict[str, Any]:
        return {}

    @classmethod
    def refusal(cls, params: QueryDict) -> str | None:
        """Why the address bar's filters cannot be used, else None: a NUL in a typed filter,
        which PostgreSQL cannot take and SQLite's full-text search stops at. The same words as
        the API's 422; a page answers 400 with them, unfiltered, and an export nothing else."""
        if any("\x00" in value for name in cls.text_filters for value in params.getlist(name)):
            return str(NUL_MESSAGE)
        return None

    def filter_pairs(self) -> list[tuple[str, Any]]:
        """The filters as query parameters, in the order they show in the URL."""
        return []

    @property
    def filtering(self) -> bool:
        return False

    @classmethod
    def from_query(cls, params: QueryDict) -> Self:
        """What the address bar says; anything unknown or malformed is left at its default."""
        table = cls.table
        sort = params.get("sort", "")
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        size = number(params, "size")
        return cls(
            **cls.filters_from_query(params),
            sort=sort if sort in table.sorts else table.default_sort,
            descending=descending and sort in table.sorts,
            cursor=params.get("cursor", "")[:500],
            before="" if params.get("cursor") else params.get("before", "")[:500],
            size=size if size in table.page_sizes else None,
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
            *state.filter_pairs(),
            ("sort", state.sort_param if state.sort_param != self.table.default_sort else ""),
            ("size", state.size or ""),
            ("cursor", state.cursor),
            ("before", state.before),
        ]
        return urlencode([(k, v) for k, v in pairs if v not in ("", None)])

    def here(self) -> str:
        """The query string of exactly this page (to come back to it after a write)."""
        return self.query(cursor=self.cursor, before=self.before)

    def sort_param_for(self, column: str) -> str:
        """The `sort` value of the column's header link: its other way when it is the sorted one."""
        return ("-" if self.sort == column and not self.descending else "") + column

    def sort_link(self, column: str) -> str:
        return self.query(sort=column, descending=self.sort == column and not self.descending)


def linker(base_url: str) -> Callable[[str], str]:
    """`link(query)`: the list's URL with that query string (none when it is empty)."""

    def link(query: str) -> str:
        return f"{base_url}?{query}" if query else base_url

    return link


@dataclass
class Results:
    items: list
    next: str | None  # cursor after the last row
    previous: str | None  # cursor before the first row


Fetch = Callable[..., Page]  # fetch(cursor=…, before=…, limit=…) → one page


def results(fetch: Fetch, state: TableState, size: int) -> Results:
    """One page, forwards from `cursor` or backwards from `before` (the "Previous" link)."""
    if state.cursor or state.before:
        try:
            found = fetch(cursor=state.cursor or None, before=state.before or None, limit=size)
        except BadCursor:  # damaged, or made for another sort: start again
            found = None
        # A short page with nothing before it, going back: the start moved (rows came and
        # went, or the page size changed), so show the first page instead.
        short_start = state.before and found and found.previous is None and len(found.items) < size
        if found is not None and not short_start:
            return Results(items=found.items, next=found.next, previous=found.previous)
    first = fetch(cursor=None, before=None, limit=size)
    return Results(items=first.items, next=first.next, previous=None)


def table_context(
    request: HttpRequest,
    state: TableState,
    fetch: Fetch,
    link: Callable[[str], str],
    table: Table | None = None,
) -> dict[str, Any]:
    """What includes/table_*.html and a results partial need, with the page's rows. `table`:
    the list's own, when the account adds columns to it (e.g. its custom device fields)."""
    table = table or state.table
    tab = getattr(state, "tab", "")
    pref = table.preference(request.membership, tab)
    saved_size = table.saved_size(pref)
    size = state.size or saved_size
    found = results(fetch, state, size)
    shown = table.shown(pref, tab)
    return {
        "state": state,
        "size": size,
        "results": found,
        "columns": table.headers(state, shown, link),
        "shown": set(shown),
        "column_choices": [
            (key, label, key in table.always_shown) for key, label in table.columns.items()
        ],
        "page_sizes": table.page_sizes,
        "saved_page_size": saved_size,
        "previous_url": found.previous and link(state.query(before=found.previous, cursor="")),
        "next_url": found.next and link(state.query(cursor=found.next, before="")),
        "return_query": state.here(),
    }


def wants_partial(request: HttpRequest) -> bool:
    """htmx asks for the results only, except when restoring history (the whole page)."""
    return bool(request.htmx and not request.htmx.history_restore_request)


def render_table(request: HttpRequest, template: str, context: dict, status: int = 200):
    """The whole page, or only its `results` partial when htmx asks for it."""
    partial = wants_partial(request)
    response = render(
        request, f"{template}#results" if partial else template, context, status=status
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


def back_to(request: HttpRequest, state_class: type[TableState], base_url: str) -> HttpResponse:
    """Redirect to the list as the person left it (only a query string is accepted)."""
    state = state_class.from_query(QueryDict(request.POST.get("return_query", "")))
    return redirect(linker(base_url)(state.here()))
