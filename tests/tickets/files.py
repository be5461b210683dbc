"""A file on a ticket, for tests: stored as mail-in stores them."""

from django.core.files.base import ContentFile

from clientdesk.tickets.models import TicketAttachment


def attachment_make(
    ticket, *, reply=None, name="photo.png", data=b"\x89PNG fake"
) -> TicketAttachment:
    attachment = TicketAttachment(
        account_id=ticket.account_id,
        client_id=ticket.client_id,
        ticket=ticket,
        reply=reply,
        name=name,
        content_type="image/png",
        size=len(data),
    )
    attachment.file.save("stored.bin", ContentFile(data), save=False)
    attachment.save()
    return attachment
