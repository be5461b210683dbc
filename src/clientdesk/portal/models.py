"""The client portal: invitations sent to contacts, and the access they grant once accepted.

A portal user is a core.User (one login per person, whatever number of clients they are a
contact of); each PortalAccess ties that login to one contact of one client.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.tenancy import ClientOwnedModel


class PortalInvitation(ClientOwnedModel):
    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="portal_invitations"
    )
    email = models.EmailField()  # where it went, even if the contact's address changes later
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        "core.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "client", "-created_at"], name="portal_inv_idx")]

    def __str__(self) -> str:
        return f"{self.email} → {self.client_id}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class PortalAccess(ClientOwnedModel):
    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="portal_accesses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_accesses"
    )
    can_see_subclients = models.BooleanField(_("sees sub-clients"), default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "contact"],
                condition=Q(active=True),
                name="portal_one_live_access_per_contact",
            )
        ]
        indexes = [
            models.Index(fields=["user", "active"], name="portal_access_user_idx"),
            models.Index(fields=["account", "client", "active"], name="portal_access_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.client_id}"
