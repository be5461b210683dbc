"""Contacts imported from a client's Contacts tab (issue 12, point 6): *Import contacts* opens
the import with the client fixed, the file needs no client column, a row naming another client
is rejected, and the client must be one the member may see."""

import pytest
from django.core.exceptions import ValidationError

from clientdesk.clients.services import client_delete
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create, contact_update
from clientdesk.transfer import services
from clientdesk.transfer.models import ImportJob, State
from clientdesk.transfer.queries import check_outdated, import_errors
from tests.clients.factories import make_client
from tests.transfer.test_import_access import deny
from tests.transfer.test_import_pages import URL, csv_file, job_of, selected, signed_in

NO_CLIENT_COLUMN = (
    "First name,Last name,Email\r\n"
    "Ada,Lovelace,ada@acme.example\r\n"
    "Grace,Hopper,grace@acme.example\r\n"
)


def upload_into(http, client, text: str, name="people.csv"):
    return http.post(
        URL,
        {"kind": "contacts", "client": client.pk, "mode": "upsert", "file": csv_file(text, name)},
    )


def check_and_run(http, finish, job, columns: dict):
    finish(http.post, f"{URL}{job.pk}/columns/", {**columns, "action": "preview"})
    job.refresh_from_db()
    assert job.dry_run and job.state == State.DONE, job.failure
    finish(http.post, f"{URL}{job.pk}/run/")
    job.refresh_from_db()
    assert not job.dry_run and job.state == State.DONE, job.failure
    return job


@pytest.fixture
def acme(cast):
    return make_client(cast, prefix="ACME", name="Acme Dental")


def test_the_contacts_tab_offers_import_contacts_to_those_who_may_import(cast, acme):
    tab = f"/a/acme/clients/{acme.pk}/contacts/"
    for role in ("owner", "admin", "manager"):
        page = signed_in(cast.member(role)).get(tab)
        assert f'href="{URL}?client={acme.pk}"' in page.text, role
        assert "Import contacts" in page.text
    for role in ("technician", "viewer"):
        page = signed_in(cast.member(role)).get(tab)
        assert page.status_code == 200 and "Import contacts" not in page.text, role


def test_the_import_page_shows_the_client_fixed_not_a_choice(cast, acme):
    page = signed_in(cast.manager).get(URL, {"client": acme.pk})
    assert page.status_code == 200
    assert "Import contacts into Acme Dental" in page.text
    assert "Contacts of Acme Dental (ACME)" in page.text
    assert (
        'name="kind" value="contacts"' in page.text and 'type="radio" name="kind"' not in page.text
    )
    assert f'name="client" value="{acme.pk}"' in page.text
    assert f'href="/a/acme/clients/{acme.pk}/contacts/"' in page.text  # the way back


def test_a_file_without_a_client_column_imports_into_the_client(cast, acme, finish):
    other = make_client(cast, prefix="BPM", name="Blue Peak")
    http = signed_in(cast.manager)
    job = job_of(upload_into(http, acme, NO_CLIENT_COLUMN))
    assert job.client_id == acme.pk and job.kind == "contacts" and job.dry_run
    columns = http.get(f"{URL}{job.pk}/")
    assert "missing-required" not in columns.text  # no client column is needed
    assert "Every row becomes a contact of Acme Dental (ACME)" in columns.text
    assert [selected(columns, i) for i in range(3)] == ["first_name", "last_name", "email"]
    assert "Client prefix (required)" not in columns.text and "Email (required)" in columns.text

    job = check_and_run(
        http, finish, job, {"column_0": "first_name", "column_1": "last_name", "column_2": "email"}
    )
    assert job.counts == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    assert job.check_counts == job.counts and ImportJob.objects.count() == 1
    assert set(Contact.objects.filter(client=acme).values_list("email", flat=True)) == {
        "ada@acme.example",
        "grace@acme.example",
    }
    assert not Contact.objects.filter(client=other).exists()
    done = http.get(f"{URL}{job.pk}/")
    assert "Go to the contacts of Acme Dental" in done.text
    assert f"?client={acme.pk}" in done.text  # "Import another file" into the same client


def test_a_client_column_naming_another_client_rejects_that_row(cast, acme, finish):
    make_client(cast, prefix="BPM", name="Blue Peak")
    text = (
        "Client prefix,First name,Email\r\n"
        "acme,Ada,ada@acme.example\r\n"  # the client itself, in any case
        ",Bob,bob@acme.example\r\n"  # empty: the client of the import
        "BPM,Carl,carl@bpm.example\r\n"  # another client (one the member may see)
        "GHOST,Dora,dora@ghost.example\r\n"  # no such client
    )
    http = signed_in(cast.manager)
    job = job_of(upload_into(http, acme, text))
    job = check_and_run(
        http,
        finish,
        job,
        {"column_0": "client_prefix", "column_1": "first_name", "column_2": "email"},
    )
    assert job.counts["created"] == 2 and job.counts["rejected"] == 2
    errors = {e.row: (e.field, e.message) for e in import_errors(job)}
    assert sorted(errors) == [4, 5]
    assert errors[4] == (
        "Client prefix",
        "This file is imported into Acme Dental (ACME); this row names another client, BPM.",
    )
    assert "GHOST" in errors[5][1]
    assert set(Contact.objects.values_list("email", flat=True)) == {
        "ada@acme.example",
        "bob@acme.example",
    }


def test_a_repeated_email_in_the_file_is_rejected_on_its_second_row(cast, acme, finish):
    text = "First name,Email\r\nAda,ada@acme.example\r\nAda again,ADA@acme.example\r\n"
    http = signed_in(cast.manager)
    job = job_of(upload_into(http, acme, text))
    job = check_and_run(http, finish, job, {"column_0": "first_name", "column_1": "email"})
    errors = list(import_errors(job))
    assert [e.row for e in errors] == [3] and "Row 2 has the same Email" in errors[0].message


def test_a_client_the_member_may_not_see_is_404_like_a_missing_one(cast, acme):
    http = signed_in(cast.manager)
    deny(cast.manager, acme)
    assert http.get(URL, {"client": acme.pk}).status_code == 404
    assert upload_into(http, acme, NO_CLIENT_COLUMN).status_code == 404
    globex = make_client(cast.other_account, prefix="GLOB", name="Globex client")
    assert http.get(URL, {"client": globex.pk}).status_code == 404
    for bad in ("abc", "-1", str(2**70)):
        assert http.get(URL, {"client": bad}).status_code == 404
    assert not ImportJob.objects.exists()


def test_only_contacts_are_imported_into_one_client(cast, acme):
    with pytest.raises(ValidationError) as raised:
        services.import_create(
            account=cast.account,
            membership=cast.manager,
            kind="clients",
            upload=csv_file("Prefix,Name\r\nX,Y\r\n"),
            client=acme,
        )
    assert "client" in raised.value.message_dict


def test_a_client_deleted_before_the_run_fails_the_job_with_a_reason(
    cast, acme, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_create(
            account=cast.account,
            membership=cast.manager,
            kind="contacts",
            upload=csv_file(NO_CLIENT_COLUMN),
            client=acme,
            start=True,
        )
        client_delete(client=acme, actor=None)
    run_tasks()
    job.refresh_from_db()
    assert job.state == State.FAILED and "client of this import is gone" in job.failure
    assert not Contact.objects.exists()


def test_a_check_into_one_client_is_outdated_by_its_contacts_only(
    cast, acme, run_tasks, django_capture_on_commit_callbacks
):
    other = make_client(cast, prefix="BPM", name="Blue Peak")
    theirs = contact_create(client=other, actor=None, first_name="Bo", email="bo@bpm.example")
    ours = contact_create(client=acme, actor=None, first_name="Al", email="al@acme.example")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_create(
            account=cast.account,
            membership=cast.manager,
            kind="contacts",
            upload=csv_file(NO_CLIENT_COLUMN),
            client=acme,
            dry_run=True,
            start=True,
        )
    run_tasks()
    job.refresh_from_db()
    assert job.state == State.DONE and not check_outdated(job)
    # Another client's contact changes: what this check read did not.
    contact_update(contact=theirs, actor=None, version=None, title="Boss")
    make_client(cast, prefix="NEW", name="New one")
    assert not check_outdated(job)
    # One of this client's contacts changes: check again.
    contact_update(contact=ours, actor=None, version=None, title="Owner")
    assert check_outdated(job)


def test_the_client_import_page_lists_the_imports_into_that_client_only(cast, acme):
    other = make_client(cast, prefix="BPM", name="Blue Peak")
    http = signed_in(cast.manager)
    into_acme = [job_of(upload_into(http, acme, NO_CLIENT_COLUMN)) for _ in range(21)]
    job_of(upload_into(http, other, NO_CLIENT_COLUMN))
    job_of(
        http.post(
            URL, {"kind": "clients", "mode": "upsert", "file": csv_file("Prefix,Name\r\nA,B\r\n")}
        )
    )
    page = http.get(URL, {"client": acme.pk})
    assert "Imports into Acme Dental" in page.text
    assert [j.pk for j in page.context["history"].items] == [j.pk for j in into_acme[::-1][:20]]
    older = page.context["history"].next
    assert f'href="?client={acme.pk}&amp;cursor=' in page.text
    rest = http.get(URL, {"client": acme.pk, "cursor": older})
    assert [j.pk for j in rest.context["history"].items] == [into_acme[0].pk]
    bad = http.get(URL, {"client": acme.pk, "cursor": "nonsense"})
    assert bad.status_code == 302 and bad["Location"].endswith(f"?client={acme.pk}")
    assert len(http.get(URL).context["history"].items) == 20  # Bulk import: every import
