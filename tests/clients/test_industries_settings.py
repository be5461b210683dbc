"""Settings › Industries: owners and admins add, rename, merge and delete the account's
industries; each change is in the activity log in words."""

import pytest

from clientdesk.audit.models import Activity
from clientdesk.clients.models import Client, Industry
from tests.audit.reading import sentence
from tests.clients.factories import make_client

URL = "/a/acme/settings/industries/"


@pytest.fixture
def admin(cast, client):
    client.force_login(cast.admin.user)
    return client


def industry(cast, name):
    return Industry.objects.for_account(cast.account).get(name=name)


def test_the_page_lists_the_seeded_industries_with_their_clients(cast, admin):
    make_client(cast, prefix="LAW", industry=industry(cast, "Legal"))
    html = admin.get(URL).text
    assert 'data-industry="Legal"' in html and 'data-industry="Retail"' in html
    assert '<td class="num">1</td>' in html  # Legal's one client
    tabs = html.split('aria-label="Settings sections"')[1].split("</nav>")[0]
    current = tabs.split('aria-current="page"')[1].split("</a>")[0]
    assert current.rstrip().endswith("Industries")  # its own tab of Settings, marked current


def test_add_refuses_a_twin_in_any_case_and_says_why(cast, admin):
    response = admin.post(URL, {"name": "  Dental   care "})
    assert response.status_code == 302
    assert Industry.objects.for_account(cast.account).filter(name="Dental care").exists()
    response = admin.post(URL, {"name": "dental CARE"})
    assert response.status_code == 400
    assert "already" in response.text and 'aria-invalid="true"' in response.text
    response = admin.post(URL, {"name": "   "})
    assert response.status_code == 400 and "Give the industry a name." in response.text


def test_rename_keeps_its_clients(cast, admin):
    law = make_client(cast, prefix="LAW", industry=industry(cast, "Legal"))
    admin.post(f"{URL}{industry(cast, 'Legal').pk}/rename/", {"name": "Law firms"})
    law.refresh_from_db()
    assert law.industry.name == "Law firms"
    html = admin.get("/a/acme/settings/activity/").text
    assert "renamed the industry Legal to Law firms" in html


def test_merge_moves_every_client_and_deletes_the_merged_one(cast, admin):
    a = make_client(cast, prefix="AAA", industry=industry(cast, "Finance"))
    b = make_client(cast, prefix="BBB", industry=industry(cast, "Finance"))
    into = industry(cast, "Technology")
    response = admin.post(f"{URL}{industry(cast, 'Finance').pk}/merge/", {"into": into.pk})
    assert response.status_code == 302
    assert not Industry.objects.for_account(cast.account).filter(name="Finance").exists()
    assert {c.industry_id for c in Client.objects.filter(pk__in=[a.pk, b.pk])} == {into.pk}
    html = admin.get("/a/acme/settings/activity/").text
    assert "merged the industry Finance into Technology (2 clients)" in sentence(html)


def test_delete_refuses_an_industry_in_use_and_deletes_an_unused_one(cast, admin):
    make_client(cast, prefix="SHOP", industry=industry(cast, "Retail"))
    retail = industry(cast, "Retail")
    response = admin.post(f"{URL}{retail.pk}/delete/", follow=True)
    assert "1 client uses Retail: merge it into another industry instead." in response.text
    assert Industry.objects.filter(pk=retail.pk).exists()
    other = industry(cast, "Other")
    admin.post(f"{URL}{other.pk}/delete/")
    assert not Industry.objects.filter(pk=other.pk).exists()
    assert Activity.objects.filter(verb="industry.deleted").count() == 1


def test_another_accounts_industry_is_a_404_and_managers_may_not(cast, client, admin):
    theirs = Industry.objects.for_account(cast.other_account).first()
    assert admin.post(f"{URL}{theirs.pk}/delete/").status_code == 404
    client.force_login(cast.manager.user)
    assert client.get(URL).status_code == 403
