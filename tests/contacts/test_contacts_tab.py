"""The Contacts tab of the client page: list, search, sort, pages and columns (the Clients
page's machinery), add and edit in a dialog, bulk changes and deletion, roles and scoping; the
key contacts and counts of the details panel; the global search finding contacts."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create, contact_update
from clientdesk.contacts.views import COLUMNS
from clientdesk.core.models import ListPreference
from clientdesk.core.services import membership_set_client_access
from tests.clients.factories import make_client
from tests.security.test_csp import assert_strict


def web(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def tab(client, rest: str = "") -> str:
    return f"/a/acme/clients/{client.pk}/contacts/{rest}"


def names(response) -> list[str]:
    """The contacts of the table, in order, by the row's contact id."""
    ids = [int(pk) for pk in re.findall(r'<tr data-contact="(\d+)"', response.text)]
    found = {c.pk: c.full_name for c in Contact.objects.filter(pk__in=ids)}
    return [found[pk] for pk in ids]


def add(client, first, last="", email="", **fields) -> Contact:
    return contact_create(
        client=client, actor=None, first_name=first, last_name=last, email=email, **fields
    )


@pytest.fixture
def harbour(cast):
    return make_client(cast, prefix="HBR", name="Harbour Dental")


@pytest.fixture
def people(harbour):
    """Ann is primary (first with an email), Bob secondary, Cleo and Dan ordinary."""
    now = timezone.now()
    rows = [
        ("Ann", "Smith", "ann@harbour.example", "Owner", {}),
        ("Bob", "Jones", "bob@harbour.example", "Dentist", {"is_secondary": True}),
        ("Cleo", "Adams", "cleo@harbour.example", "Assistant", {}),
        ("Dan", "Young", "", "", {"active": False}),
    ]
    made = {}
    for i, (first, last, email, title, extra) in enumerate(rows):
        contact = add(harbour, first, last, email, title=title, **extra)
        Contact.objects.filter(pk=contact.pk).update(created_at=now - timedelta(days=10 - i))
        made[first] = contact
    return made


# --- the tab --------------------------------------------------------------------------------


def test_it_sits_beside_overview_and_lists_the_clients_contacts(cast, harbour, people):
    other = make_client(cast, prefix="OTH")
    add(other, "Zed", email="zed@other.example")
    response = web(cast.viewer).get(tab(harbour))
    assert response.status_code == 200
    assert names(response) == ["Cleo Adams", "Bob Jones", "Ann Smith", "Dan Young"]
    html = response.text
    assert f'<a href="{tab(harbour)}" id="tab-contacts" aria-current="page">' in html
    assert f'<a href="/a/acme/clients/{harbour.pk}/" id="tab-overview">' in html  # not current
    assert '<span class="badge role">Primary</span>' in html
    assert "Showing 4 of 4 contacts" in html
    overview = web(cast.viewer).get(f"/a/acme/clients/{harbour.pk}/").text
    assert f'<a href="{tab(harbour)}" id="tab-contacts">' in overview


@pytest.mark.parametrize(
    ("q", "expected"),
    [("ann", ["Ann Smith"]), ("HARBOUR.example bob", ["Bob Jones"]), ("young", ["Dan Young"])],
)
def test_search_finds_contacts_by_name_and_email(cast, harbour, people, q, expected):
    response = web(cast.viewer).get(tab(harbour), {"q": q})
    assert names(response) == expected
    assert response.context["clear_url"] == tab(harbour)
    assert "No contact matches this search." in web(cast.viewer).get(tab(harbour), {"q": "zz"}).text


def test_a_nul_in_the_search_is_refused_with_a_clear_message(cast, harbour, people):
    response = web(cast.viewer).get(tab(harbour), {"q": "b\x00ob"})
    assert response.status_code == 400
    assert "Text cannot contain NUL characters." in response.text
    assert len(names(response)) == 4  # the tab as it is, unsearched


@pytest.mark.parametrize("q", ["b\x01ob", "\x1b[2J", "a\x7f", "\x9b"])
def test_other_control_characters_in_the_search_are_no_error(cast, harbour, people, q):
    response = web(cast.viewer).get(tab(harbour), {"q": q})
    assert response.status_code == 200
    assert names(response) == []


SORTED = {
    "name": ["Cleo Adams", "Bob Jones", "Ann Smith", "Dan Young"],
    "email": ["Dan Young", "Ann Smith", "Bob Jones", "Cleo Adams"],
    "title": ["Dan Young", "Cleo Adams", "Bob Jones", "Ann Smith"],
    "role": ["Ann Smith", "Bob Jones", "Cleo Adams", "Dan Young"],
    "created": ["Ann Smith", "Bob Jones", "Cleo Adams", "Dan Young"],
}


@pytest.mark.parametrize("sort", SORTED)
def test_every_sortable_column_sorts_both_ways(cast, harbour, people, sort):
    ListPreference.objects.create(
        account=cast.account,
        user=cast.viewer.user,
        list_name="contacts",
        columns=["name", "email", "title", "role", "created"],
    )
    viewer = web(cast.viewer)
    up = viewer.get(tab(harbour), {"sort": sort})
    assert names(up) == SORTED[sort]
    assert re.search(rf'class="col-{sort}[^"]*" aria-sort="ascending"', up.text)
    assert up.text.count("aria-sort=") == 1
    assert f'id="sort-{sort}" href="{tab(harbour)}?sort=-{sort}"' in up.text
    down = viewer.get(tab(harbour), {"sort": f"-{sort}"})
    assert names(down) == SORTED[sort][::-1]
    assert re.search(rf'class="col-{sort}[^"]*" aria-sort="descending"', down.text)


@pytest.fixture
def sixty(harbour):
    return [
        add(harbour, f"Person{i:02d}", f"Last{i % 7}", f"p{i:02d}@h.example") for i in range(60)
    ]


@pytest.mark.parametrize("sort", ["name", "-email"])
def test_next_and_previous_visit_every_contact_exactly_once(cast, harbour, sixty, sort):
    viewer = web(cast.viewer)
    pages, response = [], viewer.get(tab(harbour), {"sort": sort, "size": 25})
    assert response.context["previous_url"] is None
    while True:
        pages.append(names(response))
        if not response.context["next_url"]:
            break
        assert (
            "cursor=" in response.context["next_url"] and "size=25" in response.context["next_url"]
        )
        response = viewer.get(response.context["next_url"])
    assert [len(p) for p in pages] == [25, 25, 10]
    assert len({n for page in pages for n in page}) == 60
    back = viewer.get(response.context["previous_url"])
    assert names(back) == pages[1]
    back = viewer.get(back.context["previous_url"])
    assert names(back) == pages[0] and back.context["previous_url"] is None


def test_a_damaged_cursor_falls_back_to_the_first_page(cast, harbour, sixty):
    viewer = web(cast.viewer)
    first = names(viewer.get(tab(harbour), {"size": 25}))
    assert names(viewer.get(tab(harbour), {"size": 25, "cursor": "!!"})) == first
    assert names(viewer.get(tab(harbour), {"size": 25, "before": "bm90IGpzb24"})) == first


def test_the_column_chooser_is_remembered_apart_from_the_clients_list(cast, harbour, people):
    viewer = web(cast.viewer)
    assert 'class="col-phone"' in viewer.get(tab(harbour)).text
    response = viewer.post(
        tab(harbour, "columns/"),
        {"columns": ["email", "city", "country"], "page_size": 25, "return_query": "q=a"},
    )
    assert response.status_code == 302 and response["Location"] == f"{tab(harbour)}?q=a"
    pref = ListPreference.objects.get(user=cast.viewer.user, list_name="contacts")
    assert pref.columns == ["name", "email", "city", "country"] and pref.page_size == 25
    after = viewer.get(tab(harbour))
    assert re.findall(r'<th scope="col" class="col-(\w+)', after.text) == [
        "name",
        "email",
        "city",
        "country",
    ]
    assert after.context["size"] == 25
    assert not ListPreference.objects.filter(list_name="clients").exists()
    # With htmx the chooser answers with the refreshed results.
    part = viewer.post(
        tab(harbour, "columns/"),
        {"columns": ["title"], "page_size": 50, "return_query": "sort=-name"},
        headers={"HX-Request": "true"},
    )
    assert part.text.lstrip().startswith('<div id="contact-results"')
    assert 'class="col-title' in part.text and 'aria-sort="descending"' in part.text


def test_an_htmx_request_gets_only_the_results_and_plain_get_works_without_js(
    cast, harbour, people
):
    viewer = web(cast.viewer)
    part = viewer.get(tab(harbour), {"q": "smith"}, headers={"HX-Request": "true"})
    assert part.text.lstrip().startswith('<div id="contact-results"') and "<html" not in part.text
    assert "HX-Request" in part["Vary"]
    page = viewer.get(tab(harbour)).text
    form = re.search(r'<form id="contact-filters"[^>]*>', page).group(0)
    assert 'method="get"' in form and f'action="{tab(harbour)}"' in form
    assert '<input type="hidden" name="sort" value="name" form="contact-filters">' in page


def test_the_tab_costs_the_same_queries_for_2_and_30_contacts(
    cast, harbour, django_assert_num_queries
):
    parent = make_client(cast, prefix="PAR", name="Parent")
    harbour.parent = parent
    harbour.save(update_fields=["parent"])
    ListPreference.objects.create(
        account=cast.account,
        user=cast.technician.user,
        list_name="contacts",
        columns=list(COLUMNS),
    )

    def add_people(start, n):
        for i in range(start, start + n):
            add(harbour, f"P{i:02d}", "Q", f"p{i}@h.example", is_secondary=i == 1, city="Elx")

    add_people(0, 2)
    technician = web(cast.technician)
    technician.get(tab(harbour))  # the first visit also remembers the person's last account
    with CaptureQueriesContext(connection) as two:
        response = technician.get(tab(harbour), {"size": 25})
    assert len(names(response)) == 2
    add_people(2, 28)
    with django_assert_num_queries(len(two.captured_queries)):
        response = technician.get(tab(harbour), {"size": 25})
    assert len(names(response)) == 25
    with django_assert_num_queries(len(two.captured_queries)):
        second = technician.get(response.context["next_url"])
    assert len(names(second)) == 5
    with django_assert_num_queries(len(two.captured_queries)):
        back = technician.get(second.context["previous_url"])
    assert names(back) == names(response)


# --- add and edit in the dialog ---------------------------------------------------------------


FULL = {
    "first_name": "Eve",
    "last_name": "Moreau",
    "email": "Eve@Harbour.example",
    "phone": "+34 600 000 001",
    "mobile": "+34 600 000 002",
    "title": "Practice manager",
    "notes": "Prefers mornings.",
    "street": "1 Quay Street",
    "city": "Valencia",
    "region": "VC",
    "postcode": "46001",
    "country": "Spain",
    "active": "on",
}


def test_adding_a_contact_saves_every_field_and_goes_back_to_the_list(cast, harbour, people):
    technician = web(cast.technician)
    response = technician.post(tab(harbour, "new/"), {**FULL, "return_query": "q=e&sort=-name"})
    assert response.status_code == 302
    assert response["Location"] == f"{tab(harbour)}?q=e&sort=-name"
    eve = Contact.objects.get(first_name="Eve")
    for name, value in FULL.items():
        expected = value.lower() if name == "email" else value
        assert getattr(eve, name) == (True if value == "on" else expected), name
    assert (eve.is_primary, eve.is_secondary, eve.source) == (False, False, "manual")
    assert "Eve Moreau was added to the contacts." in technician.get(response["Location"]).text


def test_making_a_new_primary_in_the_dialog_demotes_the_old_one(cast, harbour, people):
    technician = web(cast.technician)
    technician.post(tab(harbour, "new/"), {**FULL, "is_primary": "on"})
    eve = Contact.objects.get(first_name="Eve")
    assert eve.is_primary
    assert list(Contact.objects.filter(client=harbour, is_primary=True)) == [eve]
    # And by editing: Cleo becomes primary, Eve steps down.
    cleo = people["Cleo"]
    data = _edit_data(cleo, is_primary="on")
    assert technician.post(tab(harbour, f"{cleo.pk}/edit/"), data).status_code == 302
    assert list(Contact.objects.filter(client=harbour, is_primary=True)) == [cleo]
    page = web(cast.viewer).get(f"/a/acme/clients/{harbour.pk}/").text
    assert re.search(
        r'data-key-contact="primary">\s*<span class="key-contact-name">Cleo Adams', page
    )


def test_a_refused_contact_reopens_the_dialog_with_the_reasons(cast, harbour, people):
    technician = web(cast.technician)
    bad = technician.post(tab(harbour, "new/"), {"first_name": "", "email": "not-an-email"})
    assert bad.status_code == 400
    html = bad.text
    assert re.search(r'<dialog id="contact-add-dialog"[^>]*data-open-on-load', html)
    assert 'id="add-contact-first_name_error"' in html and "Enter a valid email address." in html
    # The service's rule: the email is unique within the client, whatever its case.
    taken = technician.post(
        tab(harbour, "new/"), {"first_name": "X", "email": "ANN@harbour.example"}
    )
    assert taken.status_code == 400
    assert "Another contact of this client already uses ann@harbour.example." in taken.text
    assert Contact.objects.filter(client=harbour).count() == 4


def _edit_data(contact, **changes):
    data = {
        name: getattr(contact, name)
        for name in ("first_name", "last_name", "email", "phone", "mobile", "title", "notes")
    }
    data |= {name: getattr(contact, name) for name in ("street", "city", "region", "postcode")}
    data |= {"country": contact.country, "version": contact.version}
    for flag in ("is_primary", "is_secondary", "active"):
        if getattr(contact, flag):
            data[flag] = "on"
    data |= changes
    return {k: v for k, v in data.items() if v is not None}


def test_the_edit_dialog_comes_by_htmx_or_as_the_page_with_it_open(cast, harbour, people):
    cleo, technician = people["Cleo"], web(cast.technician)
    url = tab(harbour, f"{cleo.pk}/edit/")
    part = technician.get(url, {"return_query": "q=c"}, headers={"HX-Request": "true"})
    assert part.status_code == 200 and "<html" not in part.text
    assert re.search(r'<dialog id="contact-edit-dialog"[^>]*data-open-on-load', part.text)
    assert (
        'value="cleo@harbour.example"' in part.text
        and 'name="return_query" value="q=c"' in part.text
    )
    page = technician.get(url)
    assert "<html" in page.text and 'id="contact-edit-dialog"' in page.text


def test_editing_changes_the_address_and_keeps_the_list_state(cast, harbour, people):
    cleo = people["Cleo"]
    data = _edit_data(cleo, street="9 Dock Road", city="Alicante", return_query="sort=-email")
    response = web(cast.technician).post(tab(harbour, f"{cleo.pk}/edit/"), data)
    assert response.status_code == 302 and response["Location"] == f"{tab(harbour)}?sort=-email"
    cleo.refresh_from_db()
    assert (cleo.street, cleo.city, cleo.version) == ("9 Dock Road", "Alicante", 2)


def test_a_stale_edit_shows_the_saved_values_and_can_be_retried(cast, harbour, people):
    cleo, technician = people["Cleo"], web(cast.technician)
    mine = _edit_data(cleo, title="Head nurse")
    contact_update(contact=cleo, actor=None, version=cleo.version, title="Hygienist", city="Elx")
    stale = technician.post(tab(harbour, f"{cleo.pk}/edit/"), mine)
    assert stale.status_code == 409
    html = stale.text
    assert "Someone else saved this contact while you were editing it." in html
    dialog = html.split('id="contact-edit-dialog"')[1].split("</dialog>")[0]
    assert 'value="Hygienist"' in dialog and 'value="Elx"' in dialog  # what is saved now
    assert "<td>Head nurse</td><td>Hygienist</td>" in dialog  # what they typed, beside it
    assert 'name="version" value="2"' in dialog
    assert Contact.objects.get(pk=cleo.pk).title == "Hygienist"
    retry = technician.post(tab(harbour, f"{cleo.pk}/edit/"), {**mine, "version": 2})
    assert retry.status_code == 302
    assert Contact.objects.get(pk=cleo.pk).title == "Head nurse"


def test_the_primary_cannot_be_unticked_and_the_service_says_why(cast, harbour, people):
    ann = people["Ann"]
    data = _edit_data(ann)
    del data["is_primary"]
    response = web(cast.technician).post(tab(harbour, f"{ann.pk}/edit/"), data)
    assert response.status_code == 400
    assert "A client keeps one primary contact: make another contact primary instead." in (
        response.text
    )
    assert Contact.objects.get(pk=ann.pk).is_primary


# --- bulk ---------------------------------------------------------------------------------------


def bulk(browser: Client, client, ids, action, **fields):
    return browser.post(
        tab(client, "bulk/"), {"ids": ids, "action": action, "return_query": "q=a", **fields}
    )


def test_bulk_sets_the_title_and_the_active_flag(cast, harbour, people):
    technician = web(cast.technician)
    ids = [people["Cleo"].pk, people["Dan"].pk]
    response = bulk(technician, harbour, ids, "title", title=" Reception ")
    assert response["Location"] == f"{tab(harbour)}?q=a"
    assert set(Contact.objects.filter(pk__in=ids).values_list("title", flat=True)) == {"Reception"}
    bulk(technician, harbour, ids, "active", active="no")
    assert not Contact.objects.filter(pk__in=ids, active=True).exists()
    page = technician.get(response["Location"]).text
    assert "2 contacts marked inactive." in page


def test_bulk_secondary_makes_one_and_refuses_several(cast, harbour, people):
    technician = web(cast.technician)
    cleo, dan = people["Cleo"], people["Dan"]
    bulk(technician, harbour, [cleo.pk], "secondary", secondary="yes")
    assert list(Contact.objects.filter(client=harbour, is_secondary=True)) == [cleo]
    response = bulk(technician, harbour, [cleo.pk, dan.pk], "secondary", secondary="yes")
    page = technician.get(response["Location"]).text
    assert "A client has at most one secondary contact: select only one to make it." in page
    bulk(technician, harbour, [cleo.pk, dan.pk], "secondary", secondary="no")
    assert not Contact.objects.filter(client=harbour, is_secondary=True).exists()


def test_bulk_delete_asks_naming_how_many(cast, harbour, people):
    technician = web(cast.technician)
    html = web(cast.technician).get(tab(harbour)).text
    assert 'data-many="Delete __N__ contacts?"' in html and 'data-one="Delete 1 contact?"' in html
    response = bulk(technician, harbour, [people["Cleo"].pk, people["Dan"].pk], "delete")
    assert "2 contacts deleted." in technician.get(response["Location"]).text
    assert names(web(cast.viewer).get(tab(harbour))) == ["Bob Jones", "Ann Smith"]


def test_the_primary_cannot_be_deleted_while_others_remain(cast, harbour, people):
    technician = web(cast.technician)
    ann, cleo = people["Ann"], people["Cleo"]
    response = bulk(technician, harbour, [ann.pk, cleo.pk], "delete")
    page = technician.get(response["Location"]).text
    assert "Ann Smith is the primary contact: make another contact primary before deleting." in page
    assert Contact.objects.filter(client=harbour, deleted_at=None).count() == 4  # not even Cleo
    # All of them at once is fine: the primary goes last, alone.
    everyone = [c.pk for c in people.values()]
    bulk(technician, harbour, everyone, "delete")
    assert not Contact.objects.filter(client=harbour, deleted_at=None).exists()
    assert "No contacts yet." in web(cast.viewer).get(tab(harbour)).text


def test_bulk_never_reaches_another_clients_contacts(cast, harbour, people):
    technician = web(cast.technician)
    other = make_client(cast, prefix="OTH")
    zed = add(other, "Zed", email="zed@other.example")
    bulk(technician, harbour, [zed.pk, people["Cleo"].pk], "title", title="X")
    assert Contact.objects.get(pk=zed.pk).title == ""
    assert Contact.objects.get(pk=people["Cleo"].pk).title == "X"


# --- roles and scoping ------------------------------------------------------------------------


def test_viewers_read_and_never_write(cast, harbour, people):
    viewer = web(cast.viewer)
    page = viewer.get(tab(harbour)).text
    for marker in ("data-bulk-bar", "data-row-select", "contact-add-dialog", "/edit/"):
        assert marker not in page, marker
    cleo = people["Cleo"]
    assert viewer.post(tab(harbour, "new/"), FULL).status_code == 403
    assert viewer.get(tab(harbour, f"{cleo.pk}/edit/")).status_code == 403
    assert (
        viewer.post(tab(harbour, f"{cleo.pk}/edit/"), _edit_data(cleo, title="X")).status_code
        == 403
    )
    assert bulk(viewer, harbour, [cleo.pk], "delete").status_code == 403
    assert Contact.objects.filter(client=harbour, deleted_at=None).count() == 4
    assert Contact.objects.get(pk=cleo.pk).title == "Assistant"


@pytest.mark.parametrize("role", ["technician", "manager", "owner"])
def test_technicians_and_above_may_write(cast, harbour, people, role):
    page = web(cast.member(role)).get(tab(harbour)).text
    assert "data-bulk-bar" in page and 'data-open-dialog="contact-add-dialog"' in page
    assert web(cast.member(role)).post(tab(harbour, "new/"), FULL).status_code == 302


def test_another_accounts_and_hidden_clients_contacts_are_404(cast, harbour, people):
    theirs = make_client(cast.other_account, prefix="GLX")
    their_contact = add(theirs, "Gus", email="gus@globex.example")
    hidden = make_client(cast, prefix="HID")
    hidden_contact = add(hidden, "Hal", email="hal@hidden.example")
    membership_set_client_access(
        actor=cast.owner, membership=cast.technician, access="deny", clients=[hidden]
    )
    technician = web(cast.technician)
    for client, contact in ((theirs, their_contact), (hidden, hidden_contact)):
        assert technician.get(tab(client)).status_code == 404
        assert technician.get(tab(client, f"{contact.pk}/edit/")).status_code == 404
        assert technician.post(tab(client, "new/"), FULL).status_code == 404
        # Nor through a client this person may see.
        assert technician.get(tab(harbour, f"{contact.pk}/edit/")).status_code == 404
    # A contact of another visible client is not this client's either.
    other = make_client(cast, prefix="OTH")
    assert technician.get(tab(other, f"{people['Ann'].pk}/edit/")).status_code == 404
    assert web(cast.outsider).get(tab(harbour)).status_code == 404


# --- the details panel and the global search --------------------------------------------------


def test_the_details_panel_shows_the_primary_and_the_secondary_contact(cast, harbour, people):
    contact_update(contact=people["Ann"], actor=None, version=None, phone="+1 555 0100")
    html = web(cast.viewer).get(f"/a/acme/clients/{harbour.pk}/").text
    panel = html.split('class="stack key-contacts"')[1].split("</dl>")[0]
    primary, secondary = panel.split('data-key-contact="secondary"')
    for text in (
        "Ann Smith",
        "Owner",
        'href="mailto:ann@harbour.example"',
        'href="tel:+1 555 0100"',
    ):
        assert text in primary, text
    assert "Bob Jones" in secondary and "Dentist" in secondary
    assert "No contacts yet" not in html


def test_the_contact_counts_are_real_with_sub_clients(cast, harbour, people):
    site = make_client(cast, prefix="HBR2", name="Harbour North", parent=harbour)
    add(site, "Sid", email="sid@north.example")
    page = web(cast.viewer).get(f"/a/acme/clients/{harbour.pk}/")
    rows = {label: (own, subs) for label, own, subs, _ in page.context["contact_rows"]}
    # Dan is inactive: not counted. In and out of agreement: the agreements' own panel.
    assert rows == {"All contacts": (3, 4)}
    coverage = {label: (own, subs) for label, own, subs, _ in page.context["coverage_rows"]}
    assert coverage == {"In agreement": (0, 0), "Out of agreement": (3, 4)}
    assert (
        '<tr class="total"><th scope="row">All contacts</th><td class="num">3</td><td class="num">4</td></tr>'
        in page.text
    )


def test_the_global_search_finds_a_contact_by_email_and_leads_to_its_client(cast, harbour, people):
    hidden = make_client(cast, prefix="HID", name="Hidden Ltd")
    add(hidden, "Bob", "Hidden", "bob@hidden.example")
    membership_set_client_access(
        actor=cast.owner, membership=cast.viewer, access="deny", clients=[hidden]
    )
    response = web(cast.viewer).get("/a/acme/clients/", {"q": "bob@"})
    block = response.text.split('class="card contacts-matching"')[1].split("</section>")[0]
    assert f'href="{tab(harbour)}?q=bob%40harbour.example">Bob Jones</a>' in block
    assert "Harbour Dental" in block and "Hidden" not in block
    # The table below still searches clients: none is called bob.
    assert "No client matches these filters." in response.text
    assert "contacts-matching" not in web(cast.viewer).get("/a/acme/clients/").text
    # Following the link shows that contact on its client's tab.
    assert names(web(cast.viewer).get(f"{tab(harbour)}?q=bob%40harbour.example")) == ["Bob Jones"]


def test_the_tab_its_dialogs_and_its_answers_are_strict_csp(cast, harbour, people):
    technician, cleo = web(cast.technician), people["Cleo"]
    for response in (
        technician.get(tab(harbour)),
        technician.get(tab(harbour), {"q": "a"}, headers={"HX-Request": "true"}),
        technician.get(tab(harbour, f"{cleo.pk}/edit/")),
        technician.get(tab(harbour, f"{cleo.pk}/edit/"), headers={"HX-Request": "true"}),
        technician.post(tab(harbour, "new/"), {"first_name": ""}),
        technician.get("/a/acme/clients/", {"q": "ann"}),
    ):
        assert_strict(response)
