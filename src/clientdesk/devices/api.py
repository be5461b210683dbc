"""The devices API (DESIGN §7): a client's devices, and one device read, edited or deleted.

Handlers look the client or device up through the membership's scope first (anything not
visible is the same 404 as missing, whatever the body holds), then check the role, then read
the body and call the one write path in devices.services.
"""

from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer

from clientdesk.clients.api import aware
from clientdesk.clients.queries import get_client
from clientdesk.core.api_schemas import (
    NO_NUL,
    NOT_BLANK,
    NUL_MESSAGE,
    Cursor,
    ErrorOut,
    Id,
    Limit,
    Strict,
    When,
    documented_body,
    read_body,
    sort_order,
)
from clientdesk.core.roles import require
from clientdesk.devices import queries
from clientdesk.devices.models import Device
from clientdesk.devices.services import StaleDevice, device_create, device_delete, device_update

router = Router(tags=["devices"])

READ = {401: ErrorOut, 404: ErrorOut}
FIELDS = (
    "name",
    "type",
    "os",
    "manufacturer",
    "model",
    "serial",
    "ip",
    "mac",
    "location",
    "last_seen_at",
    "online",
    "notes",
)
ORDER_HELP = "One of " + ", ".join(queries.SORTS) + "; a leading - sorts descending."
TypeName = Literal["standard", "advanced", "passive"]
DeviceOrder = sort_order(queries.SORTS)


class DeviceCreateIn(Strict):
    name: str = Field(..., max_length=120, pattern=NOT_BLANK)
    type: TypeName = "standard"
    os: str = Field("", max_length=120)
    manufacturer: str = Field("", max_length=120)
    model: str = Field("", max_length=120)
    serial: str = Field("", max_length=120, description="Unique within the client when given.")
    ip: str = Field("", max_length=45, description="IPv4 or IPv6.")
    mac: str = Field("", max_length=17, description="Six hex pairs; answered as AA:BB:CC:DD:EE:FF.")
    location: str = Field("", max_length=200)
    last_seen_at: When | None = None
    online: bool = False
    notes: str = ""
    custom_fields: dict[str, str | None] = Field(
        default_factory=dict,
        description="The account's own fields (Settings › Devices) by key: {key: text}.",
    )


class DevicePatchIn(Strict):
    """Only the fields given change; `version` is the one you read."""

    version: int = Field(..., ge=1)
    name: str = Field(None, max_length=120, pattern=NOT_BLANK)  # type: ignore[assignment]
    type: TypeName = None  # type: ignore[assignment]
    os: str = Field(None, max_length=120)  # type: ignore[assignment]
    manufacturer: str = Field(None, max_length=120)  # type: ignore[assignment]
    model: str = Field(None, max_length=120)  # type: ignore[assignment]
    serial: str = Field(None, max_length=120)  # type: ignore[assignment]
    ip: str = Field(None, max_length=45)  # type: ignore[assignment]
    mac: str = Field(None, max_length=17)  # type: ignore[assignment]
    location: str = Field(None, max_length=200)  # type: ignore[assignment]
    last_seen_at: When | None = None
    online: bool = None  # type: ignore[assignment]
    notes: str = None  # type: ignore[assignment]
    custom_fields: dict[str, str | None] = Field(
        None,  # type: ignore[arg-type]
        description="Only the keys given change; an empty text or null clears one.",
    )


class DeviceOut(Schema):
    id: int
    client_id: int
    name: str
    type: TypeName
    os: str
    manufacturer: str
    model: str
    serial: str
    ip: str
    mac: str
    location: str
    last_seen_at: datetime | None
    online: bool
    notes: str
    custom_fields: dict[str, str] = Field(
        description="The account's own fields that this device has a value for, by key."
    )
    version: int


class DevicePage(Schema):
    items: list[DeviceOut]
    next: str | None


class DeviceConflictOut(ErrorOut):
    current: DeviceOut | None = None


WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: DeviceConflictOut, 422: ErrorOut}


def _custom_keys(request) -> set[str]:
    return {f["key"] for f in queries.custom_fields(queries.settings_of(request.account))}


def device_out(device: Device, keys: set[str]) -> dict:
    """The device as the API answers it; `keys`: the account's fields now (a removed field's
    values stay stored, unshown)."""
    own = device.custom_fields or {}
    return {
        "id": device.pk,
        "client_id": device.client_id,
        **{name: getattr(device, name) for name in FIELDS},
        "custom_fields": {k: v for k, v in own.items() if k in keys},
        "version": device.version,
    }


def _fields(request, payload: DeviceCreateIn | DevicePatchIn, given: set[str]) -> dict:
    fields = {name: getattr(payload, name) for name in (*FIELDS, "custom_fields") if name in given}
    if fields.get("last_seen_at") is not None:  # without an offset: the account's zone
        fields["last_seen_at"] = aware(fields["last_seen_at"], request.account)
    return fields


@router.get(
    "/clients/{client_id}/devices",
    response={200: DevicePage, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def devices_list(
    request,
    client_id: Id,
    q: Annotated[
        str,
        Query(
            pattern=NO_NUL,
            description="Every word in the name, serial, IP, MAC, model or manufacturer.",
        ),
    ] = "",
    type: Annotated[TypeName | None, Query(description="Only devices of this type.")] = None,
    online: Annotated[bool | None, Query(description="Only online (or offline) devices.")] = None,
    order: Annotated[DeviceOrder, Query(description=ORDER_HELP)] = queries.DEFAULT_SORT,  # type: ignore[valid-type]
    cursor: Cursor = None,
    limit: Limit = 50,
):
    """The client's devices, `limit` at a time; pass `next` as `cursor`."""
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
    page = queries.devices_of(
        membership=request.membership,
        client=client,
        q=q,
        type=type or "",
        online=online,
        order=order,
        cursor=cursor,
        limit=limit,
    )
    keys = _custom_keys(request)
    return {"items": [device_out(d, keys) for d in page.items], "next": page.next}


@router.post(
    "/clients/{client_id}/devices",
    response={201: DeviceOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=documented_body(DeviceCreateIn),
)
def devices_create(request, client_id: Id):
    """Add a device to the client. Technicians and above."""
    client = get_client(membership=request.membership, pk=client_id)
    require(request.membership, "devices.write")
    payload = read_body(DeviceCreateIn, request)
    device = device_create(
        client=client,
        actor=request.membership,
        **_fields(request, payload, {*FIELDS, "custom_fields"}),
    )
    return Answer(201, device_out(device, _custom_keys(request)))


@router.get("/devices/{device_id}", response={200: DeviceOut, **READ})
def device_get(request, device_id: Id):
    """One device; 404 when it is missing, deleted, or of a client you cannot see."""
    device = queries.get_device(membership=request.membership, pk=device_id)
    return device_out(device, _custom_keys(request))


@router.patch(
    "/devices/{device_id}",
    response={200: DeviceOut, **WRITE},
    openapi_extra=documented_body(DevicePatchIn),
)
def device_patch(request, device_id: Id):
    """Change the fields given. A stale `version` answers 409 with the device as it is now."""
    device = queries.get_device(membership=request.membership, pk=device_id)
    require(request.membership, "devices.write")
    payload = read_body(DevicePatchIn, request)
    try:
        device = device_update(
            device=device,
            actor=request.membership,
            version=payload.version,
            **_fields(request, payload, payload.model_fields_set),
        )
    except StaleDevice as stale:
        message = _("Someone changed this device since you read it; it is now at version %(v)s.")
        return Answer(
            409,
            {
                "detail": _("This device changed since you read it."),
                "errors": {"version": [message % {"v": stale.current.version}]},
                "current": device_out(stale.current, _custom_keys(request)),
            },
        )
    return device_out(device, _custom_keys(request))


@router.delete("/devices/{device_id}", response={204: None, **WRITE})
def device_remove(request, device_id: Id):
    """Soft delete: the device leaves the lists and the counts."""
    device = queries.get_device(membership=request.membership, pk=device_id)
    require(request.membership, "devices.write")
    device_delete(device=device, actor=request.membership)
    return Answer(204, None)
