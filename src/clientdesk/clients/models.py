"""Clients: the organisations an account serves."""

from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Client(models.Model):
    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="clients")
    prefix = models.CharField(_("prefix"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    archived = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "account", Upper("prefix"), name="client_prefix_ci_unique_per_account"
            )
        ]
        indexes = [models.Index(fields=["account", "name", "id"], name="client_account_name_idx")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"
