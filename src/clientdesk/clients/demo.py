"""Demo clients: a believable 18 months of history, the same for the same seed.

Everything goes through the services a person's clicks would run, with past dates; each client
is dated as made on the day its history starts, and the activity entries on the day they
happened (core.demo.dated). Every tab of the Clients page holds some clients, a few of them
sub-clients (two levels deep) of a client of the same tab, and most of them tagged.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from clientdesk.clients.models import Client, Industry
from clientdesk.clients.services import client_change_status, client_create, client_set_archived
from clientdesk.core.demo import DEMO_MONTHS, dated
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
# Where the clients end up today (weights: at 60 clients, exactly these counts), and the paths
# that lead there.
OUTCOMES = [
    ("lead", 6),
    ("prospect", 5),
    ("invited", 3),
    ("waiting", 3),
    ("active", 28),
    ("at_risk", 4),
    ("offboarding", 2),
    ("lost", 3),
    ("churned", 4),
    ("archived", 2),  # a former client (lost or churned), archived a few weeks after it left
]
# The first clients take one of each, in this order, so that even a small demo (6 clients)
# fills every tab of the Clients page.
FIRST_OUTCOMES = [
    "active",
    "lead",
    "invited",
    "churned",
    "offboarding",
    "archived",
    "prospect",
    "waiting",
    "at_risk",
    "lost",
]
TAB_OF = {
    "lead": "leads",
    "prospect": "leads",
    "invited": "onboarding",
    "waiting": "onboarding",
    "active": "active",
    "at_risk": "active",
    "offboarding": "offboarding",
    "lost": "inactive",
    "churned": "inactive",
    "archived": "archived",
}
PATHS = {
    "lead": [["lead"]],
    "prospect": [["lead", "prospect"]],
    "invited": [["lead", "prospect", "invited"], ["prospect", "invited"]],
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
PATHS["archived"] = PATHS["lost"] + PATHS["churned"]
REASONS = {
    "at_risk": ["Late payments", "Unhappy with response times", "New CTO reviewing vendors"],
    "offboarding": ["Moved to another provider", "Business closing", "Price"],
    "inactive": ["Off-boarding completed", "Went with a competitor", "No budget this year"],
    "active": ["Contract signed", "Issues resolved"],
}
TAGS = [
    "VIP",
    "Priority support",
    "Monthly billing",
    "Remote only",
    "On-site visits",
    "Microsoft 365",
    "Google Workspace",
    "Referral",
]
# Sub-clients sit under a client whose story is like theirs (a won client's site is a client).
STORY_OF = TAB_OF | {"lost": "lost", "churned": "churned"}
SITES = ["Madrid", "Valencia", "Seville", "Bilbao", "Zaragoza", "Lisbon", "Porto", "Lyon"]
UNITS = ["Warehouse", "Lab", "Front office", "Finance team", "Workshop", "Call centre"]
SUB_CLIENT_SHARE = 0.2
# An invitation lasts 7 days (portal.services): an invited client was invited this week, and a
# waiting one accepted within the week.
INVITED_WITHIN = timedelta(days=5)
ACCEPTED_WITHIN = timedelta(days=6)


@dataclass
class Made:
    client: Client
    outcome: str
    start: datetime
    depth: int
    children: list = field(default_factory=list)


def demo_clients_create(*, account: Account, count: int, seed: int) -> int:
    """Create `count` clients with history unless the account has clients; answers how many."""
    if count <= 0 or Client.objects.for_account(account).exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    industries = list(Industry.objects.for_account(account).order_by("name"))
    staff = {m.role: m for m in Membership.objects.for_account(account).select_related("user")}
    managers = [staff[r].user for r in ("owner", "admin", "manager") if r in staff]
    actor = staff.get("manager") or next(iter(staff.values()))
    used_names: set[str] = set()
    made: list[Made] = []
    for i, outcome in enumerate(_outcomes(rng, count)):
        path = rng.choice(PATHS[outcome])
        parent = _parent(rng, made, outcome)
        end = now - rng.uniform(timedelta(hours=2), INVITED_WITHIN) if outcome == "invited" else now
        start = _start(rng, now, end, len(path), i, count, parent)
        times = _times(rng, start, end, path, pinned=outcome == "invited")
        if parent is None:
            industry = industries[sum(1 for m in made if m.depth == 0) % len(industries)]
            name = _name(rng, industry.name, used_names)
            description = f"{industry.name} client since {times[0]:%B %Y}."
            manager = rng.choice(managers)
        else:
            parent_client = parent.client
            industry, manager = parent_client.industry, parent_client.manager
            places = SITES if parent.depth == 0 else UNITS
            free = [p for p in places if f"{parent_client.name} – {p}" not in used_names]
            place = rng.choice(free or places)
            name = _unique(f"{parent_client.name} – {place}", used_names)
            description = (
                f"The {place} site of {parent_client.name}."
                if parent.depth == 0
                else f"{place} at {parent_client.name}."
            )
        with dated(account, times[0]):
            client = client_create(
                account=account,
                actor=actor,
                prefix=_prefix(name, i),
                name=name,
                status=path[0],
                status_since=times[0],
                parent=parent.client if parent else None,
                industry=industry,
                manager=manager,
                description=description,
                tags=rng.sample(TAGS, rng.choice([0, 1, 1, 2, 2, 3])),
            )
        for status, at in zip(path[1:], times[1:], strict=True):
            with dated(account, at):
                client = client_change_status(
                    client=client,
                    actor=actor,
                    to_status=status,
                    at=at,
                    reason=rng.choice(REASONS.get(status, [""])),
                    held=False,  # the story's history, told as an import would
                )
        # Made on the day its story starts (the services date a new row now).
        Client.objects.for_account(account).filter(pk=client.pk).update(created_at=times[0])
        client.created_at = times[0]
        one = Made(client, outcome, times[0], parent.depth + 1 if parent else 0)
        if parent:
            parent.children.append(one)
        made.append(one)
    _archive(rng, account, actor, [m for m in made if m.outcome == "archived"], now)
    return count


def _outcomes(rng: random.Random, count: int) -> list[str]:
    """Where each client ends up: one of each first, then the rest in proportion."""
    rest = [o for o, w in OUTCOMES for _ in range(w - 1)]
    rng.shuffle(rest)
    outcomes = FIRST_OUTCOMES + rest
    names, weights = zip(*OUTCOMES, strict=True)
    while len(outcomes) < count:
        outcomes.append(rng.choices(names, weights)[0])
    return outcomes[:count]


def _parent(rng: random.Random, made: list[Made], outcome: str) -> Made | None:
    """Sometimes a site of an earlier client of the same kind, or a unit of such a site. The
    first chance each tab has to show a sub-client is taken, and the first to go two levels
    deep."""
    candidates = [
        m
        for m in made
        if m.depth < 2 and STORY_OF[m.outcome] == STORY_OF[outcome] and len(m.children) < 3
    ]
    if not candidates or outcome == "archived":  # archived clients stand alone
        return None
    if not any(m.depth and TAB_OF[m.outcome] == TAB_OF[outcome] for m in made):
        return candidates[0]
    sites = [m for m in candidates if m.depth == 1]
    if sites and not any(m.depth == 2 for m in made):
        return sites[0]
    return rng.choice(candidates) if rng.random() < SUB_CLIENT_SHARE else None


def _start(
    rng: random.Random,
    now: datetime,
    end: datetime,
    steps: int,
    i: int,
    count: int,
    parent: Made | None,
) -> datetime:
    """A start spread over the last 18 months (new clients every month), after the parent's."""
    span = timedelta(days=30 * DEMO_MONTHS)
    start = now - span + span * (i / count) * rng.uniform(0.6, 1.0)
    start = start.replace(hour=rng.randint(8, 17), minute=rng.choice([0, 15, 30, 45]), second=0)
    if parent is not None:
        start = max(start, parent.start + timedelta(days=rng.randint(1, 30)))
    latest = end - timedelta(hours=steps)
    if start > latest and parent is not None and parent.start < latest:
        start = parent.start + (latest - parent.start) / 3
    return min(start, latest)


def _times(
    rng: random.Random, start: datetime, end: datetime, path: list[str], *, pinned: bool
) -> list[datetime]:
    """Increasing times from `start` to `end` (the last one at `end` when pinned); an accepted
    invitation (invited, then waiting) within the week."""
    gaps = sorted(rng.uniform(0.05, 0.95) for _ in path[1:])
    if pinned and gaps:
        gaps[-1] = 1.0
    times = [start] + [start + (end - start) * g for g in gaps]
    for k in range(len(path) - 1):
        if path[k] == "invited" and path[k + 1] == "waiting":
            bound = times[k + 2] if k + 2 < len(times) else end
            wait = min(rng.uniform(timedelta(hours=3), ACCEPTED_WITHIN), (bound - times[k]) * 0.9)
            times[k + 1] = times[k] + wait
    return times


def _archive(rng: random.Random, account: Account, actor, made: list[Made], now: datetime) -> None:
    """Archived a few weeks after it left."""
    for one in made:
        left = one.client.status_changed_at
        when = min(left + timedelta(days=rng.randint(14, 60)), left + (now - left) / 2)
        with dated(account, when):
            client_set_archived(client=one.client, actor=actor, archived=True)


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{name} {n}"
    used.add(candidate)
    return candidate


def _name(rng: random.Random, industry: str, used: set[str]) -> str:
    for _ in range(50):
        name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {KIND[industry]}"
        if name not in used:
            used.add(name)
            return name
    return _unique(name, used)


def _prefix(name: str, i: int) -> str:
    initials = "".join(word[0] for word in name.split() if "A" <= word[0].upper() <= "Z")
    return f"{initials.upper()[:6]}{i + 1:02d}"[:10]
