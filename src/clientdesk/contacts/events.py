"""What the contacts domain records in the activity log, and how it reads (audit.verbs)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientdesk.audit.verbs import (
    Choice,
    Field,
    Name,
    Ref,
    Verb,
    YesNo,
    label_of,
    names_declare,
    verbs_declare,
)
from clientdesk.clients.queries import clients_visible
from clientdesk.contacts.models import Contact, Source


def _label(name: str):
    return label_of(Contact, name)


CONTACT_CREATED = Verb(
    "contact.created",
    "contacts.contact",
    _("%(actor)s added %(target)s to %(within_s)s contacts"),
    fields={"client": Field(_("client"), Ref("clients.client"))},
)
CONTACT_UPDATED = Verb(
    "contact.updated",
    "contacts.contact",
    _("%(actor)s changed %(target_s)s %(change)s (%(within)s)"),
    edit=True,
    fields={
        **{
            name: Field(_label(name))
            for name in (
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
            )
        },
        "active": Field(_label("active"), YesNo()),
        "source": Field(_label("source"), Choice(Source)),
        "is_primary": Field(_("primary contact"), YesNo()),
        "is_secondary": Field(_("secondary contact"), YesNo()),
    },
)
CONTACT_DELETED = Verb(
    "contact.deleted",
    "contacts.contact",
    _("%(actor)s removed %(target)s from %(within_s)s contacts"),
)

verbs_declare(CONTACT_CREATED, CONTACT_UPDATED, CONTACT_DELETED)


def contacts_named(reader, ids: set[str]) -> dict[str, Name]:
    """Contacts by name, within their client (linked when the reader may open it); a contact
    of a client outside the reader's limits is not named."""
    rows = (
        Contact.objects.for_account(reader.account_id).filter(pk__in=[i for i in ids if i.isdigit()])
        .annotate(seen=Exists(clients_visible(reader).filter(pk=OuterRef("client_id"))))
        .values_list(
            "pk", "first_name", "last_name", "deleted_at", "client_id", "client__name",
            "client__deleted_at", "seen",
        )
    )  # fmt: skip
    slug = reader.account.slug
    named = {}
    for pk, first, last, deleted_at, client_id, client, client_gone, seen in rows:
        if not seen:
            named[str(pk)] = Name(str(_("a contact you cannot see")))
            continue
        live = client_gone is None
        within = Name(client, reverse("client_detail", args=[slug, client_id]) if live else None)
        url = (
            reverse("client_contacts", args=[slug, client_id]) if live and not deleted_at else None
        )
        named[str(pk)] = Name(f"{first} {last}".strip(), url, within=within)
    return named


names_declare("contacts.contact", contacts_named, missing=_("a contact since removed"))
