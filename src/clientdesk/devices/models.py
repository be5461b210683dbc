"""Devices: the assets an account manages for a client, in the account's RMM tiers."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.tenancy import ClientOwnedModel, TenantModel


class DeviceType(models.TextChoices):
    """The RMM's tiers; an account renames them (DeviceSettings.type_labels)."""

    STANDARD = "standard", _("Standard")
    ADVANCED = "advanced", _("Advanced")
    PASSIVE = "passive", _("Passive")


class Device(ClientOwnedModel):
    # Indexed by the composite indexes below, which start with it (see clients/models.py).
    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="devices")
    name = models.CharField(_("name"), max_length=120)
    type = models.CharField(
        _("type"), max_length=10, choices=DeviceType.choices, default=DeviceType.STANDARD
    )
    os = models.CharField(_("operating system"), max_length=120, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=120, blank=True)
    model = models.CharField(_("model"), max_length=120, blank=True)
    serial = models.CharField(_("serial number"), max_length=120, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    mac = models.CharField(_("MAC address"), max_length=17, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    online = models.BooleanField(_("online"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    # The account's own fields ({key: text}); DeviceSettings.custom_fields names them.
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # The service says it first; the database is the last guard.
            models.UniqueConstraint(
                "account",
                "client",
                "serial",
                condition=~Q(serial="") & Q(deleted_at=None),
                name="device_serial_unique_per_client",
            ),
        ]
        indexes = [
            # The tab and the API list sort by Lower(name) (queries.SORTS): the index holds it.
            models.Index(
                F("account"),
                F("client"),
                Lower("name"),
                F("id"),
                condition=Q(deleted_at=None),
                name="device_client_lname_idx",
            ),
            # The counts per type: an index-only count per client and type (queries).
            models.Index(
                fields=["account", "client", "type"],
                condition=Q(deleted_at=None),
                name="device_client_type_idx",
            ),
            models.Index(fields=["account", "serial"], name="device_serial_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class DeviceSettings(TenantModel):
    """The account's device settings: the names of the RMM's tiers and the address of a device
    in the RMM (`{serial}` and `{name}` filled in)."""

    account = models.OneToOneField(
        "core.Account", on_delete=models.CASCADE, related_name="device_settings"
    )
    type_labels = models.JSONField(default=dict, blank=True)
    rmm_url_pattern = models.CharField(_("RMM device address"), max_length=500, blank=True)
    # The account's own device fields, in their order: [{"key": "warranty", "label": "Warranty"}].
    # A key never changes once given (renaming changes the label); a removed field's values
    # stay on the devices, unshown, and come back if a field of that key is added again.
    custom_fields = models.JSONField(default=list, blank=True)
