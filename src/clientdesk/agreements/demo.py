"""The demo account's agreements (`clientdesk demo`, after the tickets): for the clients in
service, one of each kind in turn, some expired and renewed, one ending within 30 days (so the
daily warning has something to say), per-user ones covering some of the client's contacts."""

import random
from datetime import timedelta
from decimal import Decimal

from clientdesk.agreements.models import Agreement, Kind, today_for
from clientdesk.agreements.services import agreement_create
from clientdesk.clients.models import IN_SERVICE, Client
from clientdesk.core.models import Account

NAMES = {
    Kind.AYCE_CLIENT: "Managed IT, all users",
    Kind.AYCE_USER: "Managed desks",
    Kind.HOURS_BLOCK: "Support block",
    Kind.FIXED_FEE: "Backup and monitoring",
}
PRICES = {
    Kind.AYCE_CLIENT: "1200.00",
    Kind.AYCE_USER: "45.00",
    Kind.HOURS_BLOCK: "850.00",
    Kind.FIXED_FEE: "300.00",
}


def demo_agreements_create(*, account: Account, seed: int) -> int:
    """Agreements for the demo clients in service, unless the account has some; answers how
    many."""
    if Agreement.objects.for_account(account).exists():
        return 0
    rng = random.Random(seed)
    today = today_for(account)
    clients = Client.objects.for_account(account).filter(
        deleted_at=None, archived=False, status__in=IN_SERVICE
    )
    kinds = list(Kind.values)
    made = 0
    for i, client in enumerate(clients.select_related("account").order_by("pk")):
        kind = kinds[i % len(kinds)]
        contacts = list(client.contacts.filter(deleted_at=None, active=True).order_by("pk"))
        covered = contacts[: max(1, len(contacts) // 2)] if kind == Kind.AYCE_USER else []
        # An expired year, then the current one; every fifth ends within the month.
        ends = today + timedelta(days=rng.randint(40, 330) if i % 5 else rng.randint(5, 29))
        starts = ends - timedelta(days=364)
        fields = {
            "client": client,
            "actor": None,
            "name": NAMES[kind],
            "kind": kind,
            "monthly_price": Decimal(PRICES[kind]),
            "hours": Decimal("20") if kind == Kind.HOURS_BLOCK else None,
            "contacts": covered,
        }
        if i % 3 == 0:
            agreement_create(
                starts_on=starts - timedelta(days=365), ends_on=starts - timedelta(days=1), **fields
            )
            made += 1
        agreement_create(starts_on=starts, ends_on=ends, **fields)
        made += 1
    return made
