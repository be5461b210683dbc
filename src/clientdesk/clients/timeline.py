"""A client's activity timeline in words (the Overview tab)."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from clientdesk.audit.models import Activity
from clientdesk.audit.queries import activity_for_target
from clientdesk.clients import queries
from clientdesk.clients.models import Client, Industry, Status
from clientdesk.core.roles import can


@dataclass
class Entry:
    at: object
    who: str
    verb: str
    text: str
    status_from: tuple[str, str] | None = None  # (code, label)
    status_to: tuple[str, str] | None = None
    reason: str = ""
    details: list[tuple[str, str, str]] = field(default_factory=list)


VERBS = {
    "client.created": lambda: _("created the client"),
    "client.updated": lambda: _("edited the client"),
    "client.status_changed": lambda: _("changed the status"),
    "client.archived": lambda: _("archived the client"),
    "client.restored": lambda: _("restored the client from the archive"),
    "client.deleted": lambda: _("deleted the client"),
    "client.undeleted": lambda: _("restored the deleted client"),
    "client.portal_invited": lambda: _("sent a portal invitation"),
    "client.portal_invitation_revoked": lambda: _("revoked a portal invitation"),
    "client.portal_invitation_failed": lambda: _("could not deliver the portal invitation"),
    "client.portal_accepted": lambda: _("accepted the portal invitation"),
    "client.portal_access_revoked": lambda: _("revoked portal access"),
    "client.engagement_changed": lambda: _("changed the engagement"),
}


# Billing is money: people without money.read see that it changed, never the values.
MONEY_FIELDS = frozenset(
    {"billing_email", "billing_address", "tax_id", "payment_terms", "currency"}
)


def timeline(membership, client: Client, limit: int = 50) -> list[Entry]:
    """The client's activity, newest first, in words, with the ids it logs turned into names."""
    rows = list(activity_for_target(target=client)[:limit])
    names = _names_in(membership, client, rows)
    entries = []
    for row in rows:
        changes = row.changes or {}
        entry = Entry(
            at=row.at,
            who=row.actor.display_name if row.actor else (row.actor_label or _("system")),
            verb=row.verb,
            text=VERBS[row.verb]() if row.verb in VERBS else row.verb,
        )
        if "status" in changes:
            entry.status_from, entry.status_to = (
                (code, Status(code).label) if code in Status.values else None
                for code in changes["status"]
            )
        entry.reason = (changes.get("reason") or [None, ""])[1] or ""
        if row.verb == "client.updated":
            entry.details = [
                (_label(name), _shown(name, old, names), _shown(name, new, names))
                for name, (old, new) in changes.items()
                if name not in MONEY_FIELDS or can(membership, "money.read")
            ]
        entries.append(entry)
    return entries


def _names_in(membership, client: Client, rows: list[Activity]) -> dict[str, dict[str, str]]:
    """Names for the ids the log keeps (industry, manager, parent), one query per kind."""
    wanted: dict[str, set] = {"industry": set(), "manager": set(), "parent": set()}
    for row in rows:
        for name, values in (row.changes or {}).items():
            if name in wanted:
                wanted[name] |= {v for v in values if v}
    names: dict[str, dict[str, str]] = {k: {} for k in wanted}
    if wanted["industry"]:
        for i in Industry.objects.for_account(client.account_id).filter(pk__in=wanted["industry"]):
            names["industry"][str(i.pk)] = i.name
    if wanted["manager"]:
        users = get_user_model().objects.filter(
            pk__in=wanted["manager"], memberships__account_id=client.account_id
        )
        names["manager"] = {str(u.pk): u.display_name for u in users}
    if wanted["parent"]:
        parents = queries.live_clients(membership).filter(pk__in=wanted["parent"])
        names["parent"] = {str(c.pk): str(c) for c in parents}
    return names


def _label(name: str) -> str:
    try:
        label = str(Client._meta.get_field(name).verbose_name)
    except Exception:  # a field a later issue logs, or one since removed
        label = name.replace("_", " ")
    return label[:1].upper() + label[1:]


def _shown(name: str, value, names: dict[str, dict[str, str]]) -> str:
    if value in (None, "", []):
        return "—"
    if name in names:
        return names[name].get(str(value), _("(not shown)"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
