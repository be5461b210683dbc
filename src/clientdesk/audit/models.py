"""The activity log: who did what to which object, and which fields changed."""

from django.db import models
from django.utils import timezone

from clientdesk.core.fields import person_who_did_it
from clientdesk.core.tenancy import TenantModel


class Activity(TenantModel):
    # Both covered or rarely deleted (see clients/models.py): no single-column indexes.
    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    actor = person_who_did_it()
    # Kept as text too, so the log still reads right after the person is gone.
    actor_label = models.CharField(max_length=254, blank=True)
    verb = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=40)
    target_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["account", "-at", "-id"], name="activity_account_at_idx"),
            models.Index(
                fields=["account", "target_type", "target_id", "-at"], name="activity_target_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.verb} {self.target_repr}"
