"""Every write on devices: create, update (with the version read), soft delete, bulk, and the
account's device settings. Validation here: the IP and MAC formats, and a serial unique within
the client when given (the database constraint is the last guard)."""

import ipaddress
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
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
    "custom_fields",
)
TEXT = ("name", "os", "manufacturer", "model", "serial", "ip", "mac", "location")
_MAC_HEX = re.compile(r"^[0-9a-f]{12}$")
PLACEHOLDERS = ("{serial}", "{name}")
CUSTOM_MAX_FIELDS = 20
CUSTOM_VALUE_MAX = 500
CUSTOM_LABEL_MAX = 60


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


def custom_values_checked(
    definitions: list[dict[str, str]], given: Any, current: dict[str, str] | None = None
) -> dict[str, str]:
    """The device's custom values after `given` ({key: text}) is applied over `current`: an
    empty value removes the key, a key the account has not defined is refused, values are
    trimmed text of at most 500 characters. Values of removed fields stay as they were."""
    if not isinstance(given, dict):
        raise ValidationError({"custom_fields": _("Give the custom fields as {name: text}.")})
    known = {f["key"]: f["label"] for f in definitions}
    result = dict(current or {})
    for key, value in given.items():
        if key not in known:
            raise ValidationError(
                {
                    "custom_fields": _(
                        "There is no custom field “%(key)s”; Settings › Devices lists them."
                    )
                    % {"key": key}
                }
            )
        if value is not None and not isinstance(value, str | int | float):
            raise ValidationError(
                {"custom_fields": _("“%(label)s” takes text.") % {"label": known[key]}}
            )
        text = "" if value is None else str(value).strip()
        if len(text) > CUSTOM_VALUE_MAX:
            raise ValidationError(
                {
                    "custom_fields": _(
                        "“%(label)s” holds at most %(max)d characters (it has %(n)d)."
                    )
                    % {"label": known[key], "max": CUSTOM_VALUE_MAX, "n": len(text)}
                }
            )
        if "\x00" in text:
            raise ValidationError({"custom_fields": _("Remove the NUL character.")})
        if text:
            result[key] = text
        else:
            result.pop(key, None)
    return result


def _custom_definitions(account_id: int) -> list[dict[str, str]]:
    found = DeviceSettings.objects.for_account(account_id).first()
    return list(found.custom_fields or []) if found else []


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
    if "custom_fields" in fields:
        fields["custom_fields"] = custom_values_checked(
            _custom_definitions(client.account_id), fields["custom_fields"]
        )
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
    if "custom_fields" in fields:
        fields["custom_fields"] = custom_values_checked(
            _custom_definitions(locked.account_id), fields["custom_fields"], locked.custom_fields
        )
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
    *,
    account,
    actor,
    type_labels: dict[str, str],
    rmm_url_pattern: str,
    custom_labels: list[tuple[str | None, str]] | None = None,
) -> DeviceSettings:
    """The tier names (blank: the default name), the RMM's device address pattern (an
    http(s) address holding {serial} or {name}, or nothing) and, when given, the account's own
    device fields as (key or None for a new one, label) in their order: a blank label removes
    the field (its values stay on the devices, unshown)."""
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
    custom = (
        list(found.custom_fields or [])
        if custom_labels is None
        else custom_fields_checked(found.custom_fields or [], custom_labels)
    )
    if (found.type_labels, found.rmm_url_pattern, found.custom_fields) != (labels, pattern, custom):
        found.type_labels, found.rmm_url_pattern, found.custom_fields = labels, pattern, custom
        found.save()
        event_record(account=account, actor=actor, verb=DEVICE_SETTINGS_UPDATED, target=account)
    return found


def custom_fields_checked(
    current: list[dict[str, str]], wanted: list[tuple[str | None, str]]
) -> list[dict[str, str]]:
    """The account's device fields after an edit: existing keys keep their key whatever their
    new label; a new label gets a key made from it, unique among the fields (so a field removed and added
    again under its old name finds its values again)."""
    known = {f["key"] for f in current}
    result: list[dict[str, str]] = []
    seen_labels: set[str] = set()
    for key, label in wanted:
        label = (label or "").strip()
        if not label:
            continue
        if len(label) > CUSTOM_LABEL_MAX:
            raise ValidationError(
                {"custom_fields": _("A field name holds at most %(max)d characters.")
                 % {"max": CUSTOM_LABEL_MAX}}
            )  # fmt: skip
        if label.casefold() in seen_labels:
            raise ValidationError(
                {"custom_fields": _("Two fields are named “%(label)s”.") % {"label": label}}
            )
        seen_labels.add(label.casefold())
        if key is None or key not in known:
            key = _new_key(label, known | {f["key"] for f in result})
        result.append({"key": key, "label": label})
    if len(result) > CUSTOM_MAX_FIELDS:
        raise ValidationError(
            {"custom_fields": _("An account keeps at most %(max)d device fields.")
             % {"max": CUSTOM_MAX_FIELDS}}
        )  # fmt: skip
    return result


def _new_key(label: str, taken: set[str]) -> str:
    base = slugify(label).replace("-", "_")[:40] or "field"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key
