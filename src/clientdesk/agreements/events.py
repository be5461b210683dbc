"""What the agreements domain records in the activity log, and how it reads (audit.verbs)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientdesk.agreements.models import Agreement, Kind
from clientdesk.audit.verbs import (
    Choice,
    Field,
    Name,
    Ref,
    Refs,
    Verb,
    label_of,
    names_declare,
    verbs_declare,
)
from clientdesk.clients.queries import clients_visible

CLIENT = Field(_("client"), Ref("clients.client"))

AGREEMENT_CREATED = Verb(
    "agreement.created",
    "agreements.agreement",
    _("%(actor)s added the agreement %(target)s for %(within)s"),
    fields={"client": CLIENT, "kind": Field(label_of(Agreement, "kind"), Choice(Kind))},
)
AGREEMENT_UPDATED = Verb(
    "agreement.updated",
    "agreements.agreement",
    _("%(actor)s changed %(target_s)s %(change)s (%(within)s)"),
    edit=True,
    fields={
        "name": Field(label_of(Agreement, "name")),
        "kind": Field(label_of(Agreement, "kind"), Choice(Kind)),
        "starts_on": Field(label_of(Agreement, "starts_on")),
        "ends_on": Field(label_of(Agreement, "ends_on")),
        "monthly_price": Field(label_of(Agreement, "monthly_price"), requires="money.read"),
        "hours": Field(label_of(Agreement, "hours")),
        "notes": Field(label_of(Agreement, "notes")),
        "contacts": Field(_("contacts covered"), Refs("contacts.contact")),
    },
)
AGREEMENT_RENEWED = Verb(
    "agreement.renewed",
    "agreements.agreement",
    _("%(actor)s renewed the agreement %(target)s (%(within)s)"),
)
AGREEMENT_ENDED = Verb(
    "agreement.ended",
    "agreements.agreement",
    _("%(actor)s ended the agreement %(target)s (%(within)s)"),
    fields={"ends_on": Field(label_of(Agreement, "ends_on"))},
)
AGREEMENT_ENDING = Verb(
    "agreement.ending",
    "agreements.agreement",
    _("The agreement %(target)s ends within 30 days (%(within)s)"),
)

verbs_declare(
    AGREEMENT_CREATED, AGREEMENT_UPDATED, AGREEMENT_RENEWED, AGREEMENT_ENDED, AGREEMENT_ENDING
)


def agreements_named(reader, ids: set[str]) -> dict[str, Name]:
    """Agreements by name, within their client; one of a client the reader cannot see is not
    named."""
    rows = (
        Agreement.objects.for_account(reader.account_id)
        .filter(pk__in=[i for i in ids if i.isdigit()])
        .annotate(seen=Exists(clients_visible(reader).filter(pk=OuterRef("client_id"))))
        .values_list("pk", "name", "client_id", "client__name", "client__deleted_at", "seen")
    )
    slug = reader.account.slug
    named = {}
    for pk, name, client_id, client, client_gone, seen in rows:
        if not seen:
            named[str(pk)] = Name(str(_("an agreement you cannot see")))
            continue
        live = client_gone is None
        within = Name(client, reverse("client_detail", args=[slug, client_id]) if live else None)
        url = reverse("client_agreements", args=[slug, client_id]) if live else None
        named[str(pk)] = Name(name, url, within=within)
    return named


names_declare("agreements.agreement", agreements_named, missing=_("an agreement since removed"))
