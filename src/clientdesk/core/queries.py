"""Reads on accounts, memberships, invitations and messages shared by pages and the API."""

from django.db.models import Q, QuerySet

from clientdesk.core.models import Account, ListPreference, Membership, Message, StaffInvitation
from clientdesk.core.roles import CAPABILITIES, ROLE_ORDER
from clientdesk.core.tenancy import get_or_404


def memberships_of_user(*, user) -> QuerySet[Membership]:
    return Membership.objects.of_user(user).select_related("account").order_by("account__name")


def memberships_and_current(
    *, user, account_slug: str
) -> tuple[list[Membership], Membership | None]:
    """The person's memberships in the account switcher's order, and the one of `account_slug`
    (None: not a member): one query for what every staff page needs of them."""
    found = list(
        Membership.objects.of_user(user).select_related("account", "user").order_by("account__name")
    )
    return found, next((m for m in found if m.account.slug == account_slug), None)


def team_members(*, account: Account) -> list[Membership]:
    members = list(
        Membership.objects.for_account(account)
        .select_related("user")
        .prefetch_related("client_limits__client")
    )
    rank = {str(role): i for i, role in enumerate(ROLE_ORDER)}
    return sorted(members, key=lambda m: (rank[m.role], m.user.email))


def get_membership(*, account: Account, pk: int) -> Membership:
    return get_or_404(
        Membership.objects.for_account(account).select_related("user", "account"), pk=pk
    )


def open_invitations(*, account: Account) -> QuerySet[StaffInvitation]:
    from django.utils import timezone

    return (
        StaffInvitation.objects.for_account(account)
        .filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .order_by("-created_at")
    )


def get_invitation(*, account: Account, pk: int) -> StaffInvitation:
    return get_or_404(StaffInvitation.objects.for_account(account), pk=pk)


def outbox(*, membership: Membership) -> QuerySet[Message]:
    """The account's messages this person may open (see Message.requires)."""
    held = CAPABILITIES[membership.role]
    return (
        Message.objects.for_account(membership.account_id)
        .filter(Q(requires="") | Q(requires__in=held))
        .order_by("-created_at", "-id")
    )


def get_message(*, membership: Membership, pk: int) -> Message:
    return get_or_404(outbox(membership=membership), pk=pk)


def user_exists(*, email: str) -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email__iexact=email).exists()


def list_preference(*, membership: Membership, list_name: str) -> ListPreference | None:
    """The person's remembered columns and page size for a list page, if any."""
    return (
        ListPreference.objects.for_account(membership.account_id)
        .filter(user_id=membership.user_id, list_name=list_name)
        .first()
    )
