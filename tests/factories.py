"""Small builders that go through the same services as the app."""

import itertools

from django.contrib.auth import get_user_model

from clientdesk.contacts.services import contact_create
from clientdesk.core.models import Account, Membership, User
from clientdesk.core.services import account_create, membership_add, user_create
from clientdesk.portal.models import PortalAccess
from clientdesk.portal.services import portal_invitation_accept, portal_invite

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


def make_portal_user(
    cast, client, *, first_name, email, primary=True, subclients=False
) -> PortalAccess:
    """A contact of `client` invited by staff and accepted with PASSWORD (or their login)."""
    contact = contact_create(
        client=client, actor=None, first_name=first_name, email=email, is_primary=primary
    )
    invitation = portal_invite(client=client, actor=cast.manager.user, contact=contact)
    existing = User.objects.filter(email__iexact=email).first()
    access = portal_invitation_accept(invitation=invitation, user=existing, password=PASSWORD)
    if subclients:
        access.can_see_subclients = True
        access.save(update_fields=["can_see_subclients"])
    return access
