"""The import templates: what a person downloads from the Bulk import page to fill in."""

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from clientdesk.clients.models import Industry
from clientdesk.transfer.import_templates import template_csv, template_xlsx
from clientdesk.transfer.kinds import CLIENTS, CONTACTS, KINDS

YELLOW = "00FFFF00"


def signed_in(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def list_values(lists, validation) -> list[str]:
    """The values a drop-down offers: a range of the hidden Lists sheet."""
    found = re.fullmatch(r"'?Lists'?!\$([A-Z]+)\$1:\$([A-Z]+)\$(\d+)", validation.formula1)
    assert found, validation.formula1
    column, _same, last = found.groups()
    return [c.value for c in lists[column][: int(last)]]


@pytest.mark.parametrize("kind", [CLIENTS, CONTACTS], ids=lambda k: k.name)
def test_the_csv_template_is_the_labels_and_one_example_row_with_a_bom(cast, kind):
    data = template_csv(kind.name, cast.account)
    assert data.startswith(b"\xef\xbb\xbf")
    header, example = list(csv.reader(io.StringIO(data[3:].decode())))
    assert header == [str(c.label) for c in kind.columns]
    assert example[0] == kind.columns[0].example
    assert len(example) == len(header)


@pytest.mark.parametrize("kind", [CLIENTS, CONTACTS], ids=lambda k: k.name)
def test_the_xlsx_template_marks_exactly_the_required_headers_in_yellow_and_bold(cast, kind):
    sheet = workbook(template_xlsx(kind.name, cast.account))["Import"]
    header = [cell for cell in sheet[1]]
    assert [c.value for c in header] == [str(c.label) for c in kind.columns]
    yellow = {
        c.value for c in header if c.fill.fill_type == "solid" and c.fill.fgColor.rgb == YELLOW
    }
    assert yellow == {str(c.label) for c in kind.columns if c.required}
    assert all(c.font.b for c in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1  # nothing to delete before filling it in
    assert all(sheet.column_dimensions[c.column_letter].width >= 14 for c in header)


def test_the_xlsx_template_has_drop_downs_on_the_columns_with_fixed_values(cast):
    Industry.objects.create(account=cast.account, name="Équipement & Co")
    book = workbook(template_xlsx("clients", cast.account))
    sheet, lists = book["Import"], book["Lists"]
    assert lists.sheet_state == "hidden"
    letters = {
        str(c.label): cell.column_letter for c, cell in zip(CLIENTS.columns, sheet[1], strict=True)
    }
    by_range = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    expected = {
        "Status": [
            "Lead",
            "Prospect",
            "Invited",
            "Waiting",
            "Active",
            "At risk",
            "Off-boarding",
            "Inactive",
        ],
        "Engagement": ["Silent", "Access sent", "Engaged"],
        "Industry": sorted(
            Industry.objects.filter(account=cast.account).values_list("name", flat=True)
        ),
    }
    assert len(by_range) == len(expected)  # only the columns with fixed values
    for label, values in expected.items():
        letter = letters[label]
        validation = by_range[f"{letter}2:{letter}10000"]
        assert validation.type == "list" and validation.allow_blank
        # The values sit in the hidden sheet (an inline list stops at 255 characters).
        assert list_values(lists, validation) == values
    assert len(", ".join(expected["Industry"])) > 100  # the seeded list is long already


def test_the_contacts_template_offers_yes_and_no(cast):
    book = workbook(template_xlsx("contacts", cast.account))
    sheet, lists = book["Import"], book["Lists"]
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 3  # primary, secondary, active
    for validation in validations:
        assert list_values(lists, validation) == ["yes", "no"]


def test_the_columns_sheet_explains_every_column(cast):
    book = workbook(template_xlsx("clients", cast.account))
    assert book.sheetnames == ["Import", "Columns", "Lists"]
    rows = list(book["Columns"].values)
    assert rows[0] == ("Column", "Required", "What it holds", "Example", "Accepted values")
    explained = {row[0]: row for row in rows[1:]}
    assert list(explained) == [str(c.label) for c in CLIENTS.columns]
    assert explained["Prefix"][1:4] == ("yes", str(CLIENTS.column("prefix").help), "ACME")
    assert explained["Status since"][1] == "no"
    # Dates as people write them.
    assert all(
        f in explained["Status since"][2] for f in ("2024-03-01", "01/03/2024", "1 Mar 2024")
    )
    assert "inactive" in explained["Client since"][2]
    assert explained["Status"][4].startswith("Lead, Prospect, Invited")
    assert explained["Primary contact phone"][3] == "+44 20 7946 0000"
    # A column without help of its own still says what it holds.
    assert all(row[2] for row in rows[1:])
    assert explained["Industry"][3] == "Healthcare"  # one of the account's industries


def test_the_industry_example_is_one_the_account_really_has(cast):
    Industry.objects.filter(account=cast.account).exclude(name="Legal").delete()
    data = template_csv("clients", cast.account)
    header, example = list(csv.reader(io.StringIO(data[3:].decode())))
    assert example[header.index("Industry")] == "Legal"


def test_no_template_cell_is_a_formula(cast):
    for kind in KINDS:
        with zipfile.ZipFile(io.BytesIO(template_xlsx(kind, cast.account))) as z:
            sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
            assert sheets and not any(b"<f>" in z.read(n) for n in sheets)


# Downloads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fmt", "content_type"),
    [
        ("clients", "csv", "text/csv; charset=utf-8"),
        ("contacts", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_a_manager_downloads_a_template_from_its_page_url(cast, kind, fmt, content_type):
    url = reverse("import_template", args=[cast.account.slug, kind, fmt])
    assert url == f"/a/acme/transfer/templates/{kind}.{fmt}"
    response = signed_in(cast.manager).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="clientdesk-{kind}-template.{fmt}"'
    )


def test_templates_are_for_the_roles_that_import(cast):
    url = reverse("import_template", args=[cast.account.slug, "clients", "xlsx"])
    assert signed_in(cast.viewer).get(url).status_code == 403
    assert signed_in(cast.technician).get(url).status_code == 403
    assert signed_in(cast.outsider).get(url).status_code == 404


@pytest.mark.parametrize("tail", ["tickets.csv", "clients.pdf", "clients.CSV"])
def test_an_unknown_kind_or_format_is_not_found(cast, tail):
    response = signed_in(cast.manager).get(f"/a/acme/transfer/templates/{tail}")
    assert response.status_code == 404
