"""POST /api/v1/inbound-email: one raw message from a mail service that forwards (DESIGN §7).

Not a bearer-token route: the account's inbound secret (Settings › Email in) comes in the
header `X-Clientdesk-Inbound-Secret`, and names the account. The body is the raw MIME message
(`message/rfc822`); integrations.inbound decides what it becomes.
"""

from django.conf import settings
from ninja import Router, Schema
from ninja import Status as Answer

from clientdesk.core.api_schemas import ErrorOut
from clientdesk.integrations.inbound import Refused, mail_receive
from clientdesk.integrations.services import inbound_secret_account

router = Router(tags=["email"])
HEADER = "HTTP_X_CLIENTDESK_INBOUND_SECRET"


class InboundOut(Schema):
    ticket_id: int
    number: str
    created: bool


def _error(status: int, detail: str, field: str = "__all__") -> Answer:
    return Answer(status, {"detail": detail, "errors": {field: [detail]}})


@router.post(
    "/inbound-email",
    auth=None,
    response={201: InboundOut, 401: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}},
        },
        "security": [],
        "parameters": [
            {
                "name": "X-Clientdesk-Inbound-Secret",
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
                "description": "The account's inbound secret (Settings › Email in).",
            }
        ],
    },
)
def inbound_email(request):
    """Thread the message onto the ticket whose number is in its subject, or open a request
    for the sender's client: 201 `{ticket_id, number, created}`, or 422 with the reason."""
    account = inbound_secret_account(request.META.get(HEADER, ""))
    if account is None:
        return _error(401, "Missing or unknown inbound secret (X-Clientdesk-Inbound-Secret).")
    limit = settings.MAILIN_MAX_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return _error(413, f"The message is larger than {limit // (1024 * 1024)} MB.")
    # Read the stream itself: request.body would stop at DATA_UPLOAD_MAX_MEMORY_SIZE, and a
    # message with attachments may be larger than a form.
    raw = request.read(limit + 1)
    if not raw.strip():
        return _error(422, "Send the raw message (message/rfc822) as the body.", "body")
    try:
        outcome = mail_receive(account=account, raw=raw)
    except Refused as refused:
        return _error(413 if len(raw) > limit else 422, refused.message)
    return Answer(
        201,
        {
            "ticket_id": outcome.ticket.pk,
            "number": outcome.ticket.number,
            "created": outcome.created,
        },
    )
