"""Every write of an agreement: create, edit, renew, end, and the 30-day warning (DESIGN §4).

Each is one transaction, checks its values (`_clean`), bumps `version` and records activity.
Dates are whole days; an agreement's last day is `ends_on`, included.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.agreements.events import (
    AGREEMENT_CREATED,
    AGREEMENT_ENDED,
    AGREEMENT_ENDING,
    AGREEMENT_RENEWED,
    AGREEMENT_UPDATED,
)
from clientdesk.agreements.models import Agreement, AgreementContact, Kind, today_for
from clientdesk.audit.events import diff_fields, event_record
from clientdesk.clients.models import Client
from clientdesk.contacts.models import Contact

EDITABLE = ("name", "kind", "starts_on", "ends_on", "monthly_price", "hours", "notes")
MAX_PRICE = Decimal("9999999999.99")
MAX_HOURS = Decimal("999999.99")
CENT = Decimal("0.01")


class StaleAgreement(Exception):
    def __init__(self, agreement: Agreement):
        super().__init__("stale version")
        self.current = agreement


def _clean(agreement: Agreement) -> None:
    errors: dict[str, str] = {}
    agreement.name = (agreement.name or "").strip()
    if not agreement.name:
        errors["name"] = _("Give the agreement a name.")
    if agreement.kind not in Kind.values:
        errors["kind"] = _("Choose the kind of agreement.")
    if agreement.starts_on and agreement.ends_on and agreement.ends_on < agreement.starts_on:
        errors["ends_on"] = _("The end date comes before the start date.")
    price = agreement.monthly_price
    if price is None:
        agreement.monthly_price = Decimal("0")
    elif price < 0 or price > MAX_PRICE:
        errors["monthly_price"] = _("The price per month is a sum from 0 to 9999999999.99.")
    else:
        agreement.monthly_price = Decimal(price).quantize(CENT)
    if agreement.kind == Kind.HOURS_BLOCK:
        if agreement.hours is None or agreement.hours <= 0 or agreement.hours > MAX_HOURS:
            errors["hours"] = _("A block of hours needs its hours (more than 0).")
        else:
            agreement.hours = Decimal(agreement.hours).quantize(CENT)
    elif agreement.hours is not None:
        errors["hours"] = _("Only a block of hours has hours.")
    if errors:
        raise ValidationError(errors)


def _contacts_clean(agreement: Agreement, contacts: list[Contact] | None) -> list[Contact]:
    """The contacts an ayce_user agreement covers: live contacts of its own client."""
    contacts = list(contacts or [])
    if not contacts:
        return []
    if agreement.kind != Kind.AYCE_USER:
        raise ValidationError(
            {"contacts": _("Only an all-you-can-eat-per-user agreement covers chosen contacts.")}
        )
    for contact in contacts:
        if (
            contact.client_id != agreement.client_id
            or contact.account_id != agreement.account_id
            or contact.deleted_at is not None
        ):
            raise ValidationError(
                {"contacts": _("%(name)s is not a contact of this client.") % {"name": contact}}
            )
    return contacts


def _contacts_set(agreement: Agreement, contacts: list[Contact]) -> None:
    wanted = {c.pk for c in contacts}
    rows = AgreementContact.objects.for_account(agreement.account_id).filter(agreement=agreement)
    have = set(rows.values_list("contact_id", flat=True))
    if have - wanted:
        rows.filter(contact_id__in=have - wanted).delete()
    AgreementContact.objects.bulk_create(
        AgreementContact(
            account_id=agreement.account_id,
            client_id=agreement.client_id,
            agreement=agreement,
            contact_id=pk,
        )
        for pk in sorted(wanted - have)
    )


def contact_ids(agreement: Agreement) -> list[int]:
    return sorted(
        AgreementContact.objects.for_account(agreement.account_id)
        .filter(agreement=agreement)
        .values_list("contact_id", flat=True)
    )


def _plain(value: Any) -> Any:
    """A value as the activity log keeps it (JSON): dates and sums as text."""
    if isinstance(value, date | Decimal):
        return str(value)
    return value


@transaction.atomic
def agreement_create(
    *,
    client: Client,
    actor,
    name: str,
    kind: str,
    starts_on: date,
    ends_on: date,
    monthly_price: Decimal | None = None,
    hours: Decimal | None = None,
    notes: str = "",
    contacts: list[Contact] | None = None,
) -> Agreement:
    agreement = Agreement(
        account_id=client.account_id,
        client=client,
        name=name,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        monthly_price=monthly_price if monthly_price is not None else Decimal("0"),
        hours=hours,
        notes=notes or "",
    )
    _clean(agreement)
    chosen = _contacts_clean(agreement, contacts)
    agreement.save()
    _contacts_set(agreement, chosen)
    event_record(
        account=client.account,
        actor=actor,
        verb=AGREEMENT_CREATED,
        target=agreement,
        changes={"client": [None, client.pk], "kind": [None, kind]},
    )
    return agreement


def _locked(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.for_account(agreement.account_id)
        .select_for_update(of=("self",))
        .select_related("client", "account")
        .get(pk=agreement.pk)
    )


_UNSET: Any = object()


@transaction.atomic
def agreement_update(
    *,
    agreement: Agreement,
    actor,
    version: int | None,
    contacts: list[Contact] | None = _UNSET,
    **fields: Any,
) -> Agreement:
    """Change the fields given (and the covered contacts, when given). A kind other than
    per-user drops the covered contacts."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not agreement fields: {sorted(unknown)}")
    locked = _locked(agreement)
    if version is not None and locked.version != version:
        raise StaleAgreement(locked)
    before = {name: _plain(getattr(locked, name)) for name in fields}
    old_contacts = contact_ids(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    _clean(locked)
    if contacts is _UNSET:
        chosen_ids = old_contacts if locked.kind == Kind.AYCE_USER else []
        chosen = list(Contact.objects.for_account(locked.account_id).filter(pk__in=chosen_ids))
    else:
        chosen = _contacts_clean(locked, contacts)
    after = {name: _plain(getattr(locked, name)) for name in fields}
    changes = diff_fields(before, after)
    new_contacts = sorted(c.pk for c in chosen)
    if new_contacts != old_contacts:
        changes["contacts"] = [old_contacts, new_contacts]
    if changes:
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        _contacts_set(locked, chosen)
        event_record(
            account=locked.account,
            actor=actor,
            verb=AGREEMENT_UPDATED,
            target=locked,
            changes=changes,
        )
    return locked


@transaction.atomic
def agreement_renew(*, agreement: Agreement, actor) -> Agreement:
    """A new agreement that follows this one on: from the day after its end, for as long,
    with its kind, price, hours, notes and covered contacts. The old one runs out as it was."""
    old = _locked(agreement)
    length = old.ends_on - old.starts_on
    starts_on = old.ends_on + timedelta(days=1)
    covered = list(
        Contact.objects.for_account(old.account_id).filter(pk__in=contact_ids(old), deleted_at=None)
    )
    renewed = agreement_create(
        client=old.client,
        actor=actor,
        name=old.name,
        kind=old.kind,
        starts_on=starts_on,
        ends_on=starts_on + length,
        monthly_price=old.monthly_price,
        hours=old.hours,
        notes=old.notes,
        contacts=covered,
    )
    event_record(account=old.account, actor=actor, verb=AGREEMENT_RENEWED, target=old)
    return renewed


@transaction.atomic
def agreement_end(*, agreement: Agreement, actor, on: date | None = None) -> Agreement:
    """End the agreement early: `on` (default today in the account's zone) is its last day."""
    locked = _locked(agreement)
    on = on or today_for(locked.account)
    if on < locked.starts_on:
        raise ValidationError(
            {
                "ends_on": _("It starts on %(d)s: it cannot end before that.")
                % {"d": locked.starts_on}
            }
        )
    if on >= locked.ends_on:
        raise ValidationError({"ends_on": _("It already ends on %(d)s.") % {"d": locked.ends_on}})
    before = str(locked.ends_on)
    locked.ends_on = on
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    event_record(
        account=locked.account,
        actor=actor,
        verb=AGREEMENT_ENDED,
        target=locked,
        changes={"ends_on": [before, str(on)]},
    )
    return locked


WARN_DAYS = 30


@transaction.atomic
def agreements_warn(*, account, today: date | None = None) -> int:
    """The daily warning: each current agreement whose last day is within 30 days gets one
    activity entry and an email to its client's manager (none without a manager), once per end
    date (`warned_for`; a renewal or a moved end warns again). Answers how many it warned of."""
    from clientdesk.agreements.queries import ending_soon
    from clientdesk.core.emails import email_queue

    today = today or today_for(account)
    warned = 0
    for agreement in ending_soon(account=account, today=today, days=WARN_DAYS):
        event_record(account=account, actor=None, verb=AGREEMENT_ENDING, target=agreement)
        manager = agreement.client.manager
        if manager is not None and manager.email:
            email_queue(
                account=account,
                to=manager.email,
                kind="agreement_ending",
                template="agreements/email/ending",
                context={
                    "agreement": agreement,
                    "client": agreement.client,
                    "manager": manager,
                    "days": (agreement.ends_on - today).days,
                },
            )
        agreement.warned_for = agreement.ends_on
        agreement.save(update_fields=["warned_for"])
        warned += 1
    return warned
