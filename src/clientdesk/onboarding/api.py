"""`POST /api/v1/clients`: a client with its primary contact and, when engaged, its portal
invitation, through onboarding.services.client_onboard as the Add client pages do.

It joins the clients router (OnboardingConfig.ready), so `/clients` answers GET and POST at
one address.
"""

from ninja import Status as Answer

from clientdesk.clients.api import (
    BILLING_FIELD,
    WRITE,
    api_fields,
    aware,
    industry_of,
    manager_of,
    one_client,
    parent_of,
)
from clientdesk.clients.schemas import ClientCreateIn, ClientOut
from clientdesk.core.roles import require
from clientdesk.onboarding.services import client_onboard


def clients_create(request, payload: ClientCreateIn):
    """Add a client. Needs a manager's role or above (and the right to invite, when engaged).

    `primary_contact` becomes the client's primary contact, in the same transaction: a contact
    the contacts rules refuse leaves no client behind. An engaged client's invitation goes to
    that contact at once. `sla` starts at the account's defaults.
    """
    require(request.membership, "clients.write")
    account = request.account
    billing = payload.billing.model_dump() if payload.billing else {}
    with api_fields(at="status_since"):
        done = client_onboard(
            account=account,
            actor=request.membership,
            engagement=payload.engagement,
            primary_contact=payload.primary_contact.model_dump()
            if payload.primary_contact
            else None,
            prefix=payload.prefix,
            name=payload.name,
            status=payload.status,
            status_since=aware(payload.status_since, account),
            parent=parent_of(request.membership, payload.parent_id),
            tags=payload.tags,
            description=payload.description,
            industry=industry_of(account, payload.industry),
            manager=manager_of(account, payload.manager_email),
            license=payload.license,
            **{BILLING_FIELD[k]: v for k, v in billing.items()},
        )
    return Answer(201, one_client(done.client, request.membership))


def join_clients_router() -> None:
    from clientdesk.clients.api import router

    if "/clients" in router.path_operations and any(
        "POST" in op.methods for op in router.path_operations["/clients"].operations
    ):
        return  # joined already (the app registry may be readied twice in tests)
    router.add_api_operation(
        "/clients", ["POST"], clients_create, response={201: ClientOut, **WRITE}
    )
