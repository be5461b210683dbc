"""Portal invitations through the API (issue 4's Done-when): POST /api/v1/clients/{id}/invite,
the contact's `portal` state, and an Engaged client created with its primary contact."""

import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from clientdesk.clients.models import Client
from clientdesk.contacts.models import Contact
from clientdesk.core.models import Message
from clientdesk.portal.models import PortalInvitation
from clientdesk.portal.services import portal_access_revoke, portal_invitation_revoke
from tests.api.test_clients_api import Api
from tests.clients.factories import make_client
from tests.core.test_emails import smtp  # noqa: F401 - the real SMTP server fixture

PASSWORD = "Correct-Horse-42-Battery"


@pytest.fixture
def manager(cast):
    return Api(cast.manager)


@pytest.fixture
def harbour(cast):
    return make_client(cast, prefix="HBR", name="Harbour Dental")


def invite(api, client_id, body=None):
    return api.post(f"/api/v1/clients/{client_id}/invite", body)


def contacts(api, client_id) -> dict[str, dict]:
    items = api.get(f"/api/v1/clients/{client_id}/contacts").json()["items"]
    return {c["email"] or c["first_name"]: c for c in items}


def engagement(api, client_id) -> str:
    return api.get(f"/api/v1/clients/{client_id}").json()["engagement"]


def add_contact(api, client_id, **body):
    response = api.post(f"/api/v1/clients/{client_id}/contacts", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_invite_without_a_primary_contact_is_409_naming_the_email(manager, harbour):
    response = invite(manager, harbour.pk)
    assert response.status_code == 409
    body = response.json()
    assert "email" in body["detail"] and body["errors"]["email"] == [body["detail"]]
    assert engagement(manager, harbour.pk) == "silent"


def test_invite_a_primary_contact_without_email_is_409_naming_the_email(manager, harbour):
    add_contact(manager, harbour.pk, first_name="Nora", is_primary=True)
    response = invite(manager, harbour.pk)
    assert response.status_code == 409
    assert response.json()["errors"]["email"] == [
        "Nora has no email address: add one to send the invitation."
    ]
    assert not PortalInvitation.objects.exists() and not Message.objects.exists()


def test_a_malformed_email_and_a_duplicate_in_another_case_are_refused(manager, harbour):
    add_contact(manager, harbour.pk, first_name="Ana", email="ana@harbour.example")
    bad = manager.post(f"/api/v1/clients/{harbour.pk}/contacts", {"first_name": "B", "email": "b@"})
    assert bad.status_code == 422 and "email" in bad.json()["errors"]
    again = manager.post(
        f"/api/v1/clients/{harbour.pk}/contacts",
        {"first_name": "A", "email": "ANA@Harbour.example"},
    )
    assert again.status_code == 422 and "email" in again.json()["errors"]


def test_after_a_second_primary_there_is_one_and_the_invitation_goes_to_it(manager, harbour):
    ana = add_contact(manager, harbour.pk, first_name="Ana", email="ana@harbour.example")
    bob = add_contact(manager, harbour.pk, first_name="Bob", email="bob@harbour.example")
    assert ana["is_primary"] and not bob["is_primary"]
    response = manager.patch(f"/api/v1/contacts/{bob['id']}", {"version": 1, "is_primary": True})
    assert response.status_code == 200, response.content
    primaries = [c for c in contacts(manager, harbour.pk).values() if c["is_primary"]]
    assert [c["id"] for c in primaries] == [bob["id"]]
    response = invite(manager, harbour.pk)
    assert response.status_code == 201
    assert response.json()["email"] == "bob@harbour.example"


def test_invite_answers_the_invitation_and_moves_engagement_to_access_sent(manager, harbour):
    add_contact(manager, harbour.pk, first_name="Ana", email="ana@harbour.example")
    assert engagement(manager, harbour.pk) == "silent"
    assert contacts(manager, harbour.pk)["ana@harbour.example"]["portal"] == "none"
    response = invite(manager, harbour.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    invitation = PortalInvitation.objects.get()
    assert set(body) == {"id", "contact_id", "email", "expires_at", "state"}
    assert (body["id"], body["email"], body["state"]) == (
        invitation.pk,
        "ana@harbour.example",
        "queued",
    )
    assert body["expires_at"].startswith(invitation.expires_at.date().isoformat())
    assert engagement(manager, harbour.pk) == "access_sent"
    ana = contacts(manager, harbour.pk)["ana@harbour.example"]
    assert ana["portal"] == "invited"
    assert manager.get(f"/api/v1/contacts/{ana['id']}").json()["portal"] == "invited"


def test_any_contact_can_be_invited_by_id(manager, harbour, cast):
    add_contact(manager, harbour.pk, first_name="Ana", email="ana@harbour.example")
    bob = add_contact(manager, harbour.pk, first_name="Bob", email="bob@harbour.example")
    cleo = add_contact(manager, harbour.pk, first_name="Cleo")
    response = invite(manager, harbour.pk, {"contact_id": bob["id"]})
    assert response.status_code == 201 and response.json()["contact_id"] == bob["id"]
    assert invite(manager, harbour.pk, {"contact_id": cleo["id"]}).status_code == 409
    other = make_client(cast, prefix="OTH")
    olga = Contact.objects.create(
        account=cast.account, client=other, first_name="Olga", email="olga@o.example"
    )
    response = invite(manager, harbour.pk, {"contact_id": olga.pk})
    assert response.status_code == 422 and "contact_id" in response.json()["errors"]
    assert invite(manager, harbour.pk, {"contact": 1}).status_code == 422  # unknown field


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_invite_needs_clients_invite(cast, harbour, role):
    Contact.objects.create(
        account=cast.account, client=harbour, first_name="A", email="a@h.example", is_primary=True
    )
    assert invite(Api(cast.member(role)), harbour.pk).status_code == 403
    assert not PortalInvitation.objects.exists()


def test_another_accounts_client_is_404(cast, harbour):
    Contact.objects.create(
        account=cast.account, client=harbour, first_name="A", email="a@h.example", is_primary=True
    )
    response = invite(Api(cast.outsider), harbour.pk, {"contact_id": "not even valid"})
    assert response.status_code == 404
    assert invite(Api(cast.outsider), 10**18).status_code == 404
    assert not PortalInvitation.objects.exists()


def test_creating_an_engaged_client_with_a_primary_contact_sends_the_invitation_at_once(
    manager,
):
    response = manager.post(
        "/api/v1/clients",
        {
            "prefix": "BPM",
            "name": "Blue Peak Media",
            "engagement": "engaged",
            "primary_contact": {"first_name": "Ana", "email": "ana@bpm.example"},
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["engagement"] == "access_sent"
    message = Message.objects.get()
    assert (message.to, message.kind) == ("ana@bpm.example", "portal_invitation")
    [contact] = contacts(manager, response.json()["id"]).values()
    assert contact["portal"] == "invited" and contact["is_primary"]


def test_a_silent_client_gets_nothing(manager):
    response = manager.post(
        "/api/v1/clients",
        {
            "prefix": "SIL",
            "name": "Quiet",
            "primary_contact": {"first_name": "Ana", "email": "ana@quiet.example"},
        },
    )
    assert response.json()["engagement"] == "silent"
    assert not Message.objects.exists()


def test_creating_engaged_needs_the_right_to_invite_and_a_contact_email(cast, manager):
    no_email = manager.post(
        "/api/v1/clients",
        {
            "prefix": "ENG",
            "name": "E",
            "engagement": "engaged",
            "primary_contact": {"first_name": "A"},
        },
    )
    assert no_email.status_code == 422 and "primary_contact.email" in no_email.json()["errors"]
    assert not Client.objects.exists()


def test_over_smtp_the_link_sets_a_password_and_engagement_ends_engaged_then_silent(
    cast,
    manager,
    harbour,
    smtp,  # noqa: F811
    run_tasks,
):
    add_contact(manager, harbour.pk, first_name="Ana", email="ana@harbour.example")
    assert invite(manager, harbour.pk).status_code == 201
    run_tasks()
    [(rcpt, mail)] = smtp.messages
    assert rcpt == ["ana@harbour.example"]
    token = re.search(r"/portal/invitations/([^/\s]+)/", mail.get_body(("plain",)).get_content())
    path = f"/portal/invitations/{token.group(1)}/"
    person = HttpClient()
    response = person.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal_home")
    assert engagement(manager, harbour.pk) == "engaged"
    assert contacts(manager, harbour.pk)["ana@harbour.example"]["portal"] == "active"
    assert (
        person.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD}).status_code == 404
    )
    # Revoke everything: silent again.
    invitation = PortalInvitation.objects.get()
    access = invitation.contact.portal_accesses.get()
    portal_invitation_revoke(invitation=invitation, actor=None)  # already used: no change
    assert engagement(manager, harbour.pk) == "engaged"
    portal_access_revoke(access=access, actor=None)
    assert engagement(manager, harbour.pk) == "silent"
    assert contacts(manager, harbour.pk)["ana@harbour.example"]["portal"] == "none"


def test_openapi_declares_the_invite_endpoint(db):
    paths = HttpClient().get("/api/v1/openapi.json").json()["paths"]
    responses = paths["/api/v1/clients/{client_id}/invite"]["post"]["responses"]
    assert {"201", "403", "404", "409", "422"} <= set(responses)
