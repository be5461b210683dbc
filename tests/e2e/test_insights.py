"""A viewer reads Insights in a real browser: changes the range, toggles a status, hovers and
clicks a day of the chart, opens View details and follows a client; at desktop and phone
widths, with axe-core on each page."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from clientdesk.clients.models import Client
from clientdesk.insights.metrics import local_today
from tests.factories import PASSWORD
from tests.insights import oracle

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def history(cast):
    cast.account.time_zone = "Europe/Madrid"
    cast.account.save(update_fields=["time_zone"])
    oracle.generate(cast.account, clients=36, seed=21, days=400)
    return oracle.status_days(cast.account)


def chart_point(page: Page, index: int) -> tuple[float, float]:
    return page.evaluate(
        """(i) => { const u = window.insightsChart; const r = u.over.getBoundingClientRect();
        return [r.left + u.valToPos(u.data[0][i], 'x'), r.top + r.height / 2]; }""",
        index,
    )


@pytest.mark.parametrize("width", [1440, 390])
def test_a_viewer_reads_insights_and_follows_a_day_to_a_client(
    page: Page, live_server, cast, history, sign_in, check_a11y, shot, width
):
    page.set_viewport_size({"width": width, "height": 1000})
    sign_in(page, live_server, cast.viewer.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/insights/")
    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    today = local_today(cast.account)
    s30 = oracle.summary(history, today - timedelta(days=29), today)
    cards = page.locator("#metric-cards")
    expect(cards.locator('[data-metric="total"] [data-value]')).to_have_text(str(s30["total"]))
    page.wait_for_function("window.insightsChart !== undefined")
    check_a11y(page)
    shot(page, f"{width}-insights")

    # The range: a preset submits at once and lands in the URL.
    page.get_by_label("Range", exact=True).select_option(label="Last 365 days")
    expect(page).to_have_url(re.compile(r"range=365d"))
    start = today - timedelta(days=364)
    s365 = oracle.summary(history, start, today)
    for key, figure in [("total", "total"), ("new", "new"), ("churned", "churned")]:
        expect(cards.locator(f'[data-metric="{key}"] [data-value]')).to_have_text(str(s365[figure]))
    expect(cards.locator('[data-metric="permanence"] [data-value]')).to_contain_text(
        str(s365["average_permanence_days"])
    )
    page.wait_for_function("window.insightsChart && window.insightsChart.data[0].length === 365")

    # A status toggled off in the legend leaves the chart, and the URL remembers it.
    lead = page.locator("#chart-legend").get_by_role("button", name="Lead")
    lead.click()
    expect(lead).to_have_attribute("aria-pressed", "false")
    expect(page).to_have_url(re.compile(r"hide=lead"))
    assert page.evaluate("window.insightsChart.series[1].show") is False

    # Hover shows the day's numbers; a click opens the day's panel.
    index = 300
    day = start + timedelta(days=index)
    x, y = chart_point(page, index)
    page.mouse.move(x, y)
    tip = page.locator("#chart-tip")
    expect(tip).to_be_visible()
    [(_, counts)] = oracle.evolution(history, day, day)
    expect(tip.locator(".tip-row.status-active strong")).to_have_text(str(counts["active"]))
    expect(tip.locator(".tip-row.status-lead")).to_have_count(0)
    shot(page, f"{width}-insights-hover")
    page.mouse.click(x, y)
    panel = page.locator("#day-panel-card")
    expect(panel).to_have_attribute("data-day", day.isoformat())
    expect(page).to_have_url(re.compile(rf"day={day.isoformat()}"))
    expect(panel.locator('tr[data-status="active"] td.num')).to_have_text(str(counts["active"]))
    check_a11y(page)
    shot(page, f"{width}-insights-day")

    # View details: the clients active at the end of that day, each linking to its page.
    panel.locator('[data-view-details="active"]').click()
    expect(page).to_have_url(re.compile(rf"date={day.isoformat()}&status=active"))
    expected = oracle.drill_down(history, "active", day)
    expect(page.locator("#drill-count")).to_contain_text(f"{len(expected)} client")
    rows = page.locator("#drill-list tbody tr td:first-child a")
    expect(rows).to_have_count(min(len(expected), 50))
    names = set(Client.objects.filter(pk__in=expected).values_list("name", flat=True))
    assert set(rows.all_text_contents()) == names
    check_a11y(page)
    shot(page, f"{width}-insights-details")
    first = rows.first
    name = first.text_content()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
