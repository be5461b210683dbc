"""Every write on contacts. Primary and secondary are kept unique per client in one
transaction that locks the client row, so two people making different primaries at once end
with exactly one (the later wins); the database constraints are the last guard.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import diff_fields, event_record
from clientdesk.clients.models import Client
from clientdesk.contacts.events import CONTACT_CREATED, CONTACT_DELETED, CONTACT_UPDATED
from clientdesk.contacts.models import Contact
from clientdesk.core import registry

FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "mobile",
    "title",
    "notes",
    "street",
    "city",
    "region",
    "postcode",
    "country",
    "active",
    "source",
)


class StaleContact(Exception):
    def __init__(self, contact: Contact):
        super().__init__("stale version")
        self.current = contact


def _lock_client(client: Client) -> Client:
    return (
        Client.objects.for_account(client.account_id)
        .select_for_update(of=("self",))
        .get(pk=client.pk)
    )


def _clean(contact: Contact) -> None:
    contact.first_name = (contact.first_name or "").strip()
    contact.last_name = (contact.last_name or "").strip()
    contact.email = (contact.email or "").strip().lower()
    contact.full_clean(exclude=["account", "client"], validate_constraints=False)
    if contact.email:
        taken = (
            Contact.objects.for_account(contact.account_id)
            .filter(client_id=contact.client_id, email__iexact=contact.email, deleted_at=None)
            .exclude(pk=contact.pk)
        )
        if taken.exists():
            raise ValidationError(
                {
                    "email": _("Another contact of this client already uses %(email)s.")
                    % {"email": contact.email}
                }
            )


def _apply_roles(contact: Contact, *, primary: bool | None, secondary: bool | None) -> None:
    """Demote whoever holds the role now; the caller holds the client's lock."""
    others = (
        Contact.objects.for_account(contact.account_id)
        .filter(client_id=contact.client_id, deleted_at=None)
        .exclude(pk=contact.pk)
    )
    if primary:
        others.filter(is_primary=True).update(is_primary=False, version=F("version") + 1)
        contact.is_primary, contact.is_secondary = True, False
    elif primary is False and contact.is_primary:
        raise ValidationError(
            {
                "is_primary": _(
                    "A client keeps one primary contact: make another contact primary instead."
                )
            }
        )
    if secondary:
        if contact.is_primary:
            raise ValidationError(
                {"is_secondary": _("The primary contact cannot also be secondary.")}
            )
        others.filter(is_secondary=True).update(is_secondary=False, version=F("version") + 1)
        contact.is_secondary = True
    elif secondary is False:
        contact.is_secondary = False


def _save(contact: Contact) -> None:
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        # Only reachable if the rules above were bypassed: say which rule, not a 500.
        raise ValidationError(
            {"email": _("This contact clashes with another of the same client.")}
        ) from None


def _belongs_save(contact: Contact, actor, belongs: dict[str, list[int]] | None) -> None:
    """What the contact belongs to in other domains (core.registry.contact_choices), as chosen
    in the contact dialog: {key: ids}; keys not given stay as they are."""
    for key, ids in (belongs or {}).items():
        registry.contact_choices.get(key).save(actor=actor, contact=contact, ids=ids)


@transaction.atomic
def contact_create(
    *,
    client: Client,
    actor,
    is_primary: bool = False,
    is_secondary: bool = False,
    belongs: dict[str, list[int]] | None = None,
    **fields: Any,
) -> Contact:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"not contact fields: {sorted(unknown)}")
    client = _lock_client(client)
    contact = Contact(account_id=client.account_id, client=client, **fields)
    _clean(contact)
    first = not Contact.objects.for_client(client).filter(deleted_at=None).exists()
    # The first contact with an email becomes primary unless told otherwise: someone must be.
    _apply_roles(
        contact,
        primary=is_primary or (first and bool(contact.email)) or None,
        secondary=is_secondary or None,
    )
    _save(contact)
    event_record(
        account=client.account,
        actor=actor,
        verb=CONTACT_CREATED,
        target=contact,
        changes={"client": [None, client.pk]},
    )
    _belongs_save(contact, actor, belongs)
    return contact


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    actor,
    version: int | None,
    is_primary: bool | None = None,
    is_secondary: bool | None = None,
    belongs: dict[str, list[int]] | None = None,
    **fields: Any,
) -> Contact:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"not contact fields: {sorted(unknown)}")
    _lock_client(contact.client)
    locked = (
        Contact.objects.for_account(contact.account_id)
        .select_for_update()
        .get(pk=contact.pk, deleted_at=None)
    )
    if version is not None and locked.version != version:
        raise StaleContact(locked)
    watched = [*fields, "is_primary", "is_secondary"]
    before = {name: getattr(locked, name) for name in watched}
    for name, value in fields.items():
        setattr(locked, name, value)
    _clean(locked)
    _apply_roles(locked, primary=is_primary, secondary=is_secondary)
    changes = diff_fields(before, {name: getattr(locked, name) for name in watched})
    if changes:
        locked.version += 1
        _save(locked)
        event_record(
            account=locked.client.account,
            actor=actor,
            verb=CONTACT_UPDATED,
            target=locked,
            changes=changes,
        )
    _belongs_save(locked, actor, belongs)
    return locked


@transaction.atomic
def contact_delete(*, contact: Contact, actor) -> None:
    """A soft delete: the contact leaves every list and gives up its roles."""
    _lock_client(contact.client)
    locked = Contact.objects.for_account(contact.account_id).select_for_update().get(pk=contact.pk)
    if (
        locked.is_primary
        and Contact.objects.for_account(locked.account_id)
        .filter(client_id=locked.client_id, deleted_at=None)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ValidationError(
            _("%(name)s is the primary contact: make another contact primary before deleting.")
            % {"name": locked.full_name}
        )
    if locked.deleted_at is None:
        locked.deleted_at = timezone.now()
        locked.is_primary = locked.is_secondary = False
        locked.version += 1
        locked.save(update_fields=["deleted_at", "is_primary", "is_secondary", "version"])
        event_record(
            account=locked.client.account, actor=actor, verb=CONTACT_DELETED, target=locked
        )


@transaction.atomic
def contacts_bulk(*, contacts: list[Contact], actor, action: str, value: Any = None) -> int:
    """One action over several contacts, all of them or none: delete, title, active or
    secondary. The primary goes last, so it may be deleted once it is the only one left."""
    for contact in sorted(contacts, key=lambda c: (c.is_primary, c.pk)):
        if action == "delete":
            contact_delete(contact=contact, actor=actor)
        elif action == "title":
            contact_update(contact=contact, actor=actor, version=None, title=str(value).strip())
        elif action == "active":
            contact_update(contact=contact, actor=actor, version=None, active=bool(value))
        elif action == "secondary":
            contact_update(contact=contact, actor=actor, version=None, is_secondary=bool(value))
        else:
            raise ValueError(f"unknown bulk action {action!r}")
    return len(contacts)


@transaction.atomic
def contacts_belong_change(
    *, contacts: list[Contact], actor, key: str, target: int, join: bool
) -> int:
    """Several contacts join (or leave) one thing of another domain at once (a per-user
    agreement: core.registry.contact_choices), all of them or none."""
    registry.contact_choices.get(key).change(
        actor=actor, contacts=contacts, target=target, join=join
    )
    return len(contacts)
