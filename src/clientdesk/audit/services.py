"""The one way to write to the activity log; every service calls it inside its transaction."""

from typing import Any

from django.db import models

from clientdesk.audit.models import Activity


def activity_record(
    *,
    account,
    actor,
    verb: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    target_repr: str | None = None,
) -> Activity:
    return Activity.objects.create(
        account=account,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "email", "") or "system") if actor else "system",
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=(target_repr or str(target))[:200],
        changes=changes or {},
    )


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose values differ."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
