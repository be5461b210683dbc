"""What the clients domain records in the activity log, and how it reads (audit.verbs)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientdesk.audit.verbs import (
    Choice,
    Field,
    Items,
    Name,
    Plain,
    Ref,
    Verb,
    When,
    label_of,
    names_declare,
    verbs_declare,
)
from clientdesk.clients.models import Client, Engagement, Industry, Status
from clientdesk.clients.queries import clients_visible
from clientdesk.core.roles import can


def _label(name: str):
    return label_of(Client, name)


def _money(name: str) -> Field:
    # Billing is money: people without money.read see that it changed, never the values.
    return Field(_label(name), requires="money.read")


STATUS = Field(_label("status"), Choice(Status, badge="status"))
ENGAGEMENT = Field(_label("engagement"), Choice(Engagement, badge="engagement"))
AT = Field(_("date"), When())  # a status given a past date: when it really happened
PRIMARY_CONTACT = Field(_("primary contact"))  # an import names it by email

CLIENT_CREATED = Verb(
    "client.created",
    "clients.client",
    _("%(actor)s created %(target)s as %(status_new)s"),
    fields={
        "status": STATUS,
        "engagement": ENGAGEMENT,
        "at": AT,
        "primary_contact": PRIMARY_CONTACT,
    },
    variants=((("at",), _("%(actor)s created %(target)s as %(status_new)s since %(at_new)s")),),
)
CLIENT_UPDATED = Verb(
    "client.updated",
    "clients.client",
    _("%(actor)s changed %(target_s)s %(change)s"),
    edit=True,
    fields={
        "prefix": Field(_label("prefix")),
        "name": Field(_label("name")),
        "description": Field(_label("description")),
        "industry": Field(_label("industry"), Ref("clients.industry")),
        "manager": Field(_label("manager"), Ref("core.user")),
        "parent": Field(_label("parent"), Ref("clients.client")),
        "license": Field(_label("license")),
        "email_domains": Field(_label("email_domains"), Items()),
        "tags": Field(_("tags"), Items()),
        "primary_contact": PRIMARY_CONTACT,
        "billing_email": _money("billing_email"),
        "billing_address": _money("billing_address"),
        "tax_id": _money("tax_id"),
        "payment_terms": _money("payment_terms"),
        "currency": _money("currency"),
    },
)
CLIENT_STATUS_CHANGED = Verb(
    "client.status_changed",
    "clients.client",
    _("%(actor)s moved %(target)s from %(status_old)s to %(status_new)s"),
    fields={"status": STATUS, "reason": Field(_("reason"), Plain(500)), "at": AT},
    variants=(
        (
            ("at", "reason"),
            _(
                "%(actor)s moved %(target)s from %(status_old)s to %(status_new)s as of "
                "%(at_new)s: %(reason_new)s"
            ),
        ),
        (
            ("reason",),
            _("%(actor)s moved %(target)s from %(status_old)s to %(status_new)s: %(reason_new)s"),
        ),
        (
            ("at",),
            _("%(actor)s moved %(target)s from %(status_old)s to %(status_new)s as of %(at_new)s"),
        ),
    ),
)
CLIENT_ARCHIVED = Verb("client.archived", "clients.client", _("%(actor)s archived %(target)s"))
CLIENT_RESTORED = Verb(
    "client.restored", "clients.client", _("%(actor)s took %(target)s out of the archive")
)
CLIENT_DELETED = Verb("client.deleted", "clients.client", _("%(actor)s deleted %(target)s"))
CLIENT_UNDELETED = Verb(
    "client.undeleted",
    "clients.client",
    _("%(actor)s undid the deletion of %(target)s"),
    # When it had been deleted (the entry of that deletion may be far back in the log).
    fields={"deleted_at": Field(_("deleted on"), When())},
    variants=(
        (("deleted_at",), _("%(actor)s restored %(target)s, deleted on %(deleted_at_new)s")),
    ),
)

verbs_declare(
    CLIENT_CREATED,
    CLIENT_UPDATED,
    CLIENT_STATUS_CHANGED,
    CLIENT_ARCHIVED,
    CLIENT_RESTORED,
    CLIENT_DELETED,
    CLIENT_UNDELETED,
)


def _ints(ids: set[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def clients_named(reader, ids: set[str]) -> dict[str, Name]:
    """Clients by name, linked to their page when the reader may open it; a client outside
    the reader's limits is not named."""
    rows = (
        Client.objects.for_account(reader.account_id)
        .filter(pk__in=_ints(ids))
        .annotate(seen=Exists(clients_visible(reader).filter(pk=OuterRef("pk"))))
        .values_list("pk", "name", "deleted_at", "seen")
    )
    slug = reader.account.slug
    # A deleted client's page is there for those who may restore it (owners), a 404 to others.
    opens_deleted = can(reader, "clients.undelete")
    named = {}
    for pk, name, deleted_at, seen in rows:
        if not seen:
            named[str(pk)] = Name(str(_("a client you cannot see")))
        elif deleted_at is not None and not opens_deleted:
            named[str(pk)] = Name(name)
        else:
            named[str(pk)] = Name(name, reverse("client_detail", args=[slug, pk]))
    return named


def industries_named(reader, ids: set[str]) -> dict[str, Name]:
    rows = Industry.objects.for_account(reader.account_id).filter(pk__in=_ints(ids))
    return {str(i.pk): Name(i.name) for i in rows}


names_declare("clients.client", clients_named, missing=_("a client since removed"))
names_declare("clients.industry", industries_named, missing=_("an industry since removed"))


# The account's industries (Settings › Industries): the target is the industry, whose name the
# entry keeps, as a removed one can no longer be looked up.
INDUSTRY_NAME = Field(_("name"))
INDUSTRY_CREATED = Verb(
    "industry.created",
    "clients.industry",
    _("%(actor)s added the industry %(name_new)s"),
    fields={"name": INDUSTRY_NAME},
)
INDUSTRY_RENAMED = Verb(
    "industry.renamed",
    "clients.industry",
    _("%(actor)s renamed the industry %(name_old)s to %(name_new)s"),
    fields={"name": INDUSTRY_NAME},
)
INDUSTRY_MERGED = Verb(
    "industry.merged",
    "clients.industry",
    _("%(actor)s merged the industry %(name_old)s into %(into_new)s (%(clients_new)s clients)"),
    fields={
        "name": INDUSTRY_NAME,
        "into": Field(_("into"), Ref("clients.industry")),
        "clients": Field(_("clients")),
    },
)
INDUSTRY_DELETED = Verb(
    "industry.deleted",
    "clients.industry",
    _("%(actor)s deleted the industry %(name_old)s"),
    fields={"name": INDUSTRY_NAME},
)
verbs_declare(INDUSTRY_CREATED, INDUSTRY_RENAMED, INDUSTRY_MERGED, INDUSTRY_DELETED)
