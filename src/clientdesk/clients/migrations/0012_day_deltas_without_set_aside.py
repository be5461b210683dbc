"""The day deltas leave out archived and deleted clients from now on (clients.services keeps
them so): take the history of those already set aside out of them (for each status interval,
−1 on the day it began, +1 on the day it ended); backwards, put it back."""

from collections import defaultdict

from django.db import migrations
from django.db.models import Q


def _move(apps, sign: int) -> None:
    Client = apps.get_model("clients", "Client")
    StatusInterval = apps.get_model("clients", "StatusInterval")
    StatusDayDelta = apps.get_model("clients", "StatusDayDelta")
    aside = Client.objects.filter(Q(archived=True) | Q(deleted_at__isnull=False))
    deltas: dict[tuple, int] = defaultdict(int)
    rows = StatusInterval.objects.filter(client__in=aside).values_list(
        "account_id", "status", "valid_from", "valid_to"
    )
    for account_id, status, valid_from, valid_to in rows.iterator(chunk_size=2000):
        deltas[(account_id, valid_from, status)] += sign
        if valid_to is not None:
            deltas[(account_id, valid_to, status)] -= sign
    for (account_id, day, status), n in sorted(deltas.items()):
        if not n:
            continue
        row, _ = StatusDayDelta.objects.get_or_create(
            account_id=account_id, day=day, status=status, defaults={"delta": 0}
        )
        row.delta += n
        if row.delta:
            row.save(update_fields=["delta"])
        else:
            row.delete()


def leave_out(apps, schema_editor):
    _move(apps, -1)


def put_back(apps, schema_editor):
    _move(apps, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0011_email_domains"),
    ]

    operations = [
        migrations.RunPython(leave_out, put_back),
    ]
