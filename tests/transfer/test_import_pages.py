"""The Bulk import pages: upload, the columns' mapping, the check (preview), the run with its
progress, the rejected rows and their report, the history; who may use them."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from clientdesk.clients.models import Client as ClientModel
from clientdesk.transfer import services
from clientdesk.transfer.models import ImportJob, ImportRowError, State
from tests.clients.factories import make_client

URL = "/a/acme/imports/"
GOOD = "Prefix,Name\r\nACME,Acme Dental\r\nBPM,Blue Peak Media\r\n"
# Row 3 has no name; row 4 a name a spreadsheet would run as a formula.
WITH_MISTAKES = (
    "Code,Company,Favourite colour\r\n"
    "ACME,Acme Dental,blue\r\n"
    "NONAME,,red\r\n"
    'FORM,=HYPERLINK("http://x"),green\r\n'
    "BPM,Blue Peak Media,\r\n"
)


def signed_in(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def csv_file(text: str, name: str = "clients.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def upload(http: Client, text: str, *, name="clients.csv", kind="clients", mode="upsert"):
    return http.post(URL, {"kind": kind, "mode": mode, "file": csv_file(text, name)})


def job_of(response) -> ImportJob:
    assert response.status_code == 302, response.content
    match = re.search(r"/imports/(\d+)/$", response["Location"])
    assert match, response["Location"]
    return ImportJob.objects.get(pk=int(match.group(1)))


def make_job(cast, text: str = GOOD, *, membership=None, kind="clients", dry_run=True):
    return services.import_create(
        account=cast.account,
        membership=membership or cast.manager,
        kind=kind,
        upload=csv_file(text),
        mode="upsert",
        dry_run=dry_run,
    )


def selected(response, position: int) -> str:
    """The value chosen in the drop-down of the file's column at `position`."""
    select = re.search(
        rf'<select name="column_{position}"[^>]*>(.*?)</select>', response.text, re.S
    )
    assert select, f"no drop-down for column {position}"
    option = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return option.group(1) if option else ""


# Who may use it --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "admin", "manager"])
def test_it_shows_the_bulk_import_page_to_managers_and_above(cast, role):
    response = signed_in(cast.member(role)).get(URL)
    assert response.status_code == 200
    assert "Bulk import" in response.text
    assert 'type="file"' in response.text and 'accept=".csv,.xlsx' in response.text


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_roles_without_the_import_right_get_403_everywhere(cast, role):
    job = make_job(cast)
    http = signed_in(cast.member(role))
    assert http.get(URL).status_code == 403
    assert upload(http, GOOD).status_code == 403
    assert http.get(f"{URL}{job.pk}/").status_code == 403
    assert http.get(f"{URL}{job.pk}/status/").status_code == 403
    assert http.post(f"{URL}{job.pk}/columns/", {"action": "preview"}).status_code == 403
    assert http.post(f"{URL}{job.pk}/run/").status_code == 403
    assert http.get(f"{URL}{job.pk}/errors.csv").status_code == 403
    assert ImportJob.objects.count() == 1


def test_another_accounts_import_is_404_like_a_missing_one(cast):
    job = make_job(cast)
    outsider = signed_in(cast.outsider)
    for tail in ("", "status/", "errors.csv"):
        assert outsider.get(f"/a/globex/imports/{job.pk}/{tail}").status_code == 404
        assert outsider.get(f"/a/acme/imports/{job.pk}/{tail}").status_code == 404
    for tail in ("columns/", "run/", "again/"):
        assert outsider.post(f"/a/globex/imports/{job.pk}/{tail}").status_code == 404
    assert signed_in(cast.manager).get(f"{URL}999999/").status_code == 404
    assert signed_in(cast.manager).get(f"{URL}{2**64}/").status_code == 404


def test_the_add_client_menu_leads_to_bulk_import_with_clients_chosen(cast):
    page = signed_in(cast.manager).get("/a/acme/clients/")
    assert f'href="{URL}?kind=clients"' in page.text
    form = signed_in(cast.manager).get(f"{URL}?kind=clients")
    assert re.search(r'<input type="radio" name="kind" value="clients"[^>]* checked', form.text)
    contacts = signed_in(cast.manager).get(f"{URL}?kind=contacts")
    assert re.search(
        r'<input type="radio" name="kind" value="contacts"[^>]* checked', contacts.text
    )


def test_the_page_links_the_templates_of_each_kind(cast):
    try:
        links = [
            reverse("import_template", args=["acme", kind, fmt])
            for kind in ("clients", "contacts")
            for fmt in ("csv", "xlsx")
        ]
    except NoReverseMatch:
        pytest.skip("the template downloads (transfer/export_urls.py) are not there yet")
    page = signed_in(cast.manager).get(URL)
    for link in links:
        assert f'href="{link}"' in page.text


# Upload ----------------------------------------------------------------------------------


def test_an_upload_shows_the_columns_it_recognised_and_the_ones_it_ignores(cast):
    http = signed_in(cast.manager)
    job = job_of(upload(http, WITH_MISTAKES))
    assert job.dry_run and job.state == State.QUEUED and job.created_by == cast.manager.user
    page = http.get(f"{URL}{job.pk}/")
    assert page.status_code == 200
    assert selected(page, 0) == "prefix"  # "Code" is a synonym of the prefix
    assert selected(page, 1) == "name"  # "Company" too, of the name
    assert selected(page, 2) == ""  # nobody knows a favourite colour
    assert "Not recognised, so ignored unless you choose a field for it: Favourite colour." in (
        page.text
    )
    assert "Ignore this column" in page.text
    assert "Check the file" in page.text
    assert "autofocus" in re.search(r'<select name="column_0"[^>]*>', page.text).group(0)
    assert ClientModel.objects.count() == 0


def test_a_required_field_missing_from_the_file_is_flagged(cast):
    http = signed_in(cast.manager)
    job = job_of(upload(http, "Company,Email\r\nAcme,a@acme.example\r\n"))
    page = http.get(f"{URL}{job.pk}/")
    assert "recognised as the required field Prefix" in page.text
    response = http.post(
        f"{URL}{job.pk}/columns/", {"column_0": "name", "column_1": "", "action": "preview"}
    )
    assert response.status_code == 400
    assert "Choose the column that holds each required field: Prefix." in response.text
    job.refresh_from_db()
    assert job.state == State.QUEUED and job.started_at is None


def test_a_file_that_is_not_csv_or_xlsx_is_refused_on_the_file_field(cast):
    response = upload(signed_in(cast.manager), "hello", name="notes.pdf")
    assert response.status_code == 400
    assert re.search(r'<input type="file"[^>]*aria-invalid="true"', response.text)
    assert 'id="id_file_error"' in response.text
    assert ImportJob.objects.count() == 0


def test_a_file_over_the_limit_is_refused_naming_the_limit(cast, monkeypatch):
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 10)
    response = upload(signed_in(cast.manager), GOOD)
    assert response.status_code == 400
    assert "the limit is 10" in response.text
    assert ImportJob.objects.count() == 0


# The mapping and the check ---------------------------------------------------------------


def test_a_changed_mapping_is_saved_and_used_by_the_check(cast, finish):
    http = signed_in(cast.manager)
    job = job_of(upload(http, "Ref,Company,Notes\r\nACME,Acme Dental,VIP\r\n"))
    assert job.mapping[0] == ""  # "Ref" means nothing to the guess
    response = finish(
        http.post,
        f"{URL}{job.pk}/columns/",
        {"column_0": "prefix", "column_1": "name", "column_2": "", "action": "preview"},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.mapping == ["prefix", "name", ""]
    assert job.state == State.DONE and job.counts["created"] == 1
    assert ClientModel.objects.count() == 0  # a check writes nothing


def test_a_field_chosen_for_two_columns_is_refused_on_both(cast):
    http = signed_in(cast.manager)
    job = job_of(upload(http, "Code,Company,Other\r\nACME,Acme,x\r\n"))
    response = http.post(
        f"{URL}{job.pk}/columns/",
        {"column_0": "prefix", "column_1": "name", "column_2": "name", "action": "preview"},
    )
    assert response.status_code == 400
    assert response.text.count("Name is chosen for more than one column; keep one.") == 2
    assert re.search(r'<select name="column_1"[^>]*aria-invalid="true"', response.text)
    job.refresh_from_db()
    assert job.state == State.QUEUED


def test_the_check_counts_the_rows_and_names_every_rejected_row(cast, finish):
    make_client(cast, prefix="BPM", name="Blue Peak Media")
    http = signed_in(cast.manager)
    job = job_of(upload(http, WITH_MISTAKES))
    finish(
        http.post,
        f"{URL}{job.pk}/columns/",
        {"column_0": "prefix", "column_1": "name", "column_2": "", "action": "preview"},
    )
    page = http.get(f"{URL}{job.pk}/")
    job.refresh_from_db()
    assert job.state == State.DONE, job.failure
    assert page.context["counts"] == job.counts
    assert job.counts["rows"] == 4 and job.counts["rejected"] >= 1
    assert "What the import would do" in page.text
    assert "Would create" in page.text
    rows = [e["row"] for e in page.context["errors"]]
    assert 3 in rows  # the row without a name, counted as the file shows it (header = 1)
    assert "Download the error report (CSV)" in page.text
    assert ClientModel.objects.filter(account=cast.account).count() == 1


def test_run_import_asks_once_naming_what_it_will_do_then_writes(cast, finish):
    make_client(cast, prefix="BPM", name="Blue Peak")
    http = signed_in(cast.manager)
    job = job_of(upload(http, GOOD))
    finish(
        http.post,
        f"{URL}{job.pk}/columns/",
        {"column_0": "prefix", "column_1": "name", "action": "preview"},
    )
    page = http.get(f"{URL}{job.pk}/")
    assert "Create 1 client and update 1" in page.text
    assert '<dialog id="run-dialog"' in page.text
    response = finish(http.post, f"{URL}{job.pk}/run/")
    run = job_of(response)
    # The same job goes on: one import, one entry of the history.
    assert run.pk == job.pk and not run.dry_run and run.state == State.DONE
    assert run.counts["created"] == 1 and run.counts["updated"] == 1
    assert run.check_counts["created"] == 1 and run.checked_at is not None
    assert ImportJob.objects.count() == 1
    assert set(ClientModel.objects.values_list("prefix", flat=True)) == {"ACME", "BPM"}
    done = http.get(f"{URL}{run.pk}/")
    assert "What the import did" in done.text and "run-dialog" not in done.text


def test_import_straight_from_the_columns_runs_a_real_import(cast, finish):
    http = signed_in(cast.manager)
    job = job_of(upload(http, GOOD))
    response = finish(
        http.post,
        f"{URL}{job.pk}/columns/",
        {"column_0": "prefix", "column_1": "name", "action": "run"},
    )
    run = job_of(response)
    assert not run.dry_run and run.state == State.DONE
    assert ClientModel.objects.count() == 2


def test_a_preview_cannot_be_started_twice(cast):
    http = signed_in(cast.manager)
    job = job_of(upload(http, GOOD))
    data = {"column_0": "prefix", "column_1": "name", "action": "preview"}
    http.post(f"{URL}{job.pk}/columns/", data)
    again = http.post(f"{URL}{job.pk}/columns/", data)
    assert again.status_code == 302 and again["Location"].endswith(f"/imports/{job.pk}/")
    assert ImportJob.objects.count() == 1


def test_change_the_columns_starts_over_from_the_last_choice(cast, finish):
    http = signed_in(cast.manager)
    job = job_of(upload(http, "Ref,Company\r\nACME,Acme\r\n"))
    finish(
        http.post,
        f"{URL}{job.pk}/columns/",
        {"column_0": "prefix", "column_1": "name", "action": "preview"},
    )
    again = job_of(http.post(f"{URL}{job.pk}/again/"))
    # A check wrote nothing: the same job goes back to its columns.
    assert again.pk == job.pk and again.state == State.QUEUED and again.started_at is None
    assert ImportJob.objects.count() == 1
    page = http.get(f"{URL}{again.pk}/")
    assert selected(page, 0) == "prefix"


# Running in the background ---------------------------------------------------------------


def test_a_large_file_shows_a_progress_bar_that_polls_until_done(
    cast, run_tasks, django_capture_on_commit_callbacks
):
    http = signed_in(cast.manager)
    job = job_of(upload(http, GOOD))
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued on commit
        http.post(
            f"{URL}{job.pk}/columns/", {"column_0": "prefix", "column_1": "name", "action": "run"}
        )
    run = ImportJob.objects.get()  # the upload itself runs: one import, one job
    assert run.pk == job.pk and not run.dry_run
    page = http.get(f"{URL}{run.pk}/")
    assert "<progress" in page.text and 'hx-trigger="every 1s"' in page.text
    assert "Waiting for a worker" in page.text
    fragment = http.get(f"{URL}{run.pk}/status/", headers={"HX-Request": "true"})
    assert 'id="import-status"' in fragment.text and "<progress" in fragment.text
    assert "<html" not in fragment.text
    assert http.get(f"{URL}{run.pk}/status/").status_code == 302  # by hand: the page
    run_tasks()
    fragment = http.get(f"{URL}{run.pk}/status/", headers={"HX-Request": "true"})
    assert "hx-trigger" not in fragment.text  # done: the fragment stops the polling
    assert "What the import did" in fragment.text
    assert ClientModel.objects.count() == 2


def test_a_failed_import_shows_why(cast):
    job = make_job(cast, dry_run=False)
    # Arranged directly: a worker that died on a broken disk is hard to stage.
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.FAILED, failure="The file could not be read.", started_at=job.created_at
    )
    page = signed_in(cast.manager).get(f"{URL}{job.pk}/")
    assert "The import stopped" in page.text
    assert "The file could not be read." in page.text
    assert "hx-trigger" not in page.text


# The error report and the history --------------------------------------------------------


def test_the_error_report_is_the_rejected_rows_plus_an_error_column(cast, finish):
    http = signed_in(cast.manager)
    job = job_of(upload(http, WITH_MISTAKES))
    finish(
        http.post,
        f"{URL}{job.pk}/columns/",
        {"column_0": "prefix", "column_1": "name", "action": "preview"},
    )
    response = http.get(f"{URL}{job.pk}/errors.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["Code", "Company", "Favourite colour", "Error"]
    assert rows[1][:3] == ["NONAME", "", "red"] and rows[1][3]
    assert len(rows) - 1 == len({e.row for e in ImportRowError.objects.filter(job=job)})
    for row in rows:
        assert not any(cell.startswith("=") for cell in row)  # neutralised, never run


def test_the_history_lists_each_import_with_who_when_and_counts(cast, finish):
    http = signed_in(cast.manager)
    job = job_of(upload(http, GOOD, name="first.csv"))
    finish(
        http.post,
        f"{URL}{job.pk}/columns/",
        {"column_0": "prefix", "column_1": "name", "action": "preview"},
    )
    job_of(upload(http, GOOD, name="second.csv"))
    page = http.get(URL)
    history = page.context["history"].items
    assert [j.filename for j in history] == ["second.csv", "first.csv"]
    assert f'href="{URL}{job.pk}/"' in page.text
    assert cast.manager.user.display_name in page.text
    assert "Checked" in page.text and "Columns to choose" in page.text


def test_the_history_costs_the_same_queries_for_2_imports_or_20(cast):
    http = signed_in(cast.manager)
    for _ in range(2):
        make_job(cast)
    http.get(URL)  # the first request of a session costs more, whatever the page
    with CaptureQueriesContext(connection) as few:
        assert http.get(URL).status_code == 200
    for _ in range(18):
        make_job(cast, membership=cast.admin)
    with CaptureQueriesContext(connection) as many:
        assert http.get(URL).status_code == 200
    assert len(many) == len(few)


def test_the_history_pages_by_twenty(cast):
    for _ in range(22):
        make_job(cast)
    http = signed_in(cast.manager)
    first = http.get(URL)
    assert len(first.context["history"].items) == 20
    older = http.get(URL, {"cursor": first.context["history"].next})
    assert len(older.context["history"].items) == 2
    assert http.get(URL, {"cursor": "nonsense"}).status_code == 302


def test_a_long_list_of_rejected_rows_shows_the_first_200_and_points_to_the_report(cast, finish):
    lines = ["Prefix,Name"] + [f"B{n:04d}," for n in range(205)]  # no names: all rejected
    http = signed_in(cast.manager)
    job = job_of(upload(http, "\r\n".join(lines) + "\r\n"))
    finish(
        http.post,
        f"{URL}{job.pk}/columns/",
        {"column_0": "prefix", "column_1": "name", "action": "preview"},
    )
    page = http.get(f"{URL}{job.pk}/")
    assert len(page.context["errors"]) == 200
    assert "The first 200 of 205 rejected rows; the error report has them all." in page.text
    assert "Nothing to import: every row is unchanged or rejected." in page.text
    assert "run-dialog" not in page.text
    report = http.get(f"{URL}{job.pk}/errors.csv")
    assert len(b"".join(report.streaming_content).decode("utf-8-sig").splitlines()) == 206


def test_contacts_are_checked_against_their_clients(cast, finish):
    make_client(cast, prefix="ACME", name="Acme Dental")
    http = signed_in(cast.manager)
    text = (
        "Client prefix,First name,Email\r\n"
        "ACME,Ada,ada@acme.example\r\n"
        "NOPE,Bob,bob@nope.example\r\n"
    )
    job = job_of(upload(http, text, name="contacts.csv", kind="contacts"))
    page = http.get(f"{URL}{job.pk}/")
    assert [selected(page, i) for i in range(3)] == ["client_prefix", "first_name", "email"]
    finish(
        http.post,
        f"{URL}{job.pk}/columns/",
        {
            "column_0": "client_prefix",
            "column_1": "first_name",
            "column_2": "email",
            "action": "preview",
        },
    )
    page = http.get(f"{URL}{job.pk}/")
    assert "Create 1 contact" in page.text
    assert [e["row"] for e in page.context["errors"]] == [3]
