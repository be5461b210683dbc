"""Importing clients: the issue's messy file, modes, idempotence, history dates, and what a
hand-made client gets (history, derived tables, activity, primary contact)."""

import datetime as dt

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clientdesk.audit.models import Activity
from clientdesk.clients import derived
from clientdesk.clients.models import Client, StatusChange
from clientdesk.contacts.models import Contact
from clientdesk.transfer.models import ImportJob
from clientdesk.transfer.queries import error_report_rows, import_errors
from clientdesk.transfer.services import import_create, import_file, import_start
from tests.clients.factories import make_client

MESSY = (
    "  client NAME ;CODE ;Sector;stage;E-mail;Notes\r\n"
    'Café Müller;CAFE;healthcare;Active;ana@cafe.example;"first line\r\nsecond line"\r\n'
    ";NONAME;Retail;lead;;\r\n"
    "Second café;cafe;Retail;lead;;\r\n"
    "Odd status;ODD;Retail;sleeping;;\r\n"
    "Bad mail;BADMAIL;Retail;lead;not-an-email;\r\n"
    "Too long;ABCDEFGHIJKLMNOP;Retail;lead;;\r\n"
    '=HYPERLINK("x");FORMULA;Retail;prospect;;\r\n'
    "Crème brûlée Ltd;CREME;Hospitality;waiting;chef@creme.example;ok\r\n"
    ";;;;;\r\n"
).encode("cp1252")


def _errors(job: ImportJob) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for error in import_errors(job):
        found.setdefault(error.row, []).append((error.field, error.message))
    return found


def _run(cast, tmp_path, content: bytes, name="clients.csv", *, mode="upsert", dry_run=False):
    path = tmp_path / name
    path.write_bytes(content)
    return import_file(
        account=cast.account,
        membership=cast.manager,
        kind="clients",
        path=str(path),
        mode=mode,
        dry_run=dry_run,
    )


def test_the_messy_windows_file_is_previewed_with_exactly_its_bad_rows(cast, tmp_path):
    job = _run(cast, tmp_path, MESSY, dry_run=True)

    assert job.state == "done"
    assert job.counts == {"rows": 8, "created": 3, "updated": 0, "unchanged": 0, "rejected": 5}
    errors = _errors(job)
    assert sorted(errors) == [3, 4, 5, 6, 7]  # header = 1; row 2 holds a line break
    assert errors[3][0][0] == "client NAME"
    assert "Row 2" in errors[4][0][1] and errors[4][0][0] == "CODE"
    assert errors[5][0][0] == "stage" and "sleeping" in errors[5][0][1]
    assert errors[6][0][0] == "E-mail"
    assert {field for field, _message in errors[7]} == {"CODE"}
    assert not Client.objects.filter(account=cast.account).exists()  # a preview writes nothing


def test_the_messy_file_imports_its_good_rows_intact_and_a_second_run_creates_nothing(
    cast, tmp_path
):
    job = _run(cast, tmp_path, MESSY)

    assert job.counts["created"] == 3 and job.counts["rejected"] == 5
    cafe = Client.objects.get(account=cast.account, prefix="CAFE")
    assert cafe.name == "Café Müller" and cafe.description == "first line\r\nsecond line"
    assert cafe.industry.name == "Healthcare" and cafe.status == "active"
    formula = Client.objects.get(account=cast.account, prefix="FORMULA")
    assert formula.name == '=HYPERLINK("x")' and formula.status == "prospect"
    assert Client.objects.get(account=cast.account, prefix="CREME").name == "Crème brûlée Ltd"
    primary = Contact.objects.get(client=cafe, is_primary=True)
    assert primary.email == "ana@cafe.example" and primary.source == "import"

    again = _run(cast, tmp_path, MESSY)
    assert again.counts == {"rows": 8, "created": 0, "updated": 0, "unchanged": 3, "rejected": 5}
    assert Client.objects.filter(account=cast.account).count() == 3


def test_an_imported_client_gets_what_a_hand_made_one_gets(cast, tmp_path):
    content = (
        b'Prefix,Name,Status,Status since,Tags\nHIST,History Ltd,active,2024-03-01,"vip, dental"\n'
    )
    _run(cast, tmp_path, content)

    client = Client.objects.get(account=cast.account, prefix="HIST")
    change = StatusChange.objects.get(client=client)
    assert change.from_status is None and change.to_status == "active"
    assert change.at.date() == dt.date(2024, 3, 1) and client.activated_at == change.at
    assert change.by_id == cast.manager.user_id
    assert sorted(client.tags.values_list("name", flat=True)) == ["dental", "vip"]
    # One activity entry for the job, which the client keeps and its timeline reads.
    entry = Activity.objects.get(account=cast.account, verb="clients.imported")
    assert entry.target_id == str(client.imported_by_job) and entry.actor == cast.manager.user
    assert entry.changes == {"file": [None, "clients.csv"], "created": [None, 1]}
    assert not Activity.objects.filter(account=cast.account, verb="client.created").exists()
    assert derived.differences(cast.account) == {"deltas": 0, "intervals": 0, "periods": 0}


def test_create_mode_rejects_an_existing_prefix_and_upsert_updates_it(cast, tmp_path):
    make_client(cast.account, prefix="KEEP", name="Old name")
    content = b"Prefix,Name\nkeep,New name\n"

    created = _run(cast, tmp_path, content, mode="create")
    assert created.counts["rejected"] == 1
    assert "KEEP" in import_errors(created).get().message

    updated = _run(cast, tmp_path, content, mode="upsert")
    assert updated.counts["updated"] == 1
    client = Client.objects.get(account=cast.account, prefix="KEEP")
    assert client.name == "New name" and client.version == 2
    assert Activity.objects.filter(verb="client.updated", target_id=str(client.pk)).exists()


def test_a_status_column_moves_an_existing_client_along_the_allowed_changes_only(cast, tmp_path):
    make_client(cast.account, prefix="MOVE", status="active")
    make_client(cast.account, prefix="STAY", status="active")
    content = b"Prefix,Status,Status since\nMOVE,at risk,\nSTAY,lead,\n"

    job = _run(cast, tmp_path, content)

    assert job.counts["updated"] == 1 and job.counts["rejected"] == 1
    assert Client.objects.get(account=cast.account, prefix="MOVE").status == "at_risk"
    message = import_errors(job).get().message
    assert "At risk" in message and "Off-boarding" in message  # names the allowed ones
    assert derived.differences(cast.account) == {"deltas": 0, "intervals": 0, "periods": 0}


def test_xlsx_dates_go_into_the_history_and_future_or_non_dates_are_rejected(cast, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Prefix", "Name", "Status", "Status since"])
    sheet.append(["PAST", "Past Ltd", "active", dt.date(2023, 5, 17)])
    sheet.append(["FUTURE", "Future Ltd", "active", dt.date.today() + dt.timedelta(days=30)])
    sheet.append(["WORDS", "Words Ltd", "active", "last spring"])
    sheet.append(["STAMP", "Stamp Ltd", "lead", dt.datetime(2022, 1, 2, 9, 30)])
    path = tmp_path / "dates.xlsx"
    book.save(path)

    job = import_file(account=cast.account, membership=cast.manager, kind="clients", path=str(path))

    assert job.counts["created"] == 2 and job.counts["rejected"] == 2
    assert sorted(_errors(job)) == [3, 4]
    past = StatusChange.objects.get(client__prefix="PAST", client__account=cast.account)
    assert timezone.localtime(past.at).date() == dt.date(2023, 5, 17)
    stamp = StatusChange.objects.get(client__prefix="STAMP", client__account=cast.account)
    assert stamp.at.date() == dt.date(2022, 1, 2)


def test_parents_come_from_the_account_or_earlier_rows(cast, tmp_path):
    make_client(cast.account, prefix="HQ")
    content = (
        b"Prefix,Name,Parent prefix\n"
        b"BRANCH,Branch,HQ\n"
        b"SUB,Sub of branch,BRANCH\n"
        b"ORPHAN,Orphan,NOWHERE\n"
    )

    job = _run(cast, tmp_path, content)

    assert job.counts["created"] == 2 and job.counts["rejected"] == 1
    sub = Client.objects.get(account=cast.account, prefix="SUB")
    assert sub.parent.prefix == "BRANCH" and sub.parent.parent.prefix == "HQ"


def test_a_move_under_its_own_sub_client_is_refused(cast, tmp_path):
    top = make_client(cast.account, prefix="TOP")
    make_client(cast.account, prefix="LOW", parent=top)

    job = _run(cast, tmp_path, b"Prefix,Parent prefix\nTOP,LOW\n")

    assert job.counts["rejected"] == 1
    assert "under itself" in import_errors(job).get().message


def test_a_nul_in_a_cell_rejects_its_row_as_a_form_would(cast, tmp_path):
    rows = [f"OK{n},Fine client {n},healthcare,lead" for n in range(200)]
    content = "\ufeffPrefix,Name,Industry,Status\n" + "\n".join(
        [*rows, "NUL1,Bad\x00name,healthcare,lead", "NUL2,Bad tag,health\x00care,lead"]
    )

    job = _run(cast, tmp_path, content.encode())

    assert job.counts["created"] == 200 and job.counts["rejected"] == 2
    assert _errors(job) == {
        202: [("Name", "Null characters are not allowed.")],
        203: [("Industry", "Null characters are not allowed.")],
    }
    assert not Client.objects.filter(prefix__startswith="NUL").exists()


def test_the_error_report_holds_the_original_rows_and_their_reasons(cast, tmp_path):
    job = _run(cast, tmp_path, MESSY, dry_run=True)

    rows = list(error_report_rows(job))

    assert rows[0] == ["client NAME", "CODE", "Sector", "stage", "E-mail", "Notes", "Error"]
    assert rows[1][:2] == ["", "NONAME"] and "client NAME" in rows[1][-1]
    assert len(rows) == 6


def test_an_upload_runs_as_a_background_task_however_small(
    cast, run_tasks, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("few.csv", b"Prefix,Name\nFEW,Few Ltd\n", "text/csv")

    job = import_create(
        account=cast.account, membership=cast.manager, kind="clients", upload=upload
    )
    assert job.mapping == ["prefix", "name"] and job.state == "queued"
    with django_capture_on_commit_callbacks(execute=True):
        import_start(job=job, membership=cast.manager)
    job.refresh_from_db()
    assert job.state == "queued" and job.started_by == cast.manager.user
    run_tasks()

    job.refresh_from_db()
    assert job.state == "done" and job.counts["created"] == 1


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_only_managers_and_above_import(cast, role):
    upload = SimpleUploadedFile("few.csv", b"Prefix,Name\nFEW,Few Ltd\n", "text/csv")
    with pytest.raises(PermissionError):
        import_create(
            account=cast.account, membership=cast.member(role), kind="clients", upload=upload
        )


def test_a_sub_client_may_come_before_its_parent_in_the_file(cast, tmp_path):
    content = (
        b"Prefix,Name,Parent prefix\n"
        b"LEAF,Leaf,MID\n"
        b"MID,Middle,ROOT\n"
        b"ROOT,Root,\n"
        b"LOST,Lost,NOWHERE\n"
    )

    preview = _run(cast, tmp_path, content, dry_run=True)
    job = _run(cast, tmp_path, content)

    for counted in (preview, job):
        assert counted.counts == {
            "rows": 4,
            "created": 3,
            "updated": 0,
            "unchanged": 0,
            "rejected": 1,
        }
    assert [e.row for e in import_errors(job)] == [5]
    leaf = Client.objects.get(account=cast.account, prefix="LEAF")
    assert leaf.parent.prefix == "MID" and leaf.parent.parent.prefix == "ROOT"


def test_an_engaged_row_invites_its_primary_contact_as_a_hand_made_one_does(cast, tmp_path):
    from clientdesk.portal.models import PortalInvitation

    content = (
        b"Prefix,Name,Engagement,Primary contact first name,Primary contact email\n"
        b"ENG,Engaged Ltd,engaged,Eve,eve@engaged.example\n"
        b"NOMAIL,No Mail Ltd,Engaged,,\n"
    )

    job = _run(cast, tmp_path, content)

    assert job.counts["created"] == 1 and job.counts["rejected"] == 1
    client = Client.objects.get(account=cast.account, prefix="ENG")
    assert client.engagement == "access_sent"
    invitation = PortalInvitation.objects.get(client=client)
    assert invitation.email == "eve@engaged.example"
    assert "email" in import_errors(job).get().message


def test_the_plain_row_writers_fill_every_column_of_their_tables():
    from clientdesk.clients.batch.write import CLIENT_COLUMNS
    from clientdesk.contacts.primary_batch import CONTACT_COLUMNS

    for model, columns in ((Client, CLIENT_COLUMNS), (Contact, CONTACT_COLUMNS)):
        assert sorted(columns) == sorted(f.name for f in model._meta.concrete_fields), model
