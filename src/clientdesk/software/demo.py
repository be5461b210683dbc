"""The demo account's app stacks (`clientdesk demo`, after the agreements): each client in
service holds part of the baseline and a few other apps of the starter catalog, some flagged
problematic, so the Apps tab, the indicators and the opportunities have something to show."""

import random

from django.db import transaction

from clientdesk.clients.models import IN_SERVICE, Client
from clientdesk.core.models import Account
from clientdesk.software.models import Application, ClientApp
from clientdesk.software.opportunity import opportunities_recompute
from clientdesk.software.services import catalog_seed

NOTES = (
    "Licences expire next month; renewal not budgeted.",
    "Backups failing since the last update.",
    "Users keep passwords in a spreadsheet beside it.",
    "Vendor support ended; no security patches.",
)


@transaction.atomic
def demo_stacks_create(*, account: Account, seed: int) -> int:
    """Stacks for the demo clients in service, unless some client has one; answers how many
    apps were put in stacks."""
    catalog_seed(account=account)
    if ClientApp.objects.for_account(account).exists():
        return 0
    rng = random.Random(seed)
    apps = list(Application.objects.for_account(account).order_by("name"))
    if not apps:
        return 0
    clients = Client.objects.for_account(account).filter(
        deleted_at=None, archived=False, status__in=IN_SERVICE
    )
    rows = []
    for client in clients.order_by("pk"):
        held = rng.sample(apps, k=rng.randint(1, min(6, len(apps))))
        for app in held:
            problematic = rng.random() < 0.15
            rows.append(
                ClientApp(
                    account=account,
                    client=client,
                    application=app,
                    problematic=problematic,
                    note=rng.choice(NOTES) if problematic else "",
                )
            )
    ClientApp.objects.bulk_create(rows)
    opportunities_recompute(account.pk, None)
    return len(rows)
