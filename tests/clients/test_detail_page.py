"""The client page: details, tree, Overview, edit with conflicts, status, tree moves, archive,
delete and undo, and who may do which."""

import json
import re
import zoneinfo
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clientdesk.clients.models import Client, Industry, StatusChange
from clientdesk.clients.services import (
    client_change_status,
    client_delete,
    client_update,
    industries_seed,
)
from clientdesk.core.models import MembershipClient
from clientdesk.core.services import membership_set_client_access
from tests.audit.reading import entries, words
from tests.clients.factories import make_client


def web(membership) -> WebClient:
    browser = WebClient()
    browser.force_login(membership.user)
    return browser


def url(client: Client, rest: str = "") -> str:
    return f"/a/{client.account.slug}/clients/{client.pk}/{rest}"


def radios(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="([^"]+)"', html)


@pytest.fixture
def family(cast):
    """Root › Branch › Leaf, with a sibling beside Branch."""
    industries_seed(account=cast.account)
    root = make_client(
        cast,
        prefix="ROOT",
        name="Rootwood Holdings",
        description="The group's head office.",
        industry=Industry.objects.get(account=cast.account, name="Legal"),
        billing_email="invoices@rootwood.example",
        tax_id="ES-B12345678",
    )
    branch = make_client(cast, prefix="BRANCH", name="Branch Office", parent=root)
    sibling = make_client(cast, prefix="SIB", name="Sibling Site", parent=root)
    leaf = make_client(cast, prefix="LEAF", name="Leaf Depot", parent=branch)
    return SimpleNamespace(root=root, branch=branch, sibling=sibling, leaf=leaf)


# The page


def test_it_shows_the_details_panel_and_the_tree_from_the_root(cast, family):
    root, branch, sibling = family.root, family.branch, family.sibling
    page = web(cast.owner).get(url(root))
    html = page.text
    assert page.status_code == 200
    for text in (
        "Rootwood Holdings",
        "The group&#x27;s head office.",
        'class="badge status status-active"',
        "Legal",
        "invoices@rootwood.example",
        "ES-B12345678",
        "No contacts yet",
        "In agreement",
        "Out of agreement",
    ):
        assert text in html, text
    # The tree: the root is current; its children are links, the grandchild loads on expand.
    assert '<span class="tree-name" aria-current="page">Rootwood Holdings</span>' in html
    assert f'href="{url(branch)}">Branch Office</a>' in html
    assert f'href="{url(sibling)}">Sibling Site</a>' in html
    assert f'hx-get="{url(branch, "tree/")}"' in html
    tree = html.split("data-client-tree")[1].split("</aside>")[0]
    assert "Leaf Depot" not in tree


def test_a_sub_clients_page_shows_the_tree_from_its_root_with_it_highlighted(cast, family):
    root, sibling, leaf = family.root, family.sibling, family.leaf
    html = web(cast.viewer).get(url(leaf)).text
    assert f'href="{url(root)}">Rootwood Holdings</a>' in html
    assert f'href="{url(sibling)}">Sibling Site</a>' in html
    assert '<span class="tree-name" aria-current="page">Leaf Depot</span>' in html
    # Breadcrumb: Clients / Rootwood / Branch / Leaf
    crumbs = html.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert crumbs.index("Rootwood") < crumbs.index("Branch Office") < crumbs.index("Leaf Depot")


def test_the_tree_partial_gives_a_nodes_children_to_htmx(cast, family):
    branch, leaf = family.branch, family.leaf
    owner = web(cast.owner)
    part = owner.get(url(branch, "tree/"), HTTP_HX_REQUEST="true")
    assert part.status_code == 200
    assert f'href="{url(leaf)}">Leaf Depot</a>' in part.text
    assert "<html" not in part.text
    # Without htmx the partial is no page of its own: back to the client.
    assert owner.get(url(branch, "tree/")).url == url(branch)


def test_the_page_costs_the_same_queries_whatever_the_number_of_sub_clients(
    cast, family, django_assert_num_queries
):
    root = family.root
    owner = web(cast.owner)
    owner.get(url(root))  # warm the session and the account
    with CaptureQueriesContext(connection) as few:
        owner.get(url(root))
    for n in range(20):
        make_client(cast, prefix=f"MANY{n}", name=f"Many {n}", parent=root)
    with django_assert_num_queries(len(few.captured_queries)):
        owner.get(url(root))


def test_the_overview_shows_the_timeline_and_the_status_history_newest_first(cast, family):
    root = family.root
    client_change_status(
        client=root,
        actor=cast.manager,
        to_status="at_risk",
        reason="Unhappy with response times",
    )
    client_update(client=root, actor=cast.manager.user, version=None, license="Gold")
    html = web(cast.viewer).get(url(root)).text
    assert entries(html) == [
        "Manager changed Rootwood Holdings' license from none to Gold",
        "Manager moved Rootwood Holdings from Active to At risk: Unhappy with response times",
        "Clientdesk created Rootwood Holdings as Active",
    ]
    history = html.split('class="history"')[1].split("</table>")[0]
    assert history.index("At risk") < history.index("Created")
    assert cast.manager.user.display_name in history


# Roles


def test_a_viewer_sees_no_billing_and_no_edit_or_status_buttons(cast, family):
    root = family.root
    html = web(cast.viewer).get(url(root)).text
    assert "invoices@rootwood.example" not in html and "Billing" not in html
    for hidden in (
        url(root, "edit/"),
        'data-open-dialog="status-dialog"',
        'id="status-dialog"',
        url(root, "archive/"),
        url(root, "delete/"),
        "Add sub-client",
        "Move under",
    ):
        assert hidden not in html, hidden


def test_a_technician_sees_billing_not_and_may_not_change_status(cast, family):
    root = family.root
    html = web(cast.technician).get(url(root)).text
    assert "invoices@rootwood.example" not in html
    assert 'id="status-dialog"' not in html


@pytest.mark.parametrize(
    "rest, data",
    [
        ("edit/", {"name": "X"}),
        ("status/", {"to_status": "at_risk"}),
        ("subclients/", {"prefix": "NEW", "name": "New"}),
        ("move/", {"parent": ""}),
        ("archive/", {}),
        ("restore/", {}),
        ("delete/", {}),
    ],
)
def test_a_viewer_gets_403_on_every_write(cast, family, rest, data):
    root = family.root
    assert web(cast.viewer).post(url(root, rest), data).status_code == 403
    root.refresh_from_db()
    assert root.name == "Rootwood Holdings" and root.status == "active"
    assert not root.archived and root.deleted_at is None


def test_a_viewer_may_not_open_the_edit_form(cast, family):
    assert web(cast.viewer).get(url(family.root, "edit/")).status_code == 403


# Status


def test_the_status_dialog_offers_exactly_the_allowed_targets(cast):
    # Off-boarding is the off-boarding workflow's move (core.registry.status_guards): not here.
    for status, allowed in [
        ("active", ["at_risk"]),
        ("lead", ["prospect", "invited", "active", "inactive"]),
        ("waiting", ["active", "inactive"]),
    ]:
        client = make_client(cast, status=status)
        html = web(cast.manager).get(url(client, "dialogs/")).text  # fetched when reached for
        assert radios(html, "to_status") == allowed, status


def test_a_status_change_with_a_reason_lands_in_the_history(cast, family):
    root = family.root
    page = web(cast.manager).post(
        url(root, "status/"), {"to_status": "at_risk", "reason": "Slow payer"}, follow=True
    )
    assert page.status_code == 200
    assert "Rootwood Holdings is now At risk." in words(page.text)
    change = StatusChange.objects.filter(client=root).latest("at", "id")
    assert (change.from_status, change.to_status, change.reason) == (
        "active",
        "at_risk",
        "Slow payer",
    )
    assert change.by == cast.manager.user


def test_the_page_fetches_its_dialogs_only_when_asked_and_only_those_its_member_may_use(
    cast, family
):
    root = family.root
    page = web(cast.manager).get(url(root)).text
    assert 'id="status-dialog"' not in page
    assert f'data-dialogs-src="{url(root, "dialogs/")}"' in page
    assert 'id="status-dialog"' in web(cast.manager).get(url(root, "dialogs/")).text
    viewer = web(cast.viewer).get(url(root, "dialogs/")).text
    assert "<dialog" not in viewer
    assert (
        web(cast.manager).get(url(root, "dialogs/").replace(str(root.pk), "999999")).status_code
        == 404
    )


def test_a_refused_change_shows_the_services_message_in_the_dialog(cast, family):
    root = family.root
    page = web(cast.manager).post(url(root, "status/"), {"to_status": "waiting"})
    assert page.status_code == 400
    assert "A client that is Active can move to: At risk, Off-boarding." in page.text
    assert 'id="status-dialog" aria-labelledby="status-title" data-open-on-load' in page.text
    root.refresh_from_db()
    assert root.status == "active"


def test_a_manager_backdates_a_change_in_the_accounts_time_zone(cast):
    cast.account.time_zone = "America/New_York"
    cast.account.save()
    since = timezone.now() - timedelta(days=40)
    client = make_client(cast, status="active", status_since=since)
    when = (timezone.now() - timedelta(days=10)).astimezone(zoneinfo.ZoneInfo("America/New_York"))
    local = when.strftime("%Y-%m-%dT%H:%M")
    browser = web(cast.manager)
    assert 'type="datetime-local"' in browser.get(url(client, "dialogs/")).text
    page = browser.post(url(client, "status/"), {"to_status": "at_risk", "at": local})
    assert page.status_code == 302
    change = StatusChange.objects.filter(client=client).latest("at", "id")
    expected = datetime.strptime(local, "%Y-%m-%dT%H:%M").replace(
        tzinfo=zoneinfo.ZoneInfo("America/New_York")
    )
    assert change.at == expected


def test_a_date_before_the_previous_change_is_refused_with_the_rule(cast):
    client = make_client(cast, status="active", status_since=timezone.now() - timedelta(days=3))
    long_ago = (timezone.now() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    page = web(cast.manager).post(url(client, "status/"), {"to_status": "at_risk", "at": long_ago})
    assert page.status_code == 400
    assert "cannot be before the client&#x27;s previous status change" in page.text


def test_a_future_date_is_refused(cast):
    client = make_client(cast, status="active")
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page = web(cast.manager).post(url(client, "status/"), {"to_status": "at_risk", "at": later})
    assert page.status_code == 400 and "cannot be in the future" in page.text


def test_a_technician_can_neither_change_nor_backdate_a_status(cast):
    client = make_client(cast, status="active", status_since=timezone.now() - timedelta(days=9))
    past = (timezone.localtime() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    browser = web(cast.technician)
    assert 'type="datetime-local"' not in browser.get(url(client)).text
    page = browser.post(url(client, "status/"), {"to_status": "at_risk", "at": past})
    assert page.status_code == 403
    assert StatusChange.objects.filter(client=client).count() == 1


# Edit


def _edit_form(browser, client) -> dict:
    html = browser.get(url(client, "edit/")).text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    fields["original"] = json.loads(fields["original"].replace("&quot;", '"'))
    return fields


def _post_edit(browser, client, form: dict, **changes):
    data = {
        "version": form["version"],
        "original": json.dumps(form["original"]),
        **form["original"],
        **changes,
    }
    return browser.post(url(client, "edit/"), data)


def test_an_edit_saves_through_the_service_and_records_activity(cast, family):
    root = family.root
    browser = web(cast.manager)
    form = _edit_form(browser, root)
    page = _post_edit(browser, root, form, name="Rootwood Group", prefix="rwg", currency="usd")
    assert page.status_code == 302 and page.url == url(root)
    root.refresh_from_db()
    assert (root.name, root.prefix, root.currency) == ("Rootwood Group", "RWG", "USD")
    html = browser.get(url(root)).text
    assert "Rootwood Holdings" in html.split('class="timeline"')[1]  # old → new in the log


def test_an_edit_breaking_a_rule_shows_the_services_message_on_the_field(cast, family):
    root = family.root
    browser = web(cast.manager)
    page = _post_edit(browser, root, _edit_form(browser, root), prefix="branch")
    assert page.status_code == 400
    assert "Another client of this account already uses BRANCH." in page.text


def test_an_edit_conflict_shows_both_values_and_take_theirs_saves_theirs(cast, family):
    root = family.root
    browser = web(cast.owner)
    form = _edit_form(browser, root)
    # Meanwhile a manager renames it.
    client_update(client=root, actor=cast.manager.user, version=None, name="Their Name")
    page = _post_edit(browser, root, form, name="My Name")
    assert page.status_code == 409
    assert "My Name" in page.text and "Their Name" in page.text
    assert cast.manager.user.email in page.text
    assert radios(page.text, "resolve_name") == ["mine", "theirs"]
    root.refresh_from_db()
    assert root.name == "Their Name"  # nothing of mine was written

    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    assert fields["version"] == str(root.version) and fields["conflicts"] == "name"
    data = {
        **{k: v.replace("&quot;", '"') for k, v in fields.items() if k != "csrfmiddlewaretoken"},
        **{n: v for n, v in form["original"].items() if n != "name"},
    }
    # Saving without choosing asks again; choosing "take theirs" saves theirs.
    again = browser.post(url(root, "edit/"), data)
    assert again.status_code == 400 and "Choose which value of “Name” to keep." in again.text
    done = browser.post(url(root, "edit/"), {**data, "resolve_name": "theirs"})
    assert done.status_code == 302
    root.refresh_from_db()
    assert root.name == "Their Name"


def test_keep_mine_after_a_conflict_saves_mine(cast, family):
    root = family.root
    browser = web(cast.owner)
    form = _edit_form(browser, root)
    client_update(client=root, actor=cast.manager.user, version=None, name="Their Name")
    page = _post_edit(browser, root, form, name="My Name")
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    data = {k: v.replace("&quot;", '"') for k, v in fields.items()}
    data.update({n: v for n, v in form["original"].items() if n != "name"})
    assert browser.post(url(root, "edit/"), {**data, "resolve_name": "mine"}).status_code == 302
    root.refresh_from_db()
    assert root.name == "My Name"


def test_changes_to_different_fields_merge_without_asking(cast, family):
    root = family.root
    browser = web(cast.owner)
    form = _edit_form(browser, root)
    client_update(client=root, actor=cast.manager.user, version=None, license="Theirs-Gold")
    page = _post_edit(browser, root, form, name="My Name")
    assert page.status_code == 302
    root.refresh_from_db()
    assert (root.name, root.license) == ("My Name", "Theirs-Gold")


# The tree


def test_add_a_sub_client_creates_it_under_this_client(cast, family):
    root = family.root
    page = web(cast.manager).post(
        url(root, "subclients/"), {"prefix": "annex", "name": "Annex", "status": "lead"}
    )
    assert page.status_code == 302
    child = Client.objects.get(account=cast.account, prefix="ANNEX")
    assert (child.parent, child.status, child.industry) == (root, "lead", root.industry)


def test_add_a_sub_client_with_a_taken_prefix_shows_the_message_in_the_dialog(cast, family):
    root = family.root
    page = web(cast.manager).post(
        url(root, "subclients/"), {"prefix": "LEAF", "name": "Dup", "status": "active"}
    )
    assert page.status_code == 400
    assert "Another client of this account already uses LEAF." in page.text
    assert 'id="subclient-dialog" aria-labelledby="subclient-title" data-open-on-load' in page.text


def test_moving_a_client_under_its_own_sub_client_is_refused(cast, family):
    root = family.root
    page = web(cast.manager).post(url(root, "move/"), {"parent": "LEAF"})
    assert page.status_code == 400
    assert "A client cannot sit under itself or one of its own sub-clients." in page.text
    root.refresh_from_db()
    assert root.parent is None


def test_move_under_another_client_and_back_to_the_top(cast, family):
    sibling, leaf = family.sibling, family.leaf
    browser = web(cast.manager)
    assert browser.post(url(leaf, "move/"), {"parent": "sib"}).status_code == 302
    leaf.refresh_from_db()
    assert leaf.parent == sibling
    assert browser.post(url(leaf, "move/"), {"parent": ""}).status_code == 302
    leaf.refresh_from_db()
    assert leaf.parent is None


def test_move_under_a_client_of_another_account_is_refused(cast):
    mine = make_client(cast, prefix="MINE")
    make_client(cast.other_account, prefix="THEIRS")
    page = web(cast.manager).post(url(mine, "move/"), {"parent": "THEIRS"})
    assert page.status_code == 400 and "No client you can see has the prefix THEIRS." in page.text


# Archive, delete, undo


def test_archive_and_restore(cast, family):
    root = family.root
    browser = web(cast.manager)
    page = browser.post(url(root, "archive/"), follow=True)
    root.refresh_from_db()
    assert root.archived and "This client is archived" in page.text
    assert url(root, "restore/") in page.text
    browser.post(url(root, "restore/"))
    root.refresh_from_db()
    assert not root.archived


def test_delete_then_undo_by_the_owner(cast):
    client = make_client(cast, prefix="GONE", name="Gone Ltd")
    owner = web(cast.owner)
    page = owner.get(url(client))
    assert 'data-open-dialog="delete-dialog"' in page.text
    assert "Delete Gone Ltd?" in owner.get(url(client, "dialogs/")).text
    deleted = owner.post(url(client, "delete/"), follow=True)
    assert deleted.redirect_chain[-1][0] == "/a/acme/clients/"
    assert "Gone Ltd was deleted." in words(deleted.text)
    assert (
        f'action="{url(client, "undelete/")}"' in deleted.text and ">Undo</button>" in deleted.text
    )
    gone = owner.get(url(client))
    assert gone.status_code == 200 and "This client was deleted" in gone.text
    assert "Delete Gone Ltd?" not in gone.text  # not the live page

    undone = owner.post(url(client, "undelete/"), follow=True)
    assert undone.redirect_chain == [(url(client), 302)]
    shown = re.sub(r"<[^>]+>", "", undone.text)  # the name is cut to fit
    assert "Gone Ltd is restored: it is back in every list, search and metric." in shown
    assert 'data-open-dialog="delete-dialog"' in undone.text


def test_a_manager_deletes_but_cannot_undo(cast):
    client = make_client(cast, prefix="GONE", name="Gone Ltd")
    manager = web(cast.manager)
    page = manager.post(url(client, "delete/"), follow=True)
    assert "Gone Ltd was deleted." in words(page.text) and ">Undo</button>" not in page.text
    assert "An owner can restore it within 30 days." in page.text
    assert manager.post(url(client, "undelete/")).status_code == 403
    client.refresh_from_db()
    assert client.deleted_at is not None


def test_deleting_a_client_with_live_sub_clients_shows_the_services_message(cast, family):
    root = family.root
    page = web(cast.manager).post(url(root, "delete/"), follow=True)
    assert page.status_code == 200
    assert "Move or delete its sub-clients first" in page.text
    root.refresh_from_db()
    assert root.deleted_at is None


def test_undelete_of_a_live_client_is_404(cast, family):
    assert web(cast.owner).post(url(family.root, "undelete/")).status_code == 404


# Scoping


ALL_URLS = [
    ("get", ""),
    ("get", "tree/"),
    ("get", "edit/"),
    ("post", "edit/"),
    ("post", "status/"),
    ("post", "subclients/"),
    ("post", "move/"),
    ("post", "archive/"),
    ("post", "restore/"),
    ("post", "delete/"),
]


def test_another_accounts_client_is_404_everywhere(cast):
    theirs = make_client(cast.other_account, prefix="GLOBEX")
    browser = web(cast.owner)
    for method, rest in ALL_URLS:
        path = f"/a/acme/clients/{theirs.pk}/{rest}"
        assert getattr(browser, method)(path).status_code == 404, (method, rest)
    assert browser.post(f"/a/acme/clients/{theirs.pk}/undelete/").status_code == 404


def test_a_deleted_client_is_404_everywhere_but_its_own_page_for_owners(cast):
    client = make_client(cast)
    client_delete(client=client, actor=cast.owner.user)
    owner = web(cast.owner)
    for method, rest in ALL_URLS:
        if (method, rest) == ("get", ""):
            assert owner.get(url(client)).status_code == 200
            continue
        assert getattr(owner, method)(url(client, rest)).status_code == 404, (method, rest)
    for role in (cast.admin, cast.manager, cast.technician, cast.viewer):
        for method, rest in ALL_URLS:
            response = getattr(web(role), method)(url(client, rest))
            assert response.status_code == 404, (role, method, rest)


def test_the_owner_sees_who_deleted_a_client_and_when_on_its_own_page(cast):
    client = make_client(cast, prefix="GONE", name="Gone Ltd")
    client_delete(client=client, actor=cast.manager)
    cast.account.time_zone = "Europe/Madrid"
    cast.account.save()
    when = timezone.now().replace(microsecond=0) - timedelta(days=3)
    Client.objects.filter(pk=client.pk).update(deleted_at=when)
    page = web(cast.owner).get(url(client))
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    local = when.astimezone(zoneinfo.ZoneInfo("Europe/Madrid"))
    shown = f"{local.day} {local:%b %Y, %H:%M}"
    assert f"Deleted by {cast.manager.user.display_name} on {shown}." in text
    until = (when + timedelta(days=30)).astimezone(zoneinfo.ZoneInfo("Europe/Madrid"))
    assert f"You can restore it until {until.day} {until:%b %Y, %H:%M}" in text
    assert f'data-open-dialog="restore-{client.pk}"' in page.text
    assert "Restore Gone Ltd?" in page.text
    assert f'action="{url(client, "undelete/")}"' in page.text


def test_after_30_days_the_page_says_it_can_no_longer_be_restored(cast):
    client = make_client(cast, prefix="GONE", name="Gone Ltd")
    client_delete(client=client, actor=cast.owner)
    Client.objects.filter(pk=client.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    owner = web(cast.owner)
    page = owner.get(url(client))
    assert page.status_code == 200
    assert "was deleted more than 30 days ago" in page.text
    assert "it can no longer be restored." in page.text
    assert f'data-open-dialog="restore-{client.pk}"' not in page.text
    refused = owner.post(url(client, "undelete/"), follow=True)
    assert refused.redirect_chain == [(url(client), 302)]
    assert "it can no longer be restored." in refused.text
    client.refresh_from_db()
    assert client.deleted_at is not None


def test_a_sub_client_waits_for_its_deleted_parent(cast):
    parent = make_client(cast, prefix="PARENT", name="Parent Co")
    child = make_client(cast, prefix="CHILD", name="Child Site", parent=parent)
    client_delete(client=child, actor=cast.owner)
    client_delete(client=parent, actor=cast.owner)
    owner = web(cast.owner)
    page = owner.get(url(child))
    assert "Its parent client is deleted too: restore the parent first." in page.text
    assert f'href="{url(parent)}">Go to Parent Co</a>' in page.text
    owner.post(url(child, "undelete/"))
    child.refresh_from_db()
    assert child.deleted_at is not None
    owner.post(url(parent, "undelete/"))
    owner.post(url(child, "undelete/"))
    child.refresh_from_db()
    assert child.deleted_at is None and owner.get(url(child)).status_code == 200


def test_an_allow_listed_member_sees_only_their_clients_and_not_above_them(cast, family):
    root, branch, sibling, leaf = family.root, family.branch, family.sibling, family.leaf
    member = cast.manager
    member.client_access = "allow"
    member.save()
    MembershipClient.objects.create(account=cast.account, membership=member, client=branch)
    browser = web(member)
    page = browser.get(url(leaf))
    assert page.status_code == 200
    # The tree starts at the listed client: nothing of the clients above it shows.
    assert "Rootwood" not in page.text and "Sibling Site" not in page.text
    assert f'href="{url(branch)}">Branch Office</a>' in page.text
    for method, rest in ALL_URLS:
        for outside in (root, sibling):
            assert getattr(browser, method)(url(outside, rest)).status_code == 404
    # Nor can a move reach outside the list.
    page = browser.post(url(leaf, "move/"), {"parent": "SIB"})
    assert page.status_code == 400 and "No client you can see has the prefix SIB." in page.text


def test_the_tree_counts_only_the_sub_clients_the_person_may_see(cast):
    top = make_client(cast, prefix="TOP", name="Top Group")
    shown = make_client(cast, prefix="SHOWN", name="Shown Site", parent=top)
    hidden = make_client(cast, prefix="HIDDEN", name="Hidden Site", parent=shown)
    make_client(cast, prefix="OPEN", name="Open Site", parent=top)
    make_client(cast, prefix="KID", name="Kid Site", parent=hidden)
    membership_set_client_access(
        actor=cast.owner, membership=cast.manager, access="deny", clients=[hidden]
    )
    manager, owner = web(cast.manager), web(cast.owner)
    page = manager.get(url(top)).text
    # Shown Site's one sub-client is hidden: no "1 sub-client" that opens on nothing.
    assert "Shown Site: 1 sub-client" not in page
    assert "Top Group: 2 sub-clients" in page
    assert "Shown Site: 1 sub-client" in owner.get(url(top)).text
    assert "Hidden" not in manager.get(url(shown)).text
    expanded = manager.get(url(shown, "tree/"), headers={"HX-Request": "true"}).text
    assert "No sub-clients." in expanded and "Hidden" not in expanded


def test_a_big_tree_shows_the_first_50_sub_clients_and_loads_the_rest_on_request(cast):
    from clientdesk.clients.services import client_create

    parent = make_client(cast, prefix="BIG", name="Big Group")
    for i in range(60):
        client_create(
            account=cast.account,
            actor=None,
            prefix=f"S{i:03d}",
            name=f"Site {i:03d}",
            parent=parent,
        )
    viewer = WebClient()
    viewer.force_login(cast.viewer.user)
    page = viewer.get(f"/a/acme/clients/{parent.pk}/").text
    assert page.count('class="tree-prefix">S0') == 50
    assert "Show all sub-clients" in page
    everything = viewer.get(f"/a/acme/clients/{parent.pk}/tree/", headers={"HX-Request": "true"})
    assert everything.text.count('class="tree-prefix">S0') == 60


def test_move_under_offers_neither_the_client_nor_its_own_sub_clients(cast, client):
    root = make_client(cast, prefix="ROOT", name="Root Group")
    site = make_client(cast, prefix="SITE", name="Root Site", parent=root)
    make_client(cast, prefix="ROOM", name="Root Room", parent=site)
    make_client(cast, prefix="OTHER", name="Other Co")
    client.force_login(cast.manager.user)
    html = client.get(f"/a/acme/clients/{root.pk}/dialogs/").text
    dialog = html.split('id="move-dialog"')[1].split("</dialog>")[0]
    assert 'value="OTHER"' in dialog
    assert not {'value="ROOT"', 'value="SITE"', 'value="ROOM"'} & set(
        re.findall(r'value="\w+"', dialog)
    )


def test_delete_is_disabled_with_the_reason_while_sub_clients_remain(cast, client):
    root = make_client(cast, prefix="ROOT", name="Root Group")
    make_client(cast, prefix="SITE", name="Root Site", parent=root)
    client.force_login(cast.manager.user)
    html = client.get(f"/a/acme/clients/{root.pk}/").text
    button = re.search(r"<button[^>]*data-delete[^>]*>", html).group(0)
    assert "disabled" in button and "data-open-dialog" not in button
    assert "Move or delete its sub-clients first." in html
    leaf = client.get(f"/a/acme/clients/{root.pk + 1}/").text
    assert 'data-open-dialog="delete-dialog" data-delete' in leaf


def test_tags_show_on_the_client_page_and_are_edited_there(cast, client):
    acme = make_client(cast, prefix="ACME", name="Acme Builders")
    client.force_login(cast.manager.user)
    response = client.post(f"/a/acme/clients/{acme.pk}/tags/", {"tags": "vip, North ,, vip"})
    assert response.status_code == 302
    html = client.get(f"/a/acme/clients/{acme.pk}/").text
    assert re.findall(r'<span class="badge plain tag">([^<]+)</span>', html) == ["North", "vip"]
    dialogs = client.get(f"/a/acme/clients/{acme.pk}/dialogs/").text
    assert 'value="North, vip"' in dialogs  # the dialog starts from what is there
    client.post(f"/a/acme/clients/{acme.pk}/tags/", {"tags": ""})
    assert not re.findall(
        r'class="badge plain tag"', client.get(f"/a/acme/clients/{acme.pk}/").text
    )


def test_a_viewer_sees_tags_but_cannot_edit_them(cast, client):
    acme = make_client(cast, prefix="ACME", name="Acme Builders", tags=["vip"])
    client.force_login(cast.viewer.user)
    html = client.get(f"/a/acme/clients/{acme.pk}/").text
    assert '<span class="badge plain tag">vip</span>' in html and "Edit tags" not in html
    assert client.post(f"/a/acme/clients/{acme.pk}/tags/", {"tags": "x"}).status_code == 403
