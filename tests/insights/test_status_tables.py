"""The status tables (issue 16, item 3): today's count per status from the derived tables, and
the list behind a count with manager, since when, the primary contact to write to and, at
risk, why. Restricted staff see their own clients only."""

import re
from collections import Counter

import pytest
from django.test import Client as Http

from clientdesk.clients.models import Client
from clientdesk.clients.services import (
    client_change_status,
    client_delete,
    client_set_archived,
)
from clientdesk.contacts.services import contact_create
from clientdesk.core.models import MembershipClient
from clientdesk.insights.status_tables import status_counts
from tests.clients.factories import make_client

URL = "/a/acme/insights/status/"


def signed_in(membership) -> Http:
    http = Http()
    http.force_login(membership.user)
    return http


def limit(membership, mode, *clients):
    membership.client_access = mode
    membership.save()
    for client in clients:
        MembershipClient.objects.create(
            account=membership.account, membership=membership, client=client
        )


@pytest.fixture
def roster(cast):
    """Acme's clients in every status, one archived and one deleted, and one of globex's."""
    made = {}
    for prefix, status in [
        ("LEAD1", "lead"), ("PROS1", "prospect"), ("INV1", "invited"), ("INV2", "invited"),
        ("WAIT1", "waiting"), ("ACT1", "active"), ("ACT2", "active"), ("ACT3", "active"),
    ]:  # fmt: skip
        made[prefix] = make_client(cast, prefix=prefix, name=f"{prefix} Ltd", status=status)
    made["RISK1"] = make_client(cast, prefix="RISK1", name="Risky Ltd", manager=cast.manager.user)
    client_change_status(
        client=made["RISK1"], actor=cast.manager, to_status="at_risk", reason="Late payments"
    )
    made["OFF1"] = make_client(cast, prefix="OFF1", name="Leaving Ltd")
    client_change_status(client=made["OFF1"], actor=None, to_status="offboarding")
    made["GONE1"] = make_client(cast, prefix="GONE1", name="Former Ltd")
    client_change_status(client=made["GONE1"], actor=None, to_status="offboarding")
    client_change_status(client=made["GONE1"], actor=None, to_status="inactive")
    shelved = make_client(cast, prefix="SHELF", status="active")
    client_set_archived(client=shelved, actor=None, archived=True)
    deleted = make_client(cast, prefix="DEL", status="active")
    client_delete(client=deleted, actor=cast.owner)
    make_client(cast.other_account, prefix="THEIRS", status="active")
    return made


def counts_on_page(html: str) -> dict[str, int]:
    return {
        status: int(n)
        for status, n in re.findall(
            r'id="status-count-(\w+)".*?<strong class="status-n">(\d+)</strong>', html, re.S
        )
    }


def test_todays_counts_match_the_clients_and_leave_out_archived_and_deleted(cast, roster):
    expected = Counter(
        c.status
        for c in Client.objects.filter(account=cast.account, archived=False, deleted_at=None)
    )
    html = signed_in(cast.viewer).get(URL).text
    assert counts_on_page(html) == {
        "lead": 1, "prospect": 1, "invited": 2, "waiting": 1,
        "active": 3, "at_risk": 1, "offboarding": 1, "inactive": 1,
    }  # fmt: skip
    assert counts_on_page(html) == {s: expected.get(s, 0) for s in counts_on_page(html)}


def test_the_deltas_and_the_counting_path_agree(cast, roster):
    everyone = status_counts(cast.viewer)
    limit(cast.technician, "deny")  # a deny-list of nobody: sees all, counted one by one
    assert status_counts(cast.technician) == everyone


def test_a_count_opens_the_list_with_manager_since_and_the_primary_to_write_to(cast, roster):
    contact_create(
        client=roster["ACT1"], actor=None, first_name="Pat", last_name="Lee",
        email="pat@act1.example", is_primary=True,
    )  # fmt: skip
    html = signed_in(cast.viewer).get(URL, {"status": "active"}).text
    assert "Active clients" in html
    rows = re.findall(r'<tr data-client="(\w+)">', html)
    assert rows == ["ACT1", "ACT2", "ACT3"]  # by name; archived, deleted, globex's left out
    assert 'href="mailto:pat@act1.example"' in html
    assert f'href="/a/acme/clients/{roster["ACT1"].pk}/"' in html
    assert 'aria-current="true"' in html.split('id="status-count-active"')[1][:400]
    # The Clients page's quick functions sit in each row too (a technician may log a job).
    act1 = html.split('<tr data-client="ACT1">')[1].split("</tr>")[0]
    assert 'data-quick="jobs_report"' in act1 and 'data-quick="log_job"' not in act1
    tech = signed_in(cast.technician).get(URL, {"status": "active"}).text
    assert f'href="/a/acme/tickets/new/?client={roster["ACT1"].pk}&amp;kind=job"' in tech


def test_the_at_risk_list_says_why(cast, roster):
    html = signed_in(cast.viewer).get(URL, {"status": "at_risk"}).text
    assert re.findall(r'<tr data-client="(\w+)">', html) == ["RISK1"]
    assert "Late payments" in html and cast.manager.user.display_name in html


def test_htmx_asks_for_the_list_alone(cast, roster):
    answer = signed_in(cast.viewer).get(URL, {"status": "invited"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "<html" not in answer.text and "status-count-" not in answer.text
    assert re.findall(r'<tr data-client="(\w+)">', answer.text) == ["INV1", "INV2"]


def test_an_unknown_status_shows_the_counts_alone(cast, roster):
    html = signed_in(cast.viewer).get(URL, {"status": "nope"}).text
    assert "status-count-active" in html and "<tr data-client" not in html


def test_an_empty_status_says_so(cast):
    html = signed_in(cast.viewer).get(URL, {"status": "waiting"}).text
    assert "No client has this status today." in html


def test_restricted_staff_count_and_list_only_their_clients(cast, roster):
    limit(cast.technician, "allow", roster["ACT1"], roster["RISK1"], roster["INV1"])
    http = signed_in(cast.technician)
    counts = counts_on_page(http.get(URL).text)
    assert {s: n for s, n in counts.items() if n} == {"active": 1, "at_risk": 1, "invited": 1}
    html = http.get(URL, {"status": "active"}).text
    assert re.findall(r'<tr data-client="(\w+)">', html) == ["ACT1"]
    limit(cast.viewer, "deny", roster["ACT2"], roster["ACT3"])
    counts = counts_on_page(signed_in(cast.viewer).get(URL).text)
    assert counts["active"] == 1 and counts["invited"] == 2


def test_the_list_pages_by_fifty(cast):
    for n in range(53):
        make_client(cast, prefix=f"P{n:03d}", name=f"Client {n:03d}")
    http = signed_in(cast.viewer)
    first = http.get(URL, {"status": "active"}).text
    assert len(re.findall(r"<tr data-client", first)) == 50
    nxt = re.search(r'href="\?status=active&amp;cursor=([^"]+)"', first).group(1)
    second = http.get(URL, {"status": "active", "cursor": nxt}).text
    assert re.findall(r'<tr data-client="(\w+)">', second) == ["P050", "P051", "P052"]


def test_the_page_costs_a_fixed_number_of_queries(cast, roster, django_assert_max_num_queries):
    http = signed_in(cast.viewer)
    http.get(URL, {"status": "active"})
    for n in range(10):
        make_client(cast, prefix=f"MORE{n}", status="active")
    with django_assert_max_num_queries(14):
        http.get(URL, {"status": "active"})
