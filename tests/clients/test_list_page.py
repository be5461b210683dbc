"""The Clients page: tabs, filters, search, sort, keyset pages, columns, bulk actions, Add client."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clientdesk.clients.models import Client as ClientModel
from clientdesk.clients.models import Industry, Status, Tag
from clientdesk.clients.services import client_change_status, client_set_archived
from clientdesk.core.models import ListPreference, Message
from clientdesk.core.services import membership_set_client_access
from tests.audit.reading import words
from tests.clients.factories import make_client

URL = "/a/acme/clients/"


def signed_in(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def prefixes(response) -> list[str]:
    return re.findall(r'<tr data-client="([A-Z0-9]+)"', response.text)


def tab_counts(response) -> dict[str, int]:
    return {tab["key"]: tab["count"] for tab in response.context["tabs"]}


def industry(cast, name: str) -> Industry:
    return Industry.objects.get(account=cast.account, name=name)


def move(cast, client, *statuses):
    for to in statuses:
        # History, past the workflows' holds (core.registry.status_guards).
        client = client_change_status(client=client, actor=cast.manager, to_status=to, held=False)
    return client


@pytest.fixture
def lifecycle(cast):
    """One client in every status, plus an archived one."""
    clients = {
        "lead": make_client(cast, prefix="LEAD", status="lead"),
        "prospect": make_client(cast, prefix="PROS", status="prospect"),
        "invited": make_client(cast, prefix="INVI", status="invited"),
        "waiting": make_client(cast, prefix="WAIT", status="waiting"),
        "active": make_client(cast, prefix="ACTI", status="active"),
        "at_risk": move(cast, make_client(cast, prefix="RISK"), "at_risk"),
        "offboarding": move(cast, make_client(cast, prefix="OFFB"), "offboarding"),
        "inactive": move(cast, make_client(cast, prefix="INAC", status="lead"), "inactive"),
    }
    archived = make_client(cast, prefix="ARCH")
    client_set_archived(client=archived, actor=None, archived=True)
    clients["archived"] = archived
    return clients


# --- tabs and counts -----------------------------------------------------------------------


def test_it_shows_every_tab_with_its_live_count(cast, lifecycle):
    response = signed_in(cast.viewer).get(URL)
    assert response.status_code == 200
    assert tab_counts(response) == {
        "leads": 2,
        "onboarding": 2,
        "active": 2,
        "offboarding": 1,
        "inactive": 1,
        "archived": 1,
        "all": 8,
    }
    assert sorted(prefixes(response)) == sorted(
        p for p in ("LEAD", "PROS", "INVI", "WAIT", "ACTI", "RISK", "OFFB", "INAC")
    )
    assert 'id="tab-all" aria-current="page"' in response.text


@pytest.mark.parametrize(
    "tab, expected",
    [
        ("leads", {"LEAD", "PROS"}),
        ("onboarding", {"INVI", "WAIT"}),
        ("active", {"ACTI", "RISK"}),
        ("offboarding", {"OFFB"}),
        ("inactive", {"INAC"}),
        ("archived", {"ARCH"}),
    ],
)
def test_each_tab_lists_its_statuses(cast, lifecycle, tab, expected):
    response = signed_in(cast.viewer).get(URL, {"tab": tab})
    assert set(prefixes(response)) == expected
    assert f'id="tab-{tab}" aria-current="page"' in response.text


def test_counts_follow_the_filters(cast, lifecycle):
    response = signed_in(cast.viewer).get(URL, {"q": "risk"})
    counts = tab_counts(response)
    assert counts["active"] == 1 and counts["all"] == 1 and counts["leads"] == 0


# --- filters and search ----------------------------------------------------------------------


def test_it_filters_by_status(cast, lifecycle):
    response = signed_in(cast.viewer).get(URL, {"status": "at_risk"})
    assert prefixes(response) == ["RISK"]
    assert response.context["state"].filtering


def test_it_filters_by_client_type(cast):
    make_client(cast, prefix="SIL")
    make_client(cast, prefix="ENG", engagement="engaged")
    response = signed_in(cast.viewer).get(URL, {"engagement": "engaged"})
    assert prefixes(response) == ["ENG"]


def test_it_filters_by_industry(cast):
    make_client(cast, prefix="LAW", industry=industry(cast, "Legal"))
    make_client(cast, prefix="SHOP", industry=industry(cast, "Retail"))
    response = signed_in(cast.viewer).get(URL, {"industry": industry(cast, "Legal").pk})
    assert prefixes(response) == ["LAW"]


def test_it_filters_by_manager(cast):
    make_client(cast, prefix="MINE", manager=cast.manager.user)
    make_client(cast, prefix="THEIRS", manager=cast.owner.user)
    response = signed_in(cast.viewer).get(URL, {"manager": cast.manager.user.pk})
    assert prefixes(response) == ["MINE"]


def test_it_filters_by_tag(cast):
    make_client(cast, prefix="VIP", tags=["vip"])
    make_client(cast, prefix="PLAIN")
    tag = Tag.objects.get(account=cast.account, name="vip")
    response = signed_in(cast.viewer).get(URL, {"tag": tag.pk})
    assert prefixes(response) == ["VIP"]


@pytest.mark.parametrize("q", ["harbour", "HARB", "hb", "HBR"])
def test_search_finds_a_client_by_name_or_prefix(cast, q):
    make_client(cast, prefix="HBR", name="Harbour Dental")
    make_client(cast, prefix="ZZZ", name="Other Ltd")
    response = signed_in(cast.viewer).get(URL, {"q": q})
    assert prefixes(response) == ["HBR"]


def test_the_global_search_sits_in_the_top_bar_of_every_staff_page(cast):
    page = signed_in(cast.viewer).get("/a/acme/").text
    form = re.search(r'<form class="global-search"[^>]*>.*?</form>', page, re.S).group(0)
    assert 'method="get"' in form and f'action="{URL}"' in form
    assert re.search(r'<input[^>]*type="search"[^>]*name="q"[^>]*data-global-search', form)
    assert '<label class="visually-hidden" for="global-search">' in form


def test_unknown_filter_values_are_ignored_not_an_error(cast, lifecycle):
    response = signed_in(cast.viewer).get(
        URL,
        {"tab": "nope", "status": "bogus", "industry": "x", "sort": "-nope", "size": "7"},
    )
    assert response.status_code == 200
    assert len(prefixes(response)) == 8


@pytest.mark.parametrize("q", ["ab\x00cd", "\x00", "acti\x00", "a\x00"])
def test_a_nul_in_the_search_is_refused_with_a_clear_message(cast, lifecycle, q):
    for client in (signed_in(cast.viewer), signed_in(cast.viewer)):
        response = client.get(URL, {"q": q})
        assert response.status_code == 400
        assert "Text cannot contain NUL characters." in response.text
        assert len(prefixes(response)) == 8  # the list as it is, unsearched
        assert response.context["state"].q == ""


@pytest.mark.parametrize("q", ["ab\x01cd", "\x1b[2J", "act\tive", "a\x7f", "a\x1fc", "\x9b"])
def test_other_control_characters_are_searched_as_typed(cast, lifecycle, q):
    response = signed_in(cast.viewer).get(URL, {"q": q})
    assert response.status_code == 200
    assert prefixes(response) == []
    assert "Text cannot contain" not in response.text


@pytest.mark.parametrize("q", ["a\x01b", "ta\x01b", "x\x1bY"])
def test_a_control_character_finds_the_name_that_holds_it(cast, q):
    make_client(cast, prefix="ODD", name="Meta\x01bell and x\x1by")
    make_client(cast, prefix="PLAIN", name="Meta bell and x y")
    response = signed_in(cast.viewer).get(URL, {"q": q})
    assert response.status_code == 200
    assert prefixes(response) == ["ODD"]


@pytest.mark.parametrize("name", ["manager", "industry", "tag"])
@pytest.mark.parametrize(
    "value", ["1" * 23, str(2**63), str(2**64), "9" * 5000, "²", "١٢", "-1", "0", "1\x00"]
)
def test_ids_no_database_can_hold_are_ignored_like_any_malformed_filter(
    cast, lifecycle, name, value
):
    response = signed_in(cast.viewer).get(URL, {name: value})
    assert response.status_code == 200
    assert len(prefixes(response)) == 8
    assert getattr(response.context["state"], name) is None


def test_the_largest_possible_id_is_still_a_filter(cast, lifecycle):
    response = signed_in(cast.viewer).get(URL, {"manager": str(2**63 - 1)})
    assert response.status_code == 200
    assert prefixes(response) == []  # nobody manages them: an id that names nothing here


# --- sorting ---------------------------------------------------------------------------------


SORTABLE = [
    "prefix",
    "name",
    "status",
    "engagement",
    "industry",
    "manager",
    "created",
    "status_since",
]


def _sort_key(sort: str):
    return {
        "name": lambda c: c.name.lower(),
        "prefix": lambda c: c.prefix,
        "status": lambda c: Status.values.index(c.status),
        "engagement": lambda c: c.engagement,
        "industry": lambda c: c.industry.name.lower() if c.industry else "",
        "manager": lambda c: c.manager.email.lower() if c.manager else "",
        "created": lambda c: c.created_at,
        "status_since": lambda c: c.status_changed_at,
    }[sort]


@pytest.fixture
def assorted(cast):
    now = timezone.now()
    specs = [
        ("DELTA", "alpha works", "lead", "Retail", cast.manager, "silent", 3),
        ("ALPHA", "Delta Foods", "active", "Legal", cast.owner, "engaged", 1),
        ("CHARLIE", "bravo & co", "prospect", None, None, "silent", 4),
        ("BRAVO", "Charlie Ltd", "waiting", "Finance", cast.admin, "engaged", 2),
    ]
    for prefix, name, status, sector, manager, engagement, days_ago in specs:
        client = make_client(
            cast,
            prefix=prefix,
            name=name,
            status=status,
            industry=industry(cast, sector) if sector else None,
            manager=manager.user if manager else None,
            engagement=engagement,
            status_since=now - timedelta(days=days_ago),
        )
        ClientModel.objects.filter(pk=client.pk).update(created_at=now - timedelta(days=days_ago))
    return list(ClientModel.objects.select_related("industry", "manager"))


@pytest.mark.parametrize(
    "sort",
    ["name", "prefix", "status", "engagement", "industry", "manager", "created", "status_since"],
)
def test_every_sortable_column_sorts_both_ways(cast, assorted, sort):
    viewer = signed_in(cast.viewer)
    columns = SORTABLE
    ListPreference.objects.create(
        account=cast.account, user=cast.viewer.user, list_name="clients", columns=columns
    )
    key = _sort_key(sort)
    ascending = [c.prefix for c in sorted(assorted, key=lambda c: (key(c), c.pk))]

    up = viewer.get(URL, {"sort": sort})
    assert prefixes(up) == ascending
    assert re.search(rf'class="col-{sort}[^"]*" aria-sort="ascending"', up.text)
    # The header link of the sorted column now asks for the other direction.
    assert f'id="sort-{sort}" href="{URL}?sort=-{sort}"' in up.text.replace("&amp;", "&")

    down = viewer.get(URL, {"sort": f"-{sort}"})
    assert (
        prefixes(down) == [c.prefix for c in sorted(assorted, key=lambda c: (key(c), c.pk))][::-1]
    )
    assert re.search(rf'class="col-{sort}[^"]*" aria-sort="descending"', down.text)


def test_only_the_sorted_column_carries_aria_sort(cast, assorted):
    text = signed_in(cast.viewer).get(URL, {"sort": "-name"}).text
    assert text.count("aria-sort=") == 1


# --- keyset pages ------------------------------------------------------------------------------


@pytest.fixture
def sixty(cast):
    return [
        make_client(cast, prefix=f"P{i:02d}", name=f"Client {i % 7} {i:02d}") for i in range(60)
    ]


def _walk(viewer, params):
    """Every page from the first by the Next links; answers the pages' prefixes."""
    pages, response = [], viewer.get(URL, params)
    for _ in range(100):  # a cursor that led back to the start would loop for ever
        pages.append(prefixes(response))
        if not response.context["next_url"]:
            return pages, response
        response = viewer.get(response.context["next_url"])
    raise AssertionError("the Next links never end")


@pytest.mark.parametrize("sort", ["name", "-name"])
def test_next_and_previous_visit_every_client_exactly_once(cast, sixty, sort):
    viewer = signed_in(cast.viewer)
    pages, last = _walk(viewer, {"sort": sort, "size": 25})
    assert [len(p) for p in pages] == [25, 25, 10]
    seen = [p for page in pages for p in page]
    assert len(seen) == len(set(seen)) == 60
    # The first page has no Previous; the later ones go back to exactly the page before.
    first = viewer.get(URL, {"sort": sort, "size": 25})
    assert first.context["previous_url"] is None and "page-previous" not in first.text
    back = viewer.get(last.context["previous_url"])
    assert prefixes(back) == pages[1]
    back = viewer.get(back.context["previous_url"])
    assert prefixes(back) == pages[0]
    assert back.context["previous_url"] is None
    assert prefixes(viewer.get(back.context["next_url"])) == pages[1]


def test_the_cursor_and_everything_else_live_in_the_url(cast, sixty):
    viewer = signed_in(cast.viewer)
    first = viewer.get(URL, {"tab": "active", "q": "client", "sort": "-name", "size": 25})
    next_url = first.context["next_url"]
    for part in ("tab=active", "q=client", "sort=-name", "size=25", "cursor="):
        assert part in next_url
    # The bookmarked URL, opened afresh, gives the same page.
    assert prefixes(viewer.get(next_url)) == prefixes(viewer.get(next_url))
    assert len(prefixes(viewer.get(next_url))) == 25


def test_a_damaged_cursor_falls_back_to_the_first_page(cast, sixty):
    viewer = signed_in(cast.viewer)
    first = prefixes(viewer.get(URL, {"size": 25}))
    assert prefixes(viewer.get(URL, {"size": 25, "cursor": "!!bad"})) == first
    assert prefixes(viewer.get(URL, {"size": 25, "before": "bm90IGpzb24"})) == first
    # A cursor made for another sort is not compared with the wrong column: the first page.
    cursor = viewer.get(URL, {"size": 25}).context["results"].next
    assert prefixes(viewer.get(URL, {"size": 25, "sort": "-name", "cursor": cursor})) == prefixes(
        viewer.get(URL, {"size": 25, "sort": "-name"})
    )


@pytest.mark.parametrize("size", [25, 50, 100])
def test_the_page_size_comes_from_the_url(cast, sixty, size):
    response = signed_in(cast.viewer).get(URL, {"size": size})
    assert len(prefixes(response)) == min(size, 60)
    assert re.search(rf'<option value="{size}" selected>{size}</option>', response.text)


# --- columns -----------------------------------------------------------------------------------


def test_the_column_chooser_is_remembered_per_person(cast, sixty):
    viewer = signed_in(cast.viewer)
    before = viewer.get(URL).text
    assert 'class="col-industry"' in before and 'class="col-parent"' not in before

    response = viewer.post(
        f"{URL}columns/",
        {"columns": ["prefix", "status", "parent"], "page_size": 25, "return_query": "tab=all"},
    )
    assert response.status_code == 302 and response["Location"] == URL

    pref = ListPreference.objects.get(user=cast.viewer.user, list_name="clients")
    assert pref.columns == ["prefix", "name", "status", "parent"] and pref.page_size == 25
    after = viewer.get(URL)
    headers = re.findall(r'<th scope="col" class="col-(\w+)', after.text)
    assert headers == ["prefix", "name", "status", "parent", "quick"]  # quick: never chosen
    assert len(prefixes(after)) == 25  # the remembered page size, without a size in the URL
    assert len(prefixes(viewer.get(URL, {"size": 50}))) == 50  # the URL wins
    # Someone else's list is untouched.
    assert 'class="col-industry"' in signed_in(cast.manager).get(URL).text


def test_the_column_chooser_answers_htmx_with_the_refreshed_results(cast, sixty):
    response = signed_in(cast.viewer).post(
        f"{URL}columns/",
        {"columns": ["prefix"], "page_size": 50, "return_query": "sort=-name"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="client-results"')
    assert 'class="col-status"' not in response.text and 'aria-sort="descending"' in response.text


def test_a_bad_page_size_is_refused_without_saving(cast):
    viewer = signed_in(cast.viewer)
    response = viewer.post(f"{URL}columns/", {"columns": ["prefix"], "page_size": 7})
    assert response.status_code == 302
    assert not ListPreference.objects.filter(user=cast.viewer.user).exists()


# --- bulk actions ------------------------------------------------------------------------------


@pytest.fixture
def three(cast):
    return [make_client(cast, prefix=f"B{i}", name=f"Bulk {i}") for i in range(3)]


def test_bulk_archive_archives_the_selected_clients(cast, three):
    manager = signed_in(cast.manager)
    response = manager.post(
        f"{URL}bulk/",
        {"ids": [three[0].pk, three[1].pk], "action": "archive", "return_query": "tab=all&q=bulk"},
    )
    assert response.status_code == 302 and response["Location"] == f"{URL}?q=bulk"
    archived = set(ClientModel.objects.filter(archived=True).values_list("prefix", flat=True))
    assert archived == {"B0", "B1"}
    page = manager.get(response["Location"]).text
    assert "2 clients archived." in page


def test_bulk_manager_change_sets_and_clears_the_manager(cast, three):
    manager = signed_in(cast.manager)
    ids = [c.pk for c in three]
    manager.post(f"{URL}bulk/", {"ids": ids, "action": "manager", "manager": cast.admin.user.pk})
    assert set(ClientModel.objects.values_list("manager_id", flat=True)) == {cast.admin.user.pk}
    manager.post(f"{URL}bulk/", {"ids": ids[:1], "action": "manager", "manager": "none"})
    assert ClientModel.objects.get(pk=ids[0]).manager_id is None
    # Without a choice (or with someone outside the team) nothing changes.
    for value in ("", str(cast.outsider.user.pk)):
        response = manager.post(f"{URL}bulk/", {"ids": ids, "action": "manager", "manager": value})
        assert response.status_code == 302
    assert ClientModel.objects.filter(manager_id=cast.admin.user.pk).count() == 2


def test_bulk_tag_adds_a_tag_and_keeps_the_others(cast):
    tagged = make_client(cast, prefix="TAGGED", tags=["old"])
    response = signed_in(cast.manager).post(
        f"{URL}bulk/", {"ids": [tagged.pk], "action": "tag", "tag": " vip "}
    )
    assert response.status_code == 302
    assert sorted(tagged.tags.values_list("name", flat=True)) == ["old", "vip"]


def test_bulk_tag_without_a_tag_changes_nothing_and_says_why(cast, three):
    manager = signed_in(cast.manager)
    response = manager.post(f"{URL}bulk/", {"ids": [three[0].pk], "action": "tag", "tag": ""})
    assert response.status_code == 302
    assert "Type the tag to add." in manager.get(response["Location"]).text
    assert not Tag.objects.filter(account=cast.account).exists()


@pytest.mark.parametrize("role", ["viewer", "technician"])
def test_bulk_actions_need_clients_write(cast, three, role):
    response = signed_in(cast.member(role)).post(
        f"{URL}bulk/", {"ids": [three[0].pk], "action": "archive"}
    )
    assert response.status_code == 403
    assert not ClientModel.objects.filter(archived=True).exists()


def test_bulk_actions_never_reach_clients_outside_the_persons_view(cast, three):
    membership_set_client_access(
        actor=cast.owner, membership=cast.manager, access="allow", clients=[three[0]]
    )
    theirs = make_client(cast.other_account, prefix="GLOBEX")
    signed_in(cast.manager).post(
        f"{URL}bulk/", {"ids": [c.pk for c in three] + [theirs.pk], "action": "archive"}
    )
    assert list(ClientModel.objects.filter(archived=True).values_list("prefix", flat=True)) == [
        "B0"
    ]


def test_the_bulk_bar_is_only_offered_to_people_who_may_write(cast, three):
    assert "data-bulk-bar" in signed_in(cast.manager).get(URL).text
    viewer_page = signed_in(cast.viewer).get(URL).text
    assert "data-bulk-bar" not in viewer_page and "data-row-select" not in viewer_page


# --- restricted staff --------------------------------------------------------------------------


def test_a_restricted_member_sees_only_allowed_rows_and_counts(cast, lifecycle):
    parent = make_client(cast, prefix="TREE", name="Tree root")
    make_client(cast, prefix="TREE1", name="Tree leaf", parent=parent, status="lead")
    membership_set_client_access(
        actor=cast.owner,
        membership=cast.technician,
        access="allow",
        clients=[parent, lifecycle["offboarding"]],
    )
    technician = signed_in(cast.technician)
    response = technician.get(URL)
    assert sorted(prefixes(response)) == ["OFFB", "TREE", "TREE1"]
    counts = tab_counts(response)
    assert counts == {
        "leads": 1,
        "onboarding": 0,
        "active": 1,
        "offboarding": 1,
        "inactive": 0,
        "archived": 0,
        "all": 3,
    }
    assert prefixes(technician.get(URL, {"q": "ACTI"})) == []
    assert prefixes(technician.get(URL, {"tab": "archived"})) == []


# --- without JavaScript, and with htmx ---------------------------------------------------------


def test_searching_and_paging_work_without_javascript(cast, sixty):
    viewer = signed_in(cast.viewer)
    page = viewer.get(URL, {"size": 25}).text
    form = re.search(r'<form id="client-filters"[^>]*>', page).group(0)
    assert 'method="get"' in form and f'action="{URL}"' in form
    assert re.search(r'<input id="client-q" type="search" name="q"', page)
    # Hidden state inputs join the form, so a plain submit keeps the tab and the sort.
    assert '<input type="hidden" name="sort" value="name" form="client-filters">' in page
    next_link = re.search(r'<a class="btn small" rel="next" id="page-next" href="([^"]+)"', page)
    assert next_link
    second = viewer.get(next_link.group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and "<html" in second.text
    assert len(prefixes(second)) == 25
    # A plain GET of the form, as a browser without JavaScript sends it (empty fields and all).
    plain = viewer.get(
        URL,
        {"q": "Client 3", "status": "", "engagement": "", "industry": "", "manager": "", "tag": ""},
    )
    assert prefixes(plain) and all(
        p in {f"P{i:02d}" for i in range(3, 60, 7)} for p in prefixes(plain)
    )


def test_an_htmx_request_gets_only_the_results(cast, sixty):
    response = signed_in(cast.viewer).get(URL, {"sort": "-name"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="client-results"')
    assert 'hx-push-url="true"' in response.text
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(cast, sixty):
    response = signed_in(cast.viewer).get(
        URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.text


# --- empty states ------------------------------------------------------------------------------


def test_with_no_clients_yet_the_page_says_to_add_one(cast):
    manager_page = signed_in(cast.manager).get(URL).text
    assert "No clients yet." in manager_page
    assert re.search(
        rf'<a class="btn primary" href="{URL}new/">.*Add a client</a>', manager_page, re.S
    )
    viewer_page = signed_in(cast.viewer).get(URL).text
    assert "No clients yet." in viewer_page and f'href="{URL}new/"' not in viewer_page


def test_with_no_match_the_page_offers_to_clear_the_filters(cast, lifecycle):
    response = signed_in(cast.viewer).get(URL, {"tab": "leads", "q": "nothing-like-it"})
    assert "No client matches these filters." in response.text
    assert response.context["clear_url"] == f"{URL}?tab=leads"


def test_an_empty_tab_points_to_all_clients(cast):
    make_client(cast, status="active")
    response = signed_in(cast.viewer).get(URL, {"tab": "inactive"})
    assert "No clients in Inactive." in response.text and "See all clients" in response.text


# --- queries -----------------------------------------------------------------------------------


def _full_clients(cast, n, start=0):
    parent = make_client(cast, prefix=f"PA{start}", name="A parent")
    for i in range(start, start + n - 1):
        make_client(
            cast,
            prefix=f"Q{i:03d}",
            name=f"Q {i:03d}",
            industry=industry(cast, "Legal"),
            manager=cast.manager.user,
            parent=parent,
            tags=["one", f"t{i}"],
        )


def test_a_page_costs_the_same_queries_for_5_and_50_rows(cast, django_assert_num_queries):
    viewer = signed_in(cast.viewer)
    everything = [
        "prefix",
        "name",
        "status",
        "engagement",
        "industry",
        "manager",
        "tags",
        "parent",
        "created",
        "status_since",
    ]
    ListPreference.objects.create(
        account=cast.account, user=cast.viewer.user, list_name="clients", columns=everything
    )
    _full_clients(cast, 5)
    viewer.get(URL)  # the first visit also remembers the person's last account
    with CaptureQueriesContext(connection) as five:
        response = viewer.get(URL, {"size": 50})
    assert len(prefixes(response)) == 5
    _full_clients(cast, 50, start=100)
    with django_assert_num_queries(len(five.captured_queries)):
        response = viewer.get(URL, {"size": 50})
    assert len(prefixes(response)) == 50
    # The next page (by cursor) and the way back (by the reversed cursor) cost the same.
    with django_assert_num_queries(len(five.captured_queries)):
        second = viewer.get(response.context["next_url"])
    assert len(prefixes(second)) == 5
    with django_assert_num_queries(len(five.captured_queries)):
        back = viewer.get(second.context["previous_url"])
    assert prefixes(back) == prefixes(response)


# --- Add client --------------------------------------------------------------------------------


def test_the_add_menu_offers_add_manually_invite_client_and_bulk_import(cast):
    page = signed_in(cast.manager).get(URL).text
    menu = re.search(r'<details class="menu add-client-menu">.*?</details>', page, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', menu) == [
        f"{URL}new/",
        f"{URL}invite/",
        "/a/acme/imports/?kind=clients",
    ]
    assert "Add manually" in menu and "Invite client" in menu and "Bulk import" in menu
    assert "Integrations" not in page  # not before its issue lands: never a dead link


@pytest.mark.parametrize("role", ["viewer", "technician"])
def test_adding_a_client_needs_clients_write(cast, role):
    member = signed_in(cast.member(role))
    assert member.get(f"{URL}new/").status_code == 403
    assert member.post(f"{URL}new/", {"prefix": "NOPE", "name": "Nope"}).status_code == 403
    assert not ClientModel.objects.exists()
    assert "add-client-menu" not in member.get(URL).text


def test_the_form_opens_with_the_first_field_focused_and_explains_the_client_types(cast):
    page = signed_in(cast.manager).get(f"{URL}new/").text
    assert re.search(r'<input type="text" name="prefix"[^>]*autofocus', page)
    assert "without the client knowing" in page and "invited to the portal" in page
    assert "the portal invitation goes there" in page
    statuses = re.search(r'<select name="status".*?</select>', page, re.S).group(0)
    assert re.findall(r'value="(\w+)"', statuses) == [
        "lead",
        "prospect",
        "invited",
        "waiting",
        "active",
    ]
    assert re.search(r'<option value="active" selected>', statuses)


def test_adding_a_client_by_hand_creates_it_and_says_so(cast):
    parent = make_client(cast, prefix="HOLD", name="Holding")
    manager = signed_in(cast.manager)
    response = manager.post(
        f"{URL}new/",
        {
            "prefix": "nwd",
            "name": "Northwind Dental",
            "description": "Three practices",
            "status": "lead",
            "industry": industry(cast, "Healthcare").pk,
            "parent": "hold",
            "manager": cast.manager.user.pk,
            "license": "Gold",
            "tags": "vip, dental ,",
            "engagement": "silent",
        },
    )
    assert response.status_code == 302
    client = ClientModel.objects.get(prefix="NWD")
    assert (client.name, client.status, client.engagement) == ("Northwind Dental", "lead", "silent")
    assert client.industry.name == "Healthcare" and client.parent == parent
    assert client.manager == cast.manager.user and client.license == "Gold"
    assert sorted(client.tags.values_list("name", flat=True)) == ["dental", "vip"]
    assert str(client.pk) in response["Location"] or "q=NWD" in response["Location"]
    page = manager.get(response["Location"]).text
    assert "Northwind Dental (NWD) was added." in words(page)


def test_an_engaged_client_needs_the_contact_email(cast):
    response = signed_in(cast.manager).post(
        f"{URL}new/",
        {"prefix": "ENG", "name": "Engaged Co", "status": "active", "engagement": "engaged"},
    )
    assert response.status_code == 400
    assert "primary_email" in response.context["form"].errors
    assert re.search(r'name="primary_email"[^>]*aria-invalid="true"', response.text)
    assert not ClientModel.objects.exists()


def test_an_engaged_client_invites_its_new_primary_contact_at_once(cast):
    manager = signed_in(cast.manager)
    response = manager.post(
        f"{URL}new/",
        {
            "prefix": "ENG",
            "name": "Engaged Co",
            "status": "active",
            "engagement": "engaged",
            "primary_first_name": "Bea",
            "primary_email": "boss@engaged.example",
        },
    )
    assert response.status_code == 302
    client = ClientModel.objects.get(prefix="ENG")
    assert client.engagement == "access_sent"
    contact = client.contacts.get()
    assert (contact.first_name, contact.email, contact.is_primary) == (
        "Bea",
        "boss@engaged.example",
        True,
    )
    message = Message.objects.get()
    assert (message.to, message.kind) == ("boss@engaged.example", "portal_invitation")
    page = manager.get(response["Location"]).text
    assert "portal invitation is on its way to boss@engaged.example" in page


def test_service_errors_show_beside_their_fields(cast):
    make_client(cast, prefix="TAKEN")
    response = signed_in(cast.manager).post(
        f"{URL}new/",
        {"prefix": "taken", "name": "Second", "status": "active", "engagement": "silent"},
    )
    assert response.status_code == 400
    assert "already uses TAKEN" in " ".join(response.context["form"].errors["prefix"])
    assert re.search(r'name="prefix"[^>]*aria-invalid="true"', response.text)
    # Focus moves to the field with the error (here the first one anyway).
    assert re.search(r'name="prefix"[^>]*autofocus', response.text)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"prefix": "A"}, "prefix", "2–10 characters"),
        ({"prefix": "AB-1"}, "prefix", "2–10 characters"),
        ({"name": ""}, "name", "required"),
        ({"parent": "NOPE"}, "parent", "No client you can see has the prefix NOPE"),
        ({"status": "inactive"}, "status", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_naming_the_field(cast, fields, field, message):
    data = {"prefix": "GOOD", "name": "Good", "status": "active", "engagement": "silent", **fields}
    response = signed_in(cast.manager).post(f"{URL}new/", data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not ClientModel.objects.exists()


def test_the_parent_must_be_a_client_the_person_can_see(cast):
    hidden = make_client(cast, prefix="HIDDEN")
    mine = make_client(cast, prefix="MINE")
    membership_set_client_access(
        actor=cast.owner, membership=cast.manager, access="deny", clients=[hidden]
    )
    manager = signed_in(cast.manager)
    base = {"name": "Sub", "status": "active", "engagement": "silent"}
    refused = manager.post(f"{URL}new/", {**base, "prefix": "SUB1", "parent": "HIDDEN"})
    assert refused.status_code == 400
    accepted = manager.post(f"{URL}new/", {**base, "prefix": "SUB2", "parent": "mine"})
    assert accepted.status_code == 302
    assert ClientModel.objects.get(prefix="SUB2").parent == mine


def test_bulk_removes_a_tag_from_the_selected_clients_whatever_its_case(cast, client):
    a = make_client(cast, prefix="AAA", tags=["VIP", "North"])
    b = make_client(cast, prefix="BBB", tags=["vip"])
    c = make_client(cast, prefix="CCC", tags=["vip"])
    client.force_login(cast.manager.user)
    response = client.post(
        "/a/acme/clients/bulk/", {"ids": [a.pk, b.pk], "action": "untag", "tag": "Vip"}, follow=True
    )
    assert "removed from 2 clients" in response.text
    names = {x.prefix: sorted(x.tags.values_list("name", flat=True)) for x in (a, b, c)}
    assert names == {"AAA": ["North"], "BBB": [], "CCC": ["VIP"]}  # one tag, however typed
