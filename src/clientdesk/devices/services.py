"""Every write on devices: create, update (with the version read), soft delete, bulk, and the
account's device settings. Validation here: the IP and MAC formats, and a serial unique within
the client when given (the database constraint is the last guard)."""

import ipaddress
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import diff_fields, event_record
from clientdesk.clients.models import Client
from clientdesk.devices.events import (
    DEVICE_CREATED,
    DEVICE_DELETED,
    DEVICE_SETTINGS_UPDATED,
    DEVICE_UPDATED,
)
from clientdesk.devices.models import Device, DeviceSettings, DeviceType

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
TEXT = ("name", "os", "manufacturer", "model", "serial", "ip", "mac", "location")
_MAC_HEX = re.compile(r"^[0-9a-f]{12}$")
PLACEHOLDERS = ("{serial}", "{name}")


class StaleDevice(Exception):
    def __init__(self, device: Device):
        super().__init__("stale version")
        self.current = device


def mac_normalized(value: str) -> str:
    """AA:BB:CC:DD:EE:FF from any of the usual spellings (colons, dashes, dots, none); raises
    ValidationError otherwise."""
    digits = re.sub(r"[:\-.\s]", "", value).lower()
    if not _MAC_HEX.match(digits):
        raise ValidationError(
            {"mac": _("Enter a MAC address as six pairs of hex digits, like 00:1A:2B:3C:4D:5E.")}
        )
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)).upper()


def formats_check(values: dict[str, Any]) -> dict[str, list[str]]:
    """Normalise the MAC, the IP and the type in `values` in place; {field: [messages]} for
    those that are wrong (the import's batch shares it)."""
    errors: dict[str, list[str]] = {}
    if values.get("mac"):
        try:
            values["mac"] = mac_normalized(values["mac"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if values.get("ip"):
        try:
            values["ip"] = str(ipaddress.ip_address(values["ip"]))
        except ValueError:
            errors["ip"] = [_("Enter an IPv4 or IPv6 address, like 192.168.1.20.")]
    if "type" in values and values["type"] not in DeviceType.values:
        errors["type"] = [_("Choose standard, advanced or passive.")]
    return errors


def _clean(device: Device) -> None:
    for name in TEXT:
        setattr(device, name, (getattr(device, name) or "").strip())
    values = {name: getattr(device, name) for name in ("mac", "ip", "type")}
    errors = formats_check(values)
    for name, value in values.items():
        setattr(device, name, value)
    try:
        device.full_clean(exclude=["account", "client", *errors], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if device.serial:
        taken = (
            Device.objects.for_account(device.account_id)
            .filter(client_id=device.client_id, serial=device.serial, deleted_at=None)
            .exclude(pk=device.pk)
        )
        if taken.exists():
            raise ValidationError(
                {
                    "serial": _("Another device of this client has the serial %(serial)s.")
                    % {"serial": device.serial}
                }
            )


def _save(device: Device) -> None:
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError:
        # Two writers with the same serial at once: the later one hears why, not a 500.
        raise ValidationError(
            {"serial": _("Another device of this client has this serial number.")}
        ) from None


def _known(fields: dict) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"not device fields: {sorted(unknown)}")


@transaction.atomic
def device_create(*, client: Client, actor, **fields: Any) -> Device:
    _known(fields)
    device = Device(account_id=client.account_id, client=client, **fields)
    _clean(device)
    _save(device)
    event_record(
        account=client.account,
        actor=actor,
        verb=DEVICE_CREATED,
        target=device,
        changes={"client": [None, client.pk]},
    )
    return device


@transaction.atomic
def device_update(*, device: Device, actor, version: int | None, **fields: Any) -> Device:
    _known(fields)
    locked = (
        Device.objects.for_account(device.account_id)
        .select_for_update()
        .select_related("client")
        .get(pk=device.pk, deleted_at=None)
    )
    if version is not None and locked.version != version:
        raise StaleDevice(locked)
    before = {name: getattr(locked, name) for name in fields}
    for name, value in fields.items():
        setattr(locked, name, value)
    _clean(locked)
    changes = diff_fields(before, {name: getattr(locked, name) for name in fields})
    if "last_seen_at" in changes:  # the log keeps JSON
        changes["last_seen_at"] = [v.isoformat() if v else None for v in changes["last_seen_at"]]
    if changes:
        locked.version += 1
        _save(locked)
        event_record(
            account=locked.client.account,
            actor=actor,
            verb=DEVICE_UPDATED,
            target=locked,
            changes=changes,
        )
    return locked


@transaction.atomic
def device_delete(*, device: Device, actor) -> None:
    """A soft delete: the device leaves every list and count (its serial is free again)."""
    locked = (
        Device.objects.for_account(device.account_id)
        .select_for_update()
        .select_related("client")
        .get(pk=device.pk)
    )
    if locked.deleted_at is None:
        locked.deleted_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["deleted_at", "version"])
        event_record(account=locked.client.account, actor=actor, verb=DEVICE_DELETED, target=locked)


@transaction.atomic
def devices_bulk(*, devices: list[Device], actor, action: str, value: Any = None) -> int:
    """One action over several devices, all of them or none: delete, type or location."""
    for device in devices:
        if action == "delete":
            device_delete(device=device, actor=actor)
        elif action == "type":
            device_update(device=device, actor=actor, version=None, type=value)
        elif action == "location":
            device_update(device=device, actor=actor, version=None, location=str(value))
        else:
            raise ValueError(f"unknown bulk action {action!r}")
    return len(devices)


@transaction.atomic
def device_settings_update(
    *, account, actor, type_labels: dict[str, str], rmm_url_pattern: str
) -> DeviceSettings:
    """The tier names (blank: the default name) and the RMM's device address pattern: an
    http(s) address holding {serial} or {name}, or nothing."""
    pattern = rmm_url_pattern.strip()
    if pattern:
        if not pattern.startswith(("https://", "http://")):
            raise ValidationError(
                {"rmm_url_pattern": _("Start the address with https:// or http://.")}
            )
        if not any(p in pattern for p in PLACEHOLDERS):
            raise ValidationError(
                {"rmm_url_pattern": _("Put {serial} or {name} where the device goes.")}
            )
    labels = {
        key: str(type_labels.get(key) or "").strip()[:40]
        for key in DeviceType.values
        if str(type_labels.get(key) or "").strip()
    }
    found, _made = DeviceSettings.objects.for_account(account).get_or_create(account=account)
    if found.type_labels != labels or found.rmm_url_pattern != pattern:
        found.type_labels, found.rmm_url_pattern = labels, pattern
        found.save()
        event_record(account=account, actor=actor, verb=DEVICE_SETTINGS_UPDATED, target=account)
    return found
