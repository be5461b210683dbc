"""The client portal as its users meet it: sign-in, reset, pages, colleagues, switcher, closing."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from clientdesk.clients.models import Client as ClientModel
from clientdesk.clients.services import client_change_status, client_set_archived
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from clientdesk.core.models import Message, User
from clientdesk.portal.models import PortalAccess, PortalInvitation
from clientdesk.portal.services import portal_invitation_accept, portal_invite
from tests.audit.reading import sentence
from tests.clients.factories import make_client
from tests.factories import PASSWORD, make_portal_user

MIDDLEWARE = "clientdesk.portal.middleware.PortalUserMiddleware"


@pytest.fixture(autouse=True)
def portal_middleware(settings):
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


@dataclass
class PortalCast:
    a: ClientModel  # "Alpha Corp"
    b: ClientModel  # "Bravo Ltd"
    parent: ClientModel  # "Parent Group", with sub-client `sub` ("Subsidiary Co")
    sub: ClientModel
    user_a: PortalAccess  # primary contact of A
    user_b: PortalAccess
    parent_with: PortalAccess  # contact of the parent, may see sub-clients
    parent_without: PortalAccess  # another contact of the parent, may not
    colleague_a: Contact  # a non-primary contact of A with no access


def build_portal_cast(cast) -> PortalCast:
    """Around the cast's portal users of A and B: a parent client with a sub-client, two portal
    users of the parent, and a colleague of A without portal access."""
    user_a, user_b = cast.portal_a, cast.portal_b
    a, b = user_a.client, user_b.client
    parent = make_client(cast, prefix="PARENT", name="Parent Group")
    sub = make_client(cast, prefix="SUB", name="Subsidiary Co", parent=parent)
    contact_create(client=sub, actor=None, first_name="Sid", email="sid@sub.example")
    colleague = contact_create(
        client=a, actor=None, first_name="Cole", last_name="League", email="cole@alpha.example"
    )
    return PortalCast(
        a=a,
        b=b,
        parent=parent,
        sub=sub,
        user_a=user_a,
        user_b=user_b,
        parent_with=make_portal_user(
            cast, parent, first_name="Pat", email="pat@parent.example", subclients=True
        ),
        parent_without=make_portal_user(
            cast, parent, first_name="Pete", email="pete@parent.example", primary=False
        ),
        colleague_a=colleague,
    )


@pytest.fixture
def portal(cast) -> PortalCast:
    return build_portal_cast(cast)


def signed_in(access: PortalAccess) -> Client:
    client = Client()
    client.force_login(access.user)
    return client


def sign_in(client: Client, email: str, password: str):
    return client.post("/portal/sign-in/", {"username": email, "password": password})


# --- Signing in and out -------------------------------------------------------------------------


def test_signing_in_lands_on_the_clients_home(portal):
    client = Client()
    response = sign_in(client, "ADA@alpha.example", PASSWORD)
    assert response.status_code == 302 and response.url == "/portal/"
    home = client.get("/portal/")
    assert home.status_code == 200
    assert "Alpha Corp" in home.text and "Acme IT" in home.text  # the client and the provider
    assert "Bravo" not in home.text


def test_a_wrong_password_says_so(portal):
    client = Client()
    page = sign_in(client, "ada@alpha.example", "not-the-password")
    assert page.status_code == 200
    assert "The email or the password is wrong." in page.text
    assert client.get("/portal/").status_code == 302


def test_the_lockout_still_applies_to_the_portal_sign_in(portal):
    client = Client()
    for _ in range(5):
        sign_in(client, "ada@alpha.example", "wrong-password")
    locked = sign_in(client, "ada@alpha.example", PASSWORD)
    assert locked.status_code == 429
    assert client.get("/portal/").status_code == 302


def test_the_portal_lockout_counts_the_person_whatever_the_case_of_the_email(portal):
    typed = ["ADA@ALPHA.EXAMPLE", " Ada@Alpha.example", "ada@alpha.example ", "aDA@alpha.EXAMPLE"]
    client = Client()
    for n in range(10):
        sign_in(client, typed[n % len(typed)], "wrong-password")
    for email in typed:
        assert sign_in(client, email, PASSWORD).status_code == 429
    assert client.get("/portal/").status_code == 302


@pytest.mark.parametrize("path", ["/portal/", "/portal/contacts/", "/portal/profile/"])
def test_portal_pages_are_private_and_never_stored(portal, path):
    response = signed_in(portal.user_a).get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_signed_out_pages_send_to_the_portal_sign_in(portal):
    response = Client().get("/portal/contacts/")
    assert response.status_code == 302
    assert response.url == "/portal/sign-in/?next=/portal/contacts/"


def test_signing_out_takes_a_post_and_returns_to_the_portal_sign_in(portal):
    client = signed_in(portal.user_a)
    assert client.get("/portal/sign-out/").status_code == 405
    response = client.post("/portal/sign-out/")
    assert response.status_code == 302 and response.url == "/portal/sign-in/"
    assert client.get("/portal/").status_code == 302


def test_a_forgotten_password_is_reset_through_the_outbox(portal, run_tasks):
    client = Client()
    response = client.post("/portal/password-reset/", {"email": "ada@alpha.example"})
    assert response.status_code == 302 and response.url == "/portal/password-reset/sent/"
    run_tasks()
    message = Message.objects.get(kind="password_reset")
    assert message.to == "ada@alpha.example" and message.via_outbox
    link = re.search(r"http://[^/]+(/portal/reset/\S+/)", message.body_text).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "river-lamp-crooked-93", "new_password2": "river-lamp-crooked-93"},
    )
    assert done.status_code == 302 and done.url == "/portal/reset/done/"
    assert sign_in(Client(), "ada@alpha.example", "river-lamp-crooked-93").status_code == 302


def test_staff_get_no_portal_reset_email(cast, run_tasks):
    Client().post("/portal/password-reset/", {"email": cast.manager.user.email})
    assert not Message.objects.filter(kind="password_reset").exists()


def test_a_staff_login_without_portal_access_is_refused_by_the_portal(cast):
    page = sign_in(Client(), cast.manager.user.email, PASSWORD)
    assert page.status_code == 200 and "no client portal" in page.text


def test_a_portal_user_is_kept_out_of_staff_pages(cast, portal):
    client = signed_in(portal.user_a)
    assert client.get("/a/acme/").status_code == 404
    assert client.get(f"/a/acme/clients/{portal.a.pk}/").status_code == 404
    assert client.get("/").url == "/portal/"  # the staff home sends them to their portal


# --- Pages --------------------------------------------------------------------------------------


def test_home_shows_the_client_its_primary_contact_and_what_is_shared(portal):
    page = signed_in(portal.user_b).get("/portal/")
    assert "Bravo Ltd" in page.text and "Bo" in page.text and "bo@bravo.example" in page.text
    shared = page.text.split('id="shared-heading"', 1)[1].split("</section>", 1)[0]
    assert 'href="/portal/requests/"' in shared and 'href="/portal/contacts/"' in shared
    assert "Alpha" not in page.text


def test_contacts_list_the_clients_people_only(portal):
    page = signed_in(portal.user_a).get("/portal/contacts/")
    assert page.status_code == 200
    assert "Cole League" in page.text and "Ada" in page.text
    assert "bo@bravo.example" not in page.text and "Sid" not in page.text


def test_profile_changes_the_name_and_the_password(portal):
    client = signed_in(portal.user_a)
    assert client.get("/portal/profile/").status_code == 200
    assert client.post("/portal/profile/", {"form": "profile", "name": "Ada L."}).status_code == 302
    assert User.objects.get(pk=portal.user_a.user_id).name == "Ada L."
    wrong = client.post(
        "/portal/profile/",
        {
            "form": "password",
            "old_password": "nope",
            "new_password1": "river-lamp-crooked-93",
            "new_password2": "river-lamp-crooked-93",
        },
    )
    assert wrong.status_code == 400
    ok = client.post(
        "/portal/profile/",
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password1": "river-lamp-crooked-93",
            "new_password2": "river-lamp-crooked-93",
        },
    )
    assert ok.status_code == 302
    assert client.get("/portal/").status_code == 200  # still signed in
    assert sign_in(Client(), "ada@alpha.example", "river-lamp-crooked-93").status_code == 302


# --- Colleagues ---------------------------------------------------------------------------------


def test_the_primary_contact_invites_a_colleague_and_an_email_is_queued(portal):
    client = signed_in(portal.user_a)
    response = client.post(
        "/portal/contacts/invite/",
        {"first_name": "Nia", "last_name": "New", "email": "nia@alpha.example", "title": "CFO"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(client=portal.a, email="nia@alpha.example")
    assert PortalInvitation.objects.filter(contact=contact, accepted_at=None).exists()
    assert Message.objects.filter(kind="portal_invitation", to="nia@alpha.example").exists()
    page = client.get("/portal/contacts/")
    assert "Nia New" in page.text and "Invited" in page.text


def test_a_colleague_with_a_taken_email_is_refused_on_the_form(portal):
    response = signed_in(portal.user_a).post(
        "/portal/contacts/invite/", {"first_name": "Dup", "email": "COLE@alpha.example"}
    )
    assert response.status_code == 400
    assert "already uses" in response.text
    assert not Message.objects.filter(to="cole@alpha.example").exists()


def test_the_primary_contact_invites_an_existing_contact_and_deactivates_one(portal):
    client = signed_in(portal.user_a)
    colleague = portal.colleague_a
    assert client.post(f"/portal/contacts/{colleague.pk}/invite/").status_code == 302
    invitation = PortalInvitation.objects.get(contact=colleague)
    access = portal_invitation_accept(invitation=invitation, password="river-lamp-crooked-93")
    assert signed_in(access).get("/portal/").status_code == 200

    assert client.post(f"/portal/contacts/{colleague.pk}/deactivate/").status_code == 302
    colleague.refresh_from_db()
    access.refresh_from_db()
    assert not colleague.active and not access.active
    refused = sign_in(Client(), "cole@alpha.example", "river-lamp-crooked-93")
    assert refused.status_code == 200 and "no client portal" in refused.text
    assert signed_in(access).get("/portal/").status_code == 404


def test_the_primary_cannot_deactivate_themselves(portal):
    me = portal.user_a.contact_id
    signed_in(portal.user_a).post(f"/portal/contacts/{me}/deactivate/")
    assert Contact.objects.get(pk=me).active


def test_a_non_primary_contact_only_sees_the_list(portal):
    client = signed_in(portal.parent_without)
    page = client.get("/portal/contacts/")
    assert "Invite a colleague" not in page.text and "Deactivate" not in page.text
    response = client.post(
        "/portal/contacts/invite/", {"first_name": "X", "email": "x@parent.example"}
    )
    assert response.status_code == 404
    primary = portal.parent_with.contact_id
    assert client.post(f"/portal/contacts/{primary}/deactivate/").status_code == 404
    assert Contact.objects.get(pk=primary).active
    assert not Contact.objects.filter(email="x@parent.example").exists()


def test_another_clients_contact_is_a_404_like_a_missing_one(portal):
    client = signed_in(portal.user_b)
    for contact_id in (portal.colleague_a.pk, 999999):
        assert client.post(f"/portal/contacts/{contact_id}/deactivate/").status_code == 404
        assert client.post(f"/portal/contacts/{contact_id}/invite/").status_code == 404
    assert Contact.objects.get(pk=portal.colleague_a.pk).active


# --- Several clients, sub-clients ---------------------------------------------------------------


def test_a_contact_of_two_clients_switches_between_them_only(cast, portal):
    both = make_portal_user(
        cast, portal.b, first_name="Ada", email="ada@alpha.example", primary=False
    )
    client = signed_in(both)
    home = client.get("/portal/")
    assert "Alpha Corp" in home.text and "Bravo Ltd" in home.text  # the switcher lists both
    assert client.post("/portal/switch/", {"client_id": portal.b.pk}).status_code == 302
    assert client.session["portal_client_id"] == portal.b.pk
    assert "bo@bravo.example" in client.get("/portal/").text
    # Another client's id, a missing one, or garbage: 404, and the choice stays.
    for other in (portal.parent.pk, 999999, "x"):
        assert client.post("/portal/switch/", {"client_id": other}).status_code == 404
    assert client.session["portal_client_id"] == portal.b.pk


def test_switching_to_a_client_that_is_not_yours_is_404(portal):
    client = signed_in(portal.user_b)
    assert client.post("/portal/switch/", {"client_id": portal.a.pk}).status_code == 404
    assert "Alpha" not in client.get("/portal/").text


def test_sub_clients_are_visible_only_with_can_see_subclients(portal):
    allowed = signed_in(portal.parent_with)
    home = allowed.get("/portal/")
    assert "Subsidiary Co" in home.text
    assert allowed.post("/portal/switch/", {"client_id": portal.sub.pk}).status_code == 302
    sub_home = allowed.get("/portal/")
    assert "a sub-client of Parent Group" in sub_home.text
    assert "sid@sub.example" in sentence(allowed.get("/portal/contacts/").text)
    assert "Invite a colleague" not in allowed.get("/portal/contacts/").text

    denied = signed_in(portal.parent_without)
    assert "Subsidiary Co" not in denied.get("/portal/").text
    assert denied.post("/portal/switch/", {"client_id": portal.sub.pk}).status_code == 404
    # Even with the id forced into the session, the scope refuses it.
    session = denied.session
    session["portal_client_id"] = portal.sub.pk
    session.save()
    assert "Subsidiary" not in denied.get("/portal/").text


# --- Closed portals -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["offboarding", "inactive"])
def test_a_closed_clients_portal_refuses_sign_in_with_the_message(cast, portal, status):
    move_to(cast, portal.b, status)
    page = sign_in(Client(), "bo@bravo.example", PASSWORD)
    assert page.status_code == 200
    assert "Your provider has closed this portal" in page.text


def test_an_open_session_is_refused_once_the_client_is_closed(cast, portal):
    client = signed_in(portal.user_b)
    assert client.get("/portal/").status_code == 200
    move_to(cast, portal.b, "inactive")
    for url in ("/portal/", "/portal/contacts/", "/portal/profile/"):
        page = client.get(url)
        assert page.status_code == 403 and "Your provider has closed this portal" in page.text


def test_an_archived_client_closes_its_portal_too(cast, portal):
    client_set_archived(client=portal.b, actor=cast.manager.user, archived=True)
    assert "closed this portal" in sign_in(Client(), "bo@bravo.example", PASSWORD).text


def test_with_one_client_closed_a_contact_of_two_keeps_the_other(cast, portal):
    both = make_portal_user(
        cast, portal.b, first_name="Ada", email="ada@alpha.example", primary=False
    )
    client = signed_in(both)
    client.post("/portal/switch/", {"client_id": portal.b.pk})
    move_to(cast, portal.b, "inactive")
    closed = client.get("/portal/")
    assert closed.status_code == 403 and "Alpha Corp" in closed.text  # offered the other one
    assert client.post("/portal/switch/", {"client_id": portal.a.pk}).status_code == 302
    assert client.get("/portal/").status_code == 200
    assert sign_in(Client(), "ada@alpha.example", PASSWORD).status_code == 302


def move_to(cast, client, status):
    path = {"inactive": ["offboarding", "inactive"], "offboarding": ["offboarding"]}[status]
    for step in path:
        client_change_status(
            client=ClientModel.objects.get(pk=client.pk),
            actor=cast.manager,
            to_status=step,
            reason="test",
            at=None,
            held=False,  # past off-boarding's own workflow: the portal alone here
        )


# --- Invitation links ---------------------------------------------------------------------------


def _fresh_invitation(cast, portal):
    invitation = portal_invite(client=portal.a, actor=cast.manager.user, contact=portal.colleague_a)
    raw = re.search(r"/portal/invitations/([^/\s]+)/", invitation.message.body_text).group(1)
    return invitation, raw


def test_an_invitation_link_sets_a_password_and_opens_the_portal(cast, portal):
    _invitation, raw = _fresh_invitation(cast, portal)
    client = Client()
    assert "Alpha Corp" in client.get(f"/portal/invitations/{raw}/").text
    response = client.post(
        f"/portal/invitations/{raw}/",
        {"new_password1": "river-lamp-crooked-93", "new_password2": "river-lamp-crooked-93"},
    )
    assert response.status_code == 302 and response.url == "/portal/"
    assert "Alpha Corp" in client.get("/portal/").text


def test_a_reused_invitation_link_is_refused(cast, portal):
    invitation, raw = _fresh_invitation(cast, portal)
    portal_invitation_accept(invitation=invitation, password="river-lamp-crooked-93")
    page = Client().get(f"/portal/invitations/{raw}/")
    assert page.status_code == 404 and "no longer works" in page.text


def test_an_expired_invitation_link_is_refused(cast, portal):
    invitation, raw = _fresh_invitation(cast, portal)
    PortalInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    page = Client().post(
        f"/portal/invitations/{raw}/",
        {"new_password1": "river-lamp-crooked-93", "new_password2": "river-lamp-crooked-93"},
    )
    assert page.status_code == 404 and "no longer works" in page.text
    assert not PortalAccess.objects.filter(contact=portal.colleague_a).exists()


def test_a_tampered_invitation_link_is_refused(cast, portal):
    _invitation, raw = _fresh_invitation(cast, portal)
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    page = Client().get(f"/portal/invitations/{tampered}/")
    assert page.status_code == 404 and "no longer works" in page.text


def test_an_existing_login_signs_in_at_the_portal_to_accept(cast, portal):
    """A staff member who is also a client's contact: sign in first, then accept."""
    staff_email = cast.technician.user.email
    contact = contact_create(client=portal.b, actor=None, first_name="Tech", email=staff_email)
    invitation = portal_invite(client=portal.b, actor=cast.manager.user, contact=contact)
    raw = re.search(r"/portal/invitations/([^/\s]+)/", invitation.message.body_text).group(1)
    client = Client()
    assert "Sign in to accept" in client.get(f"/portal/invitations/{raw}/").text
    response = client.post(
        f"/portal/sign-in/?next=/portal/invitations/{raw}/",
        {"username": staff_email, "password": PASSWORD, "next": f"/portal/invitations/{raw}/"},
    )
    assert response.status_code == 302 and response.url == f"/portal/invitations/{raw}/"
    assert client.post(f"/portal/invitations/{raw}/").url == "/portal/"
    assert "Bravo Ltd" in client.get("/portal/").text
