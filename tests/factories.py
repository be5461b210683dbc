"""Small builders that go through the same services as the app."""

import itertools

from django.contrib.auth import get_user_model

from clientdesk.core.models import Account, Membership
from clientdesk.core.services import account_create, membership_add, user_create

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def make_user(email: str | None = None, name: str = "") -> "get_user_model()":
    email = email or f"person{next(_seq)}@example.com"
    return user_create(email=email, password=PASSWORD, name=name)


def make_account(slug: str | None = None, owner=None, name: str | None = None) -> Account:
    n = next(_seq)
    slug = slug or f"account-{n}"
    owner = owner or make_user(f"owner-{slug}@example.com", name=f"Owner of {slug}")
    return account_create(name=name or f"Account {slug}", slug=slug, owner=owner)


def make_member(account: Account, role: str, email: str | None = None) -> Membership:
    user = make_user(email or f"{role}{next(_seq)}@{account.slug}.example.com", name=role.title())
    owner = Membership.objects.filter(account=account, role="owner").first()
    return membership_add(
        account=account, user=user, role=role, actor=owner.user if owner else None
    )
