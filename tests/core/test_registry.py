"""Domains plug into the client page, the menus and Settings through core.registry: a tab or
a panel added by a domain shows up without the clients app knowing it, and only for the roles
it names."""

import re

import pytest
from django.template import engines

from clientdesk.core import registry
from tests.clients.factories import make_client


@pytest.fixture
def planted(settings, tmp_path):
    """A pretend domain: a tab on the client page (pointing at the client page itself) and a
    details panel that money readers only see, as a domain's AppConfig.ready() would add."""
    (tmp_path / "planted").mkdir()
    (tmp_path / "planted" / "panel.html").write_text(
        '<div class="details-col" data-planted>{{ planted_words }}</div>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0].get("DIRS", []), tmp_path]}
    ]
    engines._engines = {}  # pick up the folder
    registry.client_tabs.add(
        registry.ClientTab("planted", "Planted tab", "client_detail", "tag", order=99)
    )
    registry.client_panels.add(
        registry.ClientPanel(
            "planted",
            "planted/panel.html",
            lambda request, client: {"planted_words": f"Planted for {client.prefix}"},
            capability="money.read",
        )
    )
    yield
    registry.client_tabs.remove("planted")
    registry.client_panels.remove("planted")
    engines._engines = {}


def test_a_domains_tab_and_panel_appear_on_the_client_page(cast, client, planted):
    acme = make_client(cast, prefix="ACME", name="Acme Builders")
    client.force_login(cast.manager.user)
    html = client.get(f"/a/acme/clients/{acme.pk}/").text
    assert 'id="tab-planted"' in html and "Planted tab" in html
    assert "Planted for ACME" in html
    # The tabs keep their order: Overview, Contacts, then the planted one.
    assert (
        html.index('id="tab-overview"')
        < html.index('id="tab-contacts"')
        < html.index('id="tab-planted"')
    )


def test_a_panel_that_needs_a_capability_is_left_out_for_others(cast, client, planted):
    acme = make_client(cast, prefix="ACME", name="Acme Builders")
    client.force_login(cast.technician.user)
    html = client.get(f"/a/acme/clients/{acme.pk}/").text
    assert 'id="tab-planted"' in html
    assert "Planted for ACME" not in html


def test_the_menus_follow_the_roles(cast, client):
    client.force_login(cast.viewer.user)
    html = client.get("/a/acme/clients/").text
    assert "Bulk import" not in html and "Invite client" not in html
    client.force_login(cast.manager.user)
    html = client.get("/a/acme/clients/").text
    assert "Bulk import" in html and "Invite client" in html and "Add manually" in html
    client.force_login(cast.admin.user)
    html = client.get("/a/acme/settings/").text
    for label in ("Account", "Team", "API tokens", "Outbox", "Activity"):
        assert re.search(rf">\s*{label}</a>", html), label
