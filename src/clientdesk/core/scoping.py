"""The single place that scopes reads to an account and to a membership's client limits.

Every lookup of a tenant-owned object goes through `get_in_account`, so "not in your account"
and "not there" are the same 404; every read of clients goes through `clients_visible`.
"""

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from clientdesk.core.models import Account, ClientAccess, Membership, MembershipClient

M = TypeVar("M", bound=Model)


def in_account(model_or_qs: type[M] | QuerySet[M], *, account: Account | None) -> QuerySet[M]:
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    if account is None or account.pk is None:
        raise ValueError("a tenant query needs an account")
    return qs.filter(account_id=account.pk)


def get_in_account(model_or_qs: type[M] | QuerySet[M], *, account: Account, **lookup) -> M:
    """This account's object matching `lookup`, else 404 (never 403: existence stays hidden)."""
    qs = in_account(model_or_qs, account=account)
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def clients_visible(membership: Membership, qs: QuerySet | None = None) -> QuerySet:
    """The account's clients this membership may see, honouring its allow-list or deny-list.

    A listed client brings its whole subtree along, at any depth.
    """
    from clientdesk.clients.models import Client

    qs = in_account(qs if qs is not None else Client.objects.all(), account=membership.account)
    if membership.client_access == ClientAccess.ALL:
        return qs
    ids = _listed_subtree(membership)
    return (
        qs.filter(pk__in=ids)
        if membership.client_access == ClientAccess.ALLOW
        else qs.exclude(pk__in=ids)
    )


def _listed_subtree(membership: Membership) -> set[int]:
    """The listed clients and all their descendants; one query per tree level, once a request."""
    cached = getattr(membership, "_listed_subtree", None)
    if cached is not None:
        return cached
    from clientdesk.clients.models import Client

    found = set(
        MembershipClient.objects.filter(membership_id=membership.pk).values_list(
            "client_id", flat=True
        )
    )
    level = set(found)
    while level:
        level = (
            set(
                Client.objects.filter(account_id=membership.account_id, parent_id__in=level)
                .exclude(pk__in=found)
                .values_list("pk", flat=True)
            )
            - found
        )
        found |= level
    membership._listed_subtree = found
    return found
