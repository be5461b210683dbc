"""One import, one entry (issue 12, point 10): a checked file and its run are one job of the
import history (checked → imported), and a check whose data changed since it began cannot be run
without checking again."""

import pytest
from django.core.exceptions import ValidationError

from clientdesk.clients.models import Client as ClientModel
from clientdesk.clients.services import client_update
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create, contact_update
from clientdesk.transfer import services
from clientdesk.transfer.models import ImportJob, ImportRowError, State
from clientdesk.transfer.queries import check_outdated
from tests.clients.factories import make_client
from tests.transfer.test_import_pages import URL, csv_file, job_of, signed_in, upload

CLIENTS = "Prefix,Name\r\nACME,Acme Dental\r\nBPM,Blue Peak Media\r\nNONAME,\r\n"
COLUMNS = {"column_0": "prefix", "column_1": "name", "action": "preview"}


@pytest.fixture
def checked(cast, finish):
    """A clients file uploaded and checked on the pages: (http client, finished check)."""
    http = signed_in(cast.manager)
    job = job_of(upload(http, CLIENTS))
    finish(http.post, f"{URL}{job.pk}/columns/", COLUMNS)
    job.refresh_from_db()
    assert job.dry_run and job.state == State.DONE, job.failure
    return http, job


def test_running_a_check_continues_its_job_one_entry_checked_then_imported(cast, finish, checked):
    http, job = checked
    assert job.counts["created"] == 2 and job.counts["rejected"] == 1
    response = finish(http.post, f"{URL}{job.pk}/run/")
    assert response["Location"].endswith(f"/imports/{job.pk}/")
    job.refresh_from_db()
    assert ImportJob.objects.count() == 1
    assert not job.dry_run and job.state == State.DONE
    assert job.counts == {"rows": 3, "created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert job.check_counts == job.counts  # what the check said is what the run did
    assert job.check_started_at <= job.checked_at <= job.started_at <= job.finished_at
    # The run's rejected rows replace the check's: listed once.
    assert list(ImportRowError.objects.filter(job=job).values_list("row", flat=True)) == [4]
    assert set(ClientModel.objects.values_list("prefix", flat=True)) == {"ACME", "BPM"}

    history = http.get(URL)
    assert [j.pk for j in history.context["history"].items] == [job.pk]
    row = history.text[history.text.index("<tbody>") :]
    assert row.index("Checked") < row.index("Imported")
    page = http.get(f"{URL}{job.pk}/")
    assert "What the import did" in page.text and "then imported" in page.text


def test_a_run_cannot_start_twice_nor_from_an_unfinished_check(cast, finish, checked):
    http, job = checked
    finish(http.post, f"{URL}{job.pk}/run/")
    again = http.post(f"{URL}{job.pk}/run/")  # the dialog sent twice, or a stale tab
    assert again.status_code == 302 and again["Location"].endswith(f"/imports/{job.pk}/")
    job.refresh_from_db()
    with pytest.raises(ValidationError):
        services.import_run_checked(job=job, membership=cast.manager)
    assert ClientModel.objects.count() == 2 and ImportJob.objects.count() == 1

    queued = services.import_create(
        account=cast.account,
        membership=cast.manager,
        kind="clients",
        upload=csv_file(CLIENTS),
        dry_run=True,
        start=True,
    )
    with pytest.raises(ValidationError, match="Only a finished check"):
        services.import_run_checked(job=queued, membership=cast.manager)


def test_a_change_before_the_check_began_does_not_outdate_it(cast, finish):
    acme = make_client(cast, prefix="ACME", name="Acme")  # an activity entry before the check
    client_update(client=acme, actor=None, version=None, description="Before")
    http = signed_in(cast.manager)
    job = job_of(upload(http, CLIENTS))
    finish(http.post, f"{URL}{job.pk}/columns/", COLUMNS)
    job.refresh_from_db()
    assert not check_outdated(job)
    page = http.get(f"{URL}{job.pk}/")
    assert '<dialog id="run-dialog"' in page.text and "Check again" not in page.text


def test_a_change_to_a_client_after_the_check_refuses_the_run_until_checked_again(
    cast, finish, checked
):
    http, job = checked
    # A colleague adds a client the file names, after the check: the check said "create".
    make_client(cast, prefix="BPM", name="Blue Peak (by hand)")
    assert check_outdated(job)

    page = http.get(f"{URL}{job.pk}/")
    assert "Clients or contacts have changed since this check began" in page.text
    assert "Check again" in page.text and "run-dialog" not in page.text

    refused = finish(http.post, f"{URL}{job.pk}/run/", follow=True)
    assert "check it again, then import it" in refused.text
    job.refresh_from_db()
    assert job.dry_run and job.state == State.DONE
    assert ClientModel.objects.get(prefix="BPM").name == "Blue Peak (by hand)"
    assert not ClientModel.objects.filter(prefix="ACME").exists()

    # Check again: the same job, the same columns, and what it says now.
    response = finish(http.post, f"{URL}{job.pk}/check/")
    assert response["Location"].endswith(f"/imports/{job.pk}/")
    job.refresh_from_db()
    assert job.dry_run and job.state == State.DONE and not check_outdated(job)
    assert job.counts["created"] == 1 and job.counts["updated"] == 1
    assert job.mapping == ["prefix", "name"]
    assert ImportRowError.objects.filter(job=job).count() == 1  # not twice

    finish(http.post, f"{URL}{job.pk}/run/")
    job.refresh_from_db()
    assert not job.dry_run and job.state == State.DONE and job.counts["updated"] == 1
    assert ImportJob.objects.count() == 1


def test_a_changed_contact_outdates_a_contacts_check(
    cast, run_tasks, django_capture_on_commit_callbacks
):
    acme = make_client(cast, prefix="ACME", name="Acme")
    ada = contact_create(client=acme, actor=None, first_name="Ada", email="ada@acme.example")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_create(
            account=cast.account,
            membership=cast.manager,
            kind="contacts",
            upload=csv_file("Client prefix,First name,Email\r\nACME,Ada,ada@acme.example\r\n"),
            dry_run=True,
            start=True,
        )
    run_tasks()
    job.refresh_from_db()
    assert job.counts["unchanged"] == 1 and not check_outdated(job)

    contact_update(contact=ada, actor=None, version=None, first_name="Adeline")
    assert check_outdated(job)
    with pytest.raises(services.CheckOutdated):
        services.import_run_checked(job=job, membership=cast.manager)
    assert Contact.objects.get(pk=ada.pk).first_name == "Adeline"


def test_change_the_columns_after_a_check_keeps_the_one_job(cast, finish, checked):
    http, job = checked
    back = job_of(http.post(f"{URL}{job.pk}/again/"))
    assert back.pk == job.pk and back.state == State.QUEUED and back.started_at is None
    assert back.counts == {} and not ImportRowError.objects.filter(job=job).exists()
    assert http.get(f"{URL}{job.pk}/").status_code == 200  # its columns again
    finish(http.post, f"{URL}{job.pk}/columns/", {**COLUMNS, "action": "run"})
    job.refresh_from_db()
    assert not job.dry_run and job.state == State.DONE and ImportJob.objects.count() == 1
