"""The demo account: one person per role, built through the same services as the app."""

from django.contrib.auth import get_user_model
from django.db import transaction

from clientdesk.core.models import Account
from clientdesk.core.roles import ROLE_ORDER, Role
from clientdesk.core.services import account_create, membership_add, user_create

DEMO_SLUG = "demo"
DEMO_NAME = "Northwind IT Services"
DEMO_PASSWORD = "sunny-harbour-42"  # printed on every `make run`: a demo, never a real account


def demo_email(role: str) -> str:
    return f"{role}@demo.clientdesk.test"


def demo_logins() -> list[tuple[str, str, str]]:
    return [(Role(role).label, demo_email(role), DEMO_PASSWORD) for role in ROLE_ORDER]


@transaction.atomic
def demo_create() -> tuple[Account, bool]:
    """The demo account, created on first call; answers (account, created)."""
    existing = Account.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing, False
    users = {}
    User = get_user_model()
    for role in ROLE_ORDER:
        email = demo_email(role)
        users[role] = User.objects.filter(email=email).first() or user_create(
            email=email, password=DEMO_PASSWORD, name=f"Demo {Role(role).label}"
        )
    account = account_create(
        name=DEMO_NAME,
        slug=DEMO_SLUG,
        owner=users[Role.OWNER],
        time_zone="Europe/Madrid",
        currency="EUR",
    )
    for role in ROLE_ORDER[1:]:
        membership_add(account=account, user=users[role], role=role, actor=users[Role.OWNER])
    return account, True
