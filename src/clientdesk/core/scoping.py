"""The single place that scopes reads to an account and to a membership's client limits.

Every lookup of a tenant-owned object goes through `get_in_account`, so "not in your account"
and "not there" are the same 404; every read of clients goes through `clients_visible`.
"""

from django.core.exceptions import ValidationError
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import Http404

from clientdesk.core.models import Account, ClientAccess, Membership, MembershipClient


def in_account(model_or_qs: type[Model] | QuerySet, *, account: Account) -> QuerySet:
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    if account is None or account.pk is None:
        raise ValueError("a tenant query needs an account")
    return qs.filter(account_id=account.pk)


def get_in_account(model_or_qs: type[Model] | QuerySet, *, account: Account, **lookup) -> Model:
    """This account's object matching `lookup`, else 404 (never 403: existence stays hidden)."""
    qs = in_account(model_or_qs, account=account)
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def clients_visible(membership: Membership, qs: QuerySet | None = None) -> QuerySet:
    """The account's clients this membership may see, honouring its allow-list or deny-list.

    A listed client brings its sub-clients along (the client-registry issue extends the match to
    every depth of the tree; today the list matches the client and its direct children).
    """
    from clientdesk.clients.models import Client

    qs = in_account(qs if qs is not None else Client.objects.all(), account=membership.account)
    if membership.client_access == ClientAccess.ALL:
        return qs
    listed = MembershipClient.objects.filter(membership_id=membership.pk)
    matches = Exists(listed.filter(client_id=OuterRef("pk"))) | Exists(
        listed.filter(client_id=OuterRef("parent_id"))
    )
    return (
        qs.filter(matches)
        if membership.client_access == ClientAccess.ALLOW
        else qs.exclude(matches)
    )
