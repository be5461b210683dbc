"""Settings › Activity reads as sentences: the team, the account, API tokens, contacts and
imports, with clients linked and people named; a page of 50 costs what a page of 5 does."""

import re

from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext

from clientdesk.clients.services import client_update
from clientdesk.contacts.services import contact_create, contact_delete, contact_update
from clientdesk.core.models import Membership
from clientdesk.core.services import (
    account_update,
    membership_add,
    membership_change_role,
    membership_remove,
    membership_set_client_access,
    staff_invitation_accept,
    staff_invitation_revoke,
    staff_invite,
)
from clientdesk.integrations.services import api_token_create, api_token_revoke
from clientdesk.transfer.services import import_file
from tests.audit.reading import entries, links
from tests.clients.factories import make_client
from tests.factories import PASSWORD, make_user

PAGE = "/a/acme/settings/activity/"


def read(membership, url: str = PAGE) -> str:
    browser = WebClient()
    browser.force_login(membership.user)
    page = browser.get(url)
    assert page.status_code == 200
    return page.text


def test_the_account_and_its_team_read_as_sentences(cast):
    owner = cast.owner
    alpha = make_client(cast, prefix="ALPHA", name="Alpha")
    beta = make_client(cast, prefix="BETA", name="Beta")
    account_update(account=cast.account, actor=owner.user, time_zone="Europe/Madrid")
    invitation, _raw = staff_invite(actor=owner, email="dee@acme.example", role="viewer")
    staff_invitation_accept(invitation=invitation, name="Dee", password=PASSWORD)
    gone, _raw = staff_invite(actor=owner, email="eve@acme.example", role="manager")
    staff_invitation_revoke(actor=owner, invitation=gone)
    membership_change_role(actor=owner, membership=cast.viewer, role="manager")
    membership_remove(actor=owner, membership=cast.technician)
    dee = Membership.objects.get(user__email="dee@acme.example")
    membership_set_client_access(actor=owner, membership=dee, access="allow", clients=[alpha, beta])
    membership_set_client_access(actor=owner, membership=dee, access="all", clients=[])
    token, _raw = api_token_create(membership=owner, name="Zapier", actor=owner.user)
    api_token_revoke(token=token, actor=owner.user)

    page = read(cast.admin)
    said = entries(page)

    assert said[:10] == [
        f"Owner of acme revoked the API token Zapier ({token.prefix}…)",
        f"Owner of acme created the API token Zapier ({token.prefix}…)",
        "Owner of acme set Dee's client access to All clients",
        "Owner of acme set Dee's client access to Only the listed clients: Alpha, Beta",
        f"Owner of acme removed {cast.technician.user.email} (Technician) from the team",
        "Owner of acme changed Viewer's role from Viewer to Manager",
        "Owner of acme withdrew the invitation of eve@acme.example to join the team",
        "Owner of acme invited eve@acme.example to join the team as Manager",
        "Dee joined the team as Viewer",
        "Owner of acme invited dee@acme.example to join the team as Viewer",
    ]
    assert said[10:13] == [
        "Owner of acme changed Acme IT's time zone from UTC to Europe/Madrid",
        "Clientdesk created Beta as Active",
        "Clientdesk created Alpha as Active",
    ]
    assert "Owner of acme added Admin to the team as Admin" in said
    assert said[-2:] == [
        "Owner of acme joined the team as Owner",
        "Owner of acme created the account Acme IT",
    ]
    assert links(page)["Alpha"] == f"/a/acme/clients/{alpha.pk}/"
    assert not any(re.search(r"\b(member|account|api_token)\.[a-z]", s) for s in said)


def test_contacts_read_with_their_client(cast):
    manager = cast.manager.user
    acme = make_client(cast, prefix="ACME", name="Acme Builders")
    jo = contact_create(client=acme, actor=manager, first_name="Jo", last_name="Smith")
    jo = contact_update(contact=jo, actor=manager, version=None, title="CTO")
    contact_update(contact=jo, actor=manager, version=None, active=False, phone="555 0100")
    contact_delete(contact=jo, actor=manager)

    page = read(cast.admin)

    assert entries(page)[:4] == [
        "Manager removed Jo Smith from Acme Builders' contacts",
        "Manager changed Jo Smith's phone and active (Acme Builders)"
        " | Phone from none to 555 0100 | Active from yes to no",
        "Manager changed Jo Smith's job title from none to CTO (Acme Builders)",
        "Manager added Jo Smith to Acme Builders' contacts",
    ]
    assert links(page)["Acme Builders"] == f"/a/acme/clients/{acme.pk}/"


def test_imported_changes_read_like_hand_made_ones(cast, tmp_path):
    bea = make_user("bea@acme.example", name="Bea")
    membership_add(account=cast.account, user=bea, role="viewer", actor=None)
    make_client(cast, prefix="HQ", name="Acme Group")
    path = tmp_path / "clients.csv"
    path.write_bytes(
        b"Prefix,Name,Manager email,Parent prefix,Tags,Contact email\n"
        b"ACME,Acme Builders,,,,jo@acme.example\n"
    )
    run = {"account": cast.account, "membership": cast.manager, "kind": "clients"}
    import_file(**run, path=str(path), mode="upsert")
    path.write_bytes(
        b"Prefix,Name,Manager email,Parent prefix,Tags\nACME,Acme Builders,bea@acme.example,HQ,"
        b'"vip, dental"\n'
    )
    import_file(**run, path=str(path), mode="upsert")

    said = entries(read(cast.admin))

    assert said[0] == (
        "Manager changed Acme Builders' manager, parent client and tags"
        " | Manager from none to Bea | Parent client from none to Acme Group"
        " | Tags from none to dental, vip"
    )
    # The first import created the client and its contact: one entry for the job (issue 18).
    assert said[1] == "Manager imported clients from clients.csv: 1 created"


def test_a_page_of_50_entries_costs_the_queries_of_a_page_of_5(cast):
    """Ids become names in one query per kind, whatever the number of entries."""
    acme = make_client(cast, prefix="ACME", name="Acme Builders")
    read(cast.admin)  # warm the session

    def some_of_each(n: int) -> None:
        for i in range(n):
            person = make_user(f"m{i}-{n}@acme.example", name=f"M{i}")
            membership_add(account=cast.account, user=person, role="viewer", actor=None)
            client = make_client(cast, prefix=f"C{n}X{i}", name=f"Client {n}.{i}")
            client_update(client=client, actor=person, version=None, manager=person, parent=acme)
            contact_create(client=client, actor=person, first_name=f"C{i}", email=f"c{i}@x.example")

    some_of_each(1)
    with CaptureQueriesContext(connection) as few:
        assert 5 <= len(entries(read(cast.admin))) < 20
    some_of_each(15)
    with CaptureQueriesContext(connection) as many:
        assert len(entries(read(cast.admin))) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_only_owners_and_admins_read_the_account_activity(cast):
    for member in (cast.manager, cast.technician, cast.viewer):
        browser = WebClient()
        browser.force_login(member.user)
        assert browser.get(PAGE).status_code == 403
