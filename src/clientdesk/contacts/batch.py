"""The batch entry point of the contact services: imported contacts, checked and written at once.

The rules are contact_create's and contact_update's: the model fields' own validation, one
email per client ignoring case, one primary and at most one secondary per client (the later
row wins, the former holder steps down), the first contact with an email of a client without
a primary becomes primary, and the primary cannot be unset except by making another primary.
Rows match an existing contact on client prefix + email.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import Pending
from clientdesk.clients.batch import CREATE, REJECTED, UNCHANGED, UPDATE, Context, Outcome, Row
from clientdesk.clients.batch.write import records_tell
from clientdesk.clients.queries import clients_visible
from clientdesk.contacts.events import CONTACT_CREATED, CONTACT_UPDATED
from clientdesk.contacts.models import Contact, Source
from clientdesk.contacts.services import FIELDS
from clientdesk.core.checks import fields_check
from clientdesk.core.sqlarrays import among, among_texts

PLAIN = tuple(f for f in FIELDS if f != "source")

__all__ = ["Context", "contacts_import_batch"]


@dataclass
class _Plan:
    row: Row
    outcome: Outcome
    client_id: int = 0
    contact: Contact | None = None
    values: dict[str, Any] = field(default_factory=dict)
    primary: bool | None = None
    secondary: bool | None = None
    changes: dict[str, list] = field(default_factory=dict)


def contacts_import_batch(*, ctx: Context, rows: list[Row]) -> list[Outcome]:
    prefixes = {(r.data.get("client_prefix") or "").strip().upper() for r in rows}
    clients = {
        prefix: pk
        for prefix, pk in clients_visible(ctx.membership)
        .filter(among_texts("prefix", prefixes), account=ctx.account, deleted_at=None)
        .values_list("prefix", "pk")
    }
    emails = {(r.data.get("email") or "").strip().lower() for r in rows}
    existing: dict[tuple[int, str], Contact] = {}
    roles: dict[int, dict[str, Contact]] = {}
    for contact in (
        Contact.objects.for_account(ctx.account)
        .filter(among("client_id", clients.values()), deleted_at=None)
        .annotate(lower_email=Lower("email"))
    ):
        if contact.lower_email in emails:
            existing[(contact.client_id, contact.lower_email)] = contact
        if contact.is_primary:
            roles.setdefault(contact.client_id, {})["primary"] = contact
        if contact.is_secondary:
            roles.setdefault(contact.client_id, {})["secondary"] = contact
    plans = [_plan(ctx, row, clients, existing) for row in rows]
    if not ctx.dry_run:
        _write(ctx, [p for p in plans if p.outcome.action in (CREATE, UPDATE)], roles)
    return [p.outcome for p in plans]


def _reject(plan: _Plan, errors: dict[str, list[str]]) -> _Plan:
    plan.outcome.action = REJECTED
    plan.outcome.errors.extend((n, m) for n, msgs in errors.items() for m in msgs)
    return plan


def _plan(ctx: Context, row: Row, clients: dict, existing: dict) -> _Plan:
    data = row.data
    plan = _Plan(row=row, outcome=Outcome())
    prefix = (data.get("client_prefix") or "").strip().upper()
    if prefix not in clients:
        return _reject(
            plan, {"client_prefix": [_("No client with prefix %(p)s.") % {"p": prefix or "—"}]}
        )
    plan.client_id = clients[prefix]
    values = {name: data[name] for name in PLAIN if name in data}
    for name in ("first_name", "last_name", "email"):
        if name in values:
            values[name] = (values[name] or "").strip()
    values["email"] = (values.get("email") or "").lower()
    for flag in ("active",):
        if flag in values and values[flag] is None:
            values.pop(flag)
    errors = fields_check(Contact, values)
    if not values["email"]:
        errors.setdefault("email", []).append(_("Give the contact's email: it identifies them."))
    plan.primary, plan.secondary = data.get("is_primary"), data.get("is_secondary")
    if plan.primary and plan.secondary:
        errors.setdefault("is_secondary", []).append(
            _("The primary contact cannot also be secondary.")
        )
    current = existing.get((plan.client_id, values["email"]))
    if current is not None and ctx.mode == "create":
        errors.setdefault("email", []).append(
            _("Another contact of this client already uses %(email)s.") % {"email": values["email"]}
        )
    if current is not None and current.is_primary and plan.primary is False:
        errors.setdefault("is_primary", []).append(
            _("A client keeps one primary contact: make another contact primary instead.")
        )
    if errors:
        return _reject(plan, errors)
    plan.values = values
    if current is None:
        plan.outcome.action = CREATE
        return plan
    plan.contact = current
    for name, value in values.items():
        if getattr(current, name) != value:
            plan.changes[name] = [getattr(current, name), value]
    if plan.primary and not current.is_primary:
        plan.changes["is_primary"] = [False, True]
    if plan.secondary is not None and plan.secondary != current.is_secondary:
        plan.changes["is_secondary"] = [current.is_secondary, plan.secondary]
    plan.outcome.action = UPDATE if plan.changes else UNCHANGED
    return plan


def _write(ctx: Context, plans: list[_Plan], roles: dict[int, dict[str, Contact]]) -> None:
    now = timezone.now()
    new: list[Contact] = []
    changed: dict[int, Contact] = {}
    for plan in plans:
        contact = plan.contact or Contact(
            account_id=ctx.account.pk,
            client_id=plan.client_id,
            source=Source.IMPORT,
            created_at=now,
        )
        plan.contact = contact
        for name, value in plan.values.items():
            setattr(contact, name, value)
        held = roles.setdefault(plan.client_id, {})
        # The first contact with an email of a client without a primary becomes primary.
        make_primary = plan.primary or ("primary" not in held and plan.primary is None)
        for role, wanted in (("primary", make_primary), ("secondary", plan.secondary)):
            former = held.get(role)
            if wanted:
                if former is not None and former is not contact:
                    setattr(former, f"is_{role}", False)
                    former.version += 1
                    if former.pk:
                        changed[former.pk] = former
                held[role] = contact
                setattr(contact, f"is_{role}", True)
            elif wanted is False and former is contact:
                setattr(contact, f"is_{role}", False)
                held.pop(role)
        if contact.is_primary and contact.is_secondary:
            contact.is_secondary = False
            if held.get("secondary") is contact:
                held.pop("secondary")
        if contact.pk:
            contact.version += 1
            changed[contact.pk] = contact
        else:
            new.append(contact)
    # Roles are cleared first, so that the partial unique constraints (checked row by row on
    # PostgreSQL) never see two holders while they move from one contact to another.
    if changed:
        Contact.objects.for_account(ctx.account).filter(pk__in=list(changed)).update(
            is_primary=False, is_secondary=False
        )
        Contact.objects.bulk_update(
            list(changed.values()), [*PLAIN, "is_primary", "is_secondary", "version"]
        )
    Contact.objects.bulk_create(new, batch_size=1000)
    _activities(ctx, plans, now)


def _activities(ctx: Context, plans: list[_Plan], now: datetime) -> None:
    entries = [
        Pending(
            CONTACT_CREATED if plan.outcome.action == CREATE else CONTACT_UPDATED,
            plan.contact.pk,
            str(plan.contact),
            {"client": [None, plan.client_id]} if plan.outcome.action == CREATE else plan.changes,
        )
        for plan in plans
        if plan.contact is not None
    ]
    records_tell(ctx, entries, now)
