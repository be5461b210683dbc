"""A ticket's files: listed with their message, downloaded as attachments with a safe name;
in the portal only those of public messages; 404 for anyone who may not see the ticket."""

from django.test import Client

from clientdesk.tickets.services import reply_add, ticket_create
from tests.tickets.files import attachment_make


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_files_are_listed_and_downloaded_safely(cast):
    a = cast.portal_a
    ticket = ticket_create(client=a.client, actor=None, title="Printer")
    shown = attachment_make(ticket, name='../../etc/"passwd".png', data=b"abc")
    note = reply_add(ticket=ticket, actor=cast.technician, body="Internal", public=False)
    hidden = attachment_make(ticket, reply=note, name="internal.pdf")
    staff = browser(cast.viewer.user)
    page = staff.get(f"/a/acme/tickets/{ticket.pk}/").text
    assert "internal.pdf" in page and "passwd" in page
    got = staff.get(f"/a/acme/tickets/{ticket.pk}/files/{shown.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"abc"
    assert got["Content-Disposition"] == 'attachment; filename="passwd.png"'
    assert got["X-Content-Type-Options"] == "nosniff"
    portal = browser(a.user)
    page = portal.get(f"/portal/requests/{ticket.pk}/").text
    assert "passwd" in page and "internal.pdf" not in page
    assert portal.get(f"/portal/requests/{ticket.pk}/files/{shown.pk}/").status_code == 200
    assert portal.get(f"/portal/requests/{ticket.pk}/files/{hidden.pk}/").status_code == 404
    other = browser(cast.portal_b.user)
    assert other.get(f"/portal/requests/{ticket.pk}/files/{shown.pk}/").status_code == 404
    outsider = browser(cast.outsider.user)
    assert outsider.get(f"/a/globex/tickets/{ticket.pk}/files/{shown.pk}/").status_code == 404


def test_files_come_with_a_request_and_a_reply_checked_as_documents_are(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clientdesk.tickets.models import Ticket, TicketAttachment

    a = cast.portal_a
    portal = browser(a.user)
    sent = portal.post(
        "/portal/requests/new/",
        {
            "title": "Screen flickers",
            "priority": "normal",
            "files": [
                SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50),
                SimpleUploadedFile("notes.txt", b"since Monday"),
            ],
        },
    )
    ticket = Ticket.objects.get()
    assert sent.status_code == 302
    assert sorted(TicketAttachment.objects.filter(reply=None).values_list("name", flat=True)) == [
        "notes.txt",
        "photo.png",
    ]
    refused = portal.post(
        f"/portal/requests/{ticket.pk}/reply/",
        {"body": "Here is the tool", "files": [SimpleUploadedFile("fix.pdf", b"MZ\x90\x00rest")]},
    )
    assert refused.status_code == 400 and "program" in refused.text
    assert not ticket.replies.exists()  # the reply went with its refused file
    staff = browser(cast.technician.user)
    staff.post(
        f"/a/acme/tickets/{ticket.pk}/reply/",
        {
            "body": "Driver attached",
            "public": "1",
            "files": [SimpleUploadedFile("d.zip", b"PK\x03\x04")],
        },
    )
    reply = ticket.replies.get()
    assert [f.name for f in reply.attachments.all()] == ["d.zip"]
    page = portal.get(f"/portal/requests/{ticket.pk}/").text
    assert "d.zip" in page and "photo.png" in page
