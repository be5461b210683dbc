"""Bringing a client in: the client, its primary contact and — when engaged — its portal
invitation, as one write (DESIGN §2). Add manually, Invite client, `POST /api/v1/clients`
and the import all go through here, so the rules hold the same everywhere.

The contact's errors come back under `primary_contact.<field>` (the API's names); the pages
put them on their own fields.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clientdesk.clients.models import Client, Engagement
from clientdesk.clients.services import client_create
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from clientdesk.core.actors import actor_member
from clientdesk.core.roles import require
from clientdesk.portal.models import PortalInvitation
from clientdesk.portal.services import portal_invite

CONTACT_FIELDS = ("first_name", "last_name", "email", "phone")


@dataclass
class Onboarded:
    client: Client
    contact: Contact | None
    invitation: PortalInvitation | None


@transaction.atomic
def client_onboard(
    *,
    account,
    actor,
    engagement: str = Engagement.SILENT,
    primary_contact: dict[str, Any] | None = None,
    **client_fields: Any,
) -> Onboarded:
    """Create the client (client_create's fields), then its primary contact, then the
    invitation when `engagement` is engaged. Anything refused leaves nothing behind."""
    engaged = engagement == Engagement.ENGAGED
    member = actor_member(actor)
    if engaged and member is not None:
        require(member, "clients.invite")
    if engaged and not (primary_contact or {}).get("email"):
        raise ValidationError(
            {
                "primary_contact.email": _(
                    "An engaged client needs its primary contact's email: the invitation goes there."
                )
            }
        )
    # It starts silent; the invitation below makes it access_sent (engagement says what the
    # client has, not what was asked for).
    client = client_create(
        account=account,
        actor=actor,
        engagement=Engagement.SILENT,
        **client_fields,
    )
    contact = invitation = None
    if primary_contact:
        fields: dict[str, Any] = {f: primary_contact.get(f) or "" for f in CONTACT_FIELDS}
        try:
            contact = contact_create(client=client, actor=actor, is_primary=True, **fields)
            if engaged:
                invitation = portal_invite(client=client, actor=actor, contact=contact)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise ValidationError(
                {f"primary_contact.{name}": errors for name, errors in exc.message_dict.items()}
            ) from None
        client.refresh_from_db()
    return Onboarded(client=client, contact=contact, invitation=invitation)
