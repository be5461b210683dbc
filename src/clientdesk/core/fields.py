"""Model fields several apps declare the same way."""

from django.conf import settings
from django.db import models


def person_who_did_it() -> models.ForeignKey:
    """Who made a change or deleted a record: optional, kept as null when the person goes, and
    without an index of its own (people are hardly ever deleted; one scan then does)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
