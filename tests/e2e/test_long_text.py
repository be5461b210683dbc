"""Long text holds its place (issue 12, point 8): a 200-character client name, with spaces or
without, is cut with an ellipsis in the Clients list, the Activity page and the flash messages,
the whole name showing on hover; the client page's Portal card shows its whole invitations
table; email addresses break at "@" and ".", not inside a word; at 390 px no page scrolls
sideways and the list's search keeps its label."""

import pytest
from playwright.sync_api import Page, expect

from clientdesk.contacts.services import contact_create
from clientdesk.portal.services import portal_invite
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")

WIDTHS = {"wide": 1440, "narrow": 390}
SPACED = ("Northwind Regional Dental and Orthodontic Care Partnership " * 4)[:200].strip()
UNSPACED = ("Supercalifragilisticexpialidocious" * 6)[:200]
LONG_EMAIL = "maximilian.alexander.featherstonehaugh@northwind-regional-dental-partners.example.com"

NO_SIDEWAYS_SCROLL = (
    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
)

# For the element: is its text cut by an ellipsis, on one line, within the viewport?
CUT_STATE = """(el) => {
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    ellipsis: style.textOverflow === "ellipsis" && style.whiteSpace === "nowrap",
    cut: el.scrollWidth > el.clientWidth,
    oneLine: box.height < 2 * parseFloat(style.lineHeight || "20"),
    inView: box.right <= document.documentElement.clientWidth,
    title: el.getAttribute("title"),
  };
}"""

# Where the text of the element wraps: the characters either side of each line break.
LINE_BREAKS = """(el) => {
  const text = el.textContent;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const chars = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (rect) chars.push({c: node.data[i], top: Math.round(rect.top)});
    }
  }
  const breaks = [];
  for (let i = 1; i < chars.length; i++) {
    if (chars[i].top > chars[i - 1].top + 2) breaks.push(chars[i - 1].c + chars[i].c);
  }
  return {text, breaks};
}"""


def assert_cut(locator, name: str) -> None:
    state = locator.evaluate(CUT_STATE)
    assert state["ellipsis"] and state["cut"], state
    assert state["oneLine"] and state["inView"], state
    assert state["title"] == name


def assert_breaks_only_at_at_and_dot(locator) -> None:
    found = locator.evaluate(LINE_BREAKS)
    for pair in found["breaks"]:
        assert pair[1] in "@." or pair[0] in "@.", (found["text"], found["breaks"])


@pytest.fixture
def long_named(cast):
    spaced = make_client(cast, prefix="LONG", name=SPACED, engagement="engaged")
    unspaced = make_client(cast, prefix="LONGER", name=UNSPACED)
    contact = contact_create(
        client=spaced,
        actor=None,
        first_name="Maximilian",
        last_name="Featherstonehaugh",
        email=LONG_EMAIL,
        is_primary=True,
    )
    portal_invite(client=spaced, actor=cast.manager.user, contact=contact)
    return spaced, unspaced


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_long_names_are_cut_in_the_clients_list_and_nothing_scrolls_sideways(
    page: Page, live_server, cast, long_named, sign_in, shot, check_a11y, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, cast.owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/")
    for name in (SPACED, UNSPACED):
        assert_cut(page.locator("td.col-name a", has_text=name[:30]), name)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    # The search keeps its label, visible, beside the field.
    expect(page.get_by_label("Search", exact=True)).to_be_visible()
    expect(page.locator("label[for=client-q]")).to_be_visible()
    # Every column of the table is on screen or scrolls inside its own frame, not the page.
    wrap = page.locator("#client-results .table-wrap")
    assert wrap.evaluate("(el) => el.getBoundingClientRect().right") <= width
    check_a11y(page)
    shot(page, f"clients-{width}")

    page.goto(f"{live_server.url}/a/acme/settings/activity/")
    for name in (SPACED, UNSPACED):
        assert_cut(page.locator(".timeline-text a", has_text=name[:30]).first, name)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shot(page, f"activity-{width}")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_client_page_shows_its_whole_portal_card_and_emails_break_at_their_dots(
    page: Page, live_server, cast, long_named, sign_in, shot, check_a11y, width
):
    spaced, _unspaced = long_named
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, cast.owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{spaced.pk}/")
    shot(page, f"client-page-{width}")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    table = page.locator("table.portal-invitations")
    expect(table).to_be_visible()
    # The whole table inside its card: nothing hidden, nothing to scroll to.
    card_right = table.evaluate("(el) => el.closest('.card').getBoundingClientRect().right")
    assert table.evaluate("(el) => el.getBoundingClientRect().right") <= card_right + 1
    assert table.evaluate("(el) => el.parentElement.scrollWidth <= el.parentElement.clientWidth")
    email = table.locator(".email", has_text="maximilian")
    expect(email).to_be_visible()
    assert_breaks_only_at_at_and_dot(email)
    check_a11y(page)


@pytest.mark.parametrize("name", [SPACED, UNSPACED], ids=["spaced", "unspaced"])
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_flash_message_cuts_a_long_name(
    page: Page, live_server, cast, sign_in, shot, name, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/new/")
    page.locator("#id_prefix").fill("NEW")
    page.locator("#id_name").fill(name)
    page.get_by_role("button", name="Add client").click()
    message = page.locator(".messages .message").first
    expect(message).to_contain_text("was added.")
    shot(page, f"flash-{width}")
    assert_cut(message.locator(".cut"), name)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
