"""The primary contact of imported client rows: checked by the contact model's own rules and
written as contact_create / contact_update would (onboarding.batch joins these to the clients
import)."""

from datetime import datetime

from clientdesk.audit.events import Pending
from clientdesk.clients.batch.check import reject
from clientdesk.clients.batch.rows import CREATE, REJECTED, Context, Plan
from clientdesk.contacts.events import CONTACT_CREATED, CONTACT_UPDATED
from clientdesk.contacts.models import Contact, Source
from clientdesk.contacts.services import FIELDS as CONTACT_FIELDS
from clientdesk.core.bulkinsert import ids_reserve, insert
from clientdesk.core.checks import fields_check

# Every column of a contact row: its editable fields (the contact services' list) and the rest.
CONTACT_COLUMNS = (
    "id",
    "account",
    "client",
    *CONTACT_FIELDS,
    "is_primary",
    "is_secondary",
    "version",
    "created_at",
    "deleted_at",
)


def primary_contacts_check(plans: list[Plan]) -> None:
    """The primary contact's fields meet the contact model's own rules."""
    for plan in plans:
        if plan.outcome.action == REJECTED or not plan.contact:
            continue
        values = {
            "first_name": plan.contact.get("contact_first_name", ""),
            "last_name": plan.contact.get("contact_last_name", ""),
            "email": plan.contact["contact_email"],
            "phone": plan.contact.get("contact_phone", ""),
        }
        if not values["first_name"]:
            values["first_name"] = values["email"].split("@")[0][:80]
            plan.contact["contact_first_name"] = values["first_name"]
        errors = fields_check(Contact, values)
        if errors:
            reject(plan, {f"contact_{name}": msgs for name, msgs in errors.items()})


def primary_contacts_write(
    ctx: Context, plans: list[Plan], now: datetime, activities: list[Pending]
) -> None:
    """Create the row's primary contact, or update the client's contact of that email and make
    it primary (the former primary, if another, steps down), as contact_create/update do."""
    if not plans:
        return
    current: dict[tuple[int, str], Contact] = {}
    primaries: dict[int, Contact] = {}
    updated = [p.client_id for p in plans if p.outcome.action != CREATE]
    for contact in (
        Contact.objects.for_account(ctx.account)
        .filter(client_id__in=updated, deleted_at=None)
        .select_for_update()
    ):
        current[(contact.client_id, contact.email.lower())] = contact
        if contact.is_primary:
            primaries[contact.client_id] = contact
    new, changed = [], {}
    for plan in plans:
        assert plan.contact is not None and plan.client_id is not None
        values = {
            "first_name": plan.contact.get("contact_first_name"),
            "last_name": plan.contact.get("contact_last_name"),
            "phone": plan.contact.get("contact_phone"),
        }
        email = plan.contact["contact_email"]
        contact = current.get((plan.client_id, email))
        if contact is None:
            new.append((plan, values, email))
            plan.changes.setdefault("primary_contact", [None, email])
        else:
            diff = {
                k: [getattr(contact, k), v]
                for k, v in values.items()
                if v is not None and getattr(contact, k) != v
            }
            if diff or not contact.is_primary:
                for k, (_old, v) in diff.items():
                    setattr(contact, k, v)
                contact.is_primary, contact.is_secondary = True, False
                contact.version += 1
                changed[contact.pk] = contact
                plan.changes.setdefault("primary_contact", [None, email])
                activities.append(Pending(CONTACT_UPDATED, contact.pk, str(contact), diff))
        former = primaries.get(plan.client_id)
        if former is not None and former.email.lower() != email:
            former.is_primary = False
            former.version += 1
            changed[former.pk] = former
    if changed:
        # Roles are cleared first, so that the partial unique constraints (checked row by row
        # on PostgreSQL) never see two holders while they move.
        Contact.objects.for_account(ctx.account).filter(pk__in=list(changed)).update(
            is_primary=False, is_secondary=False
        )
        Contact.objects.bulk_update(
            list(changed.values()),
            ["first_name", "last_name", "phone", "is_primary", "is_secondary", "version"],
        )
    _insert_new(ctx, new, now, activities)


# A new primary contact's row: every column empty but these (positions in CONTACT_COLUMNS).
_AT = {name: i for i, name in enumerate(CONTACT_COLUMNS)}
_BLANK = tuple(
    (
        dict.fromkeys(CONTACT_COLUMNS, "")
        | {
            "is_primary": True,
            "is_secondary": False,
            "source": Source.IMPORT,
            "active": True,
            "version": 1,
            "deleted_at": None,
        }
    ).values()
)
_FILLED = [_AT[n] for n in ("id", "account", "client", "first_name", "last_name", "email")]
_FILLED += [_AT[n] for n in ("phone", "created_at")]


def _insert_new(ctx: Context, new: list, now: datetime, activities: list[Pending]) -> None:
    """The new contacts as plain rows, built from one blank row (a few thousand a batch)."""
    rows = []
    account_id = ctx.account.pk
    blank = list(_BLANK)
    i_id, i_account, i_client, i_first, i_last, i_email, i_phone, i_at = _FILLED
    for (plan, values, email), pk in zip(new, ids_reserve(Contact, len(new)), strict=True):
        first, last, phone = (
            values["first_name"] or "",
            values["last_name"] or "",
            values["phone"] or "",
        )
        row = blank.copy()
        row[i_id], row[i_account], row[i_client] = pk, account_id, plan.client_id
        row[i_first], row[i_last], row[i_email], row[i_phone] = first, last, email, phone
        row[i_at] = now
        rows.append(row)
        activities.append(
            Pending(
                CONTACT_CREATED, pk, f"{first} {last}".strip(), {"client": [None, plan.client_id]}
            )
        )
    insert(Contact, CONTACT_COLUMNS, rows)
