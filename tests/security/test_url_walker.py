import pytest
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from clientdesk.core.emails import email_queue
from clientdesk.core.services import staff_invite
from clientdesk.integrations.services import api_token_create
from clientdesk.portal.services import portal_invitation_accept, portal_invite
from clientdesk.transfer.services import import_create
from clientdesk.urls import handler404  # noqa: F401 - this module is also a URLconf
from clientdesk.urls import urlpatterns as real_urlpatterns
from tests.clients.factories import make_client
from tests.factories import PASSWORD
from tests.portal.test_portal_pages import build_portal_cast
from tests.security import walker

PORTAL_MIDDLEWARE = "clientdesk.portal.middleware.PortalUserMiddleware"


@pytest.fixture
def victim_objects(cast):
    """One object of acme (the victim) for every kind of id a URL can carry."""
    token, _raw = api_token_create(
        membership=cast.owner, name="Victim token", actor=cast.owner.user
    )
    invitation, _raw = staff_invite(
        actor_membership=cast.owner, email="x@example.com", role="viewer"
    )
    message = email_queue(
        account=cast.account,
        to="x@example.com",
        kind="test",
        template="core/email/password_reset",
        context={"email": "x", "uid": "u", "token": "t"},
    )
    client = make_client(cast, prefix="VICTIM", name="Victim client")
    contact = contact_create(
        client=client, actor=None, first_name="Vic", email="vic@victim.example"
    )
    portal_invitation = portal_invite(client=client, actor=cast.owner.user, contact=contact)
    access = portal_invitation_accept(invitation=portal_invitation, password=PASSWORD)
    job = import_create(
        account=cast.account,
        membership=cast.owner,
        kind="clients",
        upload=SimpleUploadedFile("victim.csv", b"Prefix,Name\nVIC2,Victim two\n"),
    )
    return {
        "import_id": job.pk,
        "client_id": client.pk,
        "contact_id": contact.pk,
        "access_id": access.pk,
        "membership_id": cast.manager.pk,
        "invitation_id": invitation.pk,
        "portal_invitation_id": portal_invitation.pk,
        "message_id": message.pk,
        "token_id": token.pk,
        # Not objects: the import template's kind and format.
        "kind": "clients",
        "fmt": "csv",
        # Public patterns still need values to build their paths.
        "token": "not-a-real-token",
        "uidb64": "MQ",
    }


def _walk(cast, victim_objects, urlconf=None):
    outsider = Client()
    outsider.force_login(cast.outsider.user)
    _t, outsider_token = api_token_create(
        membership=cast.outsider, name="Outsider", actor=cast.outsider.user
    )
    return walker.find_leaks(
        urlconf=urlconf,
        victim_slug=cast.account.slug,
        own_slug=cast.other_account.slug,
        victim_objects=victim_objects,
        outsider_client=outsider,
        outsider_token=outsider_token,
    )


def test_every_url_is_scoped_to_its_account(cast, victim_objects):
    assert _walk(cast, victim_objects) == []


def test_the_walker_covers_every_pattern_of_the_app():
    names = {r.name for r in walker.routes()}
    # The views that exist today: a new pattern is covered without anyone adding it here.
    for expected in ("team", "team_role", "api_tokens", "outbox_message", "api:account", "home"):
        assert expected in names
    assert len(walker.routes()) >= 20


def test_the_walker_catches_a_view_that_forgets_the_account(cast, victim_objects, settings):
    settings.ROOT_URLCONF = "tests.security.leaky_urls"
    problems = _walk(cast, victim_objects, urlconf="tests.security.leaky_urls")
    assert any("/leak/" in p and "victim's ids" in p and "200" in p for p in problems), problems
    assert all("/leak/" in p for p in problems), problems


def test_a_pattern_with_an_unknown_parameter_fails_the_walk(cast, victim_objects):
    del victim_objects["message_id"]
    problems = _walk(cast, victim_objects)
    assert any("teach the walker" in p and "message_id" in p for p in problems)


# --- The portal ---------------------------------------------------------------------------------


def _portal_walk(cast, victim_objects, urlconf=None):
    portal = build_portal_cast(cast)

    def signed_in(access):
        client = Client()
        client.force_login(access.user)
        return client

    def objects_of(client):
        contact = Contact.objects.filter(client=client).exclude(is_primary=True).first()
        contact = contact or Contact.objects.filter(client=client).first()
        return {"contact_id": contact.pk, "client_id": client.pk}

    cases = [
        walker.PortalCase("B's user on A", signed_in(portal.user_b), objects_of(portal.a), "Alpha"),
        walker.PortalCase("A's user on B", signed_in(portal.user_a), objects_of(portal.b), "Bravo"),
        walker.PortalCase(
            "parent user without sub-clients on the sub-client",
            signed_in(portal.parent_without),
            objects_of(portal.sub),
            "Subsidiary",
        ),
        walker.PortalCase(
            "parent user with sub-clients on A",
            signed_in(portal.parent_with),
            objects_of(portal.a),
            "Alpha",
        ),
    ]
    problems = walker.find_portal_leaks(
        urlconf=urlconf,
        cases=cases,
        staff_slug=cast.account.slug,
        staff_objects=victim_objects,
    )
    return portal, problems


@pytest.fixture
def portal_middleware(settings):
    if PORTAL_MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, PORTAL_MIDDLEWARE]


def test_every_portal_url_is_scoped_to_the_portal_users_client(
    cast, victim_objects, portal_middleware
):
    portal, problems = _portal_walk(cast, victim_objects)
    assert problems == []
    portal_routes = [r for r in walker.routes() if r.route.startswith(walker.PORTAL_PREFIX)]
    assert {"portal_home", "portal_contacts", "portal_contact_deactivate", "portal_switch"} <= {
        r.name for r in portal_routes
    }
    # The walk is not vacuous: the same requests on their own client's objects do work.
    own = Client()
    own.force_login(portal.user_a.user)
    assert own.post(f"/portal/contacts/{portal.colleague_a.pk}/invite/").status_code == 302
    assert "Alpha Corp" in own.get("/portal/").text


def test_a_portal_user_on_the_staff_home_is_sent_to_the_portal(cast, portal_middleware):
    portal = build_portal_cast(cast)
    client = Client()
    client.force_login(portal.user_a.user)
    assert client.get("/").url == "/portal/"


def test_the_walker_catches_a_portal_view_that_forgets_the_client(
    cast, victim_objects, settings, portal_middleware
):
    settings.ROOT_URLCONF = "tests.security.test_url_walker"
    _portal, problems = _portal_walk(cast, victim_objects, urlconf="tests.security.test_url_walker")
    assert any("/portal/leak/" in p and "B's user on A" in p for p in problems), problems
    assert all("/portal/leak/" in p for p in problems), problems


def _leaky_contact_name(request, contact_id: int):
    # The mistake the portal walk exists for: a lookup that forgets the portal user's client.
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "/portal/sign-in/")
    # Scoped to the account, as the base demands, but not to the portal user's client.
    account_id = request.user.portal_accesses.get(active=True).account_id
    return HttpResponse(Contact.objects.for_account(account_id).get(pk=contact_id).full_name)


# This module doubles as a URLconf (the real one plus one leaky portal view) for the test above.
urlpatterns = [
    path("portal/leak/<int:contact_id>/", _leaky_contact_name, name="portal_leak"),
    *real_urlpatterns,
]
