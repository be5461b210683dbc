"""Files built to hurt: zip bombs of each part of a workbook, a 64 MB cell, rows without
numbers, a header of 20,000 columns, cells at the far corner of a sheet. Each is refused with a
message a person understands, or read in bounded memory; every row read is accounted for."""

import csv
import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as HttpClient

from clientdesk.clients.models import Client
from clientdesk.transfer import engine
from clientdesk.transfer.models import ImportRowError, State
from clientdesk.transfer.readers import UnreadableFile, open_sheet
from clientdesk.transfer.services import import_file
from tests.transfer import hostile
from tests.transfer.test_import_resume import _database_url

LIFTED = {"import_xlsx_max_ratio": 10**9}  # the ratio check off: the other limits must hold
MEMORY_MB = 500


def read(path):
    with open_sheet(path) as sheet:
        return sheet.headers, list(sheet.rows())


# Zip bombs, each part ------------------------------------------------------------------------


def test_a_sheet_that_inflates_260_times_is_refused_and_read_flat_without_the_ratio(tmp_path):
    path = hostile.sheet_bomb(tmp_path / "rows.xlsx", megabytes=60)
    assert path.stat().st_size < 300_000

    refused = hostile.read_in_child(path)
    assert "inflates" in refused["refused"] and refused["rows"] == 0
    lifted = hostile.read_in_child(path, **LIFTED)
    assert lifted["refused"] == "" and lifted["rows"] > 30_000
    assert refused["peak_mb"] < MEMORY_MB and lifted["peak_mb"] < MEMORY_MB, (refused, lifted)


def test_shared_strings_that_inflate_to_96_mb_are_refused_or_read_in_bounded_memory(tmp_path):
    path = hostile.strings_bomb(tmp_path / "strings.xlsx", megabytes=96)
    assert path.stat().st_size < 400_000

    refused = hostile.read_in_child(path)
    assert "sharedStrings.xml inflates" in refused["refused"]
    lifted = hostile.read_in_child(path, **LIFTED)
    assert lifted["rows"] == 1
    counted = hostile.read_in_child(path, import_xlsx_max_shared_strings=1000, **LIFTED)
    assert "more than 1,000 distinct texts" in counted["refused"]
    for found in (refused, lifted, counted):
        assert found["peak_mb"] < MEMORY_MB, found


@pytest.mark.parametrize("shared", [False, True], ids=["inline", "shared"])
def test_a_64_mb_cell_is_refused_without_reading_it_whole(tmp_path, shared):
    path = hostile.long_cell(tmp_path / "cell.xlsx", megabytes=64, shared=shared)
    assert path.stat().st_size < 100_000

    refused = hostile.read_in_child(path)
    assert "inflates" in refused["refused"]
    lifted = hostile.read_in_child(path, **LIFTED)
    assert lifted["refused"] and lifted["rows"] == 0
    assert ("a row holds more than" if not shared else "a text holds more than") in (
        lifted["refused"]
    )
    assert refused["peak_mb"] < MEMORY_MB and lifted["peak_mb"] < MEMORY_MB, (refused, lifted)


def test_a_workbook_past_the_total_is_refused(tmp_path, settings):
    settings.IMPORT_XLSX_MAX_INFLATED_MB = 1
    path = hostile.workbook(
        tmp_path / "big.xlsx",
        [hostile.row(["Prefix", "Name"], 1)]
        + [hostile.row([os.urandom(20).hex(), "x"], n) for n in range(2, 20_000)],
    )
    with pytest.raises(UnreadableFile, match="more than the 1 MB an import reads"):
        read(path)


def test_cells_at_the_far_corner_do_not_make_a_huge_grid(tmp_path):
    # Two cells, A1 and XFD1048576: calamine alone would ask for 550 GB and abort the process.
    corner = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = hostile.workbook(tmp_path / "corner.xlsx", [hostile.row(["Prefix", "Name"], 1), corner])
    found = hostile.read_in_child(path)
    assert "has a value in column 16384" in found["refused"]
    assert found["peak_mb"] < MEMORY_MB

    far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Z</t></is></c><c r="XFD1048576"/></row>'
    path = hostile.workbook(tmp_path / "far.xlsx", [hostile.row(["Prefix", "Name"], 1), far])
    assert read(path) == (["Prefix", "Name"], [(1048576, ["Z", None])])


def test_rows_far_apart_or_numbered_twice_each_keep_a_row_of_their_own(tmp_path):
    rows = [
        hostile.row(["Prefix", "Name"], 1),
        hostile.row(["A", "First"], 5),
        hostile.row(["B", "Second"], 5),  # the same number again: the next one, not a merge
        hostile.row(["C", "Third"], 3),  # backwards
        hostile.row(["D", "Fourth"], 900_000),
    ]
    _headers, records = read(hostile.workbook(tmp_path / "r.xlsx", rows))
    assert records == [
        (5, ["A", "First"]),
        (6, ["B", "Second"]),
        (7, ["C", "Third"]),
        (900_000, ["D", "Fourth"]),
    ]


# Headers and cells past the limits ------------------------------------------------------------


def test_a_header_of_20000_columns_is_refused_in_xlsx_and_csv(tmp_path):
    names = [f"Column {i}" for i in range(20_000)]
    path = hostile.workbook(tmp_path / "narrow.xlsx", [hostile.row(names[:26], 1)])
    wide = hostile.workbook(tmp_path / "wide.xlsx", [hostile.row(names)])
    with pytest.raises(UnreadableFile, match="at most 500 columns"):
        read(wide)
    flat = tmp_path / "wide.csv"
    flat.write_text(",".join(names) + "\r\nA,B\r\n")
    with pytest.raises(UnreadableFile, match="The header row has 20,000 columns"):
        read(flat)
    assert read(path)[0] == names[:26]


def test_a_csv_cell_past_the_limit_is_refused_naming_its_row_and_column(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("Prefix,Name\r\nA,short\r\nB," + "n" * 40_000 + "\r\n")
    with pytest.raises(UnreadableFile, match="Row 3, column 2 holds more than 32,767"):
        read(path)


def test_an_upload_past_a_limit_is_refused_on_the_file_field(cast, tmp_path):
    path = hostile.long_cell(tmp_path / "cell.xlsx", megabytes=8)
    http = HttpClient()
    http.force_login(cast.manager.user)
    upload = SimpleUploadedFile("cell.xlsx", path.read_bytes())
    response = http.post("/a/acme/imports/", {"kind": "clients", "mode": "upsert", "file": upload})
    assert response.status_code == 400
    assert "Cannot read this XLSX" in response.text


def test_the_check_and_the_error_report_keep_a_few_hundred_characters_of_a_value(cast, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("Prefix,Name\r\nLONG," + "n" * 30_000 + "\r\n")
    job = import_file(
        account=cast.account, membership=cast.manager, kind="clients", path=str(path), dry_run=True
    )
    assert job.state == State.DONE and job.counts["rejected"] == 1
    error = ImportRowError.objects.get(job=job)
    assert len(error.values[1]) <= engine.KEPT_CHARS and error.values[1].endswith("…")


# Every row read is a row accounted for --------------------------------------------------------


def test_a_30000_row_workbook_without_row_numbers_imports_every_row(cast, tmp_path):
    rows = [hostile.row(["Prefix", "Name"], 1)]  # as some generators write: r on the header only
    rows += [hostile.row([f"U{n:05d}", f"Unnumbered {n}"]) for n in range(30_000)]
    path = hostile.workbook(tmp_path / "unnumbered.xlsx", rows)

    job = import_file(account=cast.account, membership=cast.owner, kind="clients", path=str(path))

    assert job.state == State.DONE, job.failure
    assert job.counts["rows"] == 30_000 == job.counts["created"] == job.rows_done
    assert Client.objects.filter(account=cast.account).count() == 30_000
    last = Client.objects.get(account=cast.account, prefix="U29999")
    assert last.name == "Unnumbered 29999"


def test_a_job_that_loses_a_row_fails_with_the_numbers(cast, tmp_path, monkeypatch):
    path = tmp_path / "few.csv"
    path.write_text("Prefix,Name\r\nALPHA,Alpha\r\nBRAVO,Bravo\r\nCHARLIE,Charlie\r\n")
    record = engine._record

    def losing_one(run, batch, rejected, outcomes, read, counted, final):
        if batch:  # as if a row read never reached the writer's outcomes
            batch, outcomes = batch[:-1], outcomes[:-1]
        record(run, batch, rejected, outcomes, read, counted, final)

    monkeypatch.setattr(engine, "_record", losing_one)
    job = import_file(account=cast.account, membership=cast.owner, kind="clients", path=str(path))

    assert job.state == State.FAILED
    assert job.failure.startswith("The file has 3 rows, but 2 were accounted for (2 created")


# Memory at the upload limit --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_50_mb_file_of_long_cells_checks_in_under_500_mb(cast, tmp_path):
    path = tmp_path / "long-cells.csv"
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["Prefix", "Name", "Description"])
        n = 0
        while file.tell() < 50 * 2**20 - 70_000:
            writer.writerow([f"L{n:05d}", os.urandom(15_000).hex()[:30_000], "d" * 30_000])
            n += 1
    env = {**os.environ, "CLIENTDESK_DATABASE_URL": _database_url(), "CLIENTDESK_DEBUG": "1"}
    command = [sys.executable, "-m", "clientdesk", "importfile", "clients", str(path)]
    child = subprocess.Popen(
        [*command, "--account", "acme", "--dry-run"], env=env, stdout=subprocess.PIPE
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    child.stdout.close()
    assert os.waitstatus_to_exitcode(status) == 0
    peak_mb = usage.ru_maxrss // 1024
    assert peak_mb < MEMORY_MB, peak_mb
    assert ImportRowError.objects.filter(account=cast.account).count() >= n  # names too long
    assert all(
        len(v) <= engine.KEPT_CHARS
        for values in ImportRowError.objects.values_list("values", flat=True)
        for v in values
    )
    print(f"50 MB CSV of {n} rows of long cells, checked: peak {peak_mb} MB ({connection.vendor})")


def test_a_50_mb_workbook_reads_in_under_500_mb(tmp_path):
    rows = [hostile.row([f"Column {i}" for i in range(10)], 1)]
    rows += [hostile.row([os.urandom(60).hex() for _ in range(10)], n) for n in range(2, 62_000)]
    path = hostile.workbook(tmp_path / "fifty.xlsx", rows)
    assert path.stat().st_size > 40 * 2**20
    found = hostile.read_in_child(path)
    assert found["refused"] == "" and found["rows"] == 61_998
    assert found["peak_mb"] < MEMORY_MB, found
    print(f"{path.stat().st_size >> 20} MB XLSX read: peak {found['peak_mb']} MB")
