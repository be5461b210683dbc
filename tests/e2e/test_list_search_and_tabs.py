"""The Clients page's search and its tabs agree (issue 12, point 9): a search typed a moment
before a tab or a sort header is clicked is part of what that click shows, every time, and the
address bar says what is shown."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")

CLIENTS = {
    # name: status
    "Alpha Lead": "lead",
    "Alpha Active": "active",
    "Alpha Waits": "waiting",
    "Beta Lead": "prospect",
    "Beta Active": "active",
    "Gamma Active": "active",
    "Gamma Invited": "invited",
}
TAB_STATUSES = {
    "all": set(CLIENTS.values()),
    "leads": {"lead", "prospect"},
    "onboarding": {"invited", "waiting"},
    "active": {"active"},
}


def expected(search: str, tab: str) -> list[str]:
    return sorted(
        name
        for name, status in CLIENTS.items()
        if search.lower() in name.lower() and status in TAB_STATUSES[tab]
    )


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def shown_names(page: Page) -> list[str]:
    return sorted(page.locator("#client-results tbody td.col-name a").all_inner_texts())


def test_a_search_typed_just_before_a_tab_click_is_kept_every_time(
    page: Page, live_server, cast, sign_in, shot
):
    for i, (name, status) in enumerate(CLIENTS.items()):
        make_client(cast, prefix=f"R{i}", name=name, status=status)
    sign_in(page, live_server, cast.viewer.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/")
    search = page.locator("#client-q")
    steps = [
        ("alpha", "leads"),
        ("beta", "active"),
        ("gamma", "onboarding"),
        ("alpha", "active"),
        ("i", "all"),
        ("lead", "leads"),
        ("beta", "onboarding"),
        ("active", "active"),
        ("alpha", "onboarding"),
        ("gamma", "all"),
        ("a", "leads"),
        ("beta", "all"),
    ]
    for search_text, tab in steps:
        search.fill("")
        search.press_sequentially(search_text)  # a person typing …
        page.locator(f"#tab-{tab}").click()  # … and clicking a tab at once
        want = expected(search_text, tab)
        tab_link = page.locator(f"#tab-{tab}")
        expect(tab_link).to_have_attribute("aria-current", "page")
        expect(page.locator("#client-results tbody td.col-name a")).to_have_count(len(want))
        # Past the search field's 400 ms pause: no late answer replaces the tab's.
        page.wait_for_timeout(700)
        expect(tab_link).to_have_attribute("aria-current", "page")
        assert shown_names(page) == want, (search_text, tab)
        assert search.input_value() == search_text
        query = query_of(page)
        assert query.get("q") == [search_text], page.url
        assert query.get("tab", ["all"]) == [tab], page.url
        if (search_text, tab) == ("alpha", "leads"):
            shot(page, "alpha-leads")


def test_a_search_typed_just_before_a_sort_click_is_kept(page: Page, live_server, cast, sign_in):
    for i, (name, status) in enumerate(CLIENTS.items()):
        make_client(cast, prefix=f"R{i}", name=name, status=status)
    sign_in(page, live_server, cast.viewer.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/")
    page.locator("#client-q").press_sequentially("alpha")
    page.locator("#sort-name").click()
    expect(page.locator("#sort-name").locator("xpath=..")).to_have_attribute(
        "aria-sort", "descending"
    )
    page.wait_for_timeout(700)
    names = page.locator("#client-results tbody td.col-name a").all_inner_texts()
    assert names == ["Alpha Waits", "Alpha Lead", "Alpha Active"]
    assert query_of(page) == {"q": ["alpha"], "sort": ["-name"]}, page.url
