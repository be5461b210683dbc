"""The account's home page (issue 16, item 5): the panels the domains add through
core.registry.home_panels — today's status counts, the at-risk clients with their reasons,
open work, recent activity — each linking to its list, through the member's limits."""

import re
from datetime import timedelta

import pytest
from django.test import Client as Http
from django.utils import timezone

from clientdesk.clients.services import client_change_status
from clientdesk.core import registry
from clientdesk.core.models import MembershipClient
from clientdesk.tickets.services import ticket_create
from tests.clients.factories import make_client

HOME = "/a/acme/"


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


def panel(html: str, key: str) -> str:
    found = re.search(
        rf'<section class="card home-panel[^"]*" [^>]*id="home-{key}">(.*?)</section>', html, re.S
    )
    assert found, f"no {key} panel"
    return found.group(1)


@pytest.fixture
def busy(cast):
    """Clients in several statuses, two at risk with reasons, open and breached tickets."""
    calm = make_client(cast, prefix="CALM", name="Calm Co")
    shaky = make_client(cast, prefix="SHAKY", name="Shaky Co", manager=cast.manager.user)
    client_change_status(
        client=shaky,
        actor=cast.manager,
        to_status="at_risk",
        reason="3 SLA breaches in the last 30 days",
    )
    wobbly = make_client(cast, prefix="WOBBLY", name="Wobbly Co")
    client_change_status(client=wobbly, actor=None, to_status="at_risk", reason="Owner retiring")
    make_client(cast, prefix="NEWBIE", name="Newbie Co", status="invited")
    ticket_create(client=calm, actor=None, title="Printer jam")
    ticket_create(
        client=shaky, actor=None, title="Server down", priority="urgent",
        now=timezone.now() - timedelta(days=3),
    )  # fmt: skip
    return {"calm": calm, "shaky": shaky, "wobbly": wobbly}


def test_the_domains_fill_the_home_page_in_order():
    assert [p.key for p in registry.home_panels.all()] == [
        "status_counts",
        "at_risk",
        "offboarding_due",
        "open_work",
        "activity",
    ]


def test_home_shows_todays_counts_at_risk_reasons_open_work_and_activity(cast, busy):
    html = signed_in(cast.admin).get(HOME).text
    counts = panel(html, "status_counts")
    assert re.search(r'id="home-status-active">.*?<strong>1</strong>', counts, re.S)
    assert re.search(r'id="home-status-at_risk">.*?<strong>2</strong>', counts, re.S)
    assert re.search(r'id="home-status-invited">.*?<strong>1</strong>', counts, re.S)
    assert 'href="/a/acme/insights/status/?status=active"' in counts
    risky = panel(html, "at_risk")
    assert "Shaky Co" in risky and "3 SLA breaches in the last 30 days" in risky
    assert "Wobbly Co" in risky and "Owner retiring" in risky
    assert 'href="/a/acme/insights/status/?status=at_risk"' in html
    work = panel(html, "open_work")
    assert re.search(r'id="home-open-tickets"><strong>2</strong>', work)
    assert re.search(r'id="home-breached-tickets" class="bad"><strong>1</strong>', work)
    assert 'href="/a/acme/tickets/?breached=yes"' in work
    activity = panel(html, "activity")
    assert "moved" in activity and "Shaky Co" in activity
    assert 'href="/a/acme/settings/activity/"' in html


def test_without_the_whole_log_a_member_sees_their_own_activity_and_no_link(cast, busy):
    html = signed_in(cast.manager).get(HOME).text
    activity = panel(html, "activity")
    assert "What you did lately." in activity
    assert "Shaky Co" in activity and "Wobbly Co" not in activity  # the manager moved Shaky
    assert 'href="/a/acme/settings/activity/"' not in html


def test_restricted_staff_see_only_their_clients_on_home(cast, busy):
    limit(cast.technician, "allow", busy["calm"], busy["wobbly"])
    html = signed_in(cast.technician).get(HOME).text
    counts = panel(html, "status_counts")
    assert re.search(r'id="home-status-active">.*?<strong>1</strong>', counts, re.S)
    assert re.search(r'id="home-status-at_risk">.*?<strong>1</strong>', counts, re.S)
    assert re.search(r'id="home-status-invited">.*?<strong>0</strong>', counts, re.S)
    risky = panel(html, "at_risk")
    assert "Wobbly Co" in risky and "Shaky Co" not in risky
    assert "3 SLA breaches" not in html
    work = panel(html, "open_work")
    assert re.search(r'id="home-open-tickets"><strong>1</strong>', work)
    assert re.search(r'id="home-breached-tickets"><strong>0</strong>', work)


def test_an_empty_account_says_there_is_nothing(cast):
    html = signed_in(cast.viewer).get(HOME).text
    assert "No client is at risk." in panel(html, "at_risk")
    assert f"Welcome, {cast.viewer.user.display_name}" in html


def test_home_costs_a_fixed_number_of_queries(cast, busy, django_assert_max_num_queries):
    http = signed_in(cast.admin)
    http.get(HOME)
    for n in range(8):
        c = make_client(cast, prefix=f"X{n}", name=f"Extra {n}")
        client_change_status(client=c, actor=cast.admin, to_status="at_risk", reason=f"Reason {n}")
        ticket_create(client=c, actor=None, title="More work")
    with django_assert_max_num_queries(30) as captured:
        http.get(HOME)
    before = len(captured.captured_queries)
    for n in range(8, 12):
        make_client(cast, prefix=f"X{n}", name=f"Extra {n}")
    with django_assert_max_num_queries(before):
        http.get(HOME)


def test_a_panel_with_a_capability_shows_only_to_those_who_have_it(cast):
    registry.home_panels.add(
        registry.HomePanel(
            "planted", "Planted", "audit/home_activity.html", lambda request: {},
            capability="money.read",
        )
    )  # fmt: skip
    try:
        assert 'id="home-planted"' in signed_in(cast.manager).get(HOME).text
        assert 'id="home-planted"' not in signed_in(cast.technician).get(HOME).text
    finally:
        registry.home_panels.remove("planted")
