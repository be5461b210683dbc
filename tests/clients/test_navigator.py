"""The client navigator beside the client pages: the account's whole tree, its levels in pages,
the filter, the member's client limits, and the state each person leaves it in."""

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientdesk.clients.models import NavigatorPreference
from clientdesk.clients.services import client_set_archived
from clientdesk.core.services import membership_set_client_access
from tests.clients.factories import make_client
from tests.clients.test_detail_page import url, web

HX = {"HX-Request": "true"}
NAV = "/a/acme/clients/navigator/"


def names(html: str) -> list[str]:
    """The client names the navigator shows, in order."""
    return re.findall(r'<span class="nav-name">([^<]+)</span>', html)


def item(html: str, name: str) -> str:
    """The treeitem of one client (its link's opening tag)."""
    found = re.search(
        r'(<a role="treeitem"[^>]*>)(?:(?!</a>).)*<span class="nav-name">' + re.escape(name) + "<",
        html,
        re.S,
    )
    assert found, f"{name} is not in the navigator"
    return found.group(1)


@pytest.fixture
def roster(cast):
    """Two groups and a lone client: Alder Group › Birch Site › Cedar Desk; Elm Group › Fir
    Site; Maple Lone."""
    alder = make_client(cast, prefix="ALDER", name="Alder Group")
    birch = make_client(cast, prefix="BIRCH", name="Birch Site", parent=alder)
    cedar = make_client(cast, prefix="CEDAR", name="Cedar Desk", parent=birch)
    elm = make_client(cast, prefix="ELM", name="Elm Group")
    fir = make_client(cast, prefix="FIR", name="Fir Site", parent=elm)
    maple = make_client(cast, prefix="MAPLE", name="Maple Lone")
    return SimpleNamespace(alder=alder, birch=birch, cedar=cedar, elm=elm, fir=fir, maple=maple)


def test_the_navigator_shows_the_top_level_with_the_current_client_revealed(cast, roster):
    html = web(cast.viewer).get(f"{NAV}?current={roster.cedar.pk}", headers=HX).text
    # The tops by name; the way down to Cedar Desk is open; Elm Group's children wait.
    assert names(html) == ["Alder Group", "Birch Site", "Cedar Desk", "Elm Group", "Maple Lone"]
    assert 'aria-expanded="true"' in item(html, "Alder Group")
    assert 'aria-expanded="true"' in item(html, "Birch Site")
    assert 'aria-expanded="false"' in item(html, "Elm Group")
    assert "aria-expanded" not in item(html, "Maple Lone")
    current = item(html, "Cedar Desk")
    assert 'aria-current="page"' in current and 'tabindex="0"' in current
    assert f'href="{url(roster.cedar)}"' in current
    assert 'role="tree"' in html


def test_a_client_is_expanded_through_its_own_partial(cast, roster):
    viewer = web(cast.viewer)
    html = viewer.get(url(roster.elm, "navigator/"), headers=HX).text
    assert names(html) == ["Fir Site"]
    # Without htmx it is that client's page.
    assert viewer.get(url(roster.elm, "navigator/")).url == url(roster.elm)


def test_the_client_page_has_the_toggle_and_draws_the_tree_only_when_left_open(cast, roster):
    viewer = web(cast.viewer)
    page = viewer.get(url(roster.cedar)).text
    assert "data-nav-toggle" in page and 'aria-expanded="false" data-nav-toggle' in page
    assert 'role="tree"' not in page  # closed: it loads when opened
    NavigatorPreference.objects.create(account=cast.account, user=cast.viewer.user, open=True)
    page = viewer.get(url(roster.cedar)).text
    assert 'class="client-layout nav-open"' in page
    assert 'aria-current="page"' in item(page, "Cedar Desk")


def test_a_level_shows_50_clients_and_pages_on_with_a_cursor(cast):
    parent = make_client(cast, prefix="BIG", name="Big Group")
    for i in range(60):
        make_client(cast, prefix=f"S{i:03d}", name=f"Site {i:03d}", parent=parent)
    viewer = web(cast.viewer)
    first = viewer.get(url(parent, "navigator/"), headers=HX).text
    assert names(first) == [f"Site {i:03d}" for i in range(50)]
    cursor = re.search(r'hx-get="[^"]*\?cursor=([^"]+)"', first).group(1)
    rest = viewer.get(url(parent, f"navigator/?cursor={cursor}"), headers=HX).text
    assert names(rest) == [f"Site {i:03d}" for i in range(50, 60)]
    assert "data-nav-more" not in rest
    assert viewer.get(url(parent, "navigator/?cursor=bogus"), headers=HX).status_code == 400


def test_the_top_level_pages_on_and_keeps_the_current_client_shown(cast):
    for i in range(55):
        make_client(cast, prefix=f"T{i:03d}", name=f"Top {i:03d}")
    late = make_client(cast, prefix="ZZ", name="Zulu Last")
    kid = make_client(cast, prefix="ZKID", name="Zulu Kid", parent=late)
    viewer = web(cast.viewer)
    html = viewer.get(f"{NAV}?current={kid.pk}", headers=HX).text
    assert names(html)[:50] == [f"Top {i:03d}" for i in range(50)]
    assert names(html)[50:] == ["Zulu Last", "Zulu Kid"]  # put in, beyond the first page
    more = re.search(r'hx-get="(/a/acme/clients/navigator/top/\?cursor=[^"]+)"', html).group(1)
    rest = viewer.get(more.replace("&amp;", "&"), headers=HX).text
    assert names(rest) == [*(f"Top {i:03d}" for i in range(50, 55)), "Zulu Last"]


def test_archived_clients_are_left_out_but_the_current_one_is_shown(cast, roster):
    client_set_archived(client=roster.maple, actor=None, archived=True)
    viewer = web(cast.viewer)
    assert "Maple Lone" not in viewer.get(NAV, headers=HX).text
    html = viewer.get(f"{NAV}?current={roster.maple.pk}", headers=HX).text
    assert "Maple Lone" in names(html) and "Archived" in html


def test_the_filter_finds_by_name_or_prefix_with_the_way_down(cast, roster):
    viewer = web(cast.viewer)
    html = viewer.get(f"{NAV}search/?q=cedar", headers=HX).text
    assert names(html) == ["Cedar Desk"]
    assert '<span class="nav-way">Alder Group › Birch Site</span>' in html
    assert "1 match" in html
    html = viewer.get(f"{NAV}search/?q=FI", headers=HX).text
    assert names(html) == ["Fir Site"] and "Elm Group" in html
    assert viewer.get(f"{NAV}search/?q=nothing-like-it", headers=HX).text.count("0 matches")
    assert viewer.get(f"{NAV}search/?q=", headers=HX).text == ""
    assert viewer.get(f"{NAV}search/?q=a%00b", headers=HX).status_code == 400


def test_the_filter_shows_the_first_30_matches_and_says_there_are_more(cast):
    for i in range(35):
        make_client(cast, prefix=f"W{i:03d}", name=f"Willow {i:03d}")
    html = web(cast.viewer).get(f"{NAV}search/?q=willow", headers=HX).text
    assert len(names(html)) == 30 and "type more to narrow" in html


def test_an_allow_listed_member_sees_their_clients_at_the_top_and_nothing_above(cast, roster):
    membership_set_client_access(
        actor=cast.owner, membership=cast.manager, access="allow", clients=[roster.birch]
    )
    manager = web(cast.manager)
    html = manager.get(f"{NAV}?current={roster.cedar.pk}", headers=HX).text
    # Birch Site's parent is hidden: Birch Site stands at the top in its place.
    assert names(html) == ["Birch Site", "Cedar Desk"]
    assert "Alder" not in html and "Elm" not in html
    html = manager.get(f"{NAV}search/?q=cedar", headers=HX).text
    assert '<span class="nav-way">Birch Site</span>' in html and "Alder" not in html
    assert names(manager.get(f"{NAV}search/?q=group", headers=HX).text) == []
    for hidden in (roster.alder, roster.elm):
        assert manager.get(url(hidden, "navigator/"), headers=HX).status_code == 404
    # A hidden client named as the current one reveals nothing.
    html = manager.get(f"{NAV}?current={roster.alder.pk}", headers=HX).text
    assert "Alder" not in html and names(html) == ["Birch Site"]


def test_a_deny_listed_member_sees_neither_the_hidden_clients_nor_their_counts(cast, roster):
    membership_set_client_access(
        actor=cast.owner, membership=cast.manager, access="deny", clients=[roster.birch]
    )
    manager = web(cast.manager)
    html = manager.get(NAV, headers=HX).text
    assert names(html) == ["Alder Group", "Elm Group", "Maple Lone"]
    assert "aria-expanded" not in item(html, "Alder Group")  # its one child is hidden
    assert manager.get(url(roster.birch, "navigator/"), headers=HX).status_code == 404
    assert names(manager.get(f"{NAV}search/?q=desk", headers=HX).text) == []


def test_the_state_is_remembered_per_person_and_opens_the_tree_as_left(cast, roster):
    viewer = web(cast.viewer)
    answer = viewer.post(f"{NAV}state/", {"open": "1", "expanded": f"{roster.elm.pk},x,"})
    assert answer.status_code == 204
    pref = NavigatorPreference.objects.get(user=cast.viewer.user, account=cast.account)
    assert pref.open and pref.expanded == [roster.elm.pk]
    page = viewer.get(url(roster.maple)).text
    assert 'class="client-layout nav-open"' in page
    assert 'aria-expanded="true"' in item(page, "Elm Group") and "Fir Site" in names(page)
    assert 'aria-expanded="false"' in item(page, "Alder Group")
    # Another person's page is as they left it.
    assert 'class="client-layout"' in web(cast.manager).get(url(roster.maple)).text
    viewer.post(f"{NAV}state/", {"open": "0", "expanded": ""})
    assert 'class="client-layout"' in viewer.get(url(roster.maple)).text


def test_a_remembered_client_now_hidden_reveals_nothing(cast, roster):
    NavigatorPreference.objects.create(
        account=cast.account, user=cast.manager.user, open=True, expanded=[roster.birch.pk]
    )
    membership_set_client_access(
        actor=cast.owner, membership=cast.manager, access="deny", clients=[roster.cedar]
    )
    html = web(cast.manager).get(url(roster.maple)).text
    assert "Cedar" not in html


def test_the_partials_are_for_htmx(cast):
    viewer = web(cast.viewer)
    for rest in ("", "top/", "search/?q=x"):
        assert viewer.get(f"{NAV}{rest}").url == "/a/acme/clients/"
    assert viewer.get(f"{NAV}state/").status_code == 405


def test_the_navigator_costs_the_same_queries_whatever_the_size_of_the_tree(cast, roster):
    viewer = web(cast.viewer)
    NavigatorPreference.objects.create(
        account=cast.account,
        user=cast.viewer.user,
        open=True,
        expanded=[roster.elm.pk, roster.fir.pk],
    )
    target = f"{NAV}?current={roster.cedar.pk}"
    viewer.get(target, headers=HX)
    with CaptureQueriesContext(connection) as few:
        viewer.get(target, headers=HX)
    for i in range(30):
        top = make_client(cast, prefix=f"N{i:03d}", name=f"New {i:03d}")
        make_client(cast, prefix=f"NK{i:03d}", name=f"New kid {i:03d}", parent=top)
        make_client(cast, prefix=f"FK{i:03d}", name=f"Fir kid {i:03d}", parent=roster.fir)
    with CaptureQueriesContext(connection) as many:
        html = viewer.get(target, headers=HX).text
    assert "Fir kid 029" in html
    assert len(many.captured_queries) == len(few.captured_queries)
