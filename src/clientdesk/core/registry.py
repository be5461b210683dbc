"""Where domains plug into the frame, the client page, the portal, search, menus and Settings.

The core and the client page draw these lists and know nothing of who filled them: a domain
adds its entries from its own `AppConfig.ready()` (see docs/architecture.md, "Adding a
domain"), so a new tab touches only the domain that adds it. Entries are kept by key, so adding
the same key twice (a test reloading an app) replaces rather than doubles it, and they are read
in `order`, then key.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from clientdesk.core.roles import can


@dataclass(frozen=True)
class NavItem:
    """The left navigation: a top-level section of the staff pages."""

    key: str
    label: Any
    url_name: str  # takes the account's slug
    icon: str
    order: int = 100
    capability: str | None = None
    section: str | None = None  # marks the item current for every route that contains it


@dataclass(frozen=True)
class AccountUrls:
    """A domain's URL patterns below /a/<account_slug>/<prefix>."""

    key: str
    prefix: str  # e.g. "clients/"
    urlconf: str  # a module path holding `urlpatterns`
    order: int = 100


@dataclass(frozen=True)
class PortalUrls:
    """A domain's URL patterns below /portal/<prefix> (its views go through the portal's
    `portal_view`, which decides the client)."""

    key: str
    prefix: str  # e.g. "requests/"
    urlconf: str
    order: int = 100


@dataclass(frozen=True)
class ApiRouter:
    """A domain's ninja router under /api/v1/, as "module:attribute". Routers are added in
    order: a fixed path (`/clients/export`) must come before a pattern that would take it
    (`/clients/{client_id}`)."""

    key: str
    router: str
    order: int = 100


@dataclass(frozen=True)
class ClientTab:
    """A tab of the client page; its view renders the page around it (clients.page)."""

    key: str
    label: Any
    url_name: str  # takes the account's slug and the client's id
    icon: str
    order: int = 100
    capability: str | None = None


@dataclass(frozen=True)
class ClientPanel:
    """A section of the client page's details panel: a template and what it needs."""

    key: str
    template: str
    context: Callable[..., dict]  # (request, client) → what the template needs
    place: str = "details"  # "actions" (the header), "details" (the panel) or "overview"
    order: int = 100
    capability: str | None = None


@dataclass(frozen=True)
class ClientCounts:
    """Counts a domain keeps per client, for the API's `counts` and anyone who lists them:
    `count(membership, clients)` → {client id: {name: value}}, a fixed number of queries for
    the whole list."""

    key: str
    count: Callable[..., dict[int, dict[str, Any]]]
    order: int = 100


@dataclass(frozen=True)
class ClientField:
    """A field of the API's client that another domain keeps (the tickets' `sla`):
    `read(membership, clients)` → {client id: value} for a whole page in a fixed number of
    queries; `write(membership, client, value)` saves a PATCH's value in the caller's
    transaction (a ValidationError names the field), for members with `capability`."""

    key: str
    read: Callable[..., dict[int, Any]]
    write: Callable[..., None] | None = None
    capability: str | None = None
    order: int = 100


@dataclass(frozen=True)
class ClientColumn:
    """A column another domain adds to the Clients list (the page, its column chooser and its
    export as shown). `values(membership, clients)` → {client id: value} for the page's rows in
    a fixed number of queries; `template` renders the cell with `client` and `value`, or
    `cell(value, request)` answers its HTML (escaped, safe) when the column has one: in Python,
    a page of 50 rows costs a tenth of what the template engine takes (clients/rows.py); `sort`,
    when given, answers the expression the list sorts on (never NULL: the keyset cursor
    compares it), read from the client's queryset; `tabs` are the tabs where the column shows
    by default (besides the person's own choice); `export` turns a value into the export's cell
    (None: `str(value)`, or "" for None)."""

    key: str  # its name in the URL (the column chooser's `columns`, `sort=`) and the API's order
    label: Any
    values: Callable[..., dict[int, Any]]
    template: str = ""
    order: int = 100
    numeric: bool = False  # right-aligned
    sort: Callable[[], Any] | None = None
    # `sort_rows(membership, clients)`: sorting by it first narrows the clients' queryset
    # this way (e.g. to an INNER JOIN of the table that keeps the value, named by its account,
    # so the keyset page walks that table's index); it must keep every client.
    sort_rows: Callable[[Any, Any], Any] | None = None
    tabs: tuple[str, ...] = ()
    export: Callable[[Any], Any] | None = None
    capability: str | None = None  # e.g. "money.read": others neither see nor sort by it
    cell: Callable[[Any, Any], str] | None = None


def page_shared(membership, key: str, clients, read: Callable[[], Any]) -> Any:
    """What several columns of one page read alike (a domain's two indicators, its date and
    progress cells): `read()` once for these clients, kept on the request's membership under
    `key` until another page of clients asks."""
    ids = tuple(c.pk for c in clients)
    kept = getattr(membership, f"_page_{key}", None)
    if kept is None or kept[0] != ids:
        kept = (ids, read())
        setattr(membership, f"_page_{key}", kept)
    return kept[1]


@dataclass(frozen=True)
class ClientFilter:
    """A filter another domain adds to the Clients list, the same in the page's URL, its
    export and GET /api/v1/clients (and its export). `parse(raw)` → the value, or None to
    ignore it; a ValueError's message is the API's 422 (the page ignores the parameter).
    `apply(membership, clients, value)` narrows the member's queryset of clients. `template`
    is the filter row's control, rendered with `filter`, `value` (the raw text) and `choices`
    (`choices(membership)`, when given); None: the API and the URL only."""

    key: str  # the query parameter, e.g. "has_problematic_apps"
    label: Any
    parse: Callable[[str], Any]
    apply: Callable[..., Any]
    template: str | None = None
    choices: Callable[..., Any] | None = None
    help: str = ""  # the API's description of the parameter
    order: int = 100
    capability: str | None = None


@dataclass(frozen=True)
class ContactFacts:
    """What another domain knows of each contact (the portal: none, invited or active), for
    the Contacts tab and the contacts API: `facts(contacts)` → {contact id: {name: value}}, a
    fixed number of queries for the whole list."""

    key: str
    facts: Callable[..., dict[int, dict[str, Any]]]
    order: int = 100


@dataclass(frozen=True)
class ContactChoice:
    """Things of another domain a contact may belong to (the per-user agreements that cover
    it), chosen in the contact dialog and in the Contacts tab's bulk actions, by members with
    `capability`. `options(client)` → [(id, label)] (none: nothing is shown); `chosen(contact)`
    → the ids that hold now; `save(actor, contact, ids)` makes exactly those hold, and
    `change(actor, contacts, target, join)` adds or removes several contacts at once; both run in
    the caller's transaction and raise a ValidationError naming what is wrong."""

    key: str
    label: Any
    help_text: Any
    options: Callable[..., list[tuple[int, str]]]
    chosen: Callable[..., list[int]]
    save: Callable[..., None]
    change: Callable[..., None]
    capability: str
    order: int = 100


@dataclass(frozen=True)
class DailyJob:
    """Work a domain wants done once a day (the agreements' end warnings, the portal's lapsed
    invitations): `task` is "module:attribute" of a django-tasks task that takes no
    arguments and goes through every account itself. `clientdesk daily`, run from cron,
    queues each."""

    key: str
    task: str
    label: Any
    order: int = 100


@dataclass(frozen=True)
class PortalSection:
    """A section of the client portal's navigation."""

    key: str
    label: Any
    url_name: str
    icon: str
    order: int = 100


@dataclass(frozen=True)
class SearchGroup:
    """A group of results beside the clients of a search: `find(membership, q, limit)` → rows
    for `template` (included with `rows`, `group` and `q`)."""

    key: str
    label: Any
    find: Callable[..., list]
    template: str
    order: int = 100
    limit: int = 5


@dataclass(frozen=True)
class ClientQuickLink:
    """A quick function in each row of the Clients page (the Contacts tab, Log a job, the
    jobs report): `url_name` takes the account's slug, and the client's id too when
    `with_client` is true; `query` is appended with `{id}` standing for the client's id."""

    key: str
    label: Any
    icon: str
    url_name: str
    with_client: bool = False
    query: str = ""
    order: int = 100
    capability: str | None = None


@dataclass(frozen=True)
class AddClientEntry:
    """An entry of the Clients page's *Add client* menu."""

    key: str
    label: Any
    hint: Any
    url_name: str  # takes the account's slug
    icon: str
    query: str = ""  # appended to the URL, e.g. "kind=clients"
    order: int = 100
    capability: str | None = None


@dataclass(frozen=True)
class SettingsSection:
    """A tab of Settings."""

    key: str
    label: Any
    url_name: str  # takes the account's slug
    icon: str
    order: int = 100
    capability: str | None = None


@dataclass(frozen=True)
class StatusGuard:
    """A domain's hold on some status changes: the off-boarding workflow alone moves a client
    into and out of `offboarding`. `refusal(client, to_status)` answers the message refusing a
    generic change (the client page's status dialog, POST /api/v1/clients/{id}/status) or None
    to allow it. `clients.services.client_change_status(..., held=False)` is how the workflow
    makes its own moves (and the demo tells its history); the system (actor None) and imports
    are not held."""

    key: str
    refusal: Callable[..., Any]
    order: int = 100


@dataclass(frozen=True)
class DemoStep:
    """Part of `clientdesk demo`: `make(account, clients, seed)` fills the demo account and
    answers a few words for the summary (or ""); `logins(account)`, when given, answers the
    (what, where, email, password) of the demo logins this part made, to print."""

    key: str
    make: Callable[..., str]
    order: int = 100
    logins: Callable[..., list[tuple[str, str, str, str]]] | None = None


@dataclass(frozen=True)
class RiskRule:
    """An explainable rule that flags an active client as at risk (insights runs them daily).
    `evaluate(account, threshold, today)` → {client id: the reason, in words}, for the whole
    account in a fixed number of queries (never one per client). `description` says what it
    checks with `%(n)s` standing for the threshold; `unit` names the threshold ("days")."""

    key: str
    label: Any
    description: Any
    evaluate: Callable[..., dict[int, str]]
    default_threshold: int = 1
    unit: Any = ""
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """A panel of the account's home page: `context(request)` → what `template` needs (a
    fixed number of queries, through the member's limits); `url_name` (taking the account's
    slug, plus `query`) is the list it links to."""

    key: str
    label: Any
    template: str
    context: Callable[..., dict]
    url_name: str | None = None
    query: str = ""
    order: int = 100
    capability: str | None = None  # who sees the panel
    link_capability: str | None = None  # who sees its link (the list may ask more)


E = TypeVar("E")


class Registry(Generic[E]):
    def __init__(self, name: str):
        self.name = name
        self._entries: dict[str, E] = {}
        # Bumped by every change, so a reader may keep what it builds from the entries (the
        # Clients table, its sorts) until the entries change (start-up, a test's own entry).
        self.version = 0

    def add(self, entry: E) -> E:
        self._entries[entry.key] = entry  # type: ignore[attr-defined]
        self.version += 1
        return entry

    def remove(self, key: str) -> None:
        if self._entries.pop(key, None) is not None:
            self.version += 1

    def get(self, key: str) -> E:
        """The entry of that key (KeyError when no domain added it)."""
        return self._entries[key]

    def all(self) -> list[E]:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.key))  # type: ignore[attr-defined]

    def for_member(self, membership) -> list[E]:
        """The entries this member's role allows (those without a capability: everyone)."""
        return [
            e
            for e in self.all()
            if getattr(e, "capability", None) is None or can(membership, e.capability)  # type: ignore[attr-defined]
        ]


nav = Registry[NavItem]("nav")
account_urls = Registry[AccountUrls]("account_urls")
portal_urls = Registry[PortalUrls]("portal_urls")
api_routers = Registry[ApiRouter]("api_routers")
client_tabs = Registry[ClientTab]("client_tabs")
client_panels = Registry[ClientPanel]("client_panels")
client_counts = Registry[ClientCounts]("client_counts")
client_fields = Registry[ClientField]("client_fields")
client_columns = Registry[ClientColumn]("client_columns")
client_filters = Registry[ClientFilter]("client_filters")
contact_facts = Registry[ContactFacts]("contact_facts")
contact_choices = Registry[ContactChoice]("contact_choices")
portal_sections = Registry[PortalSection]("portal_sections")
search_groups = Registry[SearchGroup]("search_groups")
add_client_entries = Registry[AddClientEntry]("add_client_entries")
client_quick_links = Registry[ClientQuickLink]("client_quick_links")
settings_sections = Registry[SettingsSection]("settings_sections")
status_guards = Registry[StatusGuard]("status_guards")
demo_steps = Registry[DemoStep]("demo_steps")
daily_jobs = Registry[DailyJob]("daily_jobs")
risk_rules = Registry[RiskRule]("risk_rules")
home_panels = Registry[HomePanel]("home_panels")
