"""The opportunities of DESIGN §4, kept per client in `ClientOpportunity` (never computed per
list row).

- **Missing apps**: the catalog's baseline apps for the client's industry (or for every
  industry) that its stack does not hold.
- **Project opportunity** (one-off): the sum of `project_value` over missing and problematic
  apps.
- **Revenue opportunity** (a year): the sum over missing apps of `monthly_price_per_user` × the
  client's contacts × 12.

`opportunities_recompute(account_id, client_ids)` recomputes the clients named (every client
of the account when `client_ids` is None: a catalog change) in a fixed number of queries per
2,000 clients, then the sums over sub-clients of their whole families. It runs inside the
caller's transaction: the stack and catalog services call it, and `changes_heard` hears the
other domains' writes (a client created, moved, deleted or its industry changed; a contact
added, moved or removed) through `audit.events.watch`, in the writer's transaction.

Money is Decimal throughout; figures are rounded to cents once, at the end.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from clientdesk.clients.models import Client
from clientdesk.contacts.models import Contact
from clientdesk.core.bulkinsert import insert
from clientdesk.core.sqlarrays import among
from clientdesk.software.models import MONEY, Application, ClientApp, ClientOpportunity

CHUNK = 2000
# A catalog change recomputes every client: inside the change's transaction up to this many
# clients (about a second), in a background task beyond (22 s at 100,000 on SQLite).
SYNC_LIMIT = 2000
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest figure the kept columns hold (MONEY's digits, in cents). A price
# each may hold, times a client's contacts and twelve months, summed over the missing apps
# and then over sub-clients, can pass it: such a figure is kept as this much, not refused
# (the catalog's change or the client's new contact stays saved).
MOST = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"]) - CENT


def held(value: Decimal) -> Decimal:
    """`value` in cents, at most MOST."""
    return min(value, MOST).quantize(CENT)


FIGURES = (
    "industry_id",
    "contacts",
    "stack_count",
    "missing_count",
    "problematic_count",
    "project",
    "revenue",
)


@dataclass
class Catalog:
    """The account's catalog as the formulas need it."""

    apps: dict[int, Application]
    # Baseline apps: those for every industry, and those for each industry.
    for_all: list[int] = field(default_factory=list)
    by_industry: dict[int, list[int]] = field(default_factory=dict)

    def baseline(self, industry_id: int | None) -> list[int]:
        found = list(self.for_all)
        if industry_id is not None:
            found += self.by_industry.get(industry_id, [])
        return found


def catalog_of(account_id: int) -> Catalog:
    apps = {a.pk: a for a in Application.objects.for_account(account_id)}
    catalog = Catalog(apps=apps)
    industries: dict[int, list[int]] = defaultdict(list)
    through = Application.baseline_industries.through
    rows = through.objects.filter(application__account_id=account_id, application__baseline=True)
    for app_id, industry_id in rows.values_list("application_id", "industry_id"):
        industries[app_id].append(industry_id)
    for app in sorted(apps.values(), key=lambda a: a.name.lower()):
        if not app.baseline:
            continue
        if industries.get(app.pk):
            for industry_id in industries[app.pk]:
                catalog.by_industry.setdefault(industry_id, []).append(app.pk)
        else:
            catalog.for_all.append(app.pk)
    return catalog


@dataclass
class Figures:
    """One client's opportunity, with the names behind it (the API's and the panel's)."""

    missing: list[int]
    problematic: list[int]
    stack: int
    contacts: int
    project: Decimal
    revenue: Decimal


def figures(
    catalog: Catalog, industry_id: int | None, stack: dict[int, bool], contacts: int
) -> Figures:
    """DESIGN §4 for one client: `stack` maps the app ids it holds to their problematic flag."""
    missing = [pk for pk in catalog.baseline(industry_id) if pk not in stack]
    problematic = sorted(
        (pk for pk, flagged in stack.items() if flagged and pk in catalog.apps),
        key=lambda pk: catalog.apps[pk].name.lower(),
    )
    project = sum((catalog.apps[pk].project_value for pk in (*missing, *problematic)), ZERO)
    revenue = sum((catalog.apps[pk].monthly_price_per_user * contacts * 12 for pk in missing), ZERO)
    return Figures(
        missing=missing,
        problematic=problematic,
        stack=len(stack),
        contacts=contacts,
        project=held(project),
        revenue=held(revenue),
    )


def stacks_of(account_id: int, client_ids: Iterable[int]) -> dict[int, dict[int, bool]]:
    found: dict[int, dict[int, bool]] = defaultdict(dict)
    rows = ClientApp.objects.for_account(account_id).filter(among("client_id", client_ids))
    for client_id, app_id, flagged in rows.values_list(
        "client_id", "application_id", "problematic"
    ):
        found[client_id][app_id] = flagged
    return found


def contacts_of(account_id: int, client_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Contact.objects.for_account(account_id)
        # Counted as the contacts domain counts them: live and active.
        .filter(among("client_id", client_ids), deleted_at=None, active=True)
        .values("client_id")
        .annotate(n=Count("id"))
        .values_list("client_id", "n")
    )
    return dict(rows)


def catalog_changed(account_id: int) -> None:
    """Every client's opportunity follows a catalog change: now for a small account, else
    once the change commits, in a task (the figures lag until the worker runs it)."""
    from django.db import transaction

    live = Client.objects.for_account(account_id).filter(deleted_at=None)
    if not live[SYNC_LIMIT : SYNC_LIMIT + 1].exists():
        opportunities_recompute(account_id, None)
        return
    from clientdesk.software.tasks import opportunities_rebuild

    transaction.on_commit(lambda: opportunities_rebuild.enqueue(account_id))


def opportunities_recompute(account_id: int, client_ids: Iterable[int] | None = None) -> int:
    """Recompute the clients' own figures (all the account's when `client_ids` is None), then
    the sub-client sums of their families. Answers how many clients were recomputed."""
    catalog = catalog_of(account_id)
    live = Client.objects.for_account(account_id).filter(deleted_at=None)
    if client_ids is None:
        wanted = list(live.order_by("pk").values_list("pk", flat=True))
    else:
        wanted = sorted(set(client_ids))
    done = 0
    for i in range(0, len(wanted), CHUNK):
        done += _own_recompute(account_id, wanted[i : i + CHUNK], catalog)
    rollups_recompute(account_id, None if client_ids is None else set(wanted))
    return done


def opportunities_created(account_id: int, client_ids: Iterable[int]) -> int:
    """The rows of clients just created (client_create, an import's batch), the same figures
    as `opportunities_recompute` gives them at less cost: a new client's row goes in as a plain
    row (core.bulkinsert; an import's batch of 4,000 spent more in the ORM's upsert than in
    everything else it writes), and only the families of new clients with a parent are summed
    again. A new client without a parent has no sub-clients but those created with it, whose
    families hold it; its sums start at zero. Answers how many clients were computed."""
    catalog = catalog_of(account_id)
    wanted = sorted(set(client_ids))
    parented: set[int] = set()
    done = 0
    for i in range(0, len(wanted), CHUNK):
        done += _own_recompute(account_id, wanted[i : i + CHUNK], catalog, parented)
    if parented:
        rollups_recompute(account_id, parented)
    return done


NEW_COLUMNS = ("account", "client", *FIGURES, "sub_project", "sub_revenue")


def _own_recompute(
    account_id: int, client_ids: list[int], catalog: Catalog, parented: set[int] | None = None
) -> int:
    """The own figures of these live clients, written with one upsert. `parented` (new
    clients): those without a row yet go in as plain rows, and those with a parent are added
    to it."""
    # With each client, whether it has its row yet (one query, not a second by client ids).
    rows = list(
        Client.objects.for_account(account_id)
        .filter(among("pk", client_ids), deleted_at=None)
        .values_list("pk", "industry_id", "parent_id", "opportunity__pk")
    )
    ids = [pk for pk, _industry, _parent, _kept in rows]
    stacks, contacts = stacks_of(account_id, ids), contacts_of(account_id, ids)
    fresh: set[int] = set()
    if parented is not None:
        parented.update(pk for pk, _industry, parent, _kept in rows if parent is not None)
        fresh = {pk for pk, _industry, _parent, kept in rows if kept is None}
    made, new = [], []
    # Clients without apps share their figures with those of the same industry and number of
    # contacts (an import's new clients: a handful of pairs for thousands of clients).
    bare: dict[tuple[int | None, int], Figures] = {}
    for pk, industry_id, _parent, _kept in rows:
        stack, people = stacks.get(pk), contacts.get(pk, 0)
        if stack:
            f = figures(catalog, industry_id, stack, people)
        elif (f := bare.get((industry_id, people))) is None:
            f = bare[(industry_id, people)] = figures(catalog, industry_id, {}, people)
        if pk in fresh:
            counts = (f.contacts, f.stack, len(f.missing), len(f.problematic))
            new.append((account_id, pk, industry_id, *counts, f.project, f.revenue, ZERO, ZERO))
            continue
        made.append(
            ClientOpportunity(
                account_id=account_id,
                client_id=pk,
                industry_id=industry_id,
                contacts=f.contacts,
                stack_count=f.stack,
                missing_count=len(f.missing),
                problematic_count=len(f.problematic),
                project=f.project,
                revenue=f.revenue,
            )
        )
    if new:
        insert(ClientOpportunity, NEW_COLUMNS, new)
    if made:
        ClientOpportunity.objects.bulk_create(
            made, update_conflicts=True, unique_fields=["client"], update_fields=list(FIGURES)
        )
    return len(made) + len(new)


def family_of(account_id: int, client_ids: set[int]) -> dict[int, int | None]:
    """{client id: parent id} of every live client in the trees holding these clients: up to
    their roots (deleted ones too, to find the way), then down (trees are shallow: a query a
    level)."""
    chain: dict[int, int | None] = {}
    level = set(client_ids)
    while level:
        rows = dict(
            Client.objects.for_account(account_id)
            .filter(among("pk", level))
            .values_list("pk", "parent_id")
        )
        chain.update(rows)
        level = {p for p in rows.values() if p is not None and p not in chain}
    roots = [pk for pk, parent in chain.items() if parent is None or parent not in chain]
    live = Client.objects.for_account(account_id).filter(deleted_at=None)
    parent_of: dict[int, int | None] = dict(
        live.filter(among("pk", roots)).values_list("pk", "parent_id")
    )
    level = set(parent_of)
    while level:
        rows = {
            pk: parent
            for pk, parent in live.filter(among("parent_id", level)).values_list("pk", "parent_id")
            if pk not in parent_of
        }
        parent_of.update(rows)
        level = set(rows)
    return parent_of


def rollups_recompute(account_id: int, client_ids: set[int] | None) -> None:
    """The sums over sub-clients (any depth, deleted ones left out) of every client in the
    families of `client_ids` (the whole account when None), written where they changed."""
    if client_ids is None:
        live = Client.objects.for_account(account_id).filter(deleted_at=None)
        parent_of: dict[int, int | None] = dict(live.values_list("pk", "parent_id"))
    else:
        parent_of = family_of(account_id, client_ids)
    if not parent_of:
        return
    ids = list(parent_of)
    kept: dict[int, tuple[Decimal, Decimal, Decimal, Decimal]] = {}
    for i in range(0, len(ids), CHUNK * 5):
        rows = (
            ClientOpportunity.objects.for_account(account_id)
            .filter(among("client_id", ids[i : i + CHUNK * 5]))
            .values_list("client_id", "project", "revenue", "sub_project", "sub_revenue")
        )
        for pk, *values in rows:
            kept[pk] = tuple(values)  # type: ignore[assignment]
    sums: dict[int, list[Decimal]] = {pk: [ZERO, ZERO] for pk in parent_of}
    for pk in parent_of:
        project, revenue = kept[pk][:2] if pk in kept else (ZERO, ZERO)
        if not project and not revenue:
            continue
        seen, node = {pk}, parent_of[pk]
        while node is not None and node in parent_of and node not in seen:
            sums[node][0] += project
            sums[node][1] += revenue
            seen.add(node)
            node = parent_of[node]
    sums = {pk: [held(s[0]), held(s[1])] for pk, s in sums.items()}
    changed = {
        pk: s
        for pk, s in sums.items()
        if (kept[pk][2:] if pk in kept else (ZERO, ZERO)) != (s[0], s[1])
    }
    missing = [pk for pk in changed if pk not in kept]
    if missing:
        _own_recompute(account_id, missing, catalog_of(account_id))
    ClientOpportunity.objects.bulk_update(
        [
            ClientOpportunity(
                client_id=pk, account_id=account_id, sub_project=s[0], sub_revenue=s[1]
            )
            for pk, s in changed.items()
        ],
        ["sub_project", "sub_revenue"],
        batch_size=1000,
    )
