"""An owner finds the account's email address and makes the inbound secret in Settings ›
Email in, in a real browser, and sets a client's email domains on its edit form."""

import pytest
from playwright.sync_api import Page, expect

from clientdesk.clients.models import Client
from clientdesk.integrations.models import InboundSecret
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_email_in_settings_and_a_clients_domains(
    page: Page, live_server, cast, sign_in, check_a11y, shot
):
    client = make_client(cast, prefix="ALPHA", name="Alpha Corp")
    sign_in(page, live_server, cast.owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/settings/")
    page.get_by_role("link", name="Email in").click()
    expect(page.get_by_role("heading", name="The account's address")).to_be_visible()
    expect(page.locator("#inbound-address")).to_have_text("acme@127.0.0.1")
    check_a11y(page)
    shot(page, "empty")
    page.get_by_role("button", name="Make a secret").click()
    secret = page.locator("[data-new-secret]")
    expect(secret).to_contain_text("cdin_")
    row = InboundSecret.objects.get(account=cast.account)
    assert secret.inner_text().startswith(row.prefix)
    check_a11y(page)
    shot(page, "secret")

    page.goto(f"{live_server.url}/a/acme/clients/{client.pk}/edit/")
    page.get_by_label("Email domains").fill("alpha.example, Alpha-Group.example")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("alpha.example, alpha-group.example", exact=True)).to_be_visible()
    shot(page, "client")
    assert Client.objects.get(pk=client.pk).email_domains == [
        "alpha.example",
        "alpha-group.example",
    ]


@pytest.mark.parametrize("width", [390])
def test_email_in_settings_on_a_phone(page: Page, live_server, cast, sign_in, shot, width):
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, live_server, cast.owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/settings/email-in/")
    page.get_by_role("button", name="Make a secret").click()
    expect(page.locator("[data-new-secret]")).to_contain_text("cdin_")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "phone")
