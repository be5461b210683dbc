"""The demo account: one person per role, built through the same services as the app.

The demo tells a story that began months ago, but services date what they write now. So each
part of the demo, once a service has written, dates its own rows as they would have been
written then, and `dated` dates the activity entries those services recorded.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from clientdesk.audit.models import Activity
from clientdesk.core.models import Account, Membership, User
from clientdesk.core.roles import ROLE_ORDER, Role
from clientdesk.core.services import account_create, membership_add, user_create

DEMO_SLUG = "demo"
DEMO_NAME = "Northwind IT Services"
DEMO_PASSWORD = "sunny-harbour-42"  # printed on every `make run`: a demo, never a real account
DEMO_MONTHS = 18  # how far back the demo's story starts

# The encoded DEMO_PASSWORD, made once per process: a hash costs a quarter of a second, and
# every demo login (staff and portal users alike) has the same password.
_hashed: dict[str, str] = {}


def demo_email(role: str) -> str:
    return f"{role}@demo.clientdesk.test"


def demo_logins() -> list[tuple[str, str, str]]:
    return [(Role(role).label, demo_email(role), DEMO_PASSWORD) for role in ROLE_ORDER]


def demo_start() -> datetime:
    """When the demo account's story begins: before its first client."""
    return timezone.now().replace(microsecond=0) - timedelta(days=30 * DEMO_MONTHS + 14)


def demo_user(*, email: str, name: str) -> User:
    """A demo login with DEMO_PASSWORD (the person already there, if one has this email)."""
    User = get_user_model()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing
    if "password" not in _hashed:
        user = user_create(email=email, password=DEMO_PASSWORD, name=name)
        _hashed["password"] = user.password
        return user
    user = User(email=User.objects.normalize_email(email).lower(), name=name.strip())
    user.password = _hashed["password"]
    user.full_clean()
    user.save()
    return user


@contextmanager
def dated(account: Account | int, when: datetime) -> Iterator[None]:
    """Date at `when` the activity entries the services inside record for the account."""
    accounts = Activity.objects.for_account(account)
    last = accounts.aggregate(last=Max("id"))["last"] or 0
    yield
    accounts.filter(id__gt=last).update(at=when)


@transaction.atomic
def demo_create() -> tuple[Account, bool]:
    """The demo account, created on first call; answers (account, created)."""
    existing = Account.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing, False
    start = demo_start()
    users = {
        role: demo_user(email=demo_email(role), name=f"Demo {Role(role).label}")
        for role in ROLE_ORDER
    }
    for user in users.values():
        if user.date_joined > start:
            user.date_joined = start
            user.save(update_fields=["date_joined"])
    account = account_create(
        name=DEMO_NAME,
        slug=DEMO_SLUG,
        owner=users[Role.OWNER],
        time_zone="Europe/Madrid",
        currency="EUR",
    )
    for role in ROLE_ORDER[1:]:
        membership_add(account=account, user=users[role], role=role, actor=users[Role.OWNER])
    Activity.objects.for_account(account).update(at=start)
    Account.objects.filter(pk=account.pk).update(created_at=start)
    Membership.objects.for_account(account).update(created_at=start)
    return account, True
