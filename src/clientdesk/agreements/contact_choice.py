"""The contacts' side of per-user agreements: the contact dialog and the Contacts tab's bulk
actions put contacts into an all-you-can-eat-per-user agreement of their client, or take them
out (core.registry.contact_choices; the contacts domain knows nothing of agreements)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clientdesk.agreements.models import Agreement, AgreementContact, Kind, State, today_for
from clientdesk.agreements.queries import state_q
from clientdesk.agreements.services import agreement_update, contact_ids
from clientdesk.clients.models import Client
from clientdesk.contacts.models import Contact


def _open(client: Client):
    """The client's per-user agreements that still run or are still to come."""
    today = today_for(client.account)
    return (
        Agreement.objects.for_client(client)
        .filter(kind=Kind.AYCE_USER)
        .exclude(state_q(State.EXPIRED, today))
        .order_by("starts_on", "id")
    )


def options(*, client: Client) -> list[tuple[int, str]]:
    return [(a.pk, a.name) for a in _open(client)]


def chosen(*, contact: Contact) -> list[int]:
    """The open per-user agreements that cover the contact."""
    return sorted(
        AgreementContact.objects.for_account(contact.account_id)
        .filter(contact_id=contact.pk, agreement__in=_open(contact.client))
        .values_list("agreement_id", flat=True)
    )


def _agreement(client: Client, pk: int) -> Agreement:
    found = _open(client).filter(pk=pk).first()
    if found is None:
        raise ValidationError(
            _("That agreement is no longer an open per-user agreement of this client.")
        )
    return found


def save(*, actor, contact: Contact, ids: list[int]) -> None:
    """Exactly the open per-user agreements `ids` cover the contact (expired ones keep theirs)."""
    wanted = set(ids)
    for agreement in _open(contact.client):
        have = set(contact_ids(agreement))
        if (contact.pk in have) == (agreement.pk in wanted):
            continue
        after = have | {contact.pk} if agreement.pk in wanted else have - {contact.pk}
        _set(actor, agreement, after)
    unknown = wanted - {a.pk for a in _open(contact.client)}
    if unknown:
        _agreement(contact.client, min(unknown))  # raises: not an open agreement of the client


def change(*, actor, contacts: list[Contact], target: int, join: bool) -> None:
    """Several contacts of one client join or leave the agreement `target`."""
    if not contacts:
        return
    agreement = _agreement(contacts[0].client, target)
    have = set(contact_ids(agreement))
    moved = {c.pk for c in contacts}
    after = have | moved if join else have - moved
    if after != have:
        _set(actor, agreement, after)


def _set(actor, agreement: Agreement, ids: set[int]) -> None:
    contacts = list(
        Contact.objects.for_account(agreement.account_id).filter(pk__in=ids, deleted_at=None)
    )
    agreement_update(agreement=agreement, actor=actor, version=None, contacts=contacts)
