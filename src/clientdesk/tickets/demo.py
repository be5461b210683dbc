"""The demo account's tickets: requests, incidents and jobs for the clients in service over
the last weeks, at every step of the pipeline, some answered late (`clientdesk demo`, after
the contacts). Made through the services at past moments, so numbers, due times, first
responses and breaches are what the app itself would have recorded."""

import random
from datetime import timedelta

from django.utils import timezone

from clientdesk.clients.models import IN_SERVICE, Client
from clientdesk.core.models import Account, Membership
from clientdesk.tickets.models import Ticket
from clientdesk.tickets.services import reply_add, ticket_create, ticket_update

SUBJECTS = {
    "request": [
        "New laptop for a starter",
        "Add a user to the shared mailbox",
        "VPN access for the finance team",
        "Printer on the second floor shows offline",
        "Reset the password of the reception PC",
    ],
    "incident": [
        "Email not arriving since this morning",
        "Wi-Fi drops in the meeting room",
        "Server disk almost full",
        "Phones cannot call out",
    ],
    "job": [
        "Quarterly patching of the servers",
        "Install the new firewall",
        "Move the office network to the new rack",
        "Backup restore test",
    ],
}
ANSWERS = [
    "We are looking into it now.",
    "Done: please try again and tell us if it works.",
    "Could you send us a photo of the error message?",
    "Scheduled for tomorrow morning.",
]


def demo_tickets_create(*, account: Account, seed: int) -> int:
    """Tickets for the demo clients in service, unless the account has tickets; answers how
    many."""
    if Ticket.objects.for_account(account).exists():
        return 0
    rng = random.Random(seed)
    team = list(
        Membership.objects.for_account(account)
        .filter(role__in=["technician", "manager", "admin"])
        .select_related("user", "account")
    )
    if not team:
        return 0
    clients = Client.objects.for_account(account).filter(
        deleted_at=None, archived=False, status__in=IN_SERVICE
    )
    made = 0
    now = timezone.now()
    for client in clients.select_related("account").order_by("pk"):
        contacts = list(client.contacts.filter(deleted_at=None))
        for _ in range(rng.choice([0, 1, 2, 3])):
            made += _ticket(rng, client, contacts, team, now)
    return made


def _ticket(rng, client, contacts, team, now) -> int:
    kind = rng.choice(["request", "request", "incident", "job"])
    opened = now - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 10))
    member = rng.choice(team)
    ticket = ticket_create(
        client=client,
        actor=None if kind != "job" else member,
        title=rng.choice(SUBJECTS[kind]),
        kind=kind,
        priority=rng.choice(["low", "normal", "normal", "high", "urgent"]),
        description="Reported by phone." if kind != "job" else "",
        requester=contacts[0] if contacts and kind != "job" else None,
        assignee=member.user if rng.random() < 0.7 else None,
        source="portal" if kind == "request" else "staff",
        now=opened,
    )
    fate = rng.choice(["new", "open", "in_progress", "waiting", "resolved", "closed"])
    if fate == "new":
        return 1
    answered = opened + timedelta(minutes=rng.choice([20, 90, 300, 1500]))
    reply_add(ticket=ticket, actor=member, body=rng.choice(ANSWERS), now=min(answered, now))
    if fate != "open":
        moved = min(answered + timedelta(hours=rng.randint(1, 72)), now)
        ticket_update(ticket=ticket, actor=member, version=None, status=fate, now=moved)
    return 1
