from datetime import date

import pytest
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from clientdesk.agreements.services import agreement_create
from clientdesk.clients.models import Industry
from clientdesk.clients.services import client_delete
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from clientdesk.core.emails import email_queue
from clientdesk.core.services import membership_set_client_access, staff_invite
from clientdesk.devices.services import device_create
from clientdesk.documents.services import document_upload
from clientdesk.integrations.services import api_token_create
from clientdesk.offboarding.models import OffboardingItem
from clientdesk.offboarding.services import offboarding_start
from clientdesk.portal.services import portal_invitation_accept, portal_invite
from clientdesk.software.models import Application
from clientdesk.software.services import client_app_add
from clientdesk.tickets.models import Holiday
from clientdesk.tickets.services import ticket_create
from clientdesk.transfer.services import import_create
from clientdesk.urls import handler404  # noqa: F401 - this module is also a URLconf
from clientdesk.urls import urlpatterns as real_urlpatterns
from tests.clients.factories import make_client
from tests.factories import PASSWORD, make_member
from tests.portal.test_portal_pages import build_portal_cast
from tests.security import walker
from tests.security.capabilities import WRITES
from tests.security.leaky_urls import PlantedOnly
from tests.tickets.files import attachment_make

PORTAL_MIDDLEWARE = "clientdesk.portal.middleware.PortalUserMiddleware"


@pytest.fixture
def victim_objects(cast):
    """One object of acme (the victim) for every kind of id a URL can carry."""
    token, _raw = api_token_create(
        membership=cast.owner, name="Victim token", actor=cast.owner.user
    )
    invitation, _raw = staff_invite(actor=cast.owner, email="x@example.com", role="viewer")
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
    # A manager's: a member sees their own imports, owners and admins every one, so each role
    # that may import sees this one (tests/transfer/test_import_access.py has the 404s).
    job = import_create(
        account=cast.account,
        membership=cast.manager,
        kind="clients",
        upload=SimpleUploadedFile("victim.csv", b"Prefix,Name\nVIC2,Victim two\n"),
    )
    ticket = ticket_create(client=client, actor=None, title="Victim ticket")
    attachment = attachment_make(ticket)
    document = _document(client)
    agreement = _agreement(client)
    offboarding_item = _offboarding_item(cast, client)
    device = device_create(client=client, actor=None, name="Victim device", serial="V-1")
    holiday = Holiday.objects.create(account=cast.account, day=date(2026, 12, 25), name="Xmas")
    application = Application.objects.for_account(cast.account).order_by("pk").first()
    client_app_add(client=client, actor=None, application=application)
    return {
        "application_id": application.pk,
        "holiday_id": holiday.pk,
        "attachment_id": attachment.pk,
        "import_id": job.pk,
        "ticket_id": ticket.pk,
        "document_id": document.pk,
        "agreement_id": agreement.pk,
        "item_id": offboarding_item.pk,
        "device_id": device.pk,
        "client_id": client.pk,
        "contact_id": contact.pk,
        "access_id": access.pk,
        "membership_id": cast.manager.pk,
        "invitation_id": invitation.pk,
        "portal_invitation_id": portal_invitation.pk,
        "message_id": message.pk,
        "token_id": token.pk,
        "industry_id": Industry.objects.for_account(cast.account).first().pk,
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


# --- Roles and client limits -------------------------------------------------------------------

ROLES = ("owner", "admin", "manager", "technician", "viewer")  # the owner first: holds everything
# The smallest JSON each API write accepts, so that its role check is not hidden behind a 422 for
# a missing field (ninja checks a declared payload before the view runs).
API_BODIES = {
    "api:clients_create": {"prefix": "WALKED", "name": "Walked client"},
    "api:client_patch": {"version": 1},
}
PLANTED_LEAKS = "tests.security.leaky_urls"


def _member(who, membership):
    _t, raw = api_token_create(membership=membership, name="Walker", actor=membership.user)
    return walker.signed_in_member(who, membership, raw)


@pytest.fixture
def deleted_client(cast):
    client = make_client(cast, prefix="GONE", name="Deleted client")
    return client_delete(client=client, actor=cast.owner.user)


def _role_walk(cast, victim_objects, deleted_client, urlconf=None, table=WRITES):
    return walker.find_role_gaps(
        urlconf=urlconf,
        slug=cast.account.slug,
        members=[_member(role, cast.member(role)) for role in ROLES],
        # acme's own objects (the victim of the account walk) for acme's own members
        objects=victim_objects,
        route_objects={
            "client_undelete": {"client_id": deleted_client.pk},
            "api:client_restore": {"client_id": deleted_client.pk},
        },
        table=table,
        bodies=API_BODIES,
    )


def test_every_write_answers_each_role_as_its_capabilities_say(
    cast, victim_objects, deleted_client
):
    assert _role_walk(cast, victim_objects, deleted_client) == []


def test_the_role_walk_fails_for_a_write_missing_from_the_table_and_a_name_gone_from_the_app(
    cast, victim_objects, deleted_client, settings
):
    settings.ROOT_URLCONF = PLANTED_LEAKS
    table = {"client_unarchive": "clients.write"}
    problems = _role_walk(cast, victim_objects, deleted_client, urlconf=PlantedOnly, table=table)
    missing = [p for p in problems if "say in tests/security/capabilities.py" in p]
    for name in (
        "leaky_token_name",  # it reads, but takes POST too: the table says who may
        "planted_archive_without_role",
        "planted_name_beyond_limit",
        "planted:api_delete_without_role",
    ):
        assert sum(f"({name})" in p for p in missing) == 1, problems
    stale = "client_unarchive: in tests/security/capabilities.py but no such write URL"
    assert sorted(problems) == sorted([*missing, stale])
    assert len(missing) == 4, problems


def test_the_role_walk_catches_a_write_that_forgets_the_role_check(
    cast, victim_objects, deleted_client, settings
):
    settings.ROOT_URLCONF = PLANTED_LEAKS
    table = {
        "leaky_token_name": "account.read",
        "planted_archive_without_role": "clients.write",
        "planted_name_beyond_limit": "clients.write",  # asks the role: passes
        "planted:api_delete_without_role": "clients.write",
    }
    problems = _role_walk(cast, victim_objects, deleted_client, urlconf=PlantedOnly, table=table)
    for who in ("technician", "viewer"):
        assert any(
            "POST /a/acme/planted/" in p and f"({who}, lacks clients.write) answered 200" in p
            for p in problems
        ), problems
        assert any(
            "DELETE /api/v1/planted/clients/" in p and f"({who}, lacks clients.write)" in p
            for p in problems
        ), problems
    assert len(problems) == 4, problems


def _document(client):
    """A document of the client, shared with its portal (so only the scope can hide it)."""
    upload = SimpleUploadedFile("victim.pdf", b"%PDF-1.7 victim", content_type="application/pdf")
    return document_upload(client=client, actor=None, upload=upload, shared_with_portal=True)


def _agreement(client):
    return agreement_create(
        client=client,
        actor=None,
        name=f"Agreement of {client.prefix}",
        kind="ayce_client",
        starts_on=date(2026, 1, 1),
        ends_on=date(2030, 12, 31),
    )


def _offboarding_item(cast, client):
    """An item of the client's off-boarding (the client moves to `offboarding`)."""
    run = offboarding_start(
        client=client, actor=cast.owner, on=date(2030, 1, 1), reason="price", note=""
    )
    return OffboardingItem.objects.filter(offboarding=run).first()


def _with_portal(cast, client) -> dict[str, int]:
    """The client's nested objects: a contact with an open portal invitation, and a portal user."""
    n = client.prefix.lower()
    user = contact_create(client=client, actor=None, first_name="User", email=f"user@{n}.example")
    access = portal_invitation_accept(
        invitation=portal_invite(client=client, actor=cast.owner.user, contact=user),
        password=PASSWORD,
    )
    invited = contact_create(client=client, actor=None, first_name="Inv", email=f"inv@{n}.example")
    invitation = portal_invite(client=client, actor=cast.owner.user, contact=invited)
    ticket = ticket_create(client=client, actor=None, title=f"Ticket of {n}")
    device = device_create(client=client, actor=None, name=f"Device of {n}")
    return {
        "client_id": client.pk,
        "ticket_id": ticket.pk,
        "attachment_id": attachment_make(ticket).pk,
        "document_id": _document(client).pk,
        "agreement_id": _agreement(client).pk,
        "item_id": _offboarding_item(cast, client).pk,
        "device_id": device.pk,
        "contact_id": invited.pk,
        "portal_invitation_id": invitation.pk,
        "access_id": access.pk,
    }


def _limited(cast, role, access, clients):
    membership = make_member(cast.account, role)
    membership_set_client_access(
        actor=cast.owner, membership=membership, access=access, clients=clients
    )
    return _member(f"{role} with {access}-list", membership)


@pytest.fixture
def limit_cases(cast):
    """Members limited to some clients, each with a client they may not see."""
    visible = make_client(cast, prefix="SEEN", name="Seen client")
    hidden = make_client(cast, prefix="HIDDEN", name="Hidden client")
    sub = make_client(cast, prefix="HIDSUB", name="Hidden sub-client", parent=hidden)
    gone = client_delete(
        client=make_client(cast, prefix="HIDGONE", name="Deleted hidden", parent=hidden),
        actor=cast.owner.user,
    )
    of_hidden, of_sub = _with_portal(cast, hidden), _with_portal(cast, sub)
    undelete = {
        "client_undelete": {"client_id": gone.pk},
        "api:client_restore": {"client_id": gone.pk},
    }
    allowed = _limited(cast, "manager", "allow", [visible])
    return [
        walker.LimitCase("manager allowed one client", allowed, of_hidden, visible.pk, undelete),
        walker.LimitCase(
            "viewer denied the client",
            _limited(cast, "viewer", "deny", [hidden]),
            of_hidden,
            visible.pk,
            undelete,
        ),
        walker.LimitCase(
            "technician denied its parent",
            _limited(cast, "technician", "deny", [hidden]),
            of_sub,
            visible.pk,
            undelete,
        ),
    ]


def _limit_walk(cast, victim_objects, cases, urlconf=None):
    return walker.find_limit_leaks(
        urlconf=urlconf,
        slug=cast.account.slug,
        cases=cases,
        objects=victim_objects,
        bodies=API_BODIES,
    )


def test_a_member_limited_to_some_clients_gets_404_for_every_other_clients_url(
    cast, victim_objects, limit_cases
):
    assert _limit_walk(cast, victim_objects, limit_cases) == []
    # Not vacuous: on the client they do see, the same member is served.
    allowed = limit_cases[0].member
    seen = f"/a/acme/clients/{limit_cases[0].visible_client_id}/"
    assert allowed.page.get(seen).status_code == 200
    assert allowed.api.get(f"/api/v1/clients/{limit_cases[0].visible_client_id}").status_code == 200
    report = f"/a/acme/tickets/report/?client={limit_cases[0].visible_client_id}"
    assert allowed.page.get(report).status_code == 200


def test_the_limit_walk_catches_a_view_that_forgets_the_client_limit(
    cast, victim_objects, limit_cases, settings
):
    settings.ROOT_URLCONF = PLANTED_LEAKS
    problems = _limit_walk(cast, victim_objects, limit_cases, urlconf=PlantedOnly)
    for case in limit_cases:
        assert any(
            "/planted/" in p and "/name/" in p and case.who in p and p.startswith("GET")
            for p in problems
        ), problems
        assert any(
            "/api/v1/planted/clients/" in p and case.who in p and "answered 200" in p
            for p in problems
        ), problems
    assert all("/name" in p for p in problems), problems


def test_a_parameter_nobody_classified_fails_the_limit_walk(cast, victim_objects, limit_cases):
    for case in limit_cases:
        case.hidden.pop("access_id", None)  # two cases share one client
    problems = _limit_walk(cast, victim_objects, limit_cases)
    assert problems and all("teach the walker" in p and "access_id" in p for p in problems)


def test_a_client_named_outside_the_path_is_held_to_the_limit_too(cast, limit_cases):
    """The walker fills path parameters only; the imports take a client in the query string
    (the Contacts tab's Import contacts) and in the upload's form: the same 404."""
    case = limit_cases[0]  # the manager: the one case whose role may import
    hidden = case.hidden["client_id"]
    people = b"First name,Email\r\nAda,ada@x.example\r\n"
    page, api = case.member.page, case.member.api
    assert page.get("/a/acme/imports/", {"client": hidden}).status_code == 404
    upload = SimpleUploadedFile("p.csv", people, content_type="text/csv")
    form = {"kind": "contacts", "client": hidden, "mode": "upsert", "file": upload}
    assert page.post("/a/acme/imports/", form).status_code == 404
    upload = SimpleUploadedFile("p.csv", people, content_type="text/csv")
    form = {"kind": "contacts", "client": hidden, "file": upload}
    assert api.post("/api/v1/imports", form).status_code == 404
    # Not vacuous: the client they see is served.
    seen = case.visible_client_id
    assert page.get("/a/acme/imports/", {"client": seen}).status_code == 200


# --- The portal ---------------------------------------------------------------------------------


def _portal_walk(cast, victim_objects, urlconf=None):
    """The cast's portal users of A and B, and two of a parent client (from the portal tests)."""
    portal = build_portal_cast(cast)
    a, b = cast.portal_a.client, cast.portal_b.client

    def signed_in(access):
        client = Client()
        client.force_login(access.user)
        return client

    def objects_of(client):
        contact = Contact.objects.filter(client=client).exclude(is_primary=True).first()
        contact = contact or Contact.objects.filter(client=client).first()
        ticket = ticket_create(client=client, actor=None, title=f"Portal ticket of {client}")
        return {
            "contact_id": contact.pk,
            "client_id": client.pk,
            "ticket_id": ticket.pk,
            "attachment_id": attachment_make(ticket).pk,
            "document_id": _document(client).pk,
        }

    cases = [
        walker.PortalCase("B's user on A", signed_in(cast.portal_b), objects_of(a), "Alpha"),
        walker.PortalCase("A's user on B", signed_in(cast.portal_a), objects_of(b), "Bravo"),
        walker.PortalCase(
            "parent user without sub-clients on the sub-client",
            signed_in(portal.parent_without),
            objects_of(portal.sub),
            "Subsidiary",
        ),
        walker.PortalCase(
            "parent user with sub-clients on A",
            signed_in(portal.parent_with),
            objects_of(a),
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
    own.force_login(cast.portal_a.user)
    assert own.post(f"/portal/contacts/{portal.colleague_a.pk}/invite/").status_code == 302
    assert "Alpha Corp" in own.get("/portal/").text


def test_a_portal_user_on_the_staff_home_is_sent_to_the_portal(cast, portal_middleware):
    client = Client()
    client.force_login(cast.portal_a.user)
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
