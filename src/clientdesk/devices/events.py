"""What the devices domain records in the activity log, and how it reads (audit.verbs)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientdesk.audit.verbs import (
    Choice,
    Field,
    Name,
    Pairs,
    Ref,
    Verb,
    YesNo,
    label_of,
    names_declare,
    verbs_declare,
)
from clientdesk.clients.queries import clients_visible
from clientdesk.devices.models import Device, DeviceType


def _label(name: str):
    return label_of(Device, name)


DEVICE_CREATED = Verb(
    "device.created",
    "devices.device",
    _("%(actor)s added %(target)s to %(within_s)s devices"),
    fields={"client": Field(_("client"), Ref("clients.client"))},
)
DEVICE_UPDATED = Verb(
    "device.updated",
    "devices.device",
    _("%(actor)s changed %(target_s)s %(change)s (%(within)s)"),
    edit=True,
    fields={
        **{
            name: Field(_label(name))
            for name in (
                "name",
                "os",
                "manufacturer",
                "model",
                "serial",
                "ip",
                "mac",
                "location",
                "notes",
                "last_seen_at",
            )
        },
        "type": Field(_label("type"), Choice(DeviceType)),
        "online": Field(_label("online"), YesNo()),
        "custom_fields": Field(_("own fields"), Pairs()),
    },
)
DEVICE_DELETED = Verb(
    "device.deleted",
    "devices.device",
    _("%(actor)s removed %(target)s from %(within_s)s devices"),
)
DEVICE_SETTINGS_UPDATED = Verb(
    "devices.settings_updated",
    "core.account",
    _("%(actor)s changed the device settings"),
)

verbs_declare(DEVICE_CREATED, DEVICE_UPDATED, DEVICE_DELETED, DEVICE_SETTINGS_UPDATED)


def devices_named(reader, ids: set[str]) -> dict[str, Name]:
    """Devices by name, within their client (linked when the reader may open it); a device of
    a client outside the reader's limits is not named."""
    rows = (
        Device.objects.for_account(reader.account_id).filter(pk__in=[i for i in ids if i.isdigit()])
        .annotate(seen=Exists(clients_visible(reader).filter(pk=OuterRef("client_id"))))
        .values_list(
            "pk", "name", "deleted_at", "client_id", "client__name", "client__deleted_at", "seen"
        )
    )  # fmt: skip
    slug = reader.account.slug
    named = {}
    for pk, name, deleted_at, client_id, client, client_gone, seen in rows:
        if not seen:
            named[str(pk)] = Name(str(_("a device you cannot see")))
            continue
        live = client_gone is None
        within = Name(client, reverse("client_detail", args=[slug, client_id]) if live else None)
        url = (
            reverse("device_detail", args=[slug, client_id, pk])
            if live and not deleted_at
            else None
        )
        named[str(pk)] = Name(name, url, within=within)
    return named


names_declare("devices.device", devices_named, missing=_("a device since removed"))
