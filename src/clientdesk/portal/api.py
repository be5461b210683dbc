"""The portal in the API (DESIGN §7): `POST /clients/{id}/invite`."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as Answer

from clientdesk.clients import queries
from clientdesk.contacts import queries as contact_queries
from clientdesk.core.api_schemas import MAX_ID, ErrorOut, Id, Strict, documented_body, read_body
from clientdesk.core.roles import require
from clientdesk.portal.services import CannotInvite, delivery_state, portal_invite

router = Router(tags=["clients"])

WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class InviteIn(Strict):
    contact_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Any contact of this client with an email; default: the primary contact.",
    )


class InvitationOut(Schema):
    id: int
    contact_id: int
    email: str
    expires_at: datetime
    state: Literal["queued", "sent", "outbox", "failed"] = Field(
        description="The invitation email's delivery: queued (retried while the mail server is "
        "down), sent, outbox (no mail server configured: kept for staff to read) or failed."
    )


@router.post(
    "/clients/{client_id}/invite",
    response={201: InvitationOut, **WRITE},
    openapi_extra=documented_body(InviteIn, required=False),
)
def client_invite(request, client_id: Id):
    """Email a portal invitation: to the primary contact, or to `contact_id`.

    The link sets a password, works once and expires after 7 days; sending again revokes the
    contact's older link. 409 (with the reason under `errors.email`) when there is no primary
    contact or the contact has no email. Managers and above.
    """
    client = queries.get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.invite")
    payload = read_body(InviteIn, request)
    contact = None
    if payload.contact_id is not None:
        contact = (
            contact_queries.live_contacts(request.membership)
            .filter(client_id=client.pk, pk=payload.contact_id)
            .first()
        )
        if contact is None:
            raise ValidationError(
                {
                    "contact_id": _("No contact with id %(id)s at this client.")
                    % {"id": payload.contact_id}
                }
            )
    try:
        invitation = portal_invite(client=client, actor=request.membership, contact=contact)
    except CannotInvite as exc:
        reasons = exc.message_dict.get("email", exc.messages)
        return Answer(409, {"detail": " ".join(reasons), "errors": {"email": reasons}})
    return Answer(
        201,
        {
            "id": invitation.pk,
            "contact_id": invitation.contact_id,
            "email": invitation.email,
            "expires_at": invitation.expires_at,
            "state": delivery_state(invitation.message),
        },
    )
