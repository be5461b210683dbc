"""Reads of the catalog, the stacks and the opportunities, shared by the pages and the API."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Lower

from clientdesk.clients.models import Client
from clientdesk.core.models import Membership
from clientdesk.core.tenancy import get_or_404
from clientdesk.software.models import Application, ClientApp, ClientOpportunity
from clientdesk.software.opportunity import catalog_of, contacts_of, figures, stacks_of


def applications(*, account) -> QuerySet[Application]:
    return (
        Application.objects.for_account(account)
        .prefetch_related("baseline_industries")
        .order_by(Lower("name"), "id")
    )


def get_application(*, account, pk) -> Application:
    """One application of the account's catalog, else 404."""
    return get_or_404(Application.objects.for_account(account), pk=pk)


def client_stack(*, client: Client) -> QuerySet[ClientApp]:
    return (
        ClientApp.objects.for_client(client)
        .select_related("application")
        .order_by(Lower("application__name"), "id")
    )


def get_client_app(*, client: Client, application_id) -> ClientApp:
    """The client's row of this application, else 404."""
    return get_or_404(
        ClientApp.objects.for_client(client).select_related("application", "client"),
        application_id=application_id,
    )


def stack_names(account_id: int, clients: list[Client], *, money: bool = True) -> dict[int, dict]:
    """For a page of clients, in a fixed number of queries: the names of each client's stack,
    problematic and missing apps, and (`money`) the figures now (DESIGN §4) — what the
    indicators' lists and the API's `opportunity` show. Computed from the same function the
    kept figures are. Without `money` the contacts go uncounted (the names do not need them)."""
    if not clients:
        return {}
    catalog = catalog_of(account_id)
    ids = [c.pk for c in clients]
    stacks = stacks_of(account_id, ids)
    contacts = contacts_of(account_id, ids) if money else {}

    def name(pk: int) -> str:
        return catalog.apps[pk].name

    found = {}
    for client in clients:
        stack = stacks.get(client.pk, {})
        f = figures(catalog, client.industry_id, stack, contacts.get(client.pk, 0))
        entry: dict[str, Any] = {
            "stack": sorted((name(pk) for pk in stack if pk in catalog.apps), key=str.lower),
            "missing": [name(pk) for pk in f.missing],
            "problematic": [name(pk) for pk in f.problematic],
        }
        if money:
            entry |= {"project": f.project, "revenue": f.revenue}
        found[client.pk] = entry
    return found


def kept(account_id: int, client_ids: list[int]) -> dict[int, ClientOpportunity]:
    """The kept opportunity rows of these clients."""
    return {
        o.client_id: o
        for o in ClientOpportunity.objects.for_account(account_id).filter(client_id__in=client_ids)
    }


def opportunity_of(*, client: Client) -> dict:
    """The client's opportunity, alone and with its sub-clients, and the names behind it."""
    row = kept(client.account_id, [client.pk]).get(client.pk)
    # The kept row holds the client's own figures too; without one, they are computed now.
    names = stack_names(client.account_id, [client], money=row is None)[client.pk]
    if row is not None:
        names |= {"project": row.project, "revenue": row.revenue}
    zero = Decimal("0.00")
    sub_project = row.sub_project if row else zero
    sub_revenue = row.sub_revenue if row else zero
    return {
        **names,
        "sub_project": sub_project,
        "sub_revenue": sub_revenue,
        "project_total": names["project"] + sub_project,
        "revenue_total": names["revenue"] + sub_revenue,
    }


def problematic_clients(membership: Membership, application_id: int | None):
    """An Exists() of a problematic app (this one, or any) in the client's stack."""
    rows = ClientApp.objects.for_account(membership.account_id).filter(
        client_id=OuterRef("pk"), problematic=True
    )
    if application_id is not None:
        rows = rows.filter(application_id=application_id)
    return Exists(rows)


def clients_with_app(account_id: int) -> dict[int, int]:
    """How many clients hold each application (Settings › Applications)."""
    rows = (
        ClientApp.objects.for_account(account_id)
        .filter(client__deleted_at=None)
        .values("application_id")
        .annotate(n=Count("id"))
        .values_list("application_id", "n")
    )
    return dict(rows)
