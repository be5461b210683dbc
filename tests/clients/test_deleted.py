"""Deleted clients: the promise of the delete dialog. Owners see who deleted each client and
when (the Deleted view, the client's own page) and restore it within 30 days, as it was."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as WebClient
from django.utils import timezone

from clientdesk.audit.models import Activity
from clientdesk.clients import derived
from clientdesk.clients.models import Client
from clientdesk.clients.queries import ClientFilters, _tab_counts_by_counting, tab_counts
from clientdesk.clients.services import (
    client_change_status,
    client_create,
    client_delete,
    client_set_archived,
    client_undelete,
)
from tests.audit.reading import entries, words
from tests.clients.factories import make_client

DELETED = "/a/acme/clients/deleted/"


def web(membership) -> WebClient:
    browser = WebClient()
    browser.force_login(membership.user)
    return browser


def page_url(client: Client, rest: str = "") -> str:
    return f"/a/acme/clients/{client.pk}/{rest}"


def rows(response) -> list[str]:
    return re.findall(r'<tr data-client="([A-Z0-9]+)"', response.text)


def deleted_days_ago(client: Client, days: float) -> None:
    Client.objects.filter(pk=client.pk).update(deleted_at=timezone.now() - timedelta(days=days))


# The service


def test_restore_brings_the_client_back_as_it_was_in_every_count(cast):
    kept = make_client(cast, prefix="KEPT")
    gone = make_client(cast, prefix="GONE", status="lead")
    gone = client_change_status(client=gone, actor=cast.manager, to_status="prospect")
    before = tab_counts(membership=cast.owner, filters=ClientFilters())
    client_delete(client=gone, actor=cast.manager)
    during = tab_counts(membership=cast.owner, filters=ClientFilters())
    assert during["leads"] == before["leads"] - 1 and during["all"] == before["all"] - 1
    assert during == _tab_counts_by_counting(cast.owner, ClientFilters())

    restored = client_undelete(client=gone, actor=cast.owner)
    assert restored.deleted_at is None and restored.deleted_by is None
    assert restored.status == "prospect" and restored.history.count() == 2
    assert tab_counts(membership=cast.owner, filters=ClientFilters()) == before
    assert _tab_counts_by_counting(cast.owner, ClientFilters()) == before
    # Delete and restore leave the status history and its derived tables alone.
    assert not any(derived.differences(cast.account).values())
    assert kept.pk in set(Client.objects.for_member(cast.owner).values_list("pk", flat=True))


def test_restore_is_refused_after_30_days_with_the_day_it_was_deleted(cast):
    client = make_client(cast, prefix="OLD", name="Old Ltd")
    client_delete(client=client, actor=cast.owner)
    deleted_days_ago(client, 29.9)
    client_undelete(client=client, actor=cast.owner)
    client_delete(client=client, actor=cast.owner)
    deleted_days_ago(client, 30.1)
    with pytest.raises(ValidationError) as refused:
        client_undelete(client=client, actor=cast.owner)
    day = timezone.localtime(Client.objects.get(pk=client.pk).deleted_at).strftime("%Y-%m-%d")
    assert refused.value.messages == [
        f"Old Ltd was deleted more than 30 days ago (on {day}): it can no longer be restored."
    ]
    client.refresh_from_db()
    assert client.deleted_at is not None


def test_a_sub_client_is_restored_only_after_its_parent(cast):
    parent = make_client(cast, prefix="PARENT")
    child = make_client(cast, prefix="CHILD", parent=parent)
    client_delete(client=child, actor=cast.owner)
    client_delete(client=parent, actor=cast.owner)
    with pytest.raises(ValidationError, match="restore the parent first"):
        client_undelete(client=child, actor=cast.owner)
    client_undelete(client=parent, actor=cast.owner)
    assert client_undelete(client=child, actor=cast.owner).parent_id == parent.pk


def test_restoring_a_live_client_changes_nothing(cast):
    client = make_client(cast)
    assert client_undelete(client=client, actor=cast.owner).version == client.version
    assert not Activity.objects.filter(verb="client.undeleted").exists()


def test_a_deleted_client_keeps_its_prefix_so_that_restoring_never_clashes(cast):
    gone = make_client(cast, prefix="GONE")
    client_delete(client=gone, actor=cast.owner)
    with pytest.raises(ValidationError) as refused:
        client_create(account=cast.account, actor=cast.manager, prefix="gone", name="New")
    assert refused.value.message_dict["prefix"] == [
        "A deleted client still holds GONE, so that it can be restored; choose another prefix."
    ]
    other = make_client(cast, prefix="OTHER")
    from clientdesk.clients.services import client_update

    with pytest.raises(ValidationError, match="A deleted client still holds GONE"):
        client_update(client=other, actor=cast.manager, version=None, prefix="GONE")
    assert client_undelete(client=gone, actor=cast.owner).prefix == "GONE"


def test_restore_is_in_the_activity_log_with_when_it_was_deleted(cast):
    client = make_client(cast, prefix="GONE", name="Gone Ltd")
    client_delete(client=client, actor=cast.manager)
    client_undelete(client=client, actor=cast.owner)
    client_set_archived(client=client, actor=cast.manager, archived=True)
    client_set_archived(client=client, actor=cast.manager, archived=False)
    verbs = list(
        Activity.objects.filter(target_id=str(client.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs[-4:] == [
        "client.deleted",
        "client.undeleted",
        "client.archived",
        "client.restored",
    ]
    page = web(cast.owner).get(page_url(client))
    shown = entries(page.text)
    owner, manager = cast.owner.user.display_name, cast.manager.user.display_name
    assert shown[0] == f"{manager} took Gone Ltd out of the archive"
    assert shown[1] == f"{manager} archived Gone Ltd"
    assert shown[2].startswith(f"{owner} restored Gone Ltd, deleted on ")
    assert shown[3] == f"{manager} deleted Gone Ltd"


# The Deleted view


@pytest.fixture
def three_deleted(cast):
    """Three deleted clients (the latest first: NEW, MID, OLD, this one 31 days ago), one live."""
    make_client(cast, prefix="LIVE", name="Live Co")
    made = {}
    for prefix, name, days in (
        ("OLD", "Old Ltd", 31),
        ("MID", "Mid Ltd", 5),
        ("NEW", "New Ltd", 1),
    ):
        made[prefix] = client_delete(
            client=make_client(cast, prefix=prefix, name=name), actor=cast.manager
        )
        deleted_days_ago(made[prefix], days)
    return made


def test_owners_find_the_deleted_view_beside_the_tabs_with_its_count(cast, three_deleted):
    page = web(cast.owner).get("/a/acme/clients/")
    tab = re.search(
        r'<a href="/a/acme/clients/deleted/" id="tab-deleted"[^>]*>(.*?)</a>', page.text, re.S
    )
    assert tab and words(tab.group(1)) == "Deleted 3"
    for role in (cast.admin, cast.manager, cast.technician, cast.viewer):
        assert 'id="tab-deleted"' not in web(role).get("/a/acme/clients/").text


def test_the_deleted_view_says_who_deleted_each_client_and_when_latest_first(cast, three_deleted):
    page = web(cast.owner).get(DELETED)
    assert page.status_code == 200
    assert rows(page) == ["NEW", "MID", "OLD"]
    assert 'id="tab-deleted" class="deleted-tab" aria-current="page"' in page.text
    manager = cast.manager.user.display_name
    for prefix, client in three_deleted.items():
        client.refresh_from_db()
        row = re.search(rf'<tr data-client="{prefix}">(.*?)</tr>', page.text, re.S).group(1)
        local = timezone.localtime(client.deleted_at)
        assert f"{local.day} {local:%b %Y, %H:%M}" in words(row)
        assert manager in words(row)
    new_row = re.search(r'<tr data-client="NEW">(.*?)</tr>', page.text, re.S).group(1)
    assert f'data-open-dialog="restore-{three_deleted["NEW"].pk}"' in new_row
    assert "Restore New Ltd?" in new_row
    old_row = re.search(r'<tr data-client="OLD">(.*?)</tr>', page.text, re.S).group(1)
    assert "data-open-dialog" not in old_row
    assert "it can no longer be restored." in words(old_row)


def test_the_deleted_view_is_for_owners_only(cast, three_deleted):
    for role in (cast.admin, cast.manager, cast.technician, cast.viewer):
        assert web(role).get(DELETED).status_code == 403


def test_restoring_from_the_deleted_view(cast, three_deleted):
    owner = web(cast.owner)
    mid = three_deleted["MID"]
    page = owner.post(page_url(mid, "undelete/"), follow=True)
    assert page.redirect_chain == [(page_url(mid), 302)]
    assert "Mid Ltd is restored" in re.sub(r"<[^>]+>", "", page.text)  # the name is cut to fit
    assert rows(owner.get(DELETED)) == ["NEW", "OLD"]
    assert "MID" in rows(owner.get("/a/acme/clients/"))


def test_the_deleted_view_searches_and_pages(cast):
    for n in range(53):
        client_delete(client=make_client(cast, prefix=f"D{n:03d}"), actor=cast.owner)
    owner = web(cast.owner)
    first = owner.get(DELETED)
    assert len(rows(first)) == 50 and rows(first)[0] == "D052"
    next_url = (
        re.search(r'id="page-next" href="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    )
    second = owner.get(next_url)
    assert rows(second) == ["D002", "D001", "D000"]
    assert 'id="page-previous"' in second.text
    assert rows(owner.get(DELETED, {"q": "D05"})) == ["D052", "D051", "D050"]
    assert "No deleted client matches this search." in owner.get(DELETED, {"q": "ZZZ"}).text
    assert len(rows(owner.get(DELETED, {"cursor": "garbage"}))) == 50


def test_with_nothing_deleted_the_view_says_so(cast):
    page = web(cast.owner).get(DELETED)
    assert "No deleted clients." in page.text and rows(page) == []


def test_the_deleted_view_costs_the_same_queries_for_5_and_50_rows(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(n: int) -> int:
        Client.objects.filter(account=cast.account).update(deleted_at=None)
        Client.objects.filter(account=cast.account).delete()
        parent = make_client(cast)
        for _ in range(n):
            child = make_client(cast, parent=parent)
            client_delete(client=child, actor=cast.manager)
        browser = web(cast.owner)
        browser.get(DELETED)  # the first request of a session warms caches
        with CaptureQueriesContext(connection) as seen:
            assert len(rows(browser.get(DELETED))) == n
        return len(seen)

    assert queries_for(5) == queries_for(50)


def test_an_import_row_with_a_deleted_clients_prefix_is_refused_in_the_same_words(cast, tmp_path):
    from clientdesk.transfer.queries import import_errors
    from clientdesk.transfer.services import import_file

    gone = client_delete(client=make_client(cast, prefix="GONE", name="Gone Ltd"), actor=cast.owner)
    path = tmp_path / "clients.csv"
    path.write_text("Name,Prefix,Status\nNewcomer,gone,active\n", encoding="utf-8")
    job = import_file(
        account=cast.account,
        membership=cast.manager,
        kind="clients",
        path=str(path),
        mode="upsert",
        dry_run=False,
    )
    assert job.counts["rejected"] == 1 and job.counts["created"] == 0
    [error] = import_errors(job)
    assert error.message == (
        "A deleted client still holds GONE, so that it can be restored; choose another prefix."
    )
    gone.refresh_from_db()
    assert gone.name == "Gone Ltd" and gone.deleted_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_restore_racing_its_parents_delete_never_leaves_a_live_child_under_a_deleted_parent(
    live_server, cast
):
    import random

    from tests.clients.test_concurrency import Http, at_once

    class Api(Http):
        def __call__(self, method, path, body):
            try:
                return super().__call__(method, path, body)
            except ValueError:  # 204: no body to read
                return 204, {}

    api = Api(live_server, cast.owner)
    pairs = []
    for i in range(8):
        parent = make_client(cast, prefix=f"PAR{i}")
        child = client_delete(client=make_client(cast, prefix=f"KID{i}", parent=parent), actor=None)
        pairs.append((parent, child))
    calls = [(api, "POST", f"/clients/{c.pk}/restore", {}) for _p, c in pairs] + [
        (api, "DELETE", f"/clients/{p.pk}", {}) for p, _c in pairs
    ]
    random.Random(5).shuffle(calls)

    answers = dict(zip((c[2] for c in calls), at_once(calls), strict=True))

    for parent, child in pairs:
        restored = answers[f"/clients/{child.pk}/restore"][0]
        deleted = answers[f"/clients/{parent.pk}"][0]
        assert sorted([restored, deleted]) in ([200, 409], [204, 409]), (restored, deleted)
    orphans = Client.objects.filter(
        account=cast.account, deleted_at=None, parent__deleted_at__isnull=False
    )
    assert not orphans.exists()


def test_the_activity_log_links_a_deleted_client_to_its_page_for_owners_only(cast):
    from tests.audit.reading import links

    client = client_delete(client=make_client(cast, prefix="GONE", name="Gone Ltd"), actor=None)
    owner_page = web(cast.owner).get("/a/acme/settings/activity/").text
    assert links(owner_page)["Gone Ltd"] == page_url(client)
    admin_page = web(cast.admin).get("/a/acme/settings/activity/").text
    assert "Gone Ltd" in admin_page and "Gone Ltd" not in links(admin_page)


def test_a_nul_in_the_deleted_views_search_is_refused_with_a_clear_message(cast, three_deleted):
    page = web(cast.owner).get(DELETED, {"q": "Old\x00"})
    assert page.status_code == 400
    assert "Text cannot contain NUL characters." in page.text
    assert rows(page) == ["NEW", "MID", "OLD"]
