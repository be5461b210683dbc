"""The software API (DESIGN §7): the application catalog (`/applications`) and each client's
app stack (`/clients/{id}/apps`). Money is a decimal string in the account's currency, null
for roles without `money.read` (who cannot set it either).

Handlers look the client or application up through the membership's scope first (anything not
visible is the same 404 as missing), then check the role, then read the body and call
software.services.
"""

from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as Answer

from clientdesk.clients.queries import get_client
from clientdesk.core.api_schemas import (
    MAX_ID,
    NOT_BLANK,
    Cursor,
    ErrorOut,
    Id,
    Limit,
    Strict,
    documented_body,
    read_body,
)
from clientdesk.core.models import Membership
from clientdesk.core.pagination import keyset_page
from clientdesk.core.roles import can, require
from clientdesk.software import queries, services
from clientdesk.software.models import Application, Category, ClientApp

router = Router(tags=["software"])

READ = {401: ErrorOut, 404: ErrorOut}
WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MONEY = r"^\d{1,12}(\.\d{1,2})?$"
CategoryName = Literal[tuple(Category.values)]  # type: ignore[valid-type]


class ApplicationOut(Schema):
    id: int
    name: str
    category: CategoryName  # type: ignore[valid-type]
    vendor: str
    project_value: str | None = Field(
        description="One-off, a decimal in the account's currency; null without `money.read`."
    )
    monthly_price_per_user: str | None = Field(
        description="A decimal in the account's currency; null without `money.read`."
    )
    baseline: bool = Field(description="Part of the baseline stack.")
    baseline_industries: list[str] = Field(
        description="The industries (names) it is baseline for; empty: every industry."
    )
    version: int


class ApplicationPage(Schema):
    items: list[ApplicationOut]
    next: str | None


class ApplicationIn(Strict):
    name: str = Field(..., max_length=120, pattern=NOT_BLANK)
    category: CategoryName = "other"  # type: ignore[valid-type]
    vendor: str = Field("", max_length=120)
    project_value: str = Field("0", pattern=MONEY, description='A decimal string, e.g. "1500.00"')
    monthly_price_per_user: str = Field("0", pattern=MONEY)
    baseline: bool = False
    baseline_industries: list[str] = Field(
        default_factory=list, max_length=200, description="Industry names or ids."
    )


class ApplicationPatchIn(Strict):
    """Only the fields given change; `version` is the one you read."""

    version: int | None = Field(None, ge=1)
    name: str = Field(None, max_length=120, pattern=NOT_BLANK)  # type: ignore[assignment]
    category: CategoryName = None  # type: ignore[valid-type]
    vendor: str = Field(None, max_length=120)  # type: ignore[assignment]
    project_value: str = Field(None, pattern=MONEY)  # type: ignore[assignment]
    monthly_price_per_user: str = Field(None, pattern=MONEY)  # type: ignore[assignment]
    baseline: bool = None  # type: ignore[assignment]
    baseline_industries: list[str] = Field(None, max_length=200)  # type: ignore[assignment]


class ClientAppOut(Schema):
    application_id: int
    name: str
    category: str
    problematic: bool
    note: str


class ClientAppPage(Schema):
    items: list[ClientAppOut]
    next: str | None


class ClientAppIn(Strict):
    application_id: int = Field(..., ge=1, le=MAX_ID)
    problematic: bool = False
    note: str = Field("", max_length=500)


class ClientAppPatchIn(Strict):
    problematic: bool = None  # type: ignore[assignment]
    note: str = Field(None, max_length=500)  # type: ignore[assignment]


def _body(schema, request):
    """The PATCH body, which must be there (its fields are all optional)."""
    if not request.body.strip():
        raise ValidationError({"body": _("Send a JSON object with the fields to change.")})
    return read_body(schema, request)


def application_out(membership: Membership, apps: list[Application]) -> list[dict]:
    money = can(membership, "money.read")
    return [
        {
            "id": a.pk,
            "name": a.name,
            "category": a.category,
            "vendor": a.vendor,
            "project_value": str(a.project_value) if money else None,
            "monthly_price_per_user": str(a.monthly_price_per_user) if money else None,
            "baseline": a.baseline,
            "baseline_industries": sorted(
                (i.name for i in a.baseline_industries.all()), key=str.lower
            ),
            "version": a.version,
        }
        for a in apps
    ]


def client_app_out(row: ClientApp) -> dict:
    return {
        "application_id": row.application_id,
        "name": row.application.name,
        "category": row.application.category,
        "problematic": row.problematic,
        "note": row.note,
    }


def _money_given(membership: Membership, given: set) -> None:
    for name in {"project_value", "monthly_price_per_user"} & given:
        if not can(membership, "money.read"):
            raise ValidationError({name: _("Your role does not see or set prices.")})


def _one_application(request, pk: int) -> Application:
    app = queries.get_application(account=request.account, pk=pk)
    return queries.applications(account=request.account).get(pk=app.pk)


@router.get(
    "/applications",
    response={200: ApplicationPage, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
)
def applications_list(request, cursor: Cursor = None, limit: Limit = 50):
    """The account's application catalog, by name."""
    qs = queries.applications(account=request.account).annotate(sort_name=Lower("name"))
    page = keyset_page(qs, order=["sort_name", "id"], cursor=cursor, limit=limit)
    return {"items": application_out(request.membership, page.items), "next": page.next}


@router.post(
    "/applications",
    response={201: ApplicationOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    openapi_extra=documented_body(ApplicationIn),
)
def application_post(request):
    """Add an application to the catalog. Managers and above (`apps.catalog`)."""
    require(request.membership, "apps.catalog")
    payload = read_body(ApplicationIn, request)
    _money_given(request.membership, payload.model_fields_set)
    app = services.application_create(
        account=request.account,
        actor=request.membership,
        name=payload.name,
        category=payload.category,
        vendor=payload.vendor,
        project_value=Decimal(payload.project_value),
        monthly_price_per_user=Decimal(payload.monthly_price_per_user),
        baseline=payload.baseline,
        baseline_industries=payload.baseline_industries,
    )
    return Answer(201, application_out(request.membership, [_one_application(request, app.pk)])[0])


@router.get("/applications/{application_id}", response={200: ApplicationOut, **READ})
def application_get(request, application_id: Id):
    """One application of the catalog."""
    return application_out(request.membership, [_one_application(request, application_id)])[0]


@router.patch(
    "/applications/{application_id}",
    response={200: ApplicationOut, **WRITE},
    openapi_extra=documented_body(ApplicationPatchIn),
)
def application_patch(request, application_id: Id):
    """Change the fields given; a change of prices or of the baseline recomputes every
    client's opportunity. A stale `version` answers 409."""
    app = _one_application(request, application_id)
    require(request.membership, "apps.catalog")
    payload = _body(ApplicationPatchIn, request)
    given = payload.model_fields_set - {"version"}
    _money_given(request.membership, given)
    fields: dict = {
        name: getattr(payload, name)
        for name in ("name", "category", "vendor", "baseline")
        if name in given and getattr(payload, name) is not None
    }
    for name in ("project_value", "monthly_price_per_user"):
        if name in given and getattr(payload, name) is not None:
            fields[name] = Decimal(getattr(payload, name))
    if payload.version is not None and payload.version != app.version:
        return Answer(
            409,
            {
                "detail": _("This application changed since you read it."),
                "errors": {"version": [_("It is now at version %(v)s.") % {"v": app.version}]},
            },
        )
    services.application_update(
        application=app,
        actor=request.membership,
        baseline_industries=(
            payload.baseline_industries
            if "baseline_industries" in given and payload.baseline_industries is not None
            else "unchanged"
        ),
        **fields,
    )
    return application_out(request.membership, [_one_application(request, application_id)])[0]


@router.delete("/applications/{application_id}", response={204: None, **WRITE})
def application_remove(request, application_id: Id):
    """Out of the catalog and out of every client's stack."""
    app = _one_application(request, application_id)
    require(request.membership, "apps.catalog")
    services.application_delete(application=app, actor=request.membership)
    return Answer(204, None)


# A client's stack -------------------------------------------------------------------------


@router.get("/clients/{client_id}/apps", response={200: ClientAppPage, **READ})
def client_apps_list(request, client_id: Id):
    """The client's app stack, by name (`next` is always null: a stack is short)."""
    client = get_client(membership=request.membership, pk=client_id)
    return {"items": [client_app_out(r) for r in queries.client_stack(client=client)], "next": None}


@router.post(
    "/clients/{client_id}/apps",
    response={201: ClientAppOut, **WRITE},
    openapi_extra=documented_body(ClientAppIn),
)
def client_app_post(request, client_id: Id):
    """Add a catalog application to the client's stack (`apps.write`: technicians and up)."""
    client = get_client(membership=request.membership, pk=client_id)
    require(request.membership, "apps.write")
    payload = read_body(ClientAppIn, request)
    found = queries.applications(account=request.account).filter(pk=payload.application_id)
    app = found.first()
    if app is None:
        raise ValidationError(
            {
                "application_id": _("No application with id %(id)s in the catalog.")
                % {"id": payload.application_id}
            }
        )
    row = services.client_app_add(
        client=client,
        actor=request.membership,
        application=app,
        problematic=payload.problematic,
        note=payload.note,
    )
    row = queries.get_client_app(client=client, application_id=row.application_id)
    return Answer(201, client_app_out(row))


@router.patch(
    "/clients/{client_id}/apps/{application_id}",
    response={200: ClientAppOut, **WRITE},
    openapi_extra=documented_body(ClientAppPatchIn),
)
def client_app_patch(request, client_id: Id, application_id: Id):
    """Flag or clear `problematic`, change the `note`."""
    client = get_client(membership=request.membership, pk=client_id)
    row = queries.get_client_app(client=client, application_id=application_id)
    require(request.membership, "apps.write")
    payload = _body(ClientAppPatchIn, request)
    services.client_app_update(
        row=row, actor=request.membership, problematic=payload.problematic, note=payload.note
    )
    return client_app_out(queries.get_client_app(client=client, application_id=application_id))


@router.delete("/clients/{client_id}/apps/{application_id}", response={204: None, **WRITE})
def client_app_delete(request, client_id: Id, application_id: Id):
    """Take the application out of the client's stack."""
    client = get_client(membership=request.membership, pk=client_id)
    row = queries.get_client_app(client=client, application_id=application_id)
    require(request.membership, "apps.write")
    services.client_app_remove(row=row, actor=request.membership)
    return Answer(204, None)
