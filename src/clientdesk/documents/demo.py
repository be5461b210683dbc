"""The demo account's documents: a few files for the first clients in service, some shared
with the portal (`clientdesk demo`, after the tickets). Made through the upload service, so
they sit in the storage as real uploads do; then dated in the past with their activity."""

import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from clientdesk.clients.models import IN_SERVICE, Client
from clientdesk.core.demo import dated
from clientdesk.core.models import Account, Membership
from clientdesk.documents.models import Document
from clientdesk.documents.services import document_upload

FILES = [
    ("Service agreement", "service-agreement.txt", False),
    ("Network diagram", "network-diagram.txt", True),
    ("Wi-Fi and guest access", "wifi.txt", True),
    ("Backup policy", "backup-policy.txt", False),
]
CLIENTS = 8


def demo_documents_create(*, account: Account, seed: int) -> int:
    """Documents for the first demo clients in service, unless the account has documents;
    answers how many."""
    if Document.objects.for_account(account).exists():
        return 0
    rng = random.Random(seed)
    member = (
        Membership.objects.for_account(account)
        .filter(role__in=["technician", "manager"])
        .select_related("user", "account")
        .first()
    )
    clients = Client.objects.for_account(account).filter(
        deleted_at=None, archived=False, status__in=IN_SERVICE
    )
    now = timezone.now()
    made = 0
    for client in clients.select_related("account").order_by("pk")[:CLIENTS]:
        for name, filename, shared in rng.sample(FILES, rng.randint(1, 3)):
            when = now - timedelta(days=rng.randint(1, 120), hours=rng.randint(0, 10))
            text = f"{name} for {client.name}\n\nDemo file made by `clientdesk demo`.\n"
            with dated(account, when):
                document = document_upload(
                    client=client,
                    actor=member,
                    upload=ContentFile(text.encode(), name=filename),
                    name=name,
                    shared_with_portal=shared,
                )
            Document.objects.for_account(account).filter(pk=document.pk).update(uploaded_at=when)
            made += 1
    return made
