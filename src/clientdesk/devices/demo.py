"""The demo account's devices (`clientdesk demo`, after the clients): active and onboarding
clients have a few workstations, often a server and a printer, each dated a few days after its
client was made."""

import random
from datetime import timedelta

from django.utils import timezone

from clientdesk.clients.models import Client, Status
from clientdesk.core.demo import dated
from clientdesk.core.models import Account, Membership
from clientdesk.devices.models import Device
from clientdesk.devices.services import device_create

WITH_DEVICES = {Status.ACTIVE, Status.WAITING, Status.INVITED}
MAKERS = [("Dell", "OptiPlex 7010"), ("HP", "EliteDesk 800"), ("Lenovo", "ThinkCentre M70")]
OS = ["Windows 11 Pro", "Windows 10 Pro", "macOS 14"]


def demo_devices_create(*, account: Account, seed: int) -> int:
    """Devices for the demo clients, unless the account has devices; answers how many."""
    if Device.objects.for_account(account).exists():
        return 0
    rng = random.Random(seed)
    actor = Membership.objects.for_account(account).filter(role="technician").first()
    now = timezone.now()
    made = 0
    clients = Client.objects.for_account(account).filter(deleted_at=None).order_by("pk")
    for client in clients:
        if client.status not in WITH_DEVICES:
            continue
        rows = [
            (f"{client.prefix}-PC{n:02d}", "standard", *rng.choice(MAKERS), rng.choice(OS))
            for n in range(1, rng.randint(2, 6))
        ]
        if rng.random() < 0.6:
            rows.append((f"{client.prefix}-SRV01", "advanced", "Dell", "PowerEdge T150",
                         "Windows Server 2022"))  # fmt: skip
        if rng.random() < 0.5:
            rows.append((f"{client.prefix}-PRN01", "passive", "Brother", "HL-L2350", ""))
        for i, (name, kind, maker, model, os) in enumerate(rows):
            when = min(client.created_at + timedelta(days=2 + i, hours=rng.uniform(0, 8)), now)
            seen = now - timedelta(minutes=rng.randint(1, 60 * 24 * 3))
            with dated(account, when):
                device = device_create(
                    client=client,
                    actor=actor,
                    name=name,
                    type=kind,
                    os=os,
                    manufacturer=maker,
                    model=model,
                    serial=f"{client.prefix}{rng.randint(100000, 999999)}{i}",
                    ip=f"192.168.{client.pk % 250}.{10 + i}",
                    last_seen_at=seen,
                    online=now - seen < timedelta(minutes=15) or rng.random() < 0.4,
                )
            Device.objects.for_account(account).filter(pk=device.pk).update(created_at=when)
            made += 1
    return made
