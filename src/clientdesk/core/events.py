"""What the account and its team record in the activity log, and how people are named in it
(audit.verbs)."""

from django.utils.translation import gettext_lazy as _

from clientdesk.audit.verbs import (
    Choice,
    Field,
    Name,
    Plain,
    Refs,
    Unshown,
    Verb,
    label_of,
    names_declare,
    verbs_declare,
)
from clientdesk.core.models import Account, ClientAccess, Membership, User
from clientdesk.core.roles import Role

ROLE = Field(_("role"), Choice(Role))

ACCOUNT_CREATED = Verb(
    "account.created", "core.account", _("%(actor)s created the account %(target)s")
)
ACCOUNT_UPDATED = Verb(
    "account.updated",
    "core.account",
    _("%(actor)s changed %(target_s)s %(change)s"),
    edit=True,
    fields={
        "name": Field(label_of(Account, "name")),
        "time_zone": Field(label_of(Account, "time_zone")),
        "currency": Field(label_of(Account, "currency")),
        "ticket_number_format": Field(label_of(Account, "ticket_number_format"), Plain()),
        "account_code": Field(label_of(Account, "account_code"), Plain()),
        "default_sla": Field(label_of(Account, "default_sla"), Unshown()),
    },
)
MEMBER_ADDED = Verb(
    "member.added",
    "core.membership",
    _("%(actor)s added %(target)s to the team as %(role_new)s"),
    fields={"role": ROLE},
    by_self=_("%(actor)s joined the team as %(role_new)s"),
)
MEMBER_ROLE_CHANGED = Verb(
    "member.role_changed",
    "core.membership",
    _("%(actor)s changed %(target_s)s role from %(role_old)s to %(role_new)s"),
    fields={"role": ROLE},
)
MEMBER_REMOVED = Verb(
    "member.removed",
    "core.membership",
    _("%(actor)s removed %(target)s (%(role_old)s) from the team"),
    fields={"role": ROLE},
)
MEMBER_INVITED = Verb(
    "member.invited",
    "core.staffinvitation",
    _("%(actor)s invited %(target)s to join the team as %(role_new)s"),
    fields={"role": ROLE},
)
MEMBER_INVITATION_REVOKED = Verb(
    "member.invitation_revoked",
    "core.staffinvitation",
    _("%(actor)s withdrew the invitation of %(target)s to join the team"),
)
MEMBER_CLIENT_ACCESS_CHANGED = Verb(
    "member.client_access_changed",
    "core.membership",
    _("%(actor)s set %(target_s)s client access to %(client_access_new)s"),
    fields={
        "client_access": Field(_("client access"), Choice(ClientAccess)),
        "clients": Field(_("clients"), Refs("clients.client")),
    },
    variants=(
        (
            ("clients",),
            _("%(actor)s set %(target_s)s client access to %(client_access_new)s: %(clients_new)s"),
        ),
    ),
)
MEMBER_DETAILS_CHANGED = Verb(
    "member.details_changed",
    "core.membership",
    _("%(actor)s changed %(target_s)s %(change)s"),
    by_self=_("%(actor)s changed their %(change)s"),
    edit=True,
    fields={
        "name": Field(_("name"), Plain()),
        "email": Field(_("email address"), Plain()),
    },
)
MEMBER_PASSWORD_CHANGED = Verb(
    "member.password_changed",
    "core.membership",
    _("%(actor)s changed %(target_s)s password (other sign-ins ended)"),
    by_self=_("%(actor)s changed their password (other sign-ins ended)"),
)

verbs_declare(
    MEMBER_DETAILS_CHANGED,
    MEMBER_PASSWORD_CHANGED,
    ACCOUNT_CREATED,
    ACCOUNT_UPDATED,
    MEMBER_ADDED,
    MEMBER_ROLE_CHANGED,
    MEMBER_REMOVED,
    MEMBER_INVITED,
    MEMBER_INVITATION_REVOKED,
    MEMBER_CLIENT_ACCESS_CHANGED,
)


def _ints(ids: set[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def people_named(reader, ids: set[str]) -> dict[str, Name]:
    """People by name: the account's members (a person who has left reads as such)."""
    users = User.objects.filter(pk__in=_ints(ids), memberships__account_id=reader.account_id)
    return {str(u.pk): Name(u.display_name, person_id=u.pk) for u in users}


def members_named(reader, ids: set[str]) -> dict[str, Name]:
    members = (
        Membership.objects.for_account(reader.account_id)
        .filter(pk__in=_ints(ids))
        .select_related("user")
    )
    return {str(m.pk): Name(m.user.display_name, person_id=m.user_id) for m in members}


names_declare("core.user", people_named, missing=_("a former team member"))
names_declare("core.membership", members_named, missing=_("a former team member"))
