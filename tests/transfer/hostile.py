"""Hostile workbooks and CSV files, built by the tests: zip bombs of each part, a long cell, rows
without numbers, headers of thousands of columns; and a child process that reads one of them
and reports its peak memory."""

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def workbook(path: Path, rows: Iterable[bytes], *, strings: Iterable[bytes] | None = None) -> Path:
    """An XLSX with one sheet whose sheetData holds `rows` (XML, streamed into the zip), and a
    shared-strings table of `strings` (each an <si> element) when given."""
    rels = (
        f'<Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            if strings is not None
            else ""
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG}"><Relationship Id="r1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for row in rows:
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
        if strings is not None:
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as table:
                table.write(f'<sst xmlns="{MAIN}">'.encode())
                for si in strings:
                    table.write(si)
                table.write(b"</sst>")
    return path


def cell(value: str, ref: str = "") -> bytes:
    at = f' r="{ref}"' if ref else ""
    return f'<c{at} t="inlineStr"><is><t>{value}</t></is></c>'.encode()


def row(values: list[str], number: int | None = None) -> bytes:
    """A row of inline strings; `number` None writes neither the row's nor the cells' r."""
    if number is None:
        return b"<row>" + b"".join(cell(v) for v in values) + b"</row>"
    cells = b"".join(cell(v, f"{chr(65 + i)}{number}") for i, v in enumerate(values))
    return f'<row r="{number}">'.encode() + cells + b"</row>"


HEADER = ["Prefix", "Name"]


def sheet_bomb(path: Path, megabytes: int = 60) -> Path:
    """Rows of 20 columns that inflate to `megabytes` (the 219 KB file of the issue), without
    row numbers, as some generators write them."""
    one = row(["x" * 60] * 20)
    return workbook(path, [row(HEADER, 1), *([one] * (megabytes * 2**20 // len(one)))])


def strings_bomb(path: Path, megabytes: int = 96) -> Path:
    """A shared-strings table that inflates to `megabytes` (the 150 KB file of the issue)."""
    si = b"<si><t>" + b"s" * 40 + b"</t></si>"
    count = megabytes * 2**20 // len(si)
    shared = b'<c r="B2" t="s"><v>0</v></c>'
    rows = [row(HEADER, 1), b'<row r="2"><c r="A2" t="inlineStr"><is><t>P</t></is></c>' + shared]
    rows[-1] += b"</row>"
    return workbook(path, rows, strings=(si for _ in range(count)))


def long_cell(path: Path, megabytes: int = 64, *, shared: bool = False) -> Path:
    """One cell of `megabytes` (the 67 KB file of the issue), inline or shared."""
    text = b"a" * (megabytes * 2**20)
    if shared:
        rows = [row(HEADER, 1), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
        return workbook(path, rows, strings=[b"<si><t>" + text + b"</t></si>"])
    big = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"
    return workbook(path, [row(HEADER, 1), big])


def read_in_child(path: Path, **settings: int) -> dict:
    """Open and read every row of `path` in a fresh process, with the import limits given as
    settings (CLIENTDESK_<NAME>); its rows, the refusal if any, and its peak memory."""
    code = (
        "import json, django\n"
        "django.setup()\n"
        "from clientdesk.transfer.readers import UnreadableFile, open_sheet\n"
        "found = {'rows': 0, 'refused': ''}\n"
        "try:\n"
        f"    with open_sheet({str(path)!r}) as sheet:\n"
        "        for _ in sheet.rows():\n"
        "            found['rows'] += 1\n"
        "except UnreadableFile as exc:\n"
        "    found['refused'] = str(exc)\n"
        "status = open('/proc/self/status').read()\n"
        "kb = int(status.split('VmHWM:')[1].split()[0])\n"
        "found['peak_mb'] = kb // 1024\n"
        "print(json.dumps(found))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        **{f"CLIENTDESK_{name.upper()}": str(value) for name, value in settings.items()},
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
