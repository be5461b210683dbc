"""People at a client: one primary (who gets the portal invitation), at most one secondary."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.tenancy import ClientOwnedModel


class Source(models.TextChoices):
    MANUAL = "manual", _("Manual")
    IMPORT = "import", _("Import")
    EMAIL = "email", _("Email")
    DIRECTORY = "directory", _("Directory")


class Contact(ClientOwnedModel):
    # Indexed by the composite indexes below, which start with it (see clients/models.py).
    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    is_secondary = models.BooleanField(_("secondary"), default=False)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default="manual")
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # The database is the last guard of the rules the service keeps.
            models.UniqueConstraint(
                "account",
                "client",
                condition=Q(is_primary=True, deleted_at=None),
                name="contact_one_primary_per_client",
            ),
            models.UniqueConstraint(
                "account",
                "client",
                condition=Q(is_secondary=True, deleted_at=None),
                name="contact_one_secondary_per_client",
            ),
            models.UniqueConstraint(
                "account",
                "client",
                Lower("email"),
                condition=~Q(email="") & Q(deleted_at=None),
                name="contact_email_unique_per_client",
            ),
            models.CheckConstraint(
                condition=~Q(is_primary=True, is_secondary=True),
                name="contact_not_primary_and_secondary",
            ),
        ]
        # No index on the email alone: no read looks a contact up by it exactly (the mail-in
        # compares it case-insensitively, which such an index cannot serve on either database),
        # and each new contact would land on a random page of it (docs/import-speed.md).
        indexes = [
            models.Index(
                fields=["account", "client", "last_name", "id"], name="contact_client_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
