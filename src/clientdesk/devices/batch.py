"""The batch entry point of the device services: imported devices, checked and written at once.

The rules are device_create's and device_update's: the model fields' own validation, the MAC
and IP formats, a serial unique within the client. A row matches an existing device of its
client by serial when it gives one, else (when updating) by name, ignoring case: the oldest
device of that name.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import Pending, events_record
from clientdesk.clients.batch import CREATE, REJECTED, UNCHANGED, UPDATE, Context, Outcome, Row
from clientdesk.clients.queries import clients_visible
from clientdesk.core.checks import fields_check
from clientdesk.core.sqlarrays import among, among_texts
from clientdesk.devices.events import DEVICE_CREATED, DEVICE_UPDATED
from clientdesk.devices.models import Device
from clientdesk.devices.queries import custom_fields, settings_of
from clientdesk.devices.services import custom_values_checked, formats_check

IMPORTED = ("name", "type", "os", "manufacturer", "model", "serial", "ip", "mac", "location",
            "online", "notes")  # fmt: skip
TEXT = ("name", "os", "manufacturer", "model", "serial", "ip", "mac", "location")

__all__ = ["Context", "devices_import_batch"]


@dataclass
class _Plan:
    row: Row
    outcome: Outcome
    client_id: int = 0
    device: Device | None = None
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, list] = field(default_factory=dict)


@dataclass
class _Known:
    by_serial: dict[tuple[int, str], Device] = field(default_factory=dict)
    by_name: dict[tuple[int, str], Device] = field(default_factory=dict)


def devices_import_batch(*, ctx: Context, rows: list[Row]) -> list[Outcome]:
    prefixes = {(r.data.get("client_prefix") or "").strip().upper() for r in rows}
    clients = dict(
        clients_visible(ctx.membership)
        .filter(among_texts("prefix", prefixes), account=ctx.account, deleted_at=None)
        .values_list("prefix", "pk")
    )
    known = _Known()
    for device in (
        Device.objects.for_account(ctx.account)
        .filter(among("client_id", clients.values()), deleted_at=None)
        .order_by("-id")  # the oldest of a name is kept last, so it wins
    ):
        if device.serial:
            known.by_serial[(device.client_id, device.serial)] = device
        known.by_name[(device.client_id, device.name.casefold())] = device
    custom = custom_fields(settings_of(ctx.account))
    plans = [_plan(ctx, row, clients, known, custom) for row in rows]
    if not ctx.dry_run:
        _write(ctx, [p for p in plans if p.outcome.action in (CREATE, UPDATE)])
    return [p.outcome for p in plans]


def _reject(plan: _Plan, errors: dict[str, list[str]]) -> _Plan:
    plan.outcome.action = REJECTED
    plan.outcome.errors.extend((n, m) for n, msgs in errors.items() for m in msgs)
    return plan


def _plan(ctx: Context, row: Row, clients: dict, known: _Known, custom: list) -> _Plan:
    data = row.data
    plan = _Plan(row=row, outcome=Outcome())
    prefix = (data.get("client_prefix") or "").strip().upper()
    if prefix not in clients:
        return _reject(
            plan, {"client_prefix": [_("No client with prefix %(p)s.") % {"p": prefix or "—"}]}
        )
    plan.client_id = clients[prefix]
    values = {name: data[name] for name in IMPORTED if name in data}
    for name in TEXT:
        if name in values:
            values[name] = (values[name] or "").strip()
    if not values.get("type"):
        values.pop("type", None)
    if values.get("online") is None:
        values.pop("online", None)
    errors = formats_check(values)
    for name, messages in fields_check(Device, values).items():
        errors.setdefault(name, messages)
    if not values.get("name"):
        errors.setdefault("name", [_("Give the device's name.")])
    serial = values.get("serial") or ""
    if not serial:
        values.pop("serial", None)  # an empty cell never clears a device's serial
    if serial:
        current = known.by_serial.get((plan.client_id, serial))
    elif ctx.mode == "create":
        current = None  # names need not be unique: a new device
    else:
        current = known.by_name.get((plan.client_id, (values.get("name") or "").casefold()))
    if serial and current is not None and ctx.mode == "create":
        errors.setdefault("serial", []).append(
            _("Another device of this client has the serial %(serial)s.") % {"serial": serial}
        )
    # The account's own fields (cf_<key> columns): an empty cell leaves a value as it is.
    given = {
        key[3:]: value
        for key, value in data.items()
        if key.startswith("cf_") and value not in (None, "")
    }
    if given:
        try:
            own = custom_values_checked(custom, given, current.custom_fields if current else {})
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                errors.setdefault("custom_fields", []).extend(messages)
        else:
            values["custom_fields"] = own
    if errors:
        return _reject(plan, errors)
    plan.values = values
    if current is None:
        # (Two rows with one serial: the import's engine skips the later one.)
        plan.outcome.action = CREATE
        return plan
    plan.device = current
    for name, value in values.items():
        if getattr(current, name) != value:
            plan.changes[name] = [getattr(current, name), value]
    plan.outcome.action = UPDATE if plan.changes else UNCHANGED
    return plan


def _write(ctx: Context, plans: list[_Plan]) -> None:
    now = timezone.now()
    new: list[Device] = []
    changed: dict[int, Device] = {}
    for plan in plans:
        device = plan.device or Device(account_id=ctx.account.pk, client_id=plan.client_id)
        plan.device = device
        for name, value in plan.values.items():
            setattr(device, name, value)
        if device.pk:
            device.version += 1
            changed[device.pk] = device
        else:
            device.created_at = now
            new.append(device)
    if changed:
        Device.objects.bulk_update(list(changed.values()), [*IMPORTED, "custom_fields", "version"])
    Device.objects.bulk_create(new, batch_size=1000)
    entries = [
        Pending(
            DEVICE_CREATED if plan.outcome.action == CREATE else DEVICE_UPDATED,
            plan.device.pk,
            str(plan.device),
            {"client": [None, plan.client_id]} if plan.outcome.action == CREATE else plan.changes,
        )
        for plan in plans
        if plan.device is not None and plan.device.pk
    ]
    events_record(account=ctx.account, actor=ctx.actor, entries=entries, at=now)
