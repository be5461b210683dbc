"""The file readers: what people really upload comes back as a header and numbered records."""

import contextlib
import csv
import datetime
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clientdesk.transfer import readers
from clientdesk.transfer.kinds import CLIENTS
from clientdesk.transfer.mapping import guess
from clientdesk.transfer.readers import (
    UnreadableFile,
    delimited,
    estimate_records,
    open_sheet,
    xlsx_parts,
)
from clientdesk.transfer.readers import workbook as xlsx_reader

HEADERS = ["Name", "Code", "Sector", "Notes"]


def write_csv(
    path: Path,
    rows: list[list[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    newline: str = "\r\n",
    quoting: int = csv.QUOTE_MINIMAL,
) -> Path:
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter, lineterminator=newline, quoting=quoting).writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def read_all(path: Path, filename: str | None = None) -> tuple[readers.Sheet, list]:
    with open_sheet(path, filename) as sheet:
        return sheet, list(sheet.rows())


# CSV ---------------------------------------------------------------------------------------

ENCODINGS = {
    # name: (codec used to write, BOM written first)
    "utf-8": ("utf-8", b""),
    "utf-8 with BOM": ("utf-8", b"\xef\xbb\xbf"),
    "utf-16 LE with BOM": ("utf-16-le", b"\xff\xfe"),
    "utf-16 BE with BOM": ("utf-16-be", b"\xfe\xff"),
    "utf-16 LE without BOM": ("utf-16-le", b""),
    "utf-16 BE without BOM": ("utf-16-be", b""),
    "windows-1252": ("cp1252", b""),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_it_reads_each_encoding_delimiter_and_line_ending(tmp_path, encoding, delimiter, newline):
    codec, bom = ENCODINGS[encoding]
    rows = [
        HEADERS,
        ["Café Zoë", "CAFE", "Hôtellerie", f'a{delimiter}b with “quotes” and "more"'],
        ["Müller & Söhne", "MUL", "", "first line\nsecond line"],
        ["Åsa 10€", "ASA", "Retail", ""],
    ]
    path = write_csv(
        tmp_path / "f.csv", rows, encoding="utf-8", delimiter=delimiter, newline=newline
    )
    path.write_bytes(bom + path.read_text("utf-8").encode(codec))

    sheet, records = read_all(path)

    assert sheet.format == "csv"
    assert sheet.delimiter == delimiter
    assert sheet.headers == HEADERS
    assert records == [(2, rows[1]), (3, rows[2]), (4, rows[3])]
    if codec == "cp1252":
        assert sheet.encoding == "cp1252"
    else:
        assert sheet.encoding.replace("-sig", "").startswith(codec[:6])


def test_a_quoted_line_break_keeps_one_row_number_per_record(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b'Name,Notes\r\nA,"one\r\ntwo\r\nthree"\r\nB,plain\r\n"C\nC",x\r\nD,y\r\n')

    _, records = read_all(path)

    assert records == [
        (2, ["A", "one\r\ntwo\r\nthree"]),
        (3, ["B", "plain"]),
        (4, ["C\nC", "x"]),
        (5, ["D", "y"]),
    ]


def test_blank_rows_are_skipped_but_keep_their_number(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"\r\n;;\r\nName;Code\r\nA;AA\r\n\r\n  ;  \r\nB;BB\r\n;\r\n\r\n")

    sheet, records = read_all(path)

    assert sheet.header_row == 3
    assert sheet.headers == ["Name", "Code"]
    assert records == [(4, ["A", "AA"]), (7, ["B", "BB"])]


def test_values_and_headers_are_trimmed(tmp_path):
    path = write_csv(tmp_path / "f.csv", [["  Name ", "\tCode"], ["  Acme\u00a0", " AC "]])

    sheet, records = read_all(path)

    assert sheet.headers == ["Name", "Code"]
    assert records == [(2, ["Acme", "AC"])]


def test_short_rows_are_padded_and_long_rows_keep_their_extra_values(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"Name,Code,Sector\nA\nB,BB,Retail,extra,more\n")

    _, records = read_all(path)

    assert records == [(2, ["A", "", ""]), (3, ["B", "BB", "Retail", "extra", "more"])]


def test_windows_1252_is_detected_from_a_byte_far_into_the_file(tmp_path):
    rows = [["Name", "Code"]] + [[f"Client {i}", f"C{i}"] for i in range(5000)]
    rows.append(["Crème brûlée", "CB"])
    path = write_csv(tmp_path / "f.csv", rows, encoding="cp1252")
    assert path.stat().st_size > delimited.SAMPLE_BYTES

    sheet, records = read_all(path)

    assert sheet.encoding == "cp1252"
    assert records[-1] == (5002, ["Crème brûlée", "CB"])


def test_a_byte_without_a_windows_1252_character_is_read_as_latin_1(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"Name;Code\r\nCaf\xe9 \x81;CF\r\n")

    sheet, records = read_all(path)

    assert sheet.encoding == "latin-1"
    assert records == [(2, ["Café \x81", "CF"])]


def test_a_single_column_file_is_read(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b'Name\n"Acme, Inc."\nGlobex\n')

    sheet, records = read_all(path)

    assert sheet.headers == ["Name"]
    assert records == [(2, ["Acme, Inc."]), (3, ["Globex"])]


def test_the_delimiter_is_the_one_consistent_across_lines_not_the_most_frequent(tmp_path):
    rows = [["Name", "Notes", "Code"]] + [[f"A{i}", "x, y, z, w", f"C{i}"] for i in range(20)]
    path = write_csv(tmp_path / "f.csv", rows, delimiter=";")

    sheet, records = read_all(path)

    assert sheet.delimiter == ";"
    assert records[0] == (2, ["A0", "x, y, z, w", "C0"])


def test_rows_can_be_read_twice(tmp_path):
    path = write_csv(tmp_path / "f.csv", [["Name"], ["A"], ["B"]])
    with open_sheet(path) as sheet:
        assert list(sheet.rows()) == list(sheet.rows()) == [(2, ["A"]), (3, ["B"])]


def test_an_open_quote_that_swallows_the_file_is_a_clear_error(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b'Name,Notes\nA,"never closed\n' + b"x" * 200_000 + b"\n")

    with open_sheet(path) as sheet, pytest.raises(UnreadableFile, match="quote"):
        list(sheet.rows())


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "f.csv", "empty"),
        (b"\r\n \r\n;;\r\n", "f.csv", "no header row"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "photo.png", "not CSV or XLSX"),
        (readers.OLE_MAGIC + b"\x00" * 600, "old.xls", "old Excel"),
        (bytes(range(256)) * 4, "f.xlsx", "XLSX"),
    ],
)
def test_what_cannot_be_read_is_refused_with_a_reason(tmp_path, content, filename, message):
    path = tmp_path / "upload"
    path.write_bytes(content)

    with pytest.raises(UnreadableFile, match=message):
        open_sheet(path, filename)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "letter.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<document/>")

    with pytest.raises(UnreadableFile, match="not CSV or XLSX"):
        open_sheet(path)


def test_the_content_decides_when_the_extension_lies(tmp_path):
    xlsx = tmp_path / "really-a-workbook.csv"
    book = openpyxl.Workbook()
    book.active.append(["Name", "Code"])
    book.active.append(["Acme", "AC"])
    book.save(xlsx)
    text = write_csv(tmp_path / "really-text.xlsx", [["Name", "Code"], ["Acme", "AC"]])

    assert read_all(xlsx)[0].format == "xlsx"
    assert read_all(text)[0].format == "csv"
    assert read_all(xlsx)[1] == read_all(text)[1] == [(2, ["Acme", "AC"])]


def test_the_issues_windows_1252_semicolon_file_is_read_right(tmp_path):
    content = (
        "  client NAME;CODE ;Sector;stage\r\n"
        "Boulangerie Léa;BLEA;Retail;active\r\n"
        '"Café ""Zoë""\r\nSecond line";cafe;Hospitality;Lead\r\n'
        ";;;\r\n"
        "Crèche Été;CRE;Education;prospect\r\n"
        "\r\n"
    )
    path = tmp_path / "clients.csv"
    path.write_bytes(content.encode("cp1252"))

    sheet, records = read_all(path)

    assert (sheet.encoding, sheet.delimiter) == ("cp1252", ";")
    assert sheet.headers == ["client NAME", "CODE", "Sector", "stage"]
    assert records == [
        (2, ["Boulangerie Léa", "BLEA", "Retail", "active"]),
        (3, ['Café "Zoë"\r\nSecond line', "cafe", "Hospitality", "Lead"]),
        (5, ["Crèche Été", "CRE", "Education", "prospect"]),
    ]
    assert guess(CLIENTS, sheet.headers) == ["name", "prefix", "industry", "status"]


def test_estimate_records_is_close_for_csv(tmp_path):
    rows = [["Name", "Notes"]] + [
        [f"A{i}", "two\nlines" if i % 4 == 0 else "one"] for i in range(30000)
    ]
    path = write_csv(tmp_path / "f.csv", rows)

    estimate = estimate_records(path)

    assert abs(estimate - 30000) < 30000 * 0.05
    small = write_csv(tmp_path / "s.csv", rows[:11])
    assert estimate_records(small) == 10


# XLSX --------------------------------------------------------------------------------------

STYLES = (
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="22"/>'
    '<xf numFmtId="20"/><xf numFmtId="2"/></cellXfs></styleSheet>'
)


def build_xlsx(
    path: Path,
    rows_xml: str,
    *,
    shared: list[str] | None = None,
    prefix: str = "",
    date1904: bool = False,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A workbook written by hand, as other programs write them: shared strings, formulas with
    their cached values, error cells, prefixed tags; a hidden first sheet and a second sheet
    that must not be read."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ns = f'xmlns:{prefix[:-1]}="{main}"' if prefix else f'xmlns="{main}"'
    p = prefix
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {ns}>'
        f'<{p}dimension ref="A1:Z9"/><{p}sheetData>{rows_xml}</{p}sheetData>'
        f'<{p}mergeCells count="0"/></{p}worksheet>'
    )
    workbook = (
        f'<{p}workbook {ns} xmlns:r="{rel}">'
        + (f'<{p}workbookPr date1904="1"/>' if date1904 else "")
        + f'<{p}sheets><{p}sheet name="Lists" sheetId="9" state="hidden" r:id="rIdB"/>'
        f'<{p}sheet name="Data" sheetId="7" r:id="rIdA"/>'
        f'<{p}sheet name="Other" sheetId="8" r:id="rIdB"/></{p}sheets></{p}workbook>'
    )
    rels = (
        f'<Relationships xmlns="{pkg}">'
        f'<Relationship Id="rIdB" Type="{rel}/worksheet" Target="worksheets/other.xml"/>'
        f'<Relationship Id="rIdA" Type="{rel}/worksheet" Target="/xl/worksheets/data.xml"/>'
        f'<Relationship Id="rIdS" Type="{rel}/styles" Target="styles.xml"/>'
        + (
            f'<Relationship Id="rIdT" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            if shared is not None
            else ""
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", compression) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="r1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/worksheets/data.xml", sheet)
        z.writestr(
            "xl/worksheets/other.xml",
            f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
            "<is><t>wrong sheet</t></is></c></row></sheetData></worksheet>",
        )
        if shared is not None:
            z.writestr(
                "xl/sharedStrings.xml",
                f'<sst xmlns="{main}" count="{len(shared)}">' + "".join(shared) + "</sst>",
            )
    return path


def test_xlsx_gives_real_types(tmp_path):
    path = tmp_path / "f.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Since", "At", "Seats", "Ratio", "Vip", "Empty", "Time"])
    sheet.append(
        [
            "  Acme  ",
            datetime.date(2024, 3, 1),
            datetime.datetime(2024, 3, 1, 14, 30, 5),
            40,
            2.5,
            True,
            None,
            datetime.time(9, 15),
        ]
    )
    sheet.append(["Globex", datetime.date(1999, 12, 31), None, 1.0, -0.125, False, "   ", None])
    book.save(path)

    result, records = read_all(path)

    assert result.format == "xlsx"
    assert result.headers == ["Name", "Since", "At", "Seats", "Ratio", "Vip", "Empty", "Time"]
    assert records == [
        (
            2,
            [
                "Acme",
                datetime.date(2024, 3, 1),
                datetime.datetime(2024, 3, 1, 14, 30, 5),
                40,
                2.5,
                True,
                None,
                datetime.time(9, 15),
            ],
        ),
        (3, ["Globex", datetime.date(1999, 12, 31), None, 1, -0.125, False, None, None]),
    ]
    assert type(records[1][1][3]) is int


def test_xlsx_formulas_read_as_their_cached_values(tmp_path):
    path = tmp_path / "f.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["A", "B", "Sum", "Label"])
    book.active.append([1, 2, "=A2+B2", '=CONCAT("x","y")'])
    book.save(path)
    # openpyxl computes nothing: give the formulas the values Excel would have cached.
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = xml.replace("<f>A2+B2</f><v />", "<f>A2+B2</f><v>3</v>")
    xml = xml.replace('<c r="D2"><f>', '<c r="D2" t="str"><f>').replace(
        "<v /></c></row>", "<v>xy</v></c></row>"
    )
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)

    _, records = read_all(path)

    assert records == [(2, [1, 2, 3, "xy"])]


def test_xlsx_written_as_other_programs_do(tmp_path):
    shared = [
        "<si><t>Name</t></si>",
        "<si><t>Code</t></si>",
        '<si><t xml:space="preserve">  Café &amp; Zoë  </t></si>',
        '<si><r><rPr><b/></rPr><t>Rich</t></r><r><t xml:space="preserve"> text</t></r></si>',
        '<si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh></si>',
        "<si><t>line_x000D_&#10;break</t></si>",
        "<si/>",
        "<si><t>Since</t></si>",
        "<si><t>Sum</t></si>",
    ]
    rows = (
        '<row r="3"><c r="B3" t="s"><v>0</v></c><c r="C3" s="0" t="s"><v>1</v></c>'
        '<c r="D3" t="s"><v>7</v></c><c r="E3" t="s"><v>8</v></c></row>'
        '<row r="4"><c r="B4" t="s" s="0"><v>2</v></c><c r="C4" t="inlineStr"><is><t>CZ</t></is>'
        '</c><c r="D4" s="1"><v>45352</v></c><c r="E4"><f t="shared" si="0" ref="E4:E5"/>'
        "<v>10</v></c></row>"
        '<row r="5" spans="1:5"><c r="B5" t=\'s\'><v>3</v></c><c r="C5" t="s"><v>4</v></c>'
        '<c r="D5" s="2"><v>45352.75</v></c><c r="E5" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
        '<row r="6"><c r="B6" t="s"><v>6</v></c></row>'
        '<row r="7"><c r="B7" t="s"><v>5</v></c><c r="C7" t="b"><v>0</v></c>'
        '<c r="D7" s="3"><v>0.5</v></c><c r="E7" s="4"><v>1E+3</v></c></row>'
    )
    path = build_xlsx(tmp_path / "f.xlsx", rows, shared=shared)

    sheet, records = read_all(path)

    assert (sheet.header_row, sheet.headers) == (3, ["", "Name", "Code", "Since", "Sum"])
    assert records == [
        (4, [None, "Café & Zoë", "CZ", datetime.date(2024, 3, 1), 10]),
        (5, [None, "Rich text", "漢字", datetime.datetime(2024, 3, 1, 18, 0), "#DIV/0!"]),
        (7, [None, "line\r\nbreak", False, datetime.time(12, 0), 1000]),
    ]


@pytest.mark.parametrize("spill", [False, True])
def test_shared_strings_read_the_same_in_memory_and_from_disk(tmp_path, monkeypatch, spill):
    if spill:
        monkeypatch.setattr(xlsx_parts, "SST_LIST_BYTES", 0)
        monkeypatch.setattr(xlsx_parts, "SST_IN_MEMORY_BYTES", 10)
    shared = ["<si><t>Name</t></si>"] + [
        f"<si><t>Client {i} &lt;é&gt;</t></si>" for i in range(500)
    ]
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + "".join(
        f'<row r="{i + 2}"><c r="A{i + 2}" t="s"><v>{500 - i}</v></c></row>' for i in range(500)
    )
    path = build_xlsx(tmp_path / "f.xlsx", rows, shared=shared)

    _, records = read_all(path)

    assert records[0] == (2, ["Client 499 <é>"])
    assert records[-1] == (501, ["Client 0 <é>"])


def test_xlsx_with_prefixed_tags_rows_without_numbers_and_the_1904_calendar(tmp_path):
    rows = (
        '<x:row><x:c t="inlineStr"><x:is><x:t>Name</x:t></x:is></x:c><x:c t="inlineStr"><x:is>'
        "<x:t>Since</x:t></x:is></x:c></x:row><x:row/>"
        '<x:row><x:c t="inlineStr"><x:is><x:t>Acme</x:t></x:is></x:c><x:c s="1"><x:v>0</x:v>'
        "</x:c></x:row>"
    )
    path = build_xlsx(
        tmp_path / "f.xlsx", rows.replace("<x:v>0<", "<x:v>1<"), prefix="x:", date1904=True
    )

    sheet, records = read_all(path)

    assert sheet.headers == ["Name", "Since"]
    assert records == [(3, ["Acme", datetime.date(1904, 1, 2)])]


def test_xlsx_short_rows_padded_long_rows_kept_and_blank_rows_skipped(tmp_path):
    path = tmp_path / "f.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B2"], sheet["C2"], sheet["D2"] = "Name", "Code", "Sector"
    sheet["B3"] = "Short"
    sheet["B5"], sheet["C5"], sheet["D5"], sheet["F5"] = "Long", "LG", "Retail", "extra"
    sheet["C6"] = "   "
    sheet["B8"], sheet["C8"], sheet["D8"] = "Last", "LS", "Legal"
    book.save(path)

    result, records = read_all(path)

    # Column A is empty: it stays, so that positions match what the person sees.
    assert (result.header_row, result.headers) == (2, ["", "Name", "Code", "Sector"])
    assert records == [
        (3, [None, "Short", None, None]),
        (5, [None, "Long", "LG", "Retail", None, "extra"]),
        (8, [None, "Last", "LS", "Legal"]),
    ]


def test_xlsx_read_in_many_slices_gives_the_same_rows(tmp_path):
    path = tmp_path / "f.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Name", "Code", "Seats"])
    for i in range(300):
        sheet.append([None, None, None] if i % 7 == 3 else [f"Client {i}", None, i])
    book.save(path)

    with open_sheet(path) as whole:
        expected = list(whole.rows())
    with open_sheet(path) as sliced:
        sliced.slice_bytes = 1  # a slice per row
        assert list(sliced.rows()) == expected
    assert len(expected) == 300 - 43
    assert expected[0] == (2, ["Client 0", None, 0])


def test_estimate_records_for_xlsx(tmp_path):
    path = tmp_path / "f.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for i in range(2001):
        sheet.append([f"Client {i}", i])
    book.save(path)
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 10))

    assert abs(estimate_records(path) - 2000) < 200
    assert estimate_records(build_xlsx(tmp_path / "d.xlsx", rows)) == 8  # from <dimension>


def test_a_damaged_workbook_is_refused_with_a_reason(tmp_path):
    path = build_xlsx(tmp_path / "f.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>')
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(UnreadableFile, match=r"XLSX|not CSV"):
        read_all(path)


# Generated files ---------------------------------------------------------------------------

WORDS = ["Name", "Code", "Sector", "Stage", "Email", "Phone", "Notes", "City"]
CELL_TEXT = st.lists(
    st.sampled_from([*"abcXYZ019 éÉàüßçñ€'\"\t\n,;|-=+", "\r\n"]), max_size=12
).map("".join)


@st.composite
def tables(draw):
    headers = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=5, unique=True))
    rows = draw(
        st.lists(
            st.lists(CELL_TEXT, min_size=0, max_size=len(headers) + 2),
            max_size=12,
        )
    )
    leading = draw(st.integers(0, 2))
    return headers, rows, leading


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=tables(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    delimiter=st.sampled_from(readers.DELIMITERS),
    newline=st.sampled_from(["\r\n", "\n"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_generated_csv_files_read_back_exactly(
    tmp_path_factory, table, encoding, delimiter, newline, quoting
):
    headers, rows, leading = table
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerows([[]] * leading + [headers] + rows)
    data = text.getvalue().encode(encoding)
    if encoding == "cp1252":
        # Windows-1252 bytes that happen to be valid UTF-8 are read as UTF-8, as they should.
        with contextlib.suppress(UnicodeDecodeError):
            assume(data.decode("utf-8") == text.getvalue())
    path = tmp_path_factory.mktemp("csv") / "generated.csv"
    path.write_bytes(data)

    sheet, records = read_all(path)

    assert sheet.headers == headers
    assert sheet.header_row == leading + 1
    expected = []
    for offset, row in enumerate(rows):
        values = [value.strip() for value in row]
        if any(values):
            values += [""] * (len(headers) - len(values))
            expected.append((leading + 2 + offset, values))
    assert records == expected


CELL_VALUES = st.one_of(
    st.none(),
    # openpyxl takes "=…" for a formula; XML reads a carriage return as a line feed.
    CELL_TEXT.filter(lambda t: "\r" not in t and not t.startswith("=")),
    st.integers(-(10**12), 10**12),
    st.floats(-1e9, 1e9, allow_nan=False).map(lambda f: round(f, 6)),
    st.booleans(),
    st.dates(datetime.date(1901, 1, 1), datetime.date(2099, 12, 31)),
    st.datetimes(datetime.datetime(1901, 1, 1), datetime.datetime(2099, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4, unique=True),
    rows=st.lists(st.lists(CELL_VALUES, max_size=5), max_size=10),
    slice_bytes=st.sampled_from([1, 300, xlsx_reader.SLICE_BYTES]),
)
def test_generated_workbooks_read_back_with_their_types(
    tmp_path_factory, headers, rows, slice_bytes
):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in [headers, *rows]:
        sheet.append(row)
    path = tmp_path_factory.mktemp("xlsx") / "generated.xlsx"
    book.save(path)

    with open_sheet(path) as result:
        result.slice_bytes = slice_bytes
        records = list(result.rows())

    expected = []
    for offset, row in enumerate(rows):
        values = []
        for value in row:
            if isinstance(value, str):
                value = value.strip() or None
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            elif isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
                value = value.date()  # a whole day is a date, as Excel shows it
            values.append(value)
        if any(v is not None for v in values):
            values += [None] * (len(headers) - len(values))
            while len(values) > len(headers) and values[-1] is None:
                values.pop()
            expected.append((offset + 2, values))
    assert result.headers == headers
    assert records == expected


@settings(max_examples=200, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=3000),
        st.binary(max_size=3000).map(lambda b: b"PK\x03\x04" + b),
        st.binary(max_size=3000).map(lambda b: b"\xff\xfe" + b),
    ),
    filename=st.sampled_from(["f.csv", "f.xlsx", "f", "f.txt"]),
)
def test_random_bytes_give_rows_or_a_clear_refusal(tmp_path_factory, data, filename):
    path = tmp_path_factory.mktemp("random") / "upload"
    path.write_bytes(data)
    try:
        with open_sheet(path, filename) as sheet:
            for _number, values in sheet.rows():
                assert isinstance(values, list)
    except UnreadableFile as exc:
        assert str(exc)
    estimate_records(path)


def _stored_workbook() -> bytes:
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["Name", "Code", "Since"])
    book.active.append(["Acme", "AC", datetime.date(2024, 1, 2)])
    book.active.append(["Globex", 42, 3.5])
    book.save(buffer)
    # Stored, not deflated: a changed byte lands in the XML itself, not only in a checksum.
    stored = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(stored, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename), zipfile.ZIP_STORED)
    return stored.getvalue()


STORED_WORKBOOK = _stored_workbook()


@settings(max_examples=150, deadline=None)
@given(
    changes=st.lists(
        st.tuples(st.integers(0, len(STORED_WORKBOOK) - 1), st.integers(0, 255)),
        min_size=1,
        max_size=8,
    )
)
def test_damaged_workbooks_give_rows_or_a_clear_refusal(tmp_path_factory, changes):
    data = bytearray(STORED_WORKBOOK)
    for position, byte in changes:
        data[position] = byte
    path = tmp_path_factory.mktemp("damaged") / "f.xlsx"
    path.write_bytes(bytes(data))
    try:
        with open_sheet(path) as sheet:
            list(sheet.rows())
    except UnreadableFile as exc:
        assert str(exc)
