"""Reads on accounts, memberships, invitations and messages shared by pages and the API."""

from django.db.models import Q, QuerySet

from clientdesk.core.models import Account, Membership, Message, StaffInvitation
from clientdesk.core.roles import CAPABILITIES, ROLE_ORDER
from clientdesk.core.scoping import get_in_account, in_account


def memberships_of_user(*, user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("account").order_by("account__name")


def membership_for(*, user, account_slug: str) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("account", "user")
        .filter(user=user, account__slug=account_slug)
        .first()
    )


def team_members(*, account: Account) -> list[Membership]:
    members = list(
        in_account(Membership, account=account)
        .select_related("user")
        .prefetch_related("client_limits__client")
    )
    rank = {str(role): i for i, role in enumerate(ROLE_ORDER)}
    return sorted(members, key=lambda m: (rank[m.role], m.user.email))


def get_membership(*, account: Account, pk: int) -> Membership:
    return get_in_account(
        Membership.objects.select_related("user", "account"), account=account, pk=pk
    )


def open_invitations(*, account: Account) -> QuerySet[StaffInvitation]:
    from django.utils import timezone

    return (
        in_account(StaffInvitation, account=account)
        .filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .order_by("-created_at")
    )


def get_invitation(*, account: Account, pk: int) -> StaffInvitation:
    return get_in_account(StaffInvitation, account=account, pk=pk)


def outbox(*, membership: Membership) -> QuerySet[Message]:
    """The account's messages this person may open (see Message.requires)."""
    held = CAPABILITIES[membership.role]
    return (
        in_account(Message, account=membership.account)
        .filter(Q(requires="") | Q(requires__in=held))
        .order_by("-created_at", "-id")
    )


def get_message(*, membership: Membership, pk: int) -> Message:
    return get_in_account(outbox(membership=membership), account=membership.account, pk=pk)


def user_exists(*, email: str) -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email__iexact=email).exists()
