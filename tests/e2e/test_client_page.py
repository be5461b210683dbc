"""The client page in a real browser: status dialog, the tree, edit conflicts, delete and undo."""

import re

import pytest
from playwright.sync_api import Page, expect

from clientdesk.clients.services import client_update, industries_seed
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")


def client_url(live_server, client, rest: str = "") -> str:
    return f"{live_server.url}/a/{client.account.slug}/clients/{client.pk}/{rest}"


@pytest.fixture
def family(cast):
    industries_seed(account=cast.account)
    root = make_client(
        cast,
        prefix="NORTH",
        name="Northwind Group",
        description="Regional logistics group; three depots and a head office.",
        license="Managed Plus",
        billing_email="ap@northwind.example",
        tax_id="GB123456789",
        payment_terms="30 days",
    )
    depot = make_client(cast, prefix="NWDEP", name="Northwind Depots", parent=root)
    make_client(cast, prefix="NWHQ", name="Northwind Head Office", parent=root)
    leeds = make_client(cast, prefix="NWLDS", name="Leeds Depot", parent=depot)
    make_client(cast, prefix="NWMAN", name="Manchester Depot", parent=depot, status="lead")
    return root, depot, leeds


def test_change_a_status_with_a_reason_and_see_it_in_the_history(
    page: Page, live_server, cast, family, sign_in, check_a11y, shot
):
    root = family[0]
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(client_url(live_server, root))
    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Group")
    expect(page.locator(".tree-node.is-current > .tree-row .tree-name")).to_have_text(
        "Northwind Group"
    )
    check_a11y(page)
    shot(page, "client-page")

    page.get_by_role("button", name="Change status").click()
    dialog = page.locator("#status-dialog")
    expect(dialog).to_be_visible()
    # At risk only: off-boarding is started by its own workflow (Start off-boarding).
    expect(dialog.locator("input[name=to_status]")).to_have_count(1)
    dialog.get_by_label("At risk").check()
    dialog.get_by_label("Reason").fill("Two missed invoices and a complaint")
    check_a11y(page)
    shot(page, "status-dialog")
    dialog.get_by_role("button", name="Change status").click()

    expect(page.locator(".message.success")).to_contain_text("Northwind Group is now At risk.")
    first = page.locator("table.history tbody tr").first
    expect(first).to_contain_text("At risk")
    expect(first).to_contain_text("Two missed invoices and a complaint")
    expect(first).to_contain_text(cast.manager.user.display_name)
    expect(page.locator(".timeline-item").first).to_contain_text(
        "moved Northwind Group from Active to At risk: Two missed invoices and a complaint"
    )
    check_a11y(page)
    shot(page, "after-status")


def test_a_refused_date_keeps_the_dialog_open_with_the_rule(
    page: Page, live_server, cast, family, sign_in, check_a11y, shot, browser_errors
):
    browser_errors.allow(r"status of 400")  # the refused form comes back as 400 Bad Request
    root = family[0]
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(client_url(live_server, root))
    page.get_by_role("button", name="Change status").click()
    dialog = page.locator("#status-dialog")
    dialog.get_by_label("At risk").check()
    # Before the client's previous change: the service refuses and names the rule.
    dialog.get_by_label("When").evaluate("el => { el.removeAttribute('min'); }")
    dialog.get_by_label("When").fill("2020-01-01T09:00")
    dialog.get_by_role("button", name="Change status").click()
    dialog = page.locator("#status-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("cannot be before the client's previous status change")
    check_a11y(page)
    shot(page, "status-refused")


def test_open_a_sub_client_from_the_tree(
    page: Page, live_server, cast, family, sign_in, check_a11y, shot
):
    root, _depot, leeds = family
    sign_in(page, live_server, cast.viewer.user.email, PASSWORD)
    page.goto(client_url(live_server, root))
    tree = page.locator("[data-client-tree]")
    expect(tree.get_by_role("link", name="Leeds Depot")).to_have_count(0)

    # Expand the depots node: htmx brings its children.
    tree.locator("summary", has_text="Northwind Depots").click()
    leeds_link = tree.get_by_role("link", name="Leeds Depot")
    expect(leeds_link).to_be_visible()
    expect(tree.get_by_role("link", name="Manchester Depot")).to_be_visible()
    shot(page, "tree-expanded")
    leeds_link.click()

    expect(page).to_have_url(client_url(live_server, leeds))
    expect(page.get_by_role("heading", level=1)).to_have_text("Leeds Depot")
    tree = page.locator("[data-client-tree]")
    expect(tree.locator(".tree-node.is-current > .tree-row .tree-name")).to_have_text("Leeds Depot")
    expect(tree.get_by_role("link", name="Northwind Group")).to_be_visible()
    # A viewer sees no billing and no buttons that change anything.
    expect(page.get_by_role("button", name="Change status")).to_have_count(0)
    expect(page.get_by_text("ap@northwind.example")).to_have_count(0)
    # Collapse and expand again: the node remembers its children.
    summary = tree.locator("summary", has_text="Northwind Depots")
    summary.click()
    expect(tree.get_by_role("link", name="Manchester Depot")).to_be_hidden()
    summary.click()
    expect(tree.get_by_role("link", name="Manchester Depot")).to_be_visible()
    check_a11y(page)
    shot(page, "sub-client")


def test_an_edit_conflict_shows_both_values_and_take_theirs_saves_it(
    page: Page, live_server, cast, family, sign_in, check_a11y, shot, browser_errors
):
    browser_errors.allow(r"status of 409")  # the conflict page answers 409 Conflict
    root = family[0]
    sign_in(page, live_server, cast.owner.user.email, PASSWORD)
    page.goto(client_url(live_server, root, "edit/"))
    check_a11y(page)
    shot(page, "edit")
    page.get_by_label("Name", exact=True).fill("Northwind Logistics")
    page.get_by_label("Description").fill("Renamed after the merger.")
    client_update(client=root, actor=cast.manager.user, version=None, name="Northwind Holdings")
    page.get_by_role("button", name="Save changes").click()

    conflict = page.locator("fieldset.conflict")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("Northwind Logistics")
    expect(conflict).to_contain_text("Northwind Holdings")
    expect(page.get_by_role("alert").first).to_contain_text(cast.manager.user.email)
    check_a11y(page)
    shot(page, "edit-conflict")
    conflict.get_by_label(re.compile("Take theirs")).check()
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Holdings")
    expect(page.locator(".details-panel")).to_contain_text("Renamed after the merger.")


def test_delete_asks_once_and_the_owner_can_undo(
    page: Page, live_server, cast, sign_in, check_a11y, shot
):
    client = make_client(cast, prefix="TEMP", name="Temporary Tenant Ltd")
    sign_in(page, live_server, cast.owner.user.email, PASSWORD)
    page.goto(client_url(live_server, client))
    page.get_by_role("button", name="Delete", exact=True).click()
    dialog = page.locator("#delete-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Delete Temporary Tenant Ltd?")
    check_a11y(page)
    shot(page, "delete-dialog")
    dialog.get_by_role("button", name="Delete Temporary Tenant Ltd").click()

    expect(page).to_have_url(f"{live_server.url}/a/acme/clients/")
    message = page.locator(".message.info")
    expect(message).to_contain_text("Temporary Tenant Ltd was deleted.")
    shot(page, "deleted-with-undo")
    message.get_by_role("button", name="Undo").click()
    expect(page).to_have_url(client_url(live_server, client))
    expect(page.get_by_role("heading", level=1)).to_have_text("Temporary Tenant Ltd")


def test_add_a_sub_client_and_move_it_from_the_tree_dialogs(
    page: Page, live_server, cast, family, sign_in, check_a11y, shot, browser_errors
):
    browser_errors.allow(r"status of 400")  # the refused move comes back as 400 Bad Request
    depot = family[1]
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(client_url(live_server, depot))
    page.get_by_role("button", name="Add sub-client").click()
    dialog = page.locator("#subclient-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Prefix").fill("nwyrk")
    dialog.get_by_label("Name").fill("York Depot")
    check_a11y(page)
    shot(page, "subclient-dialog")
    dialog.get_by_role("button", name="Add sub-client").click()
    tree = page.locator("[data-client-tree]")
    expect(tree.get_by_role("link", name="York Depot")).to_be_visible()

    # The depots cannot go under one of their own sub-clients: the dialog does not offer it.
    page.get_by_role("button", name="Move under…").click()
    dialog = page.locator("#move-dialog")
    choices = dialog.get_by_label("New parent").locator("option")
    expect(choices.filter(has_text="York Depot")).to_have_count(0)
    expect(choices.filter(has_text="Northwind Group")).to_have_count(1)
    check_a11y(page)
    shot(page, "move-dialog")

    # To the top level: the depots become a tree of their own.
    dialog.get_by_label("New parent").select_option("")
    dialog.get_by_role("button", name="Move").click()
    expect(page.locator(".message.success")).to_contain_text("is now a top-level client")
    expect(tree.get_by_role("link", name="Northwind Group")).to_have_count(0)
