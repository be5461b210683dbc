import pytest
from django.test import Client

from clientdesk.contacts.services import contact_create
from clientdesk.core.emails import email_queue
from clientdesk.core.services import staff_invite
from clientdesk.integrations.services import api_token_create
from tests.clients.factories import make_client
from tests.security import walker


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
    return {
        "client_id": client.pk,
        "contact_id": contact.pk,
        "membership_id": cast.manager.pk,
        "invitation_id": invitation.pk,
        "message_id": message.pk,
        "token_id": token.pk,
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
