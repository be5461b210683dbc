"""Roles (DESIGN §5) and the one function that answers "may this membership do that?".

Views and API handlers never compare role names; they ask `can(membership, "capability")`.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    TECHNICIAN = "technician", _("Technician")
    VIEWER = "viewer", _("Viewer")


ROLE_ORDER = [Role.OWNER, Role.ADMIN, Role.MANAGER, Role.TECHNICIAN, Role.VIEWER]

_READ = {"account.read", "clients.read"}
_TECH = _READ | {
    "tickets.write",
    "devices.write",
    "documents.write",
    "contacts.write",
    "offboarding.tick",
    "apps.write",
}
_MANAGER = _TECH | {
    "clients.write",
    "clients.status",
    "clients.backdate",
    "clients.import",
    "clients.export",
    "clients.invite",
    "clients.offboard",
    "money.read",
    "agreements.write",
    "apps.catalog",
}
_ADMIN = _MANAGER | {
    "account.manage",
    "team.manage",
    "tokens.manage",
    "outbox.read",
    "activity.read",
    "imports.all",
}
_OWNER = _ADMIN | {"account.delete", "clients.undelete", "team.manage_owners"}

CAPABILITIES: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(_OWNER),
    Role.ADMIN: frozenset(_ADMIN),
    Role.MANAGER: frozenset(_MANAGER),
    Role.TECHNICIAN: frozenset(_TECH),
    Role.VIEWER: frozenset(_READ),
}
ALL_CAPABILITIES = frozenset(_OWNER)


def can(membership, capability: str) -> bool:
    if capability not in ALL_CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")
    return membership is not None and capability in CAPABILITIES[membership.role]


def require(membership, capability: str) -> None:
    """Raise PermissionDenied (403) when the membership lacks the capability.

    Only for objects inside the person's own account: other accounts' objects are 404 before
    a role is ever looked at.
    """
    if not can(membership, capability):
        raise PermissionDenied(_("Your role does not allow this."))
