"""The pages: Settings › Applications, the client's Apps tab, and the Clients list's software
columns and filters."""

import re

import pytest

from clientdesk.core.models import ListPreference
from clientdesk.software.models import Application, ClientApp
from clientdesk.software.services import STARTER_CATALOG, client_app_add
from tests.clients.factories import make_client
from tests.clients.test_list_page import prefixes, signed_in
from tests.software.helpers import industry, kept, worked_catalog

pytestmark = pytest.mark.django_db
LIST = "/a/acme/clients/"


def test_a_new_account_starts_with_the_starter_catalog(cast):
    names = set(Application.objects.filter(account=cast.account).values_list("name", flat=True))
    assert names == {row[0] for row in STARTER_CATALOG}
    legal = Application.objects.get(account=cast.account, name="Practice management")
    assert [i.name for i in legal.baseline_industries.all()] == ["Legal"]


def test_settings_applications_lists_adds_and_edits(cast):
    manager = signed_in(cast.manager)
    page = manager.get("/a/acme/settings/applications/")
    assert page.status_code == 200 and "Microsoft 365" in page.text
    made = manager.post(
        "/a/acme/settings/applications/new/",
        {
            "name": "Zed CRM",
            "category": "line_of_business",
            "vendor": "Zed",
            "project_value": "900.00",
            "monthly_price_per_user": "7.00",
            "baseline": "on",
            "baseline_industries": [str(industry(cast, "Retail").pk)],
        },
    )
    assert made.status_code == 302
    app = Application.objects.get(account=cast.account, name="Zed CRM")
    shop = make_client(cast, prefix="SHOP", industry=industry(cast, "Retail"))
    assert "Zed CRM" in manager.get(f"/a/acme/clients/{shop.pk}/apps/").text
    edit = manager.post(
        f"/a/acme/settings/applications/{app.pk}/",
        {"name": "Zed CRM", "category": "line_of_business", "project_value": "-1"},
    )
    assert edit.status_code == 400
    assert signed_in(cast.technician).get("/a/acme/settings/applications/").status_code == 403


def test_the_apps_tab_flags_adds_the_missing_and_removes(cast):
    apps = worked_catalog(cast)
    firm = make_client(cast, prefix="LAW", industry=industry(cast, "Legal"))
    tech = signed_in(cast.technician)
    tab = f"/a/acme/clients/{firm.pk}/apps/"
    page = tech.get(tab).text
    assert re.findall(r'data-missing="([^"]+)"', page) == ["Alpha Mail", "Brief Legal"]
    # One click adds a missing app.
    assert tech.post(f"{tab}add/", {"application": apps["A"].pk}).status_code == 302
    page = tech.get(tab).text
    assert re.findall(r'data-missing="([^"]+)"', page) == ["Brief Legal"]
    assert 'data-app="Alpha Mail"' in page
    # Flag it problematic with a note.
    flagged = tech.post(f"{tab}{apps['A'].pk}/", {"problematic": "on", "note": "Mailbox full"})
    assert flagged.status_code == 302
    row = ClientApp.objects.get(client=firm, application=apps["A"])
    assert row.problematic and row.note == "Mailbox full"
    assert kept(firm).problematic_count == 1
    assert tech.post(f"{tab}{apps['A'].pk}/remove/").status_code == 302
    assert not ClientApp.objects.filter(client=firm).exists()
    # A viewer reads the tab, and may not write.
    assert signed_in(cast.viewer).get(tab).status_code == 200
    assert (
        signed_in(cast.viewer).post(f"{tab}add/", {"application": apps["A"].pk}).status_code == 403
    )


def test_the_details_panel_shows_the_opportunity_alone_and_with_sub_clients(cast):
    worked_catalog(cast)
    root = make_client(cast, prefix="ROOT")
    make_client(cast, prefix="KID", parent=root)
    page = signed_in(cast.manager).get(f"/a/acme/clients/{root.pk}/").text
    panel = page[page.index('id="client-opportunity"') :][:3000]
    assert "1,000.00 EUR" in panel and "2,000.00 EUR" in panel
    assert (
        'id="client-opportunity"'
        not in signed_in(cast.technician).get(f"/a/acme/clients/{root.pk}/").text
    )


def test_the_active_tab_shows_the_software_columns_and_filters(cast):
    apps = worked_catalog(cast)
    make_client(cast, prefix="BIG", industry=industry(cast, "Legal"))
    mid = make_client(cast, prefix="MID")
    client_app_add(client=mid, actor=None, application=apps["A"], problematic=True)
    client_app_add(client=mid, actor=None, application=apps["C"])
    manager = signed_in(cast.manager)
    active = manager.get(LIST, {"tab": "active"}).text
    headers = re.findall(r'<th scope="col" class="col-(\w+)', active)
    assert headers[-5:] == [
        "app_stack",
        "missing_apps",
        "project_opportunity",
        "revenue_opportunity",
        "quick",
    ]
    assert "2 apps: Alpha Mail, Chat Tool; 1 problematic: Alpha Mail" in active
    assert "2 missing apps: Alpha Mail, Brief Legal" in active
    assert "3,500.00" in active
    # Not on the All tab, unless chosen.
    assert "col-app_stack" not in manager.get(LIST).text
    # Sorted by project opportunity, filtered by a problematic app and by an amount.
    ordered = manager.get(LIST, {"tab": "active", "sort": "-project_opportunity"})
    assert prefixes(ordered) == ["BIG", "MID"]
    assert prefixes(manager.get(LIST, {"problematic_app": "any"})) == ["MID"]
    assert prefixes(manager.get(LIST, {"problematic_app": str(apps["A"].pk)})) == ["MID"]
    assert prefixes(manager.get(LIST, {"min_project_opportunity": "2000"})) == ["BIG"]
    assert prefixes(manager.get(LIST, {"min_project_opportunity": "lots"})) == ["BIG", "MID"]
    assert 'name="min_project_opportunity"' in active
    # A technician sees the indicators, neither the money columns nor the money filter.
    tech = signed_in(cast.technician).get(LIST, {"tab": "active"}).text
    assert "col-app_stack" in tech and "col-project_opportunity" not in tech
    assert 'name="min_project_opportunity"' not in tech


def test_a_column_choice_on_the_active_tab_is_its_own(cast):
    worked_catalog(cast)
    make_client(cast, prefix="ONE")
    manager = signed_in(cast.manager)
    manager.post(
        f"{LIST}columns/",
        {
            "columns": ["prefix", "project_opportunity"],
            "page_size": 50,
            "return_query": "tab=active",
        },
    )
    pref = ListPreference.objects.get(user=cast.manager.user, list_name="clients.active")
    assert pref.columns == ["prefix", "name", "project_opportunity"]
    headers = re.findall(
        r'<th scope="col" class="col-(\w+)', manager.get(LIST, {"tab": "active"}).text
    )
    assert headers[:3] == ["prefix", "name", "project_opportunity"] and "app_stack" not in headers
    assert "col-industry" in manager.get(LIST).text  # the All tab keeps the defaults
