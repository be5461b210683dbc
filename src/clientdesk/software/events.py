"""What the software domain records in the activity log, and how it reads (audit.verbs); and
what it hears of the other domains' writes, to keep the opportunities (audit.events.watch)."""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientdesk.audit.events import Event
from clientdesk.audit.verbs import (
    Choice,
    Field,
    Name,
    Plain,
    Verb,
    YesNo,
    label_of,
    names_declare,
    verbs_declare,
)
from clientdesk.software.models import Application, Category, ClientApp

APP = Field(_("application"), Plain(120))

APPLICATION_CREATED = Verb(
    "application.created",
    "software.application",
    _("%(actor)s added %(target)s to the application catalog"),
    fields={"category": Field(label_of(Application, "category"), Choice(Category))},
)
APPLICATION_UPDATED = Verb(
    "application.updated",
    "software.application",
    _("%(actor)s changed %(target_s)s %(change)s"),
    edit=True,
    fields={
        "name": Field(label_of(Application, "name")),
        "category": Field(label_of(Application, "category"), Choice(Category)),
        "vendor": Field(label_of(Application, "vendor")),
        "project_value": Field(label_of(Application, "project_value"), requires="money.read"),
        "monthly_price_per_user": Field(
            label_of(Application, "monthly_price_per_user"), requires="money.read"
        ),
        "baseline": Field(label_of(Application, "baseline"), YesNo()),
        "baseline_industries": Field(label_of(Application, "baseline_industries"), Plain(200)),
    },
)
APPLICATION_DELETED = Verb(
    "application.deleted",
    "software.application",
    _("%(actor)s removed %(target)s from the application catalog"),
)
CLIENT_APP_ADDED = Verb(
    "client_app.added",
    "clients.client",
    _("%(actor)s added %(application_new)s to the apps of %(target)s"),
    fields={"application": APP, "problematic": Field(_("problematic"), YesNo())},
)
CLIENT_APP_UPDATED = Verb(
    "client_app.updated",
    "clients.client",
    _("%(actor)s changed the app %(application_new)s of %(target)s"),
    fields={
        "application": APP,
        "problematic": Field(label_of(ClientApp, "problematic"), YesNo()),
        "note": Field(label_of(ClientApp, "note"), Plain(200)),
    },
)
CLIENT_APP_REMOVED = Verb(
    "client_app.removed",
    "clients.client",
    _("%(actor)s removed %(application_old)s from the apps of %(target)s"),
    fields={"application": APP},
)

verbs_declare(
    APPLICATION_CREATED,
    APPLICATION_UPDATED,
    APPLICATION_DELETED,
    CLIENT_APP_ADDED,
    CLIENT_APP_UPDATED,
    CLIENT_APP_REMOVED,
)


def applications_named(reader, ids: set[str]) -> dict[str, Name]:
    rows = (
        Application.objects.for_account(reader.account_id)
        .filter(pk__in=[i for i in ids if i.isdigit()])
        .values_list("pk", "name")
    )
    url = reverse("application_list", args=[reader.account.slug])
    return {str(pk): Name(name, url) for pk, name in rows}


names_declare("software.application", applications_named, missing=_("an application since removed"))


# What the other domains' writes change of the opportunities --------------------------------

CLIENT_VERBS = {"client.created", "client.deleted", "client.undeleted"}
CONTACT_VERBS = {"contact.created", "contact.deleted", "contact.updated"}
ACCOUNT_VERBS = {"industry.merged", "industry.deleted"}  # clients' industries change at once


def changes_heard(events: list[Event]) -> None:
    """Inside the writer's transaction: recompute the opportunities its entries touch."""
    from clientdesk.contacts.models import Contact
    from clientdesk.software.opportunity import (
        catalog_changed,
        opportunities_created,
        opportunities_recompute,
    )

    clients: dict[int, set[int]] = defaultdict(set)
    created: dict[int, set[int]] = defaultdict(set)  # new clients: a cheaper path, same figures
    contacts: dict[int, set[int]] = defaultdict(set)
    whole: set[int] = set()
    for e in events:
        if e.verb in ACCOUNT_VERBS:
            whole.add(e.account_id)
        elif e.verb == "client.created":
            created[e.account_id].add(int(e.target_id))
        elif e.verb == "contact.created" and (client_id := _new_client(e.changes)):
            clients[e.account_id].add(client_id)  # its client, named in the entry
        elif e.verb in CLIENT_VERBS or (
            e.verb == "client.updated" and {"industry", "parent"} & e.changes.keys()
        ):
            clients[e.account_id].add(int(e.target_id))
            old_parent = e.changes.get("parent", [None])[0]
            if old_parent:
                clients[e.account_id].add(int(old_parent))
        elif e.verb in CONTACT_VERBS and (
            e.verb != "contact.updated" or {"client", "active"} & e.changes.keys()
        ):
            contacts[e.account_id].add(int(e.target_id))
            old_client = e.changes.get("client", [None])[0]
            if old_client:
                clients[e.account_id].add(int(old_client))
    for account_id, ids in contacts.items():
        rows = Contact.objects.for_account(account_id).filter(pk__in=ids)
        clients[account_id] |= set(rows.values_list("client_id", flat=True))
    for account_id in whole:
        catalog_changed(account_id)
    for account_id, ids in created.items():
        if account_id not in whole:
            opportunities_created(account_id, ids)
    for account_id, ids in clients.items():
        ids -= created.get(account_id, set())  # their contacts, counted just now
        if account_id not in whole and ids:
            # Every live client keeps a row, catalog or not: the list sorts through it.
            opportunities_recompute(account_id, ids)


def _new_client(changes: dict) -> int | None:
    """The client a created contact's entry names (contact_create and the imports log it)."""
    pair = changes.get("client")
    if isinstance(pair, list | tuple) and len(pair) == 2 and str(pair[1]).isdigit():
        return int(pair[1])
    return None
