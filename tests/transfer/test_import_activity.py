"""An import job writes one activity entry whatever its size (issue 18): each client it created
shows that entry in its timeline, the account's log reads it once with the counts, and changes
to existing clients keep an entry each with their fields."""

from django.test import Client as WebClient

from clientdesk.audit.models import Activity
from clientdesk.clients.models import Client
from clientdesk.clients.services import client_update
from clientdesk.contacts.models import Contact
from clientdesk.software.models import ClientOpportunity
from clientdesk.transfer import engine
from clientdesk.transfer.queries import check_outdated
from clientdesk.transfer.services import import_file
from tests.audit.reading import entries, links
from tests.clients.factories import make_client


def _run(cast, tmp_path, text: str, *, name="clients.csv", kind="clients", dry_run=False):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_file(
        account=cast.account,
        membership=cast.manager,
        kind=kind,
        path=str(path),
        mode="upsert",
        dry_run=dry_run,
    )


def _page(membership, url: str) -> str:
    browser = WebClient()
    browser.force_login(membership.user)
    page = browser.get(url)
    assert page.status_code == 200
    return page.text


def test_a_job_of_many_batches_writes_one_entry_with_its_counts(cast, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "BATCH_FIRST", 5)  # batches of 5, 10, 20…: several of them
    lines = ["Prefix,Name,Contact email"]
    lines += [f"C{i:03d},Client {i},p{i}@c{i}.example" for i in range(60)]
    lines += ["BAD!,Bad prefix,"]
    before = Activity.objects.filter(account=cast.account).count()

    job = _run(cast, tmp_path, "\n".join(lines) + "\n")

    assert job.counts == {"rows": 61, "created": 60, "updated": 0, "unchanged": 0, "rejected": 1}
    assert Contact.objects.filter(account=cast.account).count() == 60
    written = Activity.objects.filter(account=cast.account)
    assert written.count() == before + 1  # not 120: a client and its contact each
    entry = written.get(verb="clients.imported")
    assert (entry.target_type, entry.target_id) == ("transfer.importjob", str(job.pk))
    assert entry.actor == cast.manager.user
    assert entry.changes == {
        "file": [None, "clients.csv"],
        "created": [None, 60],
        "rejected": [None, 1],
    }
    imported = Client.objects.filter(account=cast.account).values_list("imported_by_job", flat=True)
    assert set(imported) == {job.pk}


def test_an_imported_clients_timeline_says_who_imported_it_from_which_file(cast, tmp_path):
    job = _run(cast, tmp_path, "Prefix,Name,Status\nHIST,History Ltd,prospect\n")
    hist = Client.objects.get(account=cast.account, prefix="HIST")
    client_update(client=hist, actor=cast.owner.user, version=None, license="Gold")

    page = _page(cast.viewer, f"/a/acme/clients/{hist.pk}/")

    said = entries(page)
    assert said[0].startswith("Owner of acme changed History Ltd's license")
    assert said[1:] == ["Manager imported History Ltd from clients.csv"]
    # The account's log reads the job once, its file a link to the import for those who may see it.
    log = _page(cast.owner, "/a/acme/settings/activity/")
    assert "Manager imported clients from clients.csv: 1 created" in entries(log)
    assert links(log)["clients.csv"] == f"/a/acme/imports/{job.pk}/"


def test_an_upsert_keeps_an_entry_per_changed_client_with_its_fields(cast, tmp_path):
    keep = make_client(cast, prefix="KEEP", name="Old name")
    same = make_client(cast, prefix="SAME", name="Same name")

    job = _run(cast, tmp_path, "Prefix,Name\nKEEP,New name\nSAME,Same name\nNEW,New Ltd\n")

    assert job.counts["created"] == 1 and job.counts["updated"] == 1
    assert job.counts["unchanged"] == 1
    updated = Activity.objects.get(account=cast.account, verb="client.updated")
    assert updated.target_id == str(keep.pk)
    assert updated.changes == {"name": ["Old name", "New name"]}
    entry = Activity.objects.get(account=cast.account, verb="clients.imported")
    assert entry.changes == {
        "file": [None, "clients.csv"],
        "created": [None, 1],
        "updated": [None, 1],
        "unchanged": [None, 1],
    }
    keep_page = entries(_page(cast.viewer, f"/a/acme/clients/{keep.pk}/"))
    assert keep_page[0] == "Manager changed New name's name from Old name to New name"
    assert not any("imported" in line for line in keep_page)  # it was not created by the job
    assert not any(
        "imported" in line for line in entries(_page(cast.viewer, f"/a/acme/clients/{same.pk}/"))
    )
    log = entries(_page(cast.owner, "/a/acme/settings/activity/"))
    assert "Manager imported clients from clients.csv: 1 created, 1 updated" in log


def test_a_job_that_creates_nothing_writes_no_entry(cast, tmp_path):
    make_client(cast, prefix="SAME", name="Same name")
    before = Activity.objects.filter(account=cast.account).count()

    job = _run(cast, tmp_path, "Prefix,Name\nSAME,Same name\n")

    assert job.counts["unchanged"] == 1
    assert Activity.objects.filter(account=cast.account).count() == before


def test_a_contacts_import_writes_one_entry(cast, tmp_path):
    make_client(cast, prefix="ACME", name="Acme")
    text = "Client prefix,First name,Email\n" + "".join(
        f"ACME,P{i},p{i}@acme.example\n" for i in range(12)
    )
    before = Activity.objects.filter(account=cast.account).count()

    _run(cast, tmp_path, text, name="people.csv", kind="contacts")

    written = Activity.objects.filter(account=cast.account)
    assert written.count() == before + 1
    assert written.get(verb="contacts.imported").changes == {
        "file": [None, "people.csv"],
        "created": [None, 12],
    }
    log = entries(_page(cast.owner, "/a/acme/settings/activity/"))
    assert "Manager imported contacts from people.csv: 12 created" in log


def test_another_import_after_a_check_began_outdates_it(cast, tmp_path):
    check = _run(cast, tmp_path, "Prefix,Name\nACME,Acme\n", dry_run=True)
    assert check.state == "done" and not check_outdated(check)
    assert not Activity.objects.filter(account=cast.account, verb="clients.imported").exists()

    _run(cast, tmp_path, "Prefix,Name\nGLX,Globex\n", name="other.csv")

    assert check_outdated(check)


def test_watchers_still_hear_of_each_imported_client_and_contact(cast, tmp_path):
    """The software domain keeps a row of figures per live client, with its contacts, from the
    entries it hears inside the writer's transaction: the import tells it of each record."""
    job = _run(
        cast,
        tmp_path,
        "Prefix,Name,Contact email\nACME,Acme,jo@acme.example\nGLX,Globex,\n",
    )

    assert job.counts["created"] == 2
    rows = dict(
        ClientOpportunity.objects.filter(account=cast.account).values_list(
            "client__prefix", "contacts"
        )
    )
    assert rows == {"ACME": 1, "GLX": 0}
