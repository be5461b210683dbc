"""The checks a client's fields and status moves must pass, shared by the client services and
the import's row checks (clients/batch/check.py): prefix, email domains, parent, manager, a
status change's date, and the lifecycle's allowed moves (DESIGN §2)."""

import re
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.clients import status as rules
from clientdesk.clients.models import PREFIX_VALIDATOR, Client, Status
from clientdesk.core import registry
from clientdesk.core.actors import actor_member
from clientdesk.core.models import Account, Membership
from clientdesk.core.roles import can


def normalize_prefix(value: str) -> str:
    return (value or "").strip().upper()


def _check_prefix(account: Account, prefix: str, exclude_pk: int | None = None) -> None:
    try:
        PREFIX_VALIDATOR(prefix)
    except ValidationError as exc:
        raise ValidationError({"prefix": exc.messages}) from None
    taken = Client.objects.for_account(account).filter(prefix=prefix)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    holder = taken.only("pk", "deleted_at").first()
    if holder is not None and holder.deleted_at is not None:
        # A deleted client keeps its prefix, so that restoring it never finds it taken.
        raise ValidationError(
            {
                "prefix": _(
                    "A deleted client still holds %(prefix)s, so that it can be restored; "
                    "choose another prefix."
                )
                % {"prefix": prefix}
            }
        )
    if holder is not None:
        raise ValidationError(
            {
                "prefix": _("Another client of this account already uses %(prefix)s.")
                % {"prefix": prefix}
            }
        )


DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def email_domains_clean(account: Account, values, exclude_pk: int | None = None) -> list[str]:
    """The domains lower-cased, without `@` or repeats, each a valid domain that no other
    client of the account claims (a sender's domain must name one client)."""
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    domains: list[str] = []
    for value in values or []:
        domain = str(value).strip().lower().lstrip("@").rstrip(".")
        if not domain or domain in domains:
            continue
        if not DOMAIN.match(domain):
            raise ValidationError(
                {"email_domains": _("“%(d)s” is not a domain, e.g. example.com.") % {"d": value}}
            )
        domains.append(domain)
    if len(domains) > 20:
        raise ValidationError({"email_domains": _("At most 20 domains.")})
    if domains:
        others = (
            Client.objects.for_account(account).filter(deleted_at=None).exclude(email_domains=[])
        )
        if exclude_pk:
            others = others.exclude(pk=exclude_pk)
        for name, claimed in others.values_list("name", "email_domains"):
            shared = sorted(set(domains) & set(claimed or []))
            if shared:
                raise ValidationError(
                    {
                        "email_domains": _(
                            "%(domain)s already belongs to %(client)s; a domain can match one "
                            "client only."
                        )
                        % {"domain": shared[0], "client": name}
                    }
                )
    return domains


def _check_parent(client_pk: int | None, parent: Client | None, account: Account) -> None:
    if parent is None:
        return
    if parent.account_id != account.pk or parent.deleted_at is not None:
        raise ValidationError({"parent": _("Choose a client of this account as the parent.")})
    if client_pk is None:
        return
    ancestor: Client | None = parent
    seen: set[int] = set()
    while ancestor is not None and ancestor.pk not in seen:
        if ancestor.pk == client_pk:
            raise ValidationError(
                {"parent": _("A client cannot sit under itself or one of its own sub-clients.")}
            )
        seen.add(ancestor.pk)
        ancestor = (
            Client.objects.for_account(account).filter(pk=ancestor.parent_id).first()
            if ancestor.parent_id
            else None
        )


def _check_manager(account: Account, manager) -> None:
    if (
        manager is not None
        and not Membership.objects.for_account(account).filter(user=manager).exists()
    ):
        raise ValidationError(
            {"manager": _("The manager must be a member of this account's team.")}
        )


def check_at(*, at: datetime | None, previous: datetime | None, actor) -> datetime:
    now = timezone.now()
    if at is None:
        return max(now, previous) if previous else now
    member = actor_member(actor)
    if member is not None and not can(member, "clients.backdate"):
        raise ValidationError({"at": _("Only managers and above may give a past date.")})
    if at.year < 1970:
        raise ValidationError({"at": _("Give a date after 1970.")})
    if at > now + timedelta(seconds=5):
        raise ValidationError({"at": _("The date cannot be in the future.")})
    if previous is not None and at < previous:
        raise ValidationError(
            {
                "at": _("The date cannot be before the client's previous status change (%(when)s).")
                % {"when": timezone.localtime(previous).strftime("%Y-%m-%d %H:%M")}
            }
        )
    return at


def check_initial(status: str) -> None:
    """A new client starts in one of the initial statuses (DESIGN §2)."""
    if status not in rules.INITIAL:
        raise ValidationError(
            {
                "status": _("A new client starts as one of: %(allowed)s.")
                % {"allowed": ", ".join(rules.INITIAL)}
            }
        )


def check_transition(current: str, to_status: str) -> None:
    """Only the changes of DESIGN §2; a refused one names the allowed targets."""
    if to_status not in Status.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": to_status}})
    if not rules.is_allowed(current, to_status):
        allowed = ", ".join(str(Status(s).label) for s in rules.allowed_targets(current))
        raise ValidationError(
            {
                "status": _("A client that is %(current)s can move to: %(allowed)s.")
                % {"current": Status(current).label, "allowed": allowed}
            }
        )


def check_guards(client, to_status: str, *, actor) -> None:
    """The holds other domains keep on status changes (core.registry.status_guards): a change a
    person asks for outside the workflow that owns it is refused with that domain's words."""
    if actor is None:
        return  # the system (tasks) places clients as it must
    for guard in registry.status_guards.all():
        message = guard.refusal(client, to_status)
        if message:
            raise ValidationError({"status": message})
