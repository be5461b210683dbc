"""A client's timeline reads as sentences: who did what to the client, names for ids, labels for
codes, "none" for empty, dates in the account's zone, and no billing values for a technician."""

import zoneinfo
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clientdesk.clients.models import Industry
from clientdesk.clients.services import (
    client_change_status,
    client_delete,
    client_set_archived,
    client_set_tags,
    client_undelete,
    client_update,
    industries_seed,
)
from clientdesk.clients.timeline import timeline
from clientdesk.contacts.services import contact_create
from clientdesk.core.models import Membership
from clientdesk.core.services import (
    account_update,
    membership_add,
    membership_set_client_access,
)
from clientdesk.portal.models import PortalAccess, PortalInvitation
from clientdesk.portal.services import (
    portal_access_revoke,
    portal_invitation_accept,
    portal_invitation_revoke,
    portal_invite,
)
from tests.audit.reading import entries, links
from tests.clients.factories import make_client
from tests.factories import make_user

PASSWORD = "Correct-Horse-42-Battery"


@pytest.fixture
def team(cast):
    """Ana manages clients; Bea and Carl are people a client can be given to."""

    def member(name: str, role: str):
        user = make_user(f"{name.lower()}@acme.example", name=name)
        return membership_add(account=cast.account, user=user, role=role, actor=cast.owner.user)

    return type(
        "Team", (), {"ana": member("Ana", "manager"), "bea": member("Bea", "viewer"),
                     "carl": member("Carl", "technician")}
    )  # fmt: skip


@pytest.fixture
def acme(cast):
    industries_seed(account=cast.account)
    return make_client(cast, prefix="ACME", name="Acme Builders")


def read(membership, client) -> str:
    browser = WebClient()
    browser.force_login(membership.user)
    page = browser.get(f"/a/acme/clients/{client.pk}/")
    assert page.status_code == 200
    return page.text


def test_a_status_change_reads_from_label_to_label_with_its_reason(cast, team, acme):
    client_change_status(
        client=acme,
        actor=team.ana,
        to_status="at_risk",
        reason="quiet for months",
    )
    page = read(cast.viewer, acme)
    assert entries(page) == [
        "Ana moved Acme Builders from Active to At risk: quiet for months",
        "Clientdesk created Acme Builders as Active",
    ]
    assert links(page) == {"Acme Builders": f"/a/acme/clients/{acme.pk}/"}
    assert '<span class="badge status status-at_risk">At risk</span>' in page
    assert "client.status_changed" not in entries(page)[0] and "at_risk" not in entries(page)[0]


def test_a_past_date_reads_in_the_accounts_time_zone(cast, team):
    account_update(account=cast.account, actor=cast.owner.user, time_zone="Europe/Madrid")
    acme = make_client(
        cast, prefix="ACME", name="Acme Builders", status_since=datetime(2026, 1, 1, 9, tzinfo=UTC)
    )
    client_change_status(
        client=acme,
        actor=team.ana,
        to_status="at_risk",
        at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC),  # already 3 March in Madrid
    )
    assert entries(read(cast.viewer, acme)) == [
        "Ana moved Acme Builders from Active to At risk as of 3 Mar 2026, 00:30",
        "Clientdesk created Acme Builders as Active since 1 Jan 2026, 10:00",
    ]


def test_edits_read_with_names_for_ids_words_for_empty_and_lists_as_text(cast, team, acme):
    group = make_client(cast, prefix="GRP", name="Acme Group")
    ana = team.ana.user
    client_update(client=acme, actor=ana, version=None, manager=team.bea.user)
    client_update(client=acme, actor=ana, version=None, manager=team.carl.user)
    client_set_tags(client=acme, actor=ana, names=["VIP", "Remote only"])
    legal = Industry.objects.get(account=cast.account, name="Legal")
    client_update(client=acme, actor=ana, version=None, industry=legal, license="Gold")
    client_update(client=acme, actor=ana, version=None, parent=group)
    client_update(client=acme, actor=ana, version=None, manager=None)

    page = read(cast.viewer, acme)

    assert entries(page)[:6] == [
        "Ana changed Acme Builders' manager from Carl to none",
        "Ana changed Acme Builders' parent client from none to Acme Group",
        "Ana changed Acme Builders' industry and license"
        " | Industry from none to Legal | License from none to Gold",
        "Ana changed Acme Builders' tags from none to Remote only, VIP",
        "Ana changed Acme Builders' manager from Bea to Carl",
        "Ana changed Acme Builders' manager from none to Bea",
    ]
    assert links(page)["Acme Group"] == f"/a/acme/clients/{group.pk}/"
    assert "[" not in " ".join(entries(page)) and "—" not in " ".join(entries(page))


def test_a_technician_sees_that_billing_changed_never_its_values(cast, team, acme):
    ana = team.ana.user
    client_update(client=acme, actor=ana, version=None, billing_email="ap@acme.example")
    client_update(client=acme, actor=ana, version=None, license="Gold", tax_id="ES-B99")

    as_technician = read(cast.technician, acme)
    assert entries(as_technician)[:2] == [
        "Ana changed Acme Builders' license and tax id | License from none to Gold",
        "Ana changed Acme Builders' billing email",
    ]
    assert "ap@acme.example" not in as_technician and "ES-B99" not in as_technician

    assert entries(read(cast.manager, acme))[:2] == [
        "Ana changed Acme Builders' license and tax id"
        " | License from none to Gold | Tax id from none to ES-B99",
        "Ana changed Acme Builders' billing email from none to ap@acme.example",
    ]


def test_archive_and_delete_and_their_undoing_read_as_sentences(cast, team, acme):
    client_set_archived(client=acme, actor=team.ana.user, archived=True)
    client_set_archived(client=acme, actor=team.ana.user, archived=False)
    client_delete(client=acme, actor=cast.owner.user)
    deleted_at = type(acme).objects.get(pk=acme.pk).deleted_at
    client_undelete(client=acme, actor=cast.owner.user)
    when = timezone.localtime(deleted_at, zoneinfo.ZoneInfo(cast.account.time_zone))
    assert entries(read(cast.viewer, acme))[:4] == [
        f"Owner of acme restored Acme Builders, deleted on {when.day} {when:%b %Y, %H:%M}",
        "Owner of acme deleted Acme Builders",
        "Ana took Acme Builders out of the archive",
        "Ana archived Acme Builders",
    ]


def test_the_portal_reads_with_the_contacts_name(cast, team, acme):
    jo = contact_create(
        client=acme,
        actor=team.ana.user,
        first_name="Jo",
        last_name="Smith",
        email="jo@acme.example",
    )
    first = portal_invite(client=acme, actor=team.ana.user)
    portal_invitation_revoke(invitation=first, actor=team.ana.user)
    second = portal_invite(client=acme, actor=team.ana.user)
    portal_invitation_accept(
        invitation=PortalInvitation.objects.get(pk=second.pk), password=PASSWORD
    )
    portal_access_revoke(access=PortalAccess.objects.get(contact=jo), actor=team.ana.user)

    page = read(cast.viewer, acme)

    assert entries(page) == [
        "Acme Builders' engagement went from Engaged to Silent",
        "Ana closed Acme Builders' portal to Jo Smith",
        "Acme Builders' engagement went from Access sent to Engaged",
        "Jo Smith accepted the invitation to Acme Builders' portal",
        "Ana invited Jo Smith to Acme Builders' portal",
        "Acme Builders' engagement went from Silent to Access sent",
        "Acme Builders' engagement went from Access sent to Silent",
        "Ana withdrew the invitation of Jo Smith to Acme Builders' portal",
        "Ana invited Jo Smith to Acme Builders' portal",
        "Acme Builders' engagement went from Silent to Access sent",
        "Clientdesk created Acme Builders as Active",
    ]
    assert links(page)["Jo Smith"] == f"/a/acme/clients/{acme.pk}/contacts/"


def test_the_timeline_costs_the_same_queries_for_5_entries_as_for_50(cast, team, acme):
    """Ids become names in one query per kind (people, clients, industries, contacts)."""
    ana = team.ana.user
    industries = list(Industry.objects.filter(account=cast.account))

    def some_of_each(n: int) -> None:
        for i in range(n):
            person = make_user(f"m{i}-{n}@acme.example", name=f"M{i}")
            membership_add(account=cast.account, user=person, role="viewer", actor=None)
            client_update(client=acme, actor=ana, version=None, manager=person)
            parent = make_client(cast, prefix=f"P{n}X{i}", name=f"Parent {n}.{i}")
            client_update(client=acme, actor=ana, version=None, parent=parent)
            client_update(client=acme, actor=ana, version=None, industry=industries[i])
            contact_create(client=acme, actor=ana, first_name=f"C{i}", email=f"c{i}-{n}@x.example")
            portal_invite(client=acme, actor=ana)  # the primary contact's

    some_of_each(1)
    with CaptureQueriesContext(connection) as few:
        assert 5 <= len(timeline(cast.viewer, acme)) < 10
    some_of_each(12)
    with CaptureQueriesContext(connection) as many:
        assert len(timeline(cast.viewer, acme)) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_client_outside_the_readers_limits_is_not_named(cast, team, acme):
    hidden = make_client(cast, prefix="HIDE", name="Hidden Holdings")
    client_update(client=acme, actor=team.ana.user, version=None, parent=hidden)
    client_update(client=acme, actor=team.ana.user, version=None, parent=None)
    membership_set_client_access(
        actor=cast.owner, membership=cast.technician, access="deny", clients=[hidden]
    )
    technician = Membership.objects.get(pk=cast.technician.pk)
    page = read(technician, acme)
    assert entries(page)[:2] == [
        "Ana changed Acme Builders' parent client from a client you cannot see to none",
        "Ana changed Acme Builders' parent client from none to a client you cannot see",
    ]
    assert "Hidden Holdings" not in page
