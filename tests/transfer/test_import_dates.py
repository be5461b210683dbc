"""Dates as people write them: European, US and month-name files import with the right days in
the status history; the order of day and month is settled per column and shown on the check
page, which can switch it; a date that fits no reading is refused naming the forms; numbers
with a decimal comma."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from clientdesk.clients.models import Client as ClientModel
from clientdesk.clients.models import StatusChange
from clientdesk.transfer.dates import DMY, MDY, DateColumn, DateError, read_decimal
from clientdesk.transfer.models import ImportJob, State
from clientdesk.transfer.queries import import_errors
from clientdesk.transfer.services import import_file

URL = "/a/acme/imports/"


def _run(cast, tmp_path, text: str | bytes, name="clients.csv", *, dry_run=False) -> ImportJob:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return import_file(
        account=cast.account,
        membership=cast.manager,
        kind="clients",
        path=str(path),
        mode="upsert",
        dry_run=dry_run,
    )


def _days(cast) -> dict[str, dt.date]:
    """Each client's day of its last status change (the account's zone is UTC)."""
    return {
        prefix: at.date()
        for prefix, at in StatusChange.objects.filter(account=cast.account).values_list(
            "client__prefix", "at"
        )
    }


def _errors(job: ImportJob) -> dict[int, str]:
    return {e.row: e.message for e in import_errors(job)}


# One value at a time ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-15",
        "2024/2/15",
        "20240215",
        "15/02/2024",
        "15.02.2024",
        "15-02-2024",
        "15/2/24",
        "15 Feb 2024",
        "15-Feb-24",
        "15 february 2024",
        "Feb 15, 2024",
        "February 15th 2024",
        "Thu, 15 Feb 2024",
        "45337",  # a spreadsheet's serial number, as a CSV saved from it may hold
    ],
)
def test_every_written_form_of_one_day_reads_as_that_day(text):
    assert DateColumn("status_since", DMY).read(text) == dt.date(2024, 2, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/02/2024 14:30", dt.datetime(2024, 2, 15, 14, 30)),
        ("2/15/2024 2:30 PM", dt.datetime(2024, 2, 15, 14, 30)),
        ("2024-02-15T14:30:00Z", dt.datetime(2024, 2, 15, 14, 30, tzinfo=dt.UTC)),
        ("45337.5", dt.datetime(2024, 2, 15, 12, 0)),
    ],
)
def test_date_times_keep_their_time(text, expected):
    assert DateColumn("status_since", DMY).read(text) == expected


def test_the_order_is_settled_by_the_first_value_over_twelve_and_kept_for_the_column():
    column = DateColumn("status_since", MDY)  # the account would read month first
    assert column.read("25/03/2024") == dt.date(2024, 3, 25)
    assert column.read("03/04/2024") == dt.date(2024, 4, 3)  # day first, as settled
    assert column.reading()["order"] == DMY and column.reading()["source"] == "file"
    with pytest.raises(DateError) as refused:
        column.read("02/15/2024")  # a month-first date in a day-first column
    assert "DD/MM/YYYY" in str(refused.value) and "15 Feb 2024" in str(refused.value)


@pytest.mark.parametrize("text", ["31/02/2024", "13/13/2024", "2024-13-01", "soon", "1/2/123"])
def test_a_date_that_fits_no_reading_is_refused_naming_the_forms(text):
    with pytest.raises(DateError) as refused:
        DateColumn("status_since", DMY).read(text)
    message = str(refused.value)
    assert text in message
    assert "YYYY-MM-DD" in message and "DD/MM/YYYY" in message and "Feb 15, 2024" in message


@pytest.mark.parametrize(
    ("text", "comma", "expected"),
    [
        ("1234.50", False, "1234.50"),
        ("1,234.50", False, "1234.50"),
        ("1.234,50", False, "1234.50"),
        ("1 234,50", False, "1234.50"),
        ("1234,5", False, "1234.5"),
        ("1,234", False, "1234"),
        ("1,234", True, "1.234"),
        ("1.234", True, "1234"),
        ("-7,25", True, "-7.25"),
    ],
)
def test_numbers_read_with_a_decimal_point_or_a_decimal_comma(text, comma, expected):
    assert read_decimal(text, comma=comma) == Decimal(expected)


# Whole files -------------------------------------------------------------------------------


def test_a_european_file_imports_with_the_right_days(cast, tmp_path):
    job = _run(
        cast,
        tmp_path,
        "Prefix,Name,Status since\r\n"
        "APR,Three April,03/04/2024\r\n"  # read before any value settles the order
        "MAR,Twenty-fifth March,25.03.2024\r\n"
        "JAN,Second January,02-01-24\r\n",
    )
    assert job.state == State.DONE and job.counts["created"] == 3, _errors(job)
    assert _days(cast) == {
        "APR": dt.date(2024, 4, 3),
        "MAR": dt.date(2024, 3, 25),
        "JAN": dt.date(2024, 1, 2),
    }
    reading = job.dates["status_since"]
    assert reading["order"] == DMY and reading["source"] == "file"
    assert reading["evidence"] == "25.03.2024" and reading["ambiguous"] == 2
    assert reading["samples"][0] == ["03/04/2024", "2024-04-03", True]


def test_a_us_file_imports_with_the_right_days(cast, tmp_path):
    job = _run(
        cast,
        tmp_path,
        "Prefix,Name,Status since\r\n"
        "MAR,Fourth March,3/4/2024\r\n"
        "FEB,Fifteenth February,2/15/2024 9:30 AM\r\n"
        "DEC,First December,12/1/23\r\n",
    )
    assert job.counts["created"] == 3, _errors(job)
    assert _days(cast) == {
        "MAR": dt.date(2024, 3, 4),
        "FEB": dt.date(2024, 2, 15),
        "DEC": dt.date(2023, 12, 1),
    }
    assert StatusChange.objects.get(client__prefix="FEB").at.hour == 9
    assert job.dates["status_since"]["order"] == MDY


def test_a_file_with_month_names_imports_with_the_right_days(cast, tmp_path):
    job = _run(
        cast,
        tmp_path,
        "Prefix,Name,Status since\r\n"
        "FEB,Feb,15 Feb 2024\r\n"
        'MAY,May,"May 3, 2023"\r\n'
        "SEP,Sep,1-Sept-22\r\n",
    )
    assert job.counts["created"] == 3, _errors(job)
    assert _days(cast) == {
        "FEB": dt.date(2024, 2, 15),
        "MAY": dt.date(2023, 5, 3),
        "SEP": dt.date(2022, 9, 1),
    }


def test_a_column_nothing_settles_is_read_in_the_accounts_order(cast, tmp_path):
    cast.account.time_zone = "America/Chicago"
    cast.account.save()
    job = _run(cast, tmp_path, "Prefix,Name,Status since\r\nAPR,April,4/3/2024\r\n")
    assert _days(cast) == {"APR": dt.date(2024, 4, 3)}  # month first, as in Chicago
    assert job.dates["status_since"]["source"] == "locale"


def test_a_value_that_settles_the_order_far_down_the_file_decides_the_rows_before_it(
    cast, tmp_path
):
    rows = "".join(f"C{i:03d},Client {i},0{1 + i % 9}/01/2024\r\n" for i in range(300))
    job = _run(cast, tmp_path, "Prefix,Name,Status since\r\n" + rows + "LAST,Last,1/31/2024\r\n")
    assert job.counts["created"] == 301, _errors(job)
    days = _days(cast)
    assert days["C001"] == dt.date(2024, 2, 1)  # 02/01/2024, month first as row 302 says
    assert days["LAST"] == dt.date(2024, 1, 31)
    assert job.dates["status_since"]["evidence"] == "1/31/2024"


def test_bad_dates_are_rejected_naming_the_forms_and_the_good_rows_go_in(cast, tmp_path):
    job = _run(
        cast,
        tmp_path,
        "Prefix,Name,Status since\r\nGOOD,Good,15/02/2024\r\nBAD,Bad,31/02/2024\r\n",
    )
    assert job.counts["created"] == 1 and job.counts["rejected"] == 1
    message = _errors(job)[3]
    assert "31/02/2024 is not a date" in message and "DD/MM/YYYY" in message


def test_a_workbook_with_date_cells_serial_numbers_and_text_dates(cast, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Prefix", "Name", "Status since"])
    sheet.append(["CELL", "Date cell", dt.date(2024, 2, 15)])
    sheet.append(["SERIAL", "A number", 45337])
    sheet.append(["TEXT", "Text", "25/12/2023"])
    path = tmp_path / "clients.xlsx"
    book.save(path)
    job = _run(cast, tmp_path, path.read_bytes(), name="clients.xlsx")
    assert job.counts["created"] == 3, _errors(job)
    assert _days(cast) == {
        "CELL": dt.date(2024, 2, 15),
        "SERIAL": dt.date(2024, 2, 15),
        "TEXT": dt.date(2023, 12, 25),
    }


# The check page ----------------------------------------------------------------------------


def _checked(cast, finish, rows: str) -> tuple[Client, ImportJob]:
    """A manager uploads a file of these rows under a Status since column and checks it."""
    http = Client()
    http.force_login(cast.manager.user)
    text = "Prefix,Name,Status since\r\n" + rows
    upload = SimpleUploadedFile("clients.csv", text.encode(), content_type="text/csv")
    http.post(URL, {"kind": "clients", "mode": "upsert", "file": upload})
    job = ImportJob.objects.get()
    finish(
        http.post,
        f"{URL}{job.pk}/columns/",
        {"column_0": "prefix", "column_1": "name", "column_2": "status_since", "action": "check"},
    )
    return http, job


def test_the_check_page_says_how_it_read_the_dates_and_switches_the_order(cast, finish):
    http, job = _checked(cast, finish, "APR,April,03/04/2024\r\nMAY,May,05/06/2024\r\n")
    page = http.get(f"{URL}{job.pk}/")
    assert "How the dates were read" in page.text
    assert "read day first (DD/MM/YYYY)" in page.text
    assert "3 April 2024" in page.text
    assert "Read month first (MM/DD/YYYY) and check again" in page.text

    response = finish(http.post, f"{URL}{job.pk}/dates/", {"field": "status_since", "order": MDY})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.dry_run and job.state == State.DONE and job.date_orders == {"status_since": MDY}
    page = http.get(f"{URL}{job.pk}/")
    assert "read month first (MM/DD/YYYY), as you chose." in page.text
    assert "4 March 2024" in page.text

    finish(http.post, f"{URL}{job.pk}/run/")
    job.refresh_from_db()
    assert job.state == State.DONE and not job.dry_run
    assert _days(cast) == {"APR": dt.date(2024, 3, 4), "MAY": dt.date(2024, 5, 6)}
    assert ClientModel.objects.count() == 2


def test_a_column_of_iso_dates_and_month_names_says_the_order_did_not_matter(cast, finish):
    http, job = _checked(cast, finish, "APR,April,2024-03-04\r\nMAY,May,15 Feb 2024\r\n")
    page = http.get(f"{URL}{job.pk}/")
    assert "Each date says which part is its month, so the order of day and month did not" in (
        page.text
    )
    assert "read day first" not in page.text and "read month first" not in page.text
    assert "4 March 2024" in page.text and "15 February 2024" in page.text
    assert "and check again" not in page.text  # nothing to switch


def test_the_switch_is_refused_for_a_column_that_holds_no_dates(cast, finish):
    http = Client()
    http.force_login(cast.manager.user)
    upload = SimpleUploadedFile("c.csv", b"Prefix,Name\r\nAPR,April\r\n", content_type="text/csv")
    http.post(URL, {"kind": "clients", "mode": "upsert", "file": upload})
    job = ImportJob.objects.get()
    finish(
        http.post,
        f"{URL}{job.pk}/columns/",
        {"column_0": "prefix", "column_1": "name", "action": "check"},
    )
    http.post(f"{URL}{job.pk}/dates/", {"field": "name", "order": MDY})
    job.refresh_from_db()
    assert job.date_orders == {}
    page = http.get(f"{URL}{job.pk}/")
    assert "This file has no such date column." in page.text


def test_a_money_or_hours_column_settles_its_decimal_comma_from_its_values(cast, tmp_path):
    from clientdesk.transfer.kinds import DECIMAL, Column, Kind
    from clientdesk.transfer.parse import RowParser
    from clientdesk.transfer.readers import open_sheet

    hours = Kind(
        name="hours",
        label="Hours",
        key=("ref",),
        writer="",
        columns=(Column("ref", "Ref"), Column("hours", "Hours", type=DECIMAL)),
    )
    path = tmp_path / "hours.csv"
    # "1.234" alone could be either; "12,5" further down says: a decimal comma.
    path.write_text('Ref;Hours\r\nA;1.234\r\nB;"1.234,50"\r\nC;12,5\r\n', encoding="utf-8")
    parser = RowParser(hours, cast.account, ["ref", "hours"])
    for column in parser.decimals.values():
        column.scan = lambda: open_sheet(path)
    with open_sheet(path) as sheet:
        read = [parser.parse(values)[0]["hours"] for _n, values in sheet.rows()]
    assert read == [Decimal("1234"), Decimal("1234.50"), Decimal("12.5")]


def test_a_workbook_reads_ahead_for_the_value_that_settles_its_text_dates(cast, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Prefix", "Name", "Status since"])
    sheet.append(["FIRST", "First", "02/03/2024"])  # ambiguous: read ahead
    sheet.append(["CELL", "A date cell", dt.date(2024, 2, 15)])
    sheet.append(["LAST", "Last", "12/31/2023"])  # month first
    path = tmp_path / "ahead.xlsx"
    book.save(path)
    job = _run(cast, tmp_path, path.read_bytes(), name="ahead.xlsx")
    assert job.counts["created"] == 3, _errors(job)
    assert _days(cast)["FIRST"] == dt.date(2024, 2, 3)
    assert job.dates["status_since"]["evidence"] == "12/31/2023"
