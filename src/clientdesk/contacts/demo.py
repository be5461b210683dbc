"""The demo account's people: a primary contact with an email for each client (so Invite
works), sometimes a secondary one and a third (`clientdesk demo`, after the clients)."""

import random

from clientdesk.clients.models import Client
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
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


def demo_contacts_create(*, account: Account, seed: int) -> int:
    """People for the demo clients, unless the account has contacts; answers how many."""
    if Contact.objects.for_account(account).exists():
        return 0
    rng = random.Random(seed)
    actor = Membership.objects.for_account(account).filter(role="manager").first()
    user = actor.user if actor else None
    made = 0
    for client in Client.objects.for_account(account).filter(deleted_at=None).order_by("pk"):
        made += _people(rng, client, user)
    return made


def _people(rng: random.Random, client: Client, actor) -> int:
    """A primary contact with an email (so Invite works), sometimes a secondary one."""
    domain = "".join(ch for ch in client.name.lower() if ch.isalnum())[:20] + ".example"
    for i in range(rng.choice([1, 2, 2, 3])):
        first, last = rng.choice(PEOPLE_FIRST), rng.choice(PEOPLE_LAST)
        contact_create(
            client=client,
            actor=actor,
            first_name=first,
            last_name=last,
            email=f"{first}.{last}{i or ''}@{domain}".lower(),
            title=rng.choice(TITLES),
            phone=f"+34 6{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            is_primary=i == 0,
            is_secondary=i == 1,
        )
    return i + 1
