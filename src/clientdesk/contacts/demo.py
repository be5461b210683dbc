"""The demo account's people (`clientdesk demo`, after the clients): most clients have a primary
contact with an email (so Invite works), often a secondary one and a third; a few leads have
nobody yet, so their Invite says why it cannot. Each contact is dated soon after its client was
made, before the client's next status change.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from clientdesk.clients.models import Client, Status, StatusChange
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from clientdesk.core.demo import dated
from clientdesk.core.models import Account, Membership

PEOPLE_FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Irene",
    "Jonas",
    "Kira",
    "Luis",
    "Maya",
    "Nils",
    "Olga",
    "Pablo",
    "Rosa",
    "Sven",
    "Tara",
    "Yusuf",
]
PEOPLE_LAST = [
    "Alvarez",
    "Becker",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Moreau",
    "Novak",
    "Ortiz",
    "Petrov",
]
TITLES = ["Office manager", "CEO", "Finance director", "Operations lead", "IT coordinator"]
LEADS_WITHOUT_PEOPLE = 0.3


def demo_contacts_create(*, account: Account, seed: int) -> int:
    """People for the demo clients, unless the account has contacts; answers how many."""
    if Contact.objects.for_account(account).exists():
        return 0
    rng = random.Random(seed)
    actor = Membership.objects.for_account(account).filter(role="manager").first()
    user = actor.user if actor else None
    now = timezone.now()
    changes: dict[int, list[datetime]] = {}
    for client_id, at in (
        StatusChange.objects.for_account(account).order_by("at", "id").values_list("client", "at")
    ):
        changes.setdefault(client_id, []).append(at)
    made = 0
    clients = (
        Client.objects.for_account(account)
        .filter(deleted_at=None)
        .select_related("parent__parent")
        .order_by("pk")
    )
    for client in clients:
        if client.status in (Status.LEAD, Status.PROSPECT) and rng.random() < LEADS_WITHOUT_PEOPLE:
            continue
        history = changes.get(client.pk, [])
        until = history[1] if len(history) > 1 else now
        made += _people(rng, client, user, client.created_at, until)
    return made


def _people(rng: random.Random, client: Client, actor, made: datetime, until: datetime) -> int:
    """A primary contact with an email (so Invite works), sometimes a secondary one."""
    root = client
    while root.parent is not None:  # a site's people have the company's addresses
        root = root.parent
    domain = "".join(ch for ch in root.name.lower() if ch.isalnum())[:20] + ".example"
    count = rng.choice([1, 2, 2, 3])
    emails: set[str] = set()
    for i in range(count):
        first, last = rng.choice(PEOPLE_FIRST), rng.choice(PEOPLE_LAST)
        email = f"{first}.{last}@{domain}".lower()
        if email in emails:
            email = email.replace("@", f"{i}@")
        emails.add(email)
        when = made + min(
            timedelta(hours=rng.uniform(1, 48) * (i + 1)), (until - made) * 0.3 * (i + 1)
        )
        with dated(client.account_id, when):
            contact = contact_create(
                client=client,
                actor=actor,
                first_name=first,
                last_name=last,
                email=email,
                title=rng.choice(TITLES),
                phone=f"+34 6{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
                is_primary=i == 0,
                is_secondary=i == 1,
            )
        Contact.objects.for_account(client.account_id).filter(pk=contact.pk).update(created_at=when)
    return count
