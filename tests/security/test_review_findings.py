"""Defects a review found, each pinned by the behaviour a user would notice."""

import re
import threading
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from clientdesk.clients.models import Client as ClientModel
from clientdesk.clients.services import client_change_status, client_update
from clientdesk.core.models import Membership, MembershipClient, Message
from clientdesk.core.services import membership_change_role, staff_invite
from tests.clients.factories import make_client
from tests.core.test_emails import smtp  # noqa: F401 - the real SMTP server fixture


def signed_in(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def test_an_admin_cannot_open_an_owner_invitation_and_take_the_owner_role(cast, run_tasks):
    staff_invite(actor=cast.owner, email="boss@example.com", role="owner")
    run_tasks()
    message = Message.objects.get()
    url = f"/a/acme/settings/outbox/{message.pk}/"
    assert signed_in(cast.admin).get(url).status_code == 404
    assert "boss@example.com" not in signed_in(cast.admin).get("/a/acme/settings/outbox/").text
    assert signed_in(cast.owner).get(url).status_code == 200


def test_a_delivered_invitation_keeps_no_usable_link(cast, smtp, run_tasks):  # noqa: F811
    _inv, token = staff_invite(actor=cast.owner, email="new@example.com", role="viewer")
    run_tasks()
    message = Message.objects.get()
    assert message.state == "sent" and not message.via_outbox
    assert token not in message.body_text and token not in message.body_html
    assert "link removed after delivery" in message.body_text
    received = smtp.messages[0][1].get_body(("plain",)).get_content()
    assert token in received  # the person still gets it


def test_technicians_see_that_billing_changed_but_not_the_values(cast):
    client = make_client(cast)
    client_update(client=client, actor=cast.manager.user, version=None, tax_id="GB-SECRET-42")
    tech = signed_in(cast.technician).get(f"/a/acme/clients/{client.pk}/").text
    assert "GB-SECRET-42" not in tech
    assert "GB-SECRET-42" in signed_in(cast.manager).get(f"/a/acme/clients/{client.pk}/").text


def test_a_parent_outside_the_allow_list_is_not_named(cast):
    secret = make_client(cast, prefix="HIDDEN", name="Secret Parent Corp")
    child = make_client(cast, prefix="KID", name="Visible Kid", parent=secret)
    cast.technician.client_access = "allow"
    cast.technician.save()
    MembershipClient.objects.create(account=cast.account, membership=cast.technician, client=child)
    tech = signed_in(cast.technician)
    assert "Secret Parent" not in tech.get("/a/acme/clients/").text
    assert "Secret Parent" not in tech.get(f"/a/acme/clients/{child.pk}/").text


def test_promoting_a_limited_member_to_admin_lifts_the_limit(cast):
    cast.manager.client_access = "allow"
    cast.manager.save()
    membership_change_role(actor=cast.owner, membership=cast.manager, role="admin")
    assert Membership.objects.get(pk=cast.manager.pk).client_access == "all"


def test_an_absurdly_old_date_is_refused_not_a_crash(cast):
    client = make_client(cast, status="lead")
    with pytest.raises(ValidationError, match="after 1970"):
        client_change_status(
            client=client,
            actor=cast.manager,
            to_status="prospect",
            at=datetime(1, 1, 2, tzinfo=UTC),
        )


@pytest.mark.django_db(transaction=True)
def test_two_crossing_moves_at_once_never_make_a_loop(cast):
    for _ in range(5):
        a = make_client(cast)
        b = make_client(cast)
        barrier = threading.Barrier(2)

        def move(child, parent, barrier=barrier):
            try:
                barrier.wait(timeout=10)
                client_update(client=child, actor=None, version=None, parent=parent)
            except ValidationError:
                pass  # the second move is refused: that is the point
            finally:
                connection.close()

        threads = [
            threading.Thread(target=move, args=(a, b)),
            threading.Thread(target=move, args=(b, a)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        a.refresh_from_db()
        b.refresh_from_db()
        assert not (a.parent_id == b.pk and b.parent_id == a.pk)
        ClientModel.objects.filter(pk__in=[a.pk, b.pk]).update(parent=None)


def test_the_outbox_link_regex_still_finds_links_in_outbox_mode(cast, run_tasks):
    staff_invite(actor=cast.owner, email="x@example.com", role="viewer")
    run_tasks()
    message = Message.objects.get()
    assert message.via_outbox and re.search(r"/invitations/[^/\s]+/", message.body_text)
