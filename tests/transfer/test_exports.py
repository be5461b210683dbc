"""Exports from the pages: the Clients list as shown or in its import columns, and a client's
contacts, as CSV and XLSX."""

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from clientdesk.clients.models import Client as ClientModel
from clientdesk.clients.models import Industry
from clientdesk.clients.services import client_set_archived, client_set_tags
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from clientdesk.core.models import ListPreference
from clientdesk.core.services import membership_set_client_access
from clientdesk.transfer import exports
from clientdesk.transfer.exports import (
    client_rows_for_import,
    contact_rows_for_import,
    csv_chunks,
)
from clientdesk.transfer.kinds import CLIENTS, CONTACTS
from clientdesk.transfer.xlsx_stream import xlsx_chunks
from tests.clients.factories import make_client

EXPORT = "/a/acme/transfer/export/clients/"
FORMULAS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def signed_in(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode(), newline="")))


def xlsx_rows(response) -> list[tuple]:
    assert isinstance(response, StreamingHttpResponse)
    data = body(response)
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.values)


def xlsx_file(header: list[str], rows: list, *, title: str) -> io.BytesIO:
    return io.BytesIO(b"".join(xlsx_chunks(header, rows, title=title)))


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


# The writers ---------------------------------------------------------------------------------


def test_csv_neutralises_every_formula_start_and_leaves_the_rest_alone():
    rows = [[text, 12, -5, date(2024, 3, 1), "plain", "a = b"] for text in FORMULAS]
    data = b"".join(csv_chunks(["Name", "N", "Neg", "Day", "Plain", "Mid"], rows))
    read = list(csv.reader(io.StringIO(data[3:].decode(), newline="")))
    assert [row[0] for row in read[1:]] == ["'" + text for text in FORMULAS]
    # Numbers and dates are not text: they are written as they are.
    assert read[1][1:] == ["12", "-5", "2024-03-01", "plain", "a = b"]


def test_a_phone_written_as_negative_text_gets_the_quote_too():
    data = b"".join(csv_chunks(["Phone"], [["-123"]]))
    assert data.decode("utf-8-sig").splitlines()[1] == "'-123"


def test_csv_keeps_accents_quotes_and_line_breaks():
    rows = [["Zoë “Ltd”, Ørsted", 'say "hi"\r\nsecond line']]
    data = b"".join(csv_chunks(["A", "B"], rows))
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert read[1] == rows[0]


def test_csv_comes_in_chunks_of_a_few_hundred_rows(monkeypatch):
    monkeypatch.setattr(exports, "CSV_ROWS_PER_WRITE", 10)
    chunks = list(csv_chunks(["N"], ([str(i)] for i in range(25))))
    assert len(chunks) == 4  # header, 10, 10, 5
    assert b"".join(chunks).decode("utf-8-sig").split() == ["N", *map(str, range(25))]


def test_xlsx_writes_formula_like_text_as_strings_never_formulas():
    values = [*FORMULAS, "#N/A", "Zoë\nline two", "Ünïcødé ✓"]
    file = xlsx_file(["Text", "Day"], [[v, date(2024, 3, 1)] for v in values], title="Clients")
    data = file.read()
    xml = sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml
    assert 't="e"' not in xml  # "#N/A" is text, not an error cell
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.values)
    assert rows[0] == ("Text", "Day")
    # Intact, without a quote; a carriage return is the line break a spreadsheet uses.
    expected = [v.replace("\r", "\n") for v in values]
    assert [row[0] for row in rows[1:]] == expected
    assert all(row[1] == datetime(2024, 3, 1) for row in rows[1:])  # a real date cell


def test_xlsx_drops_characters_a_spreadsheet_cannot_hold():
    file = xlsx_file(["A"], [["bell\x07 and nul\x00"]], title="X")
    rows = list(openpyxl.load_workbook(file).active.values)
    assert rows[1] == ("bell and nul",)


def test_xlsx_header_is_bold_and_frozen():
    book = openpyxl.load_workbook(xlsx_file(["Prefix", "Name"], [], title="Clients"))
    sheet = book["Clients"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])


# Clients as shown ------------------------------------------------------------------------------


@pytest.fixture
def roster(cast):
    legal = Industry.objects.get(account=cast.account, name="Legal")
    clients = {
        "bpm": make_client(cast, prefix="BPM", name="Blue Peak Media", industry=legal),
        "zed": make_client(cast, prefix="ZED", name="Zed Ltd", status="lead"),
        "acm": make_client(cast, prefix="ACM", name='=HYPERLINK("http://evil")'),
        "old": make_client(cast, prefix="OLD", name="Old Corp"),
    }
    client_set_archived(client=clients["old"], actor=None, archived=True)
    return clients


def test_the_list_export_has_the_persons_visible_columns_and_the_lists_rows(cast, roster):
    ListPreference.objects.create(
        account=cast.account,
        user=cast.manager.user,
        list_name="clients",
        columns=["prefix", "name", "status", "industry", "created"],
    )
    rows = csv_rows(signed_in(cast.manager).get(EXPORT, {"format": "csv"}))
    assert rows[0] == ["Prefix", "Name", "Status", "Industry", "Created"]
    today = date.today().isoformat()
    # Sorted by name as the page is; archived clients are not on the All tab.
    assert rows[1:] == [
        ["ACM", '\'=HYPERLINK("http://evil")', "Active", "", today],
        ["BPM", "Blue Peak Media", "Active", "Legal", today],
        ["ZED", "Zed Ltd", "Lead", "", today],
    ]


def test_the_list_export_follows_the_tab_filters_search_and_sort(cast, roster):
    manager = signed_in(cast.manager)
    leads = csv_rows(manager.get(EXPORT, {"tab": "leads"}))
    assert [r[0] for r in leads[1:]] == ["ZED"]
    searched = csv_rows(manager.get(EXPORT, {"q": "blue"}))
    assert [r[0] for r in searched[1:]] == ["BPM"]
    legal = Industry.objects.get(account=cast.account, name="Legal")
    filtered = csv_rows(manager.get(EXPORT, {"industry": legal.pk, "status": "active"}))
    assert [r[0] for r in filtered[1:]] == ["BPM"]
    by_prefix = csv_rows(manager.get(EXPORT, {"sort": "-prefix"}))
    assert [r[0] for r in by_prefix[1:]] == ["ZED", "BPM", "ACM"]
    archived = csv_rows(manager.get(EXPORT, {"tab": "archived"}))
    assert [r[0] for r in archived[1:]] == ["OLD"]
    # A cursor in the address bar (the page the person was on) does not cut the export.
    paged = csv_rows(manager.get(EXPORT, {"size": 25, "cursor": "garbage"}))
    assert len(paged) == 4


def test_the_list_export_reads_every_chunk_once_in_order(cast, roster, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)
    for n in range(5):
        make_client(cast, prefix=f"N{n}", name=f"Name {n}")
    rows = csv_rows(signed_in(cast.manager).get(EXPORT, {"sort": "prefix"}))
    prefixes = [r[0] for r in rows[1:]]
    assert prefixes == sorted(prefixes) and len(prefixes) == len(set(prefixes)) == 8


def test_the_list_export_as_xlsx_has_dates_and_no_formulas(cast, roster):
    ListPreference.objects.create(
        account=cast.account,
        user=cast.manager.user,
        list_name="clients",
        columns=["prefix", "name", "status_since"],
    )
    response = signed_in(cast.manager).get(EXPORT, {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert re.fullmatch(
        r'attachment; filename="clientdesk-clients-\d{4}-\d{2}-\d{2}\.xlsx"',
        response["Content-Disposition"],
    )
    assert "no-store" in response["Cache-Control"]
    data = body(response)
    assert "<f>" not in sheet_xml(data)
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.values)
    assert rows[0] == ("Prefix", "Name", "Status since")
    assert rows[1][1] == '=HYPERLINK("http://evil")'  # intact, as a string
    assert isinstance(rows[1][2], datetime)


def test_restricted_staff_export_only_the_clients_they_may_see(cast, roster):
    child = make_client(cast, prefix="KID", name="Kid Co", parent=roster["bpm"])
    membership_set_client_access(
        actor=cast.owner, membership=cast.manager, access="allow", clients=[child]
    )
    manager = signed_in(cast.manager)
    shown = csv_rows(manager.get(EXPORT, {"columns": "shown"}))
    assert [r[0] for r in shown[1:]] == ["KID"]
    full = csv_rows(manager.get(EXPORT, {"columns": "import"}))
    assert [r[0] for r in full[1:]] == ["KID"]
    # Its parent is outside the list: not even its prefix comes out.
    assert full[1][full[0].index("Parent prefix")] == ""

    membership_set_client_access(
        actor=cast.owner, membership=cast.manager, access="deny", clients=[roster["bpm"]]
    )
    denied = csv_rows(manager.get(EXPORT))
    assert [r[0] for r in denied[1:]] == ["ACM", "ZED"]  # BPM and its sub-client are hidden


def test_export_needs_the_export_role(cast, roster):
    for role in ("viewer", "technician"):
        assert signed_in(cast.member(role)).get(EXPORT).status_code == 403
    for role in ("manager", "admin", "owner"):
        assert signed_in(cast.member(role)).get(EXPORT).status_code == 200


def test_another_account_cannot_export_ours(cast, roster):
    assert signed_in(cast.outsider).get(EXPORT).status_code == 404
    # At their own account, they export their own (empty) list.
    rows = csv_rows(signed_in(cast.outsider).get("/a/globex/transfer/export/clients/"))
    assert len(rows) == 1


def test_signed_out_is_sent_to_sign_in(cast):
    response = Client().get(EXPORT)
    assert response.status_code == 302 and "next=" in response.url


@pytest.mark.parametrize("query", [{"format": "pdf"}, {"columns": "every"}])
def test_a_malformed_export_link_is_a_bad_request(cast, query):
    response = signed_in(cast.manager).get(EXPORT, query)
    assert response.status_code == 400
    assert "Choose" in response.text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_nul_in_the_search_is_refused_before_the_export_starts(cast, roster, fmt):
    response = signed_in(cast.manager).get(EXPORT, {"q": "bl\x00ue", "format": fmt})
    assert response.status_code == 400
    assert response.text == "Text cannot contain NUL characters."


ODD_BUT_HARMLESS = [
    {"q": "bl\x01ue"},
    {"q": "\x1b[31m"},
    {"q": "a\x7fb"},
    {"manager": "1" * 23},
    {"industry": str(2**63)},
    {"tag": "1" * 5000},
    {"manager": "²"},
    {"industry": "12\x00"},
]


@pytest.mark.parametrize("query", ODD_BUT_HARMLESS)
def test_odd_filters_give_a_complete_export(cast, roster, query):
    manager = signed_in(cast.manager)
    rows = csv_rows(manager.get(EXPORT, {**query, "sort": "prefix"}))
    expected = [] if "q" in query else ["ACM", "BPM", "ZED"]  # an odd id is no filter at all
    assert rows[0][0] == "Prefix" and [r[0] for r in rows[1:]] == expected
    sheet = xlsx_rows(manager.get(EXPORT, {**query, "sort": "prefix", "format": "xlsx"}))
    assert [r[0] for r in sheet[1:]] == expected


# The import columns ------------------------------------------------------------------------


def test_the_import_columns_export_holds_what_the_importer_reads(cast, roster):
    account = cast.account
    account.time_zone = "Pacific/Auckland"
    account.save()
    bpm = roster["bpm"]
    # 20:00 UTC on 1 March is already 2 March in Auckland.
    ClientModel.objects.filter(pk=bpm.pk).update(
        status_changed_at=datetime(2024, 3, 1, 20, 0, tzinfo=UTC),
        manager=cast.manager.user,
        description="Line one\nline two",
        billing_email="ap@bpm.example",
        currency="EUR",
    )
    child = make_client(cast, prefix="KID", name="Kid Co", parent=bpm, status="prospect")
    client_set_tags(client=bpm, actor=None, names=["vip", "Dental"])
    contact_create(
        client=bpm,
        actor=None,
        is_primary=True,
        first_name="Ana",
        last_name="Löw",
        email="ana@bpm.example",
        phone="+44 20 7946 0000",
    )
    contact_create(client=bpm, actor=None, first_name="Not", email="not@bpm.example")
    response = signed_in(cast.manager).get(
        EXPORT, {"columns": "import", "format": "xlsx", "sort": "prefix"}
    )
    rows = xlsx_rows(response)
    assert list(rows[0]) == [str(c.label) for c in CLIENTS.columns]
    by_prefix = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert list(by_prefix) == ["ACM", "BPM", "KID", "ZED"]
    assert by_prefix["BPM"] == {
        "Prefix": "BPM",
        "Name": "Blue Peak Media",
        "Description": "Line one\nline two",
        "Status": "Active",
        "Status since": datetime(2024, 3, 2),
        "Client since": None,  # an active client's start is its Status since
        "Engagement": "Silent",
        "Industry": "Legal",
        "Manager email": cast.manager.user.email,
        "Parent prefix": None,
        "License": None,
        "Billing email": "ap@bpm.example",
        "Billing address": None,
        "Tax ID": None,
        "Payment terms": None,
        "Currency": "EUR",
        "Tags": "Dental, vip",
        "Primary contact first name": "Ana",
        "Primary contact last name": "Löw",
        "Primary contact email": "ana@bpm.example",
        "Primary contact phone": "+44 20 7946 0000",
    }
    assert by_prefix["KID"]["Parent prefix"] == "BPM"
    assert by_prefix["KID"]["Status"] == "Prospect"
    assert child.pk


def test_client_rows_for_import_reads_any_queryset_in_the_kinds_column_order(cast, roster):
    rows = list(
        client_rows_for_import(ClientModel.objects.filter(account=cast.account), cast.account)
    )
    assert [r[0] for r in rows] == ["ACM", "BPM", "OLD", "ZED"]  # by prefix when unordered
    assert all(len(r) == len(CLIENTS.columns) for r in rows)
    status_since = [c.name for c in CLIENTS.columns].index("status_since")
    assert rows[0][status_since] == date.today()
    # Another account's queryset yields nothing for this account.
    assert list(client_rows_for_import(ClientModel.objects.all(), cast.other_account)) == []


def test_contact_rows_for_import_say_yes_and_no(cast, roster):
    bpm = roster["bpm"]
    contact_create(client=bpm, actor=None, is_primary=True, first_name="Ana", email="a@b.example")
    contact_create(
        client=bpm, actor=None, first_name="Bo", email="bo@b.example", title="=cmd", city="Köln"
    )
    rows = list(contact_rows_for_import(Contact.objects.all(), cast.account))
    names = [c.name for c in CONTACTS.columns]
    assert [dict(zip(names, r, strict=True)) for r in rows] == [
        {
            **{name: "" for name in names},
            "client_prefix": "BPM",
            "first_name": "Ana",
            "email": "a@b.example",
            "is_primary": "yes",
            "is_secondary": "no",
            "active": "yes",
        },
        {
            **{name: "" for name in names},
            "client_prefix": "BPM",
            "first_name": "Bo",
            "email": "bo@b.example",
            "title": "=cmd",
            "city": "Köln",
            "is_primary": "no",
            "is_secondary": "no",
            "active": "yes",
        },
    ]


# A client's contacts -----------------------------------------------------------------------


def contacts_url(client) -> str:
    return f"/a/acme/transfer/export/clients/{client.pk}/contacts/"


@pytest.fixture
def people(cast, roster):
    bpm = roster["bpm"]
    contact_create(client=bpm, actor=None, is_primary=True, first_name="Ana", email="ana@x.example")
    contact_create(client=bpm, actor=None, first_name="Bob", last_name="=Evil", phone="-123")
    contact_create(client=roster["zed"], actor=None, first_name="Zoe", email="zoe@x.example")
    return bpm


def test_a_clients_contacts_export_in_the_contacts_import_columns(cast, people):
    response = signed_in(cast.manager).get(contacts_url(people), {"format": "csv"})
    assert re.fullmatch(
        r'attachment; filename="clientdesk-contacts-BPM-\d{4}-\d{2}-\d{2}\.csv"',
        response["Content-Disposition"],
    )
    rows = csv_rows(response)
    assert rows[0] == [str(c.label) for c in CONTACTS.columns]
    names = [c.name for c in CONTACTS.columns]
    found = [dict(zip(names, row, strict=True)) for row in rows[1:]]
    # In the tab's order (last name, then first name: "=" sorts before letters).
    assert [(r["first_name"], r["last_name"], r["phone"]) for r in found] == [
        ("Bob", "'=Evil", "'-123"),
        ("Ana", "", ""),
    ]
    assert {r["client_prefix"] for r in found} == {"BPM"}  # not Zed's Zoe
    assert [r["is_primary"] for r in found] == ["no", "yes"]


def test_the_contacts_export_follows_the_tabs_search_and_sort(cast, people):
    manager = signed_in(cast.manager)
    searched = xlsx_rows(manager.get(contacts_url(people), {"format": "xlsx", "q": "bob"}))
    assert [r[1] for r in searched[1:]] == ["Bob"]
    assert searched[1][2] == "=Evil"  # a string cell, intact
    reverse = csv_rows(manager.get(contacts_url(people), {"sort": "-first_name"}))
    assert [r[1] for r in reverse[1:]] == ["Bob", "Ana"]


def test_the_contacts_export_refuses_a_nul_in_the_search_and_takes_other_controls(cast, people):
    manager = signed_in(cast.manager)
    refused = manager.get(contacts_url(people), {"q": "b\x00ob"})
    assert refused.status_code == 400 and refused.text == "Text cannot contain NUL characters."
    rows = csv_rows(manager.get(contacts_url(people), {"q": "b\x01ob"}))
    assert rows[0][0] == str(CONTACTS.columns[0].label) and rows[1:] == []


def test_the_contacts_export_is_scoped_and_needs_the_export_role(cast, people):
    assert signed_in(cast.viewer).get(contacts_url(people)).status_code == 403
    assert signed_in(cast.technician).get(contacts_url(people)).status_code == 403
    # Another account's client is not found, at their slug or ours.
    outsider = signed_in(cast.outsider)
    assert outsider.get(contacts_url(people)).status_code == 404
    own_slug = f"/a/globex/transfer/export/clients/{people.pk}/contacts/"
    assert outsider.get(own_slug).status_code == 404
    # A client outside a manager's allow-list is not found either.
    other = make_client(cast, prefix="ELSE")
    membership_set_client_access(
        actor=cast.owner, membership=cast.manager, access="allow", clients=[other]
    )
    assert signed_in(cast.manager).get(contacts_url(people)).status_code == 404


# The controls on the pages ---------------------------------------------------------------------


def export_links(html: str) -> dict[str, str]:
    return {
        name: href.replace("&amp;", "&")
        for href, name in re.findall(r'<a href="([^"]+)" download data-export="([^"]+)"', html)
    }


def test_the_clients_page_offers_exports_carrying_its_query_string(cast, roster):
    response = signed_in(cast.manager).get("/a/acme/clients/", {"tab": "leads", "q": "zed"})
    links = export_links(response.text)
    assert links == {
        "shown-csv": f"{EXPORT}?format=csv&columns=shown&tab=leads&q=zed",
        "shown-xlsx": f"{EXPORT}?format=xlsx&columns=shown&tab=leads&q=zed",
        "import-csv": f"{EXPORT}?format=csv&columns=import&tab=leads&q=zed",
        "import-xlsx": f"{EXPORT}?format=xlsx&columns=import&tab=leads&q=zed",
    }
    # The link gives what the page shows.
    rows = csv_rows(signed_in(cast.manager).get(links["shown-csv"]))
    assert [r[0] for r in rows[1:]] == ["ZED"]
    # An htmx refresh of the results carries the menu with the new query.
    partial = signed_in(cast.manager).get(
        "/a/acme/clients/", {"tab": "active"}, headers={"HX-Request": "true"}
    )
    assert (
        export_links(partial.text)["shown-csv"] == f"{EXPORT}?format=csv&columns=shown&tab=active"
    )


def test_viewers_and_technicians_see_no_export_control(cast, people):
    for role in ("viewer", "technician"):
        person = signed_in(cast.member(role))
        assert export_links(person.get("/a/acme/clients/").text) == {}
        assert export_links(person.get(f"/a/acme/clients/{people.pk}/contacts/").text) == {}


def test_the_contacts_tab_offers_exports_carrying_its_search(cast, people):
    html = signed_in(cast.manager).get(f"/a/acme/clients/{people.pk}/contacts/", {"q": "ana"}).text
    assert export_links(html) == {
        "csv": f"{contacts_url(people)}?format=csv&q=ana",
        "xlsx": f"{contacts_url(people)}?format=xlsx&q=ana",
    }


# Streaming ----------------------------------------------------------------------------------


def test_the_xlsx_download_starts_before_the_first_row_is_read():
    read = []

    def rows():
        for i in range(3):
            read.append(i)
            yield [f"R{i}"]

    chunks = xlsx_chunks(["A"], rows(), title="Clients")
    first = next(chunks)
    assert first.startswith(b"PK\x03\x04") and read == []  # a zip entry begins, no row read
    rest = b"".join(chunks)
    assert read == [0, 1, 2]
    rows_read = list(openpyxl.load_workbook(io.BytesIO(first + rest)).active.values)
    assert rows_read == [("A",), ("R0",), ("R1",), ("R2",)]


def test_the_xlsx_writer_holds_one_block_of_rows_in_memory_however_many():
    import tracemalloc

    def rows(count):
        return (
            [f"P{i}", f"Client {i} Ltd", "Some text", date(2024, 1, 1), i] for i in range(count)
        )

    def peak(count: int) -> int:
        tracemalloc.start()
        for _chunk in xlsx_chunks(["A", "B", "C", "D", "E"], rows(count), title="X"):
            pass
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    small, large = peak(2_000), peak(40_000)
    assert large < 2 * small + 512 * 1024, (small, large)  # flat: not 20 times more


def test_rows_past_excels_limit_go_on_in_a_next_sheet(monkeypatch):
    from clientdesk.transfer import xlsx_stream

    monkeypatch.setattr(xlsx_stream, "EXCEL_ROWS", 4)  # the header and 3 rows per sheet
    data = b"".join(xlsx_chunks(["N"], ([i] for i in range(7)), title="Clients"))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Clients", "Clients (2)", "Clients (3)"]
    assert [list(s.values) for s in book.worksheets] == [
        [("N",), (0,), (1,), (2,)],
        [("N",), (3,), (4,), (5,)],
        [("N",), (6,)],
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_import_columns_export_costs_the_same_queries_for_3_clients_or_30(cast, fmt):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    legal = Industry.objects.get(account=cast.account, name="Legal")
    parent = make_client(cast, prefix="HQ", name="HQ")
    http = signed_in(cast.manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            body(http.get(EXPORT, {"columns": "import", "format": fmt}))
        return len(captured)

    for _n in range(2):
        make_client(cast, industry=legal, parent=parent, manager=cast.manager.user)
    queries()  # the first request of a session reads what later ones have cached
    few = queries()
    for _n in range(27):
        make_client(cast, industry=legal, parent=parent, manager=cast.manager.user)
    assert queries() == few
