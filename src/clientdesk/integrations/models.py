"""API tokens (per account, stored hashed); webhooks and the rest come later."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.tenancy import TenantModel


class ApiToken(TenantModel):
    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="api_tokens")
    # The token acts as this person, with this person's role and client limits in the account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12)  # shown in lists so a person can tell tokens apart
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-created_at"], name="apitoken_account_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class InboundSecret(TenantModel):
    """The account's secret for POST /api/v1/inbound-email (mail services that forward);
    one per account, stored hashed, shown once when made."""

    account = models.OneToOneField(
        "core.Account", on_delete=models.CASCADE, related_name="inbound_secret"
    )
    prefix = models.CharField(max_length=12)  # shown so a person can tell which one is live
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}…"
