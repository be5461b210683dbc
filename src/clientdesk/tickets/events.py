"""What the tickets domain records in the activity log, and how it reads (audit.verbs)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientdesk.audit.verbs import (
    Choice,
    Field,
    Name,
    Ref,
    Verb,
    label_of,
    names_declare,
    verbs_declare,
)
from clientdesk.clients.queries import clients_visible
from clientdesk.tickets.models import Kind, Priority, Status, Ticket

CLIENT = Field(_("client"), Ref("clients.client"))

TICKET_CREATED = Verb(
    "ticket.created",
    "tickets.ticket",
    _("%(actor)s opened %(target)s for %(within)s"),
    fields={
        "client": CLIENT,
        "kind": Field(label_of(Ticket, "kind"), Choice(Kind)),
        "priority": Field(label_of(Ticket, "priority"), Choice(Priority)),
    },
)
TICKET_UPDATED = Verb(
    "ticket.updated",
    "tickets.ticket",
    _("%(actor)s changed %(target_s)s %(change)s (%(within)s)"),
    edit=True,
    fields={
        "title": Field(label_of(Ticket, "title")),
        "description": Field(label_of(Ticket, "description")),
        "kind": Field(label_of(Ticket, "kind"), Choice(Kind)),
        "priority": Field(label_of(Ticket, "priority"), Choice(Priority)),
        "status": Field(label_of(Ticket, "status"), Choice(Status)),
        "assignee": Field(label_of(Ticket, "assignee"), Ref("core.user")),
        "requester": Field(label_of(Ticket, "requester"), Ref("contacts.contact")),
    },
)
TICKET_REPLIED = Verb(
    "ticket.replied", "tickets.ticket", _("%(actor)s replied on %(target)s (%(within)s)")
)
TICKET_NOTED = Verb(
    "ticket.noted",
    "tickets.ticket",
    _("%(actor)s added an internal note on %(target)s (%(within)s)"),
)

TICKET_SETTINGS_UPDATED = Verb(
    "tickets.settings_updated",
    "core.account",
    _("%(actor)s changed the ticket settings: business hours, holidays or pipeline names"),
)

CLIENT_SLA_CHANGED = Verb(
    "client.sla_changed", "clients.client", _("%(actor)s changed the SLA times of %(target)s")
)

verbs_declare(
    CLIENT_SLA_CHANGED,
    TICKET_CREATED,
    TICKET_UPDATED,
    TICKET_REPLIED,
    TICKET_NOTED,
    TICKET_SETTINGS_UPDATED,
)


def tickets_named(reader, ids: set[str]) -> dict[str, Name]:
    """Tickets by number, within their client; a ticket of a client the reader cannot see is
    not named."""
    rows = (
        Ticket.objects.for_account(reader.account_id)
        .filter(pk__in=[i for i in ids if i.isdigit()])
        .annotate(seen=Exists(clients_visible(reader).filter(pk=OuterRef("client_id"))))
        .values_list("pk", "number", "title", "client_id", "client__name", "client__deleted_at", "seen")
    )  # fmt: skip
    slug = reader.account.slug
    named = {}
    for pk, number, title, client_id, client, client_gone, seen in rows:
        if not seen:
            named[str(pk)] = Name(str(_("a ticket you cannot see")))
            continue
        live = client_gone is None
        within = Name(client, reverse("client_detail", args=[slug, client_id]) if live else None)
        url = reverse("ticket_detail", args=[slug, pk]) if live else None
        named[str(pk)] = Name(f"{number} {title}", url, within=within)
    return named


names_declare("tickets.ticket", tickets_named, missing=_("a ticket since removed"))
