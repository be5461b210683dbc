"""Demo clients: a believable 18 months of history, the same for the same seed.

Everything goes through the services a person's clicks would run, with past dates.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from clientdesk.clients.models import Client, Industry
from clientdesk.clients.services import client_change_status, client_create
from clientdesk.core.models import Account, Membership

FIRST = [
    "Blue",
    "North",
    "Harbor",
    "Summit",
    "Cedar",
    "Bright",
    "Iron",
    "Silver",
    "Green",
    "Pioneer",
    "Atlas",
    "Lakeside",
    "Oak",
    "Granite",
    "Sunrise",
    "Redwood",
    "Coastal",
    "Maple",
    "Crescent",
    "Falcon",
]
SECOND = [
    "Peak",
    "Valley",
    "Bridge",
    "Point",
    "Ridge",
    "Field",
    "Stone",
    "River",
    "Gate",
    "Hill",
    "Crest",
    "Works",
    "Line",
    "Park",
    "Bay",
]
KIND = {
    "Automotive": "Motors",
    "Construction": "Builders",
    "Biotechnology": "Bio",
    "Healthcare": "Clinic",
    "Legal": "Law",
    "Retail": "Stores",
    "Hospitality": "Hotels",
    "Manufacturing": "Industries",
    "Finance": "Capital",
    "Education": "Academy",
    "Non-profit": "Foundation",
    "Technology": "Labs",
    "Other": "Group",
}
# Where the clients end up today (weights), and the paths that lead there.
OUTCOMES = [
    ("lead", 6),
    ("prospect", 5),
    ("invited", 3),
    ("waiting", 3),
    ("active", 28),
    ("at_risk", 4),
    ("offboarding", 2),
    ("lost", 4),
    ("churned", 5),
]
PATHS = {
    "lead": [["lead"]],
    "prospect": [["lead", "prospect"]],
    "invited": [["lead", "prospect", "invited"]],
    "waiting": [["prospect", "invited", "waiting"]],
    "active": [
        ["lead", "prospect", "invited", "waiting", "active"],
        ["lead", "active"],
        ["active"],
        ["prospect", "active", "at_risk", "active"],
    ],
    "at_risk": [["lead", "prospect", "active", "at_risk"], ["active", "at_risk"]],
    "offboarding": [["lead", "active", "offboarding"], ["active", "at_risk", "offboarding"]],
    "lost": [["lead", "prospect", "inactive"], ["lead", "inactive"]],
    "churned": [
        ["lead", "active", "offboarding", "inactive"],
        ["active", "at_risk", "offboarding", "inactive"],
    ],
}
REASONS = {
    "at_risk": ["Late payments", "Unhappy with response times", "New CTO reviewing vendors"],
    "offboarding": ["Moved to another provider", "Business closing", "Price"],
    "inactive": ["Off-boarding completed", "Went with a competitor", "No budget this year"],
    "active": ["Contract signed", "Issues resolved"],
}
MONTHS = 18


def demo_clients_create(*, account: Account, count: int, seed: int) -> int:
    """Create `count` clients with history unless the account has clients; answers how many."""
    if Client.objects.for_account(account).exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    industries = list(Industry.objects.for_account(account).order_by("name"))
    staff = {m.role: m for m in Membership.objects.for_account(account).select_related("user")}
    managers = [staff[r].user for r in ("owner", "admin", "manager") if r in staff]
    actor = staff.get("manager") or next(iter(staff.values()))
    outcomes = [o for o, w in OUTCOMES for _ in range(w)]
    used_names: set[str] = set()
    parents: list[Client] = []
    for i in range(count):
        industry = industries[i % len(industries)]
        name = _name(rng, industry.name, used_names)
        outcome = outcomes[i % len(outcomes)] if i < len(outcomes) else rng.choice(outcomes)
        path = rng.choice(PATHS[outcome])
        times = _times(rng, now, len(path), i, count)
        parent = rng.choice(parents) if parents and rng.random() < 0.2 else None
        client = client_create(
            account=account,
            actor=actor,
            prefix=_prefix(name, i),
            name=name,
            status=path[0],
            status_since=times[0],
            parent=parent,
            industry=industry,
            manager=rng.choice(managers),
            description=f"{industry.name} client since {times[0]:%B %Y}.",
            tags=rng.sample(
                ["VIP", "Priority support", "Monthly billing", "Remote only"], rng.randint(0, 2)
            ),
        )
        for status, at in zip(path[1:], times[1:], strict=True):
            client = client_change_status(
                client=client,
                actor=actor,
                to_status=status,
                at=at,
                reason=rng.choice(REASONS.get(status, [""])),
            )
        if parent is None and len(parents) < 5 and rng.random() < 0.3:
            parents.append(client)
    return count


def _name(rng: random.Random, industry: str, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {KIND[industry]}"
        if name not in used:
            used.add(name)
            return name


def _prefix(name: str, i: int) -> str:
    initials = "".join(word[0] for word in name.split()).upper()
    return f"{initials}{i + 1:02d}"[:10]


def _times(rng: random.Random, now: datetime, steps: int, i: int, count: int) -> list[datetime]:
    """Increasing times from a start spread over the last 18 months (new clients every month)."""
    span = timedelta(days=30 * MONTHS)
    start = now - span + span * (i / max(count, 1)) * rng.uniform(0.6, 1.0)
    start = start.replace(hour=rng.randint(8, 17), minute=rng.choice([0, 15, 30, 45]), second=0)
    start = min(start, now - timedelta(hours=steps))
    left = now - start
    gaps = sorted(rng.uniform(0.05, 0.95) for _ in range(steps - 1))
    return [start] + [start + left * g for g in gaps]
