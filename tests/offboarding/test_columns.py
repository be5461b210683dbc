"""The Clients list's off-boarding columns (offboarding/columns.py), ready for the list's column
registry: a page's values in a fixed number of queries, their cells, their sorts; and the home
page's panel."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory

from clientdesk.clients.models import Client
from clientdesk.core.context_processors import Capabilities
from clientdesk.offboarding import columns, home, queries
from clientdesk.offboarding.services import (
    offboarding_complete,
    offboarding_item_set,
    offboarding_start,
)
from tests.clients.factories import make_client

pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture
def today():
    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        yield


def _request(membership):
    request = RequestFactory().get("/")
    request.account, request.membership, request.user = (
        membership.account,
        membership,
        membership.user,
    )
    return request


def cell(template, membership, client, value) -> str:
    request = _request(membership)
    context = {
        "client": client,
        "value": value,
        "request": request,
        "caps": Capabilities(membership),
    }
    return render_to_string(template, context, request=request)


@pytest.fixture
def leaving(cast):
    """Three clients off-boarding (one overdue, one half done), two gone (one through the
    workflow, one lost lead)."""
    made = {}
    for name, on, ticks in (
        ("Late", date(2026, 6, 10), 1),
        ("Half", date(2026, 7, 1), 3),
        ("Soon", date(2026, 6, 20), 0),
    ):
        client = make_client(cast, name=name)
        run = offboarding_start(client=client, actor=cast.manager, on=on, reason="price", note="n")
        for item in queries.items_of(run)[:ticks]:
            offboarding_item_set(item=item, actor=cast.manager, done=True)
        made[name] = client
    gone = make_client(cast, name="Gone")
    run = offboarding_start(
        client=gone, actor=cast.manager, on=date(2026, 6, 1), reason="business_closed"
    )
    offboarding_complete(offboarding=run, actor=cast.manager)
    made["Gone"] = gone
    lost = make_client(cast, name="Lost", status="lead")
    from clientdesk.clients.services import client_change_status

    client_change_status(client=lost, actor=cast.manager, to_status="inactive", reason="No budget")
    made["Lost"] = lost
    return {k: Client.objects.get(pk=v.pk) for k, v in made.items()}


def test_a_page_of_values_costs_one_query_whatever_its_length(
    cast, leaving, django_assert_num_queries
):
    page = list(leaving.values())
    with django_assert_num_queries(1):
        runs = columns.run_values(cast.manager, page)
    assert (
        runs[leaving["Half"].pk]["run"].done_count,
        runs[leaving["Half"].pk]["run"].total_count,
    ) == (3, 6)
    assert runs[leaving["Late"].pk]["overdue"] and not runs[leaving["Soon"].pk]["overdue"]
    with django_assert_num_queries(2):
        left = columns.left_values(cast.manager, page)
    assert set(left) == {leaving["Gone"].pk, leaving["Lost"].pk}
    assert left[leaving["Gone"].pk]["reason"] == "Business closed"
    assert left[leaving["Lost"].pk]["reason"] == "No budget"
    # Another account's member reads nothing of them.
    assert columns.run_values(cast.outsider, page) == {}


def test_the_cells(cast, leaving):
    runs = columns.run_values(cast.manager, list(leaving.values()))
    late = leaving["Late"]
    html = cell("offboarding/col_progress.html", cast.manager, late, runs[late.pk])
    assert 'data-progress="1/6"' in html and "<progress" in html and "data-overdue" in html
    assert "10 Jun 2026" in cell("offboarding/col_date.html", cast.manager, late, runs[late.pk])
    assert "Price" in cell("offboarding/col_reason.html", cast.manager, late, runs[late.pk])
    left = columns.left_values(cast.manager, list(leaving.values()))
    gone = leaving["Gone"]
    why = cell("offboarding/col_left_why.html", cast.manager, gone, left[gone.pk])
    assert "Business closed" in why and "?win_back=1" in why
    assert "Win back" not in cell("offboarding/col_left_why.html", cast.viewer, gone, left[gone.pk])
    assert "15 Jun 2026" in cell("offboarding/col_left_on.html", cast.manager, gone, left[gone.pk])


def test_the_sorts(cast, leaving):
    def order(expression):
        qs = (
            Client.objects.for_account(cast.account)
            .filter(status="offboarding")
            .annotate(key=expression)
            .order_by("key", "pk")
        )
        return [c.name for c in qs]

    assert order(columns.date_sort()) == ["Late", "Soon", "Half"]
    assert order(columns.progress_sort()) == ["Soon", "Late", "Half"]
    inactive = Client.objects.for_account(cast.account).filter(status="inactive")
    assert inactive.annotate(key=columns.left_sort()).filter(key=None).count() == 0


def test_the_home_panel_lists_the_due_and_the_overdue(cast, leaving):
    context = home.home_panel(_request(cast.manager))
    names = [r["run"].client.name for r in context["offboarding_due"]]
    assert names == ["Late", "Soon"]  # Half is due on 1 July, beyond two weeks
    assert context["offboarding_overdue_count"] == 1
    request = _request(cast.manager)
    html = render_to_string("offboarding/home_panel.html", context | {"request": request})
    assert "1 overdue" in html and "Late" in html


def test_the_home_page_shows_the_panel_with_a_link_to_the_off_boarding_tab(cast, leaving):
    from django.test import Client as Browser

    browser = Browser()
    browser.force_login(cast.manager.user)
    page = browser.get("/a/acme/").text
    panel = page.split('id="home-offboarding_due"', 1)[1].split("</section>", 1)[0]
    assert "Off-boardings due" in panel and "1 overdue" in panel
    assert panel.index("Late") < panel.index("Soon") and "Half" not in panel
    assert 'href="/a/acme/clients/?tab=offboarding"' in panel
