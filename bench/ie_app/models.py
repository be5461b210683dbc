"""The clients import template's columns as one plain table, for django-import-export.

This is the "equivalent model" a Django developer would write to import the same file with
import-export: the same columns and the same key (prefix unique per account, ignoring case),
industry and manager as foreign keys like Client's. It is one table: no status history, no
derived status tables, no contact row, no activity entries, no search index, and five
indexes (the unique key, a name index, the three foreign keys') where clients_client has 14
and its search index. Everything our engine writes beyond this it writes on top: the
comparison favours import-export.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone

from clientdesk.clients.models import Engagement, Status


class ImportedClient(models.Model):
    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    status_since = models.DateField(null=True, blank=True)
    engagement = models.CharField(
        max_length=12, choices=Engagement.choices, blank=True, default=Engagement.SILENT
    )
    industry = models.ForeignKey(
        "clients.Industry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    parent_prefix = models.CharField(max_length=10, blank=True)
    license = models.CharField(max_length=100, blank=True)
    billing_email = models.EmailField(blank=True)
    billing_address = models.TextField(blank=True)
    tax_id = models.CharField(max_length=40, blank=True)
    payment_terms = models.CharField(max_length=40, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    tags = models.CharField(max_length=500, blank=True)
    contact_first_name = models.CharField(max_length=80, blank=True)
    contact_last_name = models.CharField(max_length=80, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("account", Upper("prefix"), name="ie_client_prefix_ci_unique")
        ]
        indexes = [
            models.Index("account", Lower("name"), "id", name="ie_client_lname_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"
