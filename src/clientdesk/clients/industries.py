"""Writes on the account's industries (Settings › Industries): add, rename, merge two, delete
one that no client uses. Each is one transaction with its activity entry."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientdesk.audit.events import event_record
from clientdesk.clients.events import (
    INDUSTRY_CREATED,
    INDUSTRY_DELETED,
    INDUSTRY_MERGED,
    INDUSTRY_RENAMED,
)
from clientdesk.clients.models import Client, Industry
from clientdesk.core.models import Account


def _clean_name(account: Account, name: str, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the industry a name.")})
    if len(name) > 80:
        raise ValidationError({"name": _("Use at most 80 characters.")})
    taken = Industry.objects.for_account(account).filter(name__iexact=name)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {"name": _("The account has an industry %(name)s already.") % {"name": name}}
        )
    return name


def _save(industry: Industry) -> None:
    try:
        with transaction.atomic():
            industry.save()
    except IntegrityError:  # a twin saved at the same moment: the constraint is the last guard
        raise ValidationError(
            {"name": _("The account has an industry %(name)s already.") % {"name": industry.name}}
        ) from None


@transaction.atomic
def industry_create(*, account: Account, actor, name: str) -> Industry:
    industry = Industry(account=account, name=_clean_name(account, name))
    _save(industry)
    event_record(
        account=account, actor=actor, verb=INDUSTRY_CREATED, target=industry,
        changes={"name": [None, industry.name]},
    )  # fmt: skip
    return industry


@transaction.atomic
def industry_rename(*, industry: Industry, actor, name: str) -> Industry:
    name = _clean_name(industry.account, name, exclude_pk=industry.pk)
    if name != industry.name:
        old, industry.name = industry.name, name
        _save(industry)
        event_record(
            account=industry.account, actor=actor, verb=INDUSTRY_RENAMED, target=industry,
            changes={"name": [old, name]},
        )  # fmt: skip
    return industry


def _clients_of(industry: Industry):
    # Deleted clients count too: restored within 30 days, they come back with their industry.
    return Client.objects.for_account(industry.account_id).filter(industry=industry)


@transaction.atomic
def industry_merge(*, industry: Industry, into: Industry, actor) -> int:
    """Move every client of `industry` to `into`, then delete `industry`; answers how many
    clients moved."""
    if into.pk == industry.pk or into.account_id != industry.account_id:
        raise ValidationError({"into": _("Choose another industry of this account.")})
    moved = _clients_of(industry).update(industry=into, version=F("version") + 1)
    event_record(
        account=industry.account, actor=actor, verb=INDUSTRY_MERGED, target=industry,
        changes={"name": [industry.name, None], "into": [None, into.pk], "clients": [None, moved]},
    )  # fmt: skip
    industry.delete()
    return moved


@transaction.atomic
def industry_delete(*, industry: Industry, actor) -> None:
    used = _clients_of(industry).count()
    if used:
        raise ValidationError(
            ngettext(
                "%(n)s client uses %(name)s: merge it into another industry instead.",
                "%(n)s clients use %(name)s: merge it into another industry instead.",
                used,
            )
            % {"n": used, "name": industry.name}
        )
    event_record(
        account=industry.account, actor=actor, verb=INDUSTRY_DELETED, target=industry,
        changes={"name": [industry.name, None]},
    )  # fmt: skip
    industry.delete()
