"""The clients file of the import benchmark: N believable rows in the import template's columns.

Same seed, same rows: the rows are drawn one after the other from one seeded generator, so the
first 10,000 rows of the 100,000-row file are the 10,000-row file (the slow contender reads
that one). Dates end on a fixed day (DATA_END), never the day of the run, so a cached file
stays the same file. Files are cached under var/bench/ by row count, seed and DATA_VERSION
(bump it when the rows change).

Each row: a unique prefix (two letters of the name and a number), a name with accents (some
with commas or quotes), a status among lead/prospect/invited/waiting/active, most with a
*Status since* date over the three years before DATA_END, an industry of the seeded list, a
manager among the bench account's team, a primary contact (first and last name with
accents, email, phone) for most, tags for about a third, and the optional text columns
(description, sometimes on two lines; billing email and address; tax id; terms; currency)
filled for some. *Parent prefix* stays empty: parent links are the engine's business, not a
throughput question, and import-export's bulk mode could not resolve them within a file.
"""

from __future__ import annotations

import csv
import os
import random
import time
import unicodedata
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench"
DATA_VERSION = 2
DATA_END = date(2026, 10, 31)
STATUS_DAYS = 3 * 365

# The bench account's team (bench/imports.py creates them in each fresh account).
OWNER_EMAIL = "owner@imports.example"
MANAGER_EMAILS = (
    "ana.garcia@imports.example",
    "jurgen.muller@imports.example",
    "zoe@imports.example",
)

# fmt: off
NAME_FIRST = [
    "Álamo", "Bodega", "Café", "Clínica", "Despacho", "Ferretería", "Hôtel", "Jardín", "Librería",
    "Óptica", "Pâtisserie", "Río", "São", "Taller", "Müller", "Könnig", "Señorío", "Crème",
    "Harbor", "Northern", "Summit", "Cedar", "Granite", "Silver", "Maple", "Pioneer", "Atlas",
    "Beacon", "Crescent", "Evergreen", "Falcon", "Golden", "Highland", "Juniper", "Keystone",
    "Lakeside", "Meridian", "Oakridge", "Pacific", "Redwood", "Sterling", "Valley", "Zenith",
    "Øresund", "Ñandú", "Église", "Zoë's", "Björk", "Århus", "Łódź",
]
NAME_SECOND = [
    "Dental", "Logística", "Abogados", "Médica", "Ingeniería", "Consultoría", "Transportes",
    "Seguros", "Arquitectos", "Gärtnerei", "Bäckerei", "Hôtellerie", "Diseño", "Energía",
    "Logistics", "Legal", "Media", "Health", "Engineering", "Consulting", "Motors", "Pharma",
    "Retail", "Foods", "Analytics", "Accounting", "Studios", "Travel", "Veterinary", "Solar",
]
NAME_SUFFIX = ["S.L.", "S.A.", "GmbH", "SARL", "Ltd", "& Co.", "", "", "", ""]
FIRST_NAMES = [
    "José", "María", "Zoë", "Łukasz", "Søren", "Chloé", "Jürgen", "François", "Inês", "Ana",
    "John", "Émilie", "Björn", "Ramón", "Noémie", "Çağla", "Đorđe", "Aoife", "Mikołaj", "Ingrid",
    "Peter", "Sarah", "Tomás", "Lucía", "Ömer", "Renée", "Håkon", "Iñaki", "Wei", "Priya",
]
LAST_NAMES = [
    "García", "Müller", "Núñez", "O'Brien", "Søndergaard", "Dupré", "Łukaszewicz", "Smith",
    "Gonçalves", "Ibáñez", "Kovač", "Öztürk", "Fernández", "Schäfer", "Lefèvre", "Nowak",
    "Rossi", "Jansen", "Byrne", "Pérez", "Dvořák", "Åberg", "Martín", "Weiß", "Brontë",
]
DESCRIPTIONS = [
    "Three practices, 40 seats", "Head office and two warehouses", "Seasonal: busy from May",
    "Referred by a partner, pays on time", "Two sites\nMain office in the old town",
    "Wants a quote for new laptops, \"urgent\"", "Owner-managed; decisions by phone",
]
ADDRESSES = [
    "Calle Mayor 12, 28013 Madrid", "1 Main Street, Springfield", "Rua Augusta 45, Lisboa",
    "Königstraße 7, 70173 Stuttgart", "12 rue de la Paix, 75002 Paris", "Via Roma 3, Torino",
]
TAGS = ["vip", "dental", "legal", "24/7", "priority", "new", "referral", "partner", "annual", "quarterly"]
STATUSES = {"lead": 20, "prospect": 10, "invited": 5, "waiting": 5, "active": 60}
TERMS = ["", "", "30 days", "60 days", "Net 15"]
LICENSES = ["", "Standard", "Premium", "Enterprise"]
CURRENCIES = ["", "", "EUR", "USD", "GBP"]
# fmt: on


def ascii_fold(text: str) -> str:
    """Letters without their accents, for emails and prefixes (Ł and Ø have no decomposition)."""
    text = text.replace("Ł", "L").replace("ł", "l").replace("Ø", "O").replace("ø", "o")
    text = text.replace("ß", "ss").replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


def rows(*, count: int, seed: int, industries: list[str]) -> Iterator[list]:
    """`count` rows of 20 values in the CLIENTS columns' order; dates as `date` objects."""
    rng = random.Random(seed)
    statuses, weights = list(STATUSES), list(STATUSES.values())
    managers = [OWNER_EMAIL, *MANAGER_EMAILS]
    for i in range(1, count + 1):
        first, second = rng.choice(NAME_FIRST), rng.choice(NAME_SECOND)
        name = f"{first} {second} {rng.choice(NAME_SUFFIX)}".strip()
        if rng.random() < 0.03:
            name = f"{first}, {second} & Partners"  # a comma: quoted in the CSV
        letters = (ascii_fold(first)[:1] + ascii_fold(second)[:1]).upper()
        prefix = f"{letters}{i}"
        domain = f"{prefix.lower()}.example"
        status = rng.choices(statuses, weights)[0]
        since = (
            DATA_END - timedelta(days=rng.randrange(STATUS_DAYS)) if rng.random() < 0.85 else None
        )
        has_contact = rng.random() < 0.95
        c_first, c_last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        tag_count = rng.choices((0, 1, 2), (65, 25, 10))[0]
        yield [
            prefix,
            name,
            rng.choice(DESCRIPTIONS) if rng.random() < 0.2 else "",
            status,
            since,
            "silent" if rng.random() < 0.5 else "",
            rng.choice(industries) if rng.random() < 0.9 else "",
            rng.choice(managers) if rng.random() < 0.7 else "",
            "",  # parent prefix
            rng.choice(LICENSES),
            f"billing@{domain}" if rng.random() < 0.5 else "",
            rng.choice(ADDRESSES) if rng.random() < 0.3 else "",
            f"ES{rng.randrange(10**8, 10**9)}" if rng.random() < 0.4 else "",
            rng.choice(TERMS),
            rng.choice(CURRENCIES),
            ", ".join(rng.sample(TAGS, tag_count)),
            c_first if has_contact else "",
            c_last if has_contact else "",
            f"{ascii_fold(c_first)}.{ascii_fold(c_last)}@{domain}".lower() if has_contact else "",
            f"+34 6{rng.randrange(10**7, 10**8)}" if has_contact and rng.random() < 0.8 else "",
        ]


def _write_csv(path: Path, headers: list[str], data: Iterator[list], count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)  # the excel dialect: CRLF, quotes only where needed
        writer.writerow(headers)
        for row in data:
            row[4] = row[4].isoformat() if row[4] else ""
            writer.writerow(row)


def _write_xlsx(path: Path, headers: list[str], data: Iterator[list], count: int) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Clients")
    # The sheet's size up front, as Excel writes it (write-only mode cannot know it when it
    # writes the sheet's head): readers in read-only mode pad short rows to it.
    last = f"{get_column_letter(len(headers))}{count + 1}"
    sheet.calculate_dimension = lambda: f"A1:{last}"
    sheet.append(headers)
    for row in data:
        # Real date cells for Status since; an empty cell is None, as a spreadsheet has it.
        sheet.append([value if value != "" else None for value in row])
    book.save(path)


def clients_file(
    *, count: int, seed: int, fmt: str, headers: list[str], industries: list[str], log=print
) -> Path:
    """The cached file of `count` rows (generated on first use); fmt is csv or xlsx."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"import-clients-{count}-seed{seed}-v{DATA_VERSION}.{fmt}"
    if path.exists():
        return path
    t = time.perf_counter()
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    writer = _write_csv if fmt == "csv" else _write_xlsx
    writer(partial, headers, rows(count=count, seed=seed, industries=industries), count)
    partial.rename(path)  # a run killed halfway leaves no file that looks complete
    log(
        f"    generated {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f}s"
    )
    return path
