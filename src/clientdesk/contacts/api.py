"""The contacts API (DESIGN §7): a client's contacts, and one contact read, edited or deleted.

Handlers look the client or contact up through the membership's scope first (anything not
visible is the same 404 as missing, whatever the body holds), then check the role, then read
the body and call the one write path in contacts.services.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer

from clientdesk.clients.queries import get_client
from clientdesk.contacts import queries
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import (
    StaleContact,
    contact_create,
    contact_delete,
    contact_update,
)
from clientdesk.core.api_schemas import (
    NO_NUL,
    NOT_BLANK,
    NUL_MESSAGE,
    Cursor,
    ErrorOut,
    Id,
    Limit,
    Strict,
    documented_body,
    read_body,
    sort_order,
)
from clientdesk.core.roles import require

router = Router(tags=["contacts"])

READ = {401: ErrorOut, 404: ErrorOut}
ADDRESS = ("street", "city", "region", "postcode", "country")
PLAIN_FIELDS = ("first_name", "last_name", "email", "phone", "mobile", "title", "notes")
ORDER_HELP = "One of " + ", ".join(queries.SORTS) + "; a leading - sorts descending."
SourceName = Literal["manual", "import", "email", "directory"]
ContactOrder = sort_order(queries.SORTS)


# Shapes ----------------------------------------------------------------------------------


class AddressIn(Strict):
    street: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    region: str = Field("", max_length=100)
    postcode: str = Field("", max_length=20)
    country: str = Field("", max_length=100)


class ContactCreateIn(Strict):
    first_name: str = Field(..., max_length=80, pattern=NOT_BLANK)
    last_name: str = Field("", max_length=80)
    email: str = Field("", max_length=254, description="Unique within the client, ignoring case.")
    phone: str = Field("", max_length=40)
    mobile: str = Field("", max_length=40)
    title: str = Field("", max_length=120, description="The job title.")
    notes: str = ""
    address: AddressIn | None = None
    is_primary: bool = Field(
        False,
        description="Makes this the client's one primary contact, demoting the current one. "
        "A client's first contact with an email becomes primary anyway.",
    )
    is_secondary: bool = Field(False, description="At most one per client; never the primary.")
    active: bool = True
    source: SourceName = "manual"


class ContactPatchIn(Strict):
    """Only the fields given change; `version` is the one you read."""

    version: int = Field(..., ge=1)
    first_name: str = Field(None, max_length=80, pattern=NOT_BLANK)  # type: ignore[assignment]
    last_name: str = Field(None, max_length=80)  # type: ignore[assignment]
    email: str = Field(None, max_length=254)  # type: ignore[assignment]
    phone: str = Field(None, max_length=40)  # type: ignore[assignment]
    mobile: str = Field(None, max_length=40)  # type: ignore[assignment]
    title: str = Field(None, max_length=120)  # type: ignore[assignment]
    notes: str = None  # type: ignore[assignment]
    address: AddressIn = Field(None, description="Only the keys given change.")  # type: ignore[assignment]
    is_primary: bool = Field(  # type: ignore[assignment]
        None, description="true demotes the current primary; false is refused on the primary."
    )
    is_secondary: bool = None  # type: ignore[assignment]
    active: bool = None  # type: ignore[assignment]
    source: SourceName = None  # type: ignore[assignment]


class AddressOut(Schema):
    street: str
    city: str
    region: str
    postcode: str
    country: str


class ContactOut(Schema):
    id: int
    client_id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    mobile: str
    title: str
    notes: str
    is_primary: bool
    is_secondary: bool
    active: bool
    address: AddressOut
    portal: Literal["none", "invited", "active"] = Field(
        description="active: a portal user; invited: an invitation is open; none otherwise."
    )
    source: SourceName
    version: int


class ContactPage(Schema):
    items: list[ContactOut]
    next: str | None


class ContactConflictOut(ErrorOut):
    current: ContactOut | None = None


WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ContactConflictOut, 422: ErrorOut}


def contact_out(contact: Contact, facts: dict | None = None) -> dict:
    """The contact's shape; what other domains know of it (`portal`) is looked up when not
    given."""
    if facts is None:
        facts = queries.contact_facts([contact])[contact.pk]
    return {
        "id": contact.pk,
        "client_id": contact.client_id,
        **{name: getattr(contact, name) for name in PLAIN_FIELDS},
        "is_primary": contact.is_primary,
        "is_secondary": contact.is_secondary,
        "active": contact.active,
        "address": {name: getattr(contact, name) for name in ADDRESS},
        "portal": facts.get("portal", "none"),
        "source": contact.source,
        "version": contact.version,
    }


@contextmanager
def _api_fields() -> Iterator[None]:
    """Re-key the service's ValidationError: the address fields are `address.<key>` here."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {
                f"address.{field}" if field in ADDRESS else field: messages
                for field, messages in exc.message_dict.items()
            }
        ) from None


def _fields(payload: ContactCreateIn | ContactPatchIn, given: set[str]) -> dict:
    fields = {name: getattr(payload, name) for name in (*PLAIN_FIELDS, "active", "source")}
    fields = {name: value for name, value in fields.items() if name in given}
    if "address" in given and payload.address is not None:
        for key in payload.address.model_fields_set:
            fields[key] = getattr(payload.address, key)
    return fields


# Routes ----------------------------------------------------------------------------------


@router.get(
    "/clients/{client_id}/contacts",
    response={200: ContactPage, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def contacts_list(
    request,
    client_id: Id,
    q: Annotated[
        str, Query(pattern=NO_NUL, description="Every word in the first name, last name or email.")
    ] = "",
    order: Annotated[ContactOrder, Query(description=ORDER_HELP)] = queries.DEFAULT_SORT,  # type: ignore[valid-type]
    cursor: Cursor = None,
    limit: Limit = 50,
):
    """The client's contacts, `limit` at a time; pass `next` as `cursor`."""
    client = get_client(membership=request.membership, pk=client_id)
    if "\x00" in q:
        raise ValidationError({"q": NUL_MESSAGE})
    if order.removeprefix("-") not in queries.SORTS:
        raise ValidationError(
            {
                "order": _("Unknown order %(order)s; use one of: %(allowed)s.")
                % {"order": order, "allowed": ", ".join(queries.SORTS)}
            }
        )
    page = queries.contacts_of(
        membership=request.membership, client=client, q=q, order=order, cursor=cursor, limit=limit
    )
    facts = queries.contact_facts(page.items)
    return {"items": [contact_out(c, facts[c.pk]) for c in page.items], "next": page.next}


@router.post(
    "/clients/{client_id}/contacts",
    response={201: ContactOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=documented_body(ContactCreateIn),
)
def contacts_create(request, client_id: Id):
    """Add a contact to the client. Technicians and above."""
    client = get_client(membership=request.membership, pk=client_id)
    require(request.membership, "contacts.write")
    payload = read_body(ContactCreateIn, request)
    fields = _fields(payload, set(ContactCreateIn.model_fields))
    with _api_fields():
        contact = contact_create(
            client=client,
            actor=request.membership,
            is_primary=payload.is_primary,
            is_secondary=payload.is_secondary,
            **fields,
        )
    return Answer(201, contact_out(contact))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **READ})
def contact_get(request, contact_id: Id):
    """One contact; 404 when it is missing, deleted, or of a client you cannot see."""
    return contact_out(queries.get_contact(membership=request.membership, pk=contact_id))


@router.patch(
    "/contacts/{contact_id}",
    response={200: ContactOut, **WRITE},
    openapi_extra=documented_body(ContactPatchIn),
)
def contact_patch(request, contact_id: Id):
    """Change the fields given. A stale `version` answers 409 with the contact as it is now."""
    contact = queries.get_contact(membership=request.membership, pk=contact_id)
    require(request.membership, "contacts.write")
    payload = read_body(ContactPatchIn, request)
    given = payload.model_fields_set
    try:
        with _api_fields():
            contact = contact_update(
                contact=contact,
                actor=request.membership,
                version=payload.version,
                is_primary=payload.is_primary if "is_primary" in given else None,
                is_secondary=payload.is_secondary if "is_secondary" in given else None,
                **_fields(payload, given),
            )
    except StaleContact as stale:
        message = _("Someone changed this contact since you read it; it is now at version %(v)s.")
        return Answer(
            409,
            {
                "detail": _("This contact changed since you read it."),
                "errors": {"version": [message % {"v": stale.current.version}]},
                "current": contact_out(stale.current),
            },
        )
    return contact_out(contact)


@router.delete("/contacts/{contact_id}", response={204: None, **WRITE})
def contact_remove(request, contact_id: Id):
    """Soft delete. The primary contact cannot go while the client has other contacts (409)."""
    contact = queries.get_contact(membership=request.membership, pk=contact_id)
    require(request.membership, "contacts.write")
    try:
        contact_delete(contact=contact, actor=request.membership)
    except ValidationError as exc:
        return Answer(
            409, {"detail": " ".join(exc.messages), "errors": {"is_primary": exc.messages}}
        )
    return Answer(204, None)
