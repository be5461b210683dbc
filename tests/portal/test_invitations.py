"""Portal invitations from the staff side (issue 4, points 3 and 5): the Invite button and its
reasons, the portal panel with Resend and Revoke, the Contacts tab's portal state, Add client's
Engaged and Invite client, engagement silent → access_sent → engaged → silent, real SMTP
delivery (and failure), and links that are expired, reused or tampered with."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientdesk.audit.models import Activity
from clientdesk.clients.models import Client as ClientModel
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create, contact_update
from clientdesk.core.models import Message
from clientdesk.portal.models import PortalAccess, PortalInvitation
from clientdesk.portal.services import portal_invitation_accept, portal_invite
from tests.audit.reading import entries, sentence
from tests.clients.factories import make_client
from tests.core.test_emails import free_port, smtp  # noqa: F401 - the real SMTP server fixture

PASSWORD = "Correct-Horse-42-Battery"
LINK = re.compile(r"https?://[^\s\"<>]+/portal/invitations/([^/\s\"<>]+)/")


def web(membership=None) -> Client:
    client = Client()
    if membership is not None:
        client.force_login(membership.user)
    return client


def page_url(client, rest: str = "") -> str:
    return f"/a/acme/clients/{client.pk}/{rest}"


def engagement(client) -> str:
    return ClientModel.objects.get(pk=client.pk).engagement


@pytest.fixture
def harbour(cast):
    return make_client(cast, prefix="HBR", name="Harbour Dental")


def add(client, first, email="", **fields):
    return contact_create(client=client, actor=None, first_name=first, email=email, **fields)


def received_link(smtp, index=-1) -> tuple[str, str]:  # noqa: F811
    """The invitation link (path, token) from a message the SMTP server received."""
    mail = smtp.messages[index][1]
    text = mail.get_body(("plain",)).get_content()
    match = LINK.search(text)
    assert match, text
    html = mail.get_body(("html",)).get_content()
    assert match.group(1) in html  # the HTML part carries the same link
    return f"/portal/invitations/{match.group(1)}/", match.group(1)


def accept(path: str) -> "Client":
    person = web()
    assert person.get(path).status_code == 200
    response = person.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == reverse("portal_home")
    return person


# The Invite button and its reasons ------------------------------------------------------------


def invite_button(page: str) -> str:
    match = re.search(r"<button[^>]*data-invite[^>]*>", page)
    assert match, "no Invite button"
    return match.group(0)


def test_without_a_primary_contact_invite_is_disabled_with_the_reason_beside_it(cast, harbour):
    page = web(cast.manager).get(page_url(harbour)).text
    button = invite_button(page)
    assert "disabled" in button and 'title="Add a primary contact with an email' in button
    assert re.search(r'id="invite-blocker"[^>]*>Add a primary contact with an email', page)


def test_a_primary_without_email_disables_invite_naming_the_email(cast, harbour):
    add(harbour, "Nora", is_primary=True)
    page = web(cast.manager).get(page_url(harbour)).text
    button = invite_button(page)
    assert "disabled" in button and "Nora has no email address" in button
    assert re.search(r'id="invite-blocker"[^>]*>Nora has no email address', page)


def test_with_a_primary_email_invite_is_a_button_that_sends(cast, harbour):
    add(harbour, "Ana", "ana@harbour.example")
    manager = web(cast.manager)
    page = manager.get(page_url(harbour)).text
    assert "disabled" not in invite_button(page)
    response = manager.post(page_url(harbour, "invite/"))
    assert response.status_code == 302 and response["Location"] == page_url(harbour)
    invitation = PortalInvitation.objects.get()
    assert invitation.email == "ana@harbour.example" and invitation.is_open
    assert engagement(harbour) == "access_sent"
    page = manager.get(page_url(harbour)).text
    assert "The portal invitation is on its way to ana@harbour.example" in page
    assert re.search(rf'data-invitation="{invitation.pk}" data-delivery="queued"', page)


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_only_those_who_may_invite_see_or_use_invite(cast, harbour, role):
    add(harbour, "Ana", "ana@harbour.example")
    member = web(cast.member(role))
    assert "data-invite" not in member.get(page_url(harbour)).text
    assert member.post(page_url(harbour, "invite/")).status_code == 403
    assert not PortalInvitation.objects.exists()


def test_another_accounts_client_is_404_for_invite(cast, harbour):
    add(harbour, "Ana", "ana@harbour.example")
    outsider = web(cast.outsider)
    assert outsider.post(page_url(harbour, "invite/")).status_code == 404
    assert outsider.post(f"/a/globex/clients/{harbour.pk}/invite/").status_code == 404
    assert not PortalInvitation.objects.exists()


# The portal panel: delivery, Resend, Revoke -----------------------------------------------------


def test_the_panel_lists_open_invitations_and_portal_users_with_their_actions(cast, harbour):
    ana = add(harbour, "Ana", "ana@harbour.example")
    bob = add(harbour, "Bob", "bob@harbour.example")
    portal_invite(client=harbour, actor=cast.manager.user, contact=ana)
    invitation = portal_invite(client=harbour, actor=cast.manager.user, contact=bob)
    portal_invitation_accept(invitation=invitation, password=PASSWORD)
    page = web(cast.manager).get(page_url(harbour)).text
    panel = re.search(r"<section[^>]*data-portal-panel.*?</section>", page, re.S).group(0)
    panel = sentence(panel)  # as it reads: an address's parts are spans
    assert "ana@harbour.example" in panel and "Resend" in panel and "Revoke" in panel
    assert "bob@harbour.example" in panel and "Revoke access" in panel
    viewer = web(cast.viewer).get(page_url(harbour)).text
    assert "ana@harbour.example" in viewer and "data-resend" not in viewer


def test_resend_sends_a_new_link_and_the_older_one_stops_working(cast, harbour, smtp, run_tasks):  # noqa: F811
    add(harbour, "Ana", "ana@harbour.example")
    manager = web(cast.manager)
    manager.post(page_url(harbour, "invite/"))
    run_tasks()
    old_path, _ = received_link(smtp)
    first = PortalInvitation.objects.get()
    response = manager.post(page_url(harbour, f"portal/invitations/{first.pk}/resend/"))
    assert response.status_code == 302
    run_tasks()
    new_path, _ = received_link(smtp)
    assert len(smtp.messages) == 2 and new_path != old_path
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert web().get(old_path).status_code == 404
    accept(new_path)
    assert engagement(harbour) == "engaged"


def test_revoking_every_invitation_and_portal_user_returns_the_client_to_silent(cast, harbour):
    ana = add(harbour, "Ana", "ana@harbour.example")
    bob = add(harbour, "Bob", "bob@harbour.example")
    manager = web(cast.manager)
    assert engagement(harbour) == "silent"
    manager.post(page_url(harbour, "invite/"), {"contact": ana.pk})
    manager.post(page_url(harbour, "invite/"), {"contact": bob.pk})
    assert engagement(harbour) == "access_sent"
    bobs = PortalInvitation.objects.get(contact=bob)
    access = portal_invitation_accept(invitation=bobs, password=PASSWORD)
    assert engagement(harbour) == "engaged"
    anas = PortalInvitation.objects.get(contact=ana)
    manager.post(page_url(harbour, f"portal/invitations/{anas.pk}/revoke/"))
    assert engagement(harbour) == "engaged"  # Bob still uses the portal
    manager.post(page_url(harbour, f"portal/users/{access.pk}/revoke/"))
    assert engagement(harbour) == "silent"
    assert not PortalAccess.objects.filter(active=True).exists()
    page = manager.get(page_url(harbour)).text
    assert "no longer has access" in page
    assert "Nobody at this client has been invited" in page


def test_another_clients_invitation_cannot_be_revoked_through_this_one(cast, harbour):
    other = make_client(cast, prefix="OTH")
    add(other, "Olga", "olga@other.example")
    invitation = portal_invite(client=other, actor=None)
    add(harbour, "Ana", "ana@harbour.example")
    manager = web(cast.manager)
    url = page_url(harbour, f"portal/invitations/{invitation.pk}/revoke/")
    assert manager.post(url).status_code == 404
    assert PortalInvitation.objects.get(pk=invitation.pk).is_open


# Email delivery over SMTP -----------------------------------------------------------------------


def test_the_invitation_reaches_the_contact_and_its_link_sets_a_password(
    cast,
    harbour,
    smtp,  # noqa: F811
    run_tasks,
):
    add(harbour, "Ana", "ana@harbour.example", is_primary=True)
    web(cast.manager).post(page_url(harbour, "invite/"))
    run_tasks()
    [(rcpt, mail)] = smtp.messages
    assert rcpt == ["ana@harbour.example"]
    assert mail["From"].addresses[0].display_name == "Acme IT via Clientdesk"
    path, token = received_link(smtp)
    message = Message.objects.get()
    assert message.state == "sent" and token not in message.body_text  # cut after delivery
    person = accept(path)
    assert engagement(harbour) == "engaged"
    access = PortalAccess.objects.get()
    assert access.user.email == "ana@harbour.example" and access.user.check_password(PASSWORD)
    assert person.session["portal_client_id"] == harbour.pk
    page = web(cast.manager).get(page_url(harbour)).text
    assert re.search(rf'data-portal-user="{access.pk}"', page)
    assert "ana@harbour.example" in page


def test_smtp_down_retries_then_shows_failed_with_resend_and_on_the_timeline(
    cast, harbour, settings, run_tasks
):
    settings.EMAIL_URL = "smtp://127.0.0.1:1"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_RETRY_SECONDS = 0
    settings.EMAIL_MAX_ATTEMPTS = 3
    add(harbour, "Ana", "ana@harbour.example")
    manager = web(cast.manager)
    manager.post(page_url(harbour, "invite/"))
    page = manager.get(page_url(harbour)).text
    assert 'data-delivery="queued"' in page  # not lost: waiting for the server
    run_tasks()
    message = Message.objects.get()
    assert (message.state, message.attempts) == ("failed", 3)
    failures = Activity.objects.filter(verb="client.portal_invitation_failed")
    assert failures.count() == 1  # recorded by the worker as it gave up, before anyone looks
    invitation = PortalInvitation.objects.get()
    page = manager.get(page_url(harbour)).text
    row = re.search(rf'<tr data-invitation="{invitation.pk}".*?</tr>', page, re.S).group(0)
    assert 'data-delivery="failed"' in row and "Failed" in row
    assert "could not be delivered after 3 attempts" in row
    assert "data-resend" in row
    assert failures.count() == 1  # reading the page writes nothing
    timeline = manager.get(page_url(harbour)).text
    assert (
        "Clientdesk could not deliver Harbour Dental's portal invitation to ana@harbour.example"
        in entries(timeline)
    )
    # The server is back: Resend delivers a new link.
    settings.EMAIL_URL = ""
    response = manager.post(page_url(harbour, f"portal/invitations/{invitation.pk}/resend/"))
    assert response.status_code == 302
    run_tasks()
    fresh = PortalInvitation.objects.exclude(pk=invitation.pk).get()
    assert fresh.is_open and fresh.message.state == "sent"
    assert 'data-delivery="outbox"' in manager.get(page_url(harbour)).text


# Links that must be refused ---------------------------------------------------------------------


@pytest.fixture
def sent(cast, harbour, smtp, run_tasks):  # noqa: F811
    add(harbour, "Ana", "ana@harbour.example")
    portal_invite(client=harbour, actor=cast.manager.user)
    run_tasks()
    return received_link(smtp)


def test_a_used_link_is_refused_the_second_time(sent):
    path, _token = sent
    accept(path)
    again = web()
    assert again.get(path).status_code == 404
    response = again.post(
        path, {"new_password1": "Other-Pass-99x", "new_password2": "Other-Pass-99x"}
    )
    assert response.status_code == 404
    assert PortalAccess.objects.count() == 1


def test_an_expired_link_is_refused(sent):
    path, _token = sent
    PortalInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    person = web()
    assert person.get(path).status_code == 404
    response = person.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 404 and not PortalAccess.objects.exists()


def test_an_invitation_lives_seven_days(sent):
    invitation = PortalInvitation.objects.get()
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)


@pytest.mark.parametrize("tamper", ["flip", "short", "long", "other"])
def test_a_tampered_link_is_refused(sent, tamper):
    _path, token = sent
    forged = {
        "flip": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "short": token[:-4],
        "long": token + "x",
        "other": "not-a-token",
    }[tamper]
    person = web()
    assert person.get(f"/portal/invitations/{forged}/").status_code == 404
    response = person.post(
        f"/portal/invitations/{forged}/", {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 404 and not PortalAccess.objects.exists()


def test_the_token_is_stored_hashed(sent):
    _path, token = sent
    invitation = PortalInvitation.objects.get()
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64


# The Contacts tab -------------------------------------------------------------------------------


def test_the_contacts_tab_shows_each_contacts_portal_state_and_invites_any_of_them(cast, harbour):
    ana = add(harbour, "Ana", "ana@harbour.example")
    bob = add(harbour, "Bob", "bob@harbour.example")
    cleo = add(harbour, "Cleo")  # no email: nothing to invite
    invitation = portal_invite(client=harbour, actor=None, contact=ana)
    portal_invitation_accept(invitation=invitation, password=PASSWORD)
    manager = web(cast.manager)
    page = manager.get(page_url(harbour, "contacts/")).text

    def cell(contact):
        row = re.search(rf'<tr data-contact="{contact.pk}".*?</tr>', page, re.S).group(0)
        return re.search(r'<td class="col-portal".*?</td>', row, re.S).group(0)

    assert 'data-portal-state="active"' in cell(ana) and "data-invite-contact" not in cell(ana)
    assert 'data-portal-state="none"' in cell(bob) and f'data-invite-contact="{bob.pk}"' in cell(
        bob
    )
    assert 'data-portal-state="none"' in cell(cleo) and "data-invite-contact" not in cell(cleo)

    response = manager.post(
        page_url(harbour, "invite/"),
        {"contact": bob.pk, "back": "contacts", "return_query": "sort=name"},
    )
    assert response["Location"] == page_url(harbour, "contacts/?sort=name")
    assert PortalInvitation.objects.get(contact=bob).is_open  # Bob is not the primary
    page = manager.get(page_url(harbour, "contacts/")).text
    assert 'data-portal-state="invited"' in cell(bob)
    assert (
        "data-invite-contact" not in web(cast.technician).get(page_url(harbour, "contacts/")).text
    )


def test_a_contact_of_another_client_cannot_be_invited_through_this_one(cast, harbour):
    other = make_client(cast, prefix="OTH")
    olga = add(other, "Olga", "olga@other.example")
    add(harbour, "Ana", "ana@harbour.example")
    response = web(cast.manager).post(page_url(harbour, "invite/"), {"contact": olga.pk})
    assert response.status_code == 404
    assert not PortalInvitation.objects.exists()


def test_the_invitation_follows_the_primary_after_it_changes(cast, harbour):
    ana = add(harbour, "Ana", "ana@harbour.example")
    bob = add(harbour, "Bob", "bob@harbour.example")
    contact_update(contact=bob, actor=None, version=None, is_primary=True)
    assert list(Contact.objects.filter(client=harbour, is_primary=True)) == [bob]
    web(cast.manager).post(page_url(harbour, "invite/"))
    assert PortalInvitation.objects.get().contact == bob
    del ana


# Add client: Engaged, and Invite client -----------------------------------------------------------


def test_invite_client_creates_the_client_its_primary_contact_and_the_invitation(
    cast,
    smtp,  # noqa: F811
    run_tasks,
):
    manager = web(cast.manager)
    form = manager.get("/a/acme/clients/invite/")
    assert form.status_code == 200
    for name in ("name", "prefix", "first_name", "last_name", "email"):
        assert f'name="{name}"' in form.text
    response = manager.post(
        "/a/acme/clients/invite/",
        {
            "name": "Lighthouse Law",
            "prefix": "lhl",
            "first_name": "Lia",
            "last_name": "Moss",
            "email": "Lia@Lighthouse.example",
        },
    )
    assert response.status_code == 302
    client = ClientModel.objects.get(prefix="LHL")
    assert (client.name, client.status, client.engagement) == (
        "Lighthouse Law",
        "invited",
        "access_sent",
    )
    contact = Contact.objects.get(client=client)
    assert (contact.full_name, contact.email, contact.is_primary) == (
        "Lia Moss",
        "lia@lighthouse.example",
        True,
    )
    assert response["Location"] == page_url(client)
    assert "on its way to lia@lighthouse.example" in manager.get(response["Location"]).text
    run_tasks()
    path, _ = received_link(smtp)
    accept(path)
    assert engagement(client) == "engaged"


def test_invite_client_refusals_leave_nothing_behind(cast):
    make_client(cast, prefix="TAKEN")
    manager = web(cast.manager)
    response = manager.post(
        "/a/acme/clients/invite/",
        {"name": "Second", "prefix": "taken", "first_name": "Al", "email": "al@x.example"},
    )
    assert response.status_code == 400
    assert "already uses TAKEN" in " ".join(response.context["form"].errors["prefix"])
    response = manager.post(
        "/a/acme/clients/invite/",
        {"name": "Third", "prefix": "THIRD", "first_name": "Al", "email": "not-an-email"},
    )
    assert response.status_code == 400 and "email" in response.context["form"].errors
    assert not ClientModel.objects.filter(prefix__in=["THIRD"]).exists()
    assert not Contact.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_invite_client_needs_the_right_to_invite(cast, role):
    member = web(cast.member(role))
    assert member.get("/a/acme/clients/invite/").status_code == 403
    assert "/clients/invite/" not in member.get("/a/acme/clients/").text


def test_add_manually_as_engaged_with_a_bad_email_for_the_contact_saves_nothing(cast):
    response = web(cast.manager).post(
        "/a/acme/clients/new/",
        {
            "prefix": "ENG",
            "name": "Engaged Co",
            "status": "active",
            "engagement": "engaged",
            "primary_email": "boss@",
        },
    )
    assert response.status_code == 400
    assert not ClientModel.objects.exists() and not Message.objects.exists()


def test_the_daily_run_sets_clients_whose_invitations_lapsed_back_to_silent(cast, harbour):
    from io import StringIO

    from django.core.management import call_command

    add(harbour, "Ana", email="ana@harbour.example", is_primary=True)
    invitation = portal_invite(client=harbour, actor=cast.manager)
    busy = make_client(cast, prefix="BSY", name="Busy Ltd")
    add(busy, "Bo", email="bo@busy.example", is_primary=True)
    portal_invite(client=busy, actor=cast.manager)  # still open: stays access sent
    assert engagement(harbour) == engagement(busy) == "access_sent"
    PortalInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    out = StringIO()
    call_command("daily", "--now", stdout=out)
    assert "clients whose invitations lapsed set back to silent: 1" in out.getvalue()
    assert "agreements ending within 30 days warned of: 0" in out.getvalue()
    assert (engagement(harbour), engagement(busy)) == ("silent", "access_sent")
    timeline = " ".join(entries(web(cast.manager).get(page_url(harbour)).text))
    assert "Harbour Dental's engagement went from Access sent to Silent" in timeline
    # Queued rather than run: one task per job for the worker.
    queued = StringIO()
    call_command("daily", stdout=queued)
    assert "queued: clients whose invitations lapsed set back to silent" in queued.getvalue()
