"""The client navigator in a real browser: open it from a client page, expand, filter, go to
another client, and find it as it was left after a reload; a drawer on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from clientdesk.core.services import membership_set_client_access
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")

WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def client_url(live_server, client) -> str:
    return f"{live_server.url}/a/{client.account.slug}/clients/{client.pk}/"


@pytest.fixture
def roster(cast):
    north = make_client(cast, prefix="NORTH", name="Northwind Group")
    depots = make_client(cast, prefix="NWDEP", name="Northwind Depots", parent=north)
    make_client(cast, prefix="NWHQ", name="Northwind Head Office", parent=north)
    leeds = make_client(cast, prefix="NWLDS", name="Leeds Depot", parent=depots)
    make_client(cast, prefix="NWMAN", name="Manchester Depot", parent=depots)
    harbor = make_client(cast, prefix="HARB", name="Harbor Dental")
    make_client(cast, prefix="HARBN", name="Harbor Dental North", parent=harbor)
    make_client(cast, prefix="HARBS", name="Harbor Dental South", parent=harbor)
    for prefix, name in [
        ("ACME", "Acme Bakery"),
        ("BLUE", "Bluebell Florists"),
        ("CITY", "City Dental Care"),
        ("ZEN", "Zenith Accounting"),
    ]:
        make_client(cast, prefix=prefix, name=name)
    return {"north": north, "depots": depots, "leeds": leeds, "harbor": harbor}


def treeitem(nav, name: str):
    """A client's item: its name, then its prefix (and how many sub-clients)."""
    return nav.get_by_role("treeitem", name=re.compile(rf"^{re.escape(name)} [A-Z0-9]+( ,|$)"))


def saved(page: Page):
    return page.expect_response(lambda r: "/navigator/state/" in r.url and r.status == 204)


def test_open_the_navigator_expand_filter_go_and_find_it_as_left(
    page: Page, live_server, cast, roster, sign_in, check_a11y, shot
):
    page.set_viewport_size(WIDE)
    sign_in(page, live_server, cast.viewer.user.email, PASSWORD)
    page.goto(client_url(live_server, roster["north"]))
    nav = page.locator("#client-nav")
    expect(nav).to_be_hidden()

    toggle = page.get_by_role("button", name="All clients")
    with saved(page):
        toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    tree = nav.get_by_role("tree")
    expect(tree).to_be_visible()
    current = treeitem(nav, "Northwind Group")
    expect(current).to_have_attribute("aria-current", "page")
    expect(current).to_be_focused()
    expect(treeitem(nav, "Zenith Accounting")).to_be_visible()  # the whole account, not a family

    # The keyboard: right opens the current client, down goes to its first sub-client.
    with saved(page):
        page.keyboard.press("ArrowRight")
    expect(current).to_have_attribute("aria-expanded", "true")
    expect(treeitem(nav, "Northwind Depots")).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(treeitem(nav, "Northwind Depots")).to_be_focused()
    page.keyboard.type("zen")  # type-ahead: the next client whose name starts so
    expect(treeitem(nav, "Zenith Accounting")).to_be_focused()
    page.keyboard.press("Home")
    expect(treeitem(nav, "Acme Bakery")).to_be_focused()

    # The mouse: the chevron opens Harbor Dental; its children load then.
    harbor = treeitem(nav, "Harbor Dental")
    expect(harbor).to_have_attribute("aria-expanded", "false")
    with saved(page):
        harbor.locator("[data-nav-twisty]").click()
    expect(harbor).to_have_attribute("aria-expanded", "true")
    expect(treeitem(nav, "Harbor Dental North")).to_be_visible()
    check_a11y(page)
    shot(page, "open-1440")

    # The filter: matches under the way down to them; the tree steps aside meanwhile.
    nav.get_by_label("Filter clients by name or prefix").fill("leeds")
    match = nav.locator("[data-nav-match]")
    expect(match).to_have_count(1)
    expect(match).to_contain_text("Northwind Group › Northwind Depots")
    expect(match).to_contain_text("Leeds Depot")
    expect(tree).to_be_hidden()
    check_a11y(page)
    shot(page, "filtered-1440")

    match.click()
    expect(page).to_have_url(client_url(live_server, roster["leeds"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Leeds Depot")
    # Still open, as left: Leeds Depot revealed and highlighted, Harbor Dental still open.
    nav = page.locator("#client-nav")
    expect(nav.get_by_role("tree")).to_be_visible()
    expect(treeitem(nav, "Leeds Depot")).to_have_attribute("aria-current", "page")
    expect(treeitem(nav, "Northwind Depots")).to_have_attribute("aria-expanded", "true")
    expect(treeitem(nav, "Harbor Dental North")).to_be_visible()
    shot(page, "selected-1440")

    page.reload()
    nav = page.locator("#client-nav")
    expect(nav.get_by_role("tree")).to_be_visible()
    expect(treeitem(nav, "Harbor Dental")).to_have_attribute("aria-expanded", "true")
    expect(treeitem(nav, "Leeds Depot")).to_have_attribute("aria-current", "page")
    check_a11y(page)

    # Closed, it stays closed.
    with saved(page):
        nav.get_by_role("button", name="Close the client tree").click()
    expect(nav).to_be_hidden()
    page.reload()
    expect(page.locator("#client-nav")).to_be_hidden()
    toggle = page.get_by_role("button", name="All clients")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    # Opened again, the clients expanded before are expanded still.
    with saved(page):
        toggle.click()
    nav = page.locator("#client-nav")
    expect(treeitem(nav, "Harbor Dental")).to_have_attribute("aria-expanded", "true")
    page.reload()
    expect(treeitem(page.locator("#client-nav"), "Harbor Dental North")).to_be_visible()


def test_on_a_phone_the_navigator_is_a_drawer_over_the_page(
    page: Page, live_server, cast, roster, sign_in, check_a11y, shot
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, cast.viewer.user.email, PASSWORD)
    page.goto(client_url(live_server, roster["leeds"]))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "closed-390")
    page.get_by_role("button", name="All clients").click()
    nav = page.locator("#client-nav")
    expect(nav).to_be_visible()
    current = treeitem(nav, "Leeds Depot")
    expect(current).to_have_attribute("aria-current", "page")
    expect(current).to_be_focused()
    # Modal meanwhile: the page under it is out of reach.
    assert page.locator(".client-main").evaluate("el => el.inert")
    box = nav.bounding_box()
    assert box["x"] == 0 and box["width"] <= 390 * 0.9  # over the page, from the left edge
    check_a11y(page)
    page.screenshot(path=str(shot(page, "drawer-390")), full_page=False)

    nav.get_by_label("Filter clients by name or prefix").fill("harb")
    expect(nav.locator("[data-nav-match]")).to_have_count(3)
    page.screenshot(path=str(shot(page, "drawer-filtered-390")), full_page=False)

    page.keyboard.press("Escape")  # clears the filter first
    expect(nav.get_by_role("tree")).to_be_visible()
    nav.get_by_role("tree").focus()
    current.focus()
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(page.get_by_role("button", name="All clients")).to_be_focused()
    assert not page.locator(".client-main").evaluate("el => el.inert")


def test_a_level_that_cannot_load_says_so(
    page: Page, live_server, cast, roster, sign_in, browser_errors
):
    browser_errors.allow(r"(status of|Status Error Code) 404")  # the browser and htmx log it
    page.set_viewport_size(WIDE)
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(client_url(live_server, roster["north"]))
    page.get_by_role("button", name="All clients").click()
    nav = page.locator("#client-nav")
    harbor = treeitem(nav, "Harbor Dental")
    expect(harbor).to_be_visible()
    # Meanwhile an owner limits this person to other clients: Harbor Dental is no longer theirs.
    membership_set_client_access(
        actor=cast.owner, membership=cast.manager, access="deny", clients=[roster["harbor"]]
    )
    harbor.locator("[data-nav-twisty]").click()
    expect(nav.locator(".nav-error")).to_have_text(
        "Could not load these clients. Reload the page to try again."
    )
    expect(nav).not_to_contain_text("Harbor Dental North")
