"""Which column of a file fills which field of a kind: the guess from the headers, and the
checks of a mapping a person chose.

A mapping is a list with, per header position, the field name it fills, or "" for a column that
is ignored. Headers match ignoring case, accents, spaces and punctuation ("  Client NAME ",
"client_name" and "Client-Name" are one header), by the field's label (in English and in the
active language), by its name, then by its synonyms.
"""

import unicodedata

from django.utils import translation
from django.utils.translation import gettext as _

from clientdesk.transfer.kinds import Column, Kind


def normalize(header: str) -> str:
    """Lowercase letters and digits only, accents folded: "  Client NAME " → "clientname"."""
    folded = unicodedata.normalize("NFKD", str(header)).casefold()
    return "".join(ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch))


def _labels(column: Column) -> set[str]:
    with translation.override("en"):
        english = str(column.label)
    return {normalize(column.name), normalize(english), normalize(str(column.label))}


def guess(kind: Kind, headers: list[str]) -> list[str]:
    """Per header position the field it fills, or "". Exact matches (label or field name) are
    taken before synonyms, so a file with both "Name" and "Company" maps "Name" to the name;
    when two headers match the same field, the first one wins and the later one is ignored."""
    exact: dict[str, str] = {}
    synonyms: dict[str, str] = {}
    for column in kind.columns:
        for key in _labels(column):
            exact.setdefault(key, column.name)
    for column in kind.columns:
        for synonym in column.synonyms:
            synonyms.setdefault(normalize(synonym), column.name)
    keys = [normalize(header) for header in headers]
    mapping = [""] * len(headers)
    used: set[str] = set()
    settled: set[int] = set()  # exact matches, even those that lost to an earlier header
    for position, key in enumerate(keys):
        field = exact.get(key)
        if field:
            settled.add(position)
            if field not in used:
                mapping[position] = field
                used.add(field)
    for position, key in enumerate(keys):
        field = synonyms.get(key)
        if position not in settled and field and field not in used:
            mapping[position] = field
            used.add(field)
    return mapping


def unknown_headers(headers: list[str], mapping: list[str]) -> list[str]:
    """The headers of the columns that fill no field (they are ignored), in file order."""
    return [
        header
        for position, header in enumerate(headers)
        if header.strip() and not (mapping[position] if position < len(mapping) else "")
    ]


def missing_required(kind: Kind, mapping: list[str]) -> list[Column]:
    """The required columns of the kind that no header fills."""
    return [column for column in kind.required if column.name not in mapping]


def validate(kind: Kind, headers: list[str], mapping: list[str]) -> dict[str, list[str]]:
    """The errors of a mapping chosen by a person, by rule: "length", "unknown", "twice" and
    "required" (a caller that lets required fields wait drops that one). Empty when it is
    right. Messages name the columns as the person sees them."""
    errors: dict[str, list[str]] = {}
    if len(mapping) != len(headers):
        errors["length"] = [
            _("The file has %(headers)d columns but %(given)d were mapped.")
            % {"headers": len(headers), "given": len(mapping)}
        ]
    names = {column.name: column for column in kind.columns}
    chosen: dict[str, list[str]] = {}
    for position, field in enumerate(mapping):
        header = headers[position] if position < len(headers) else str(position + 1)
        if not field:
            continue
        if field not in names:
            errors.setdefault("unknown", []).append(
                _("Column “%(header)s”: “%(field)s” is not something %(kind)s can hold.")
                % {"header": header, "field": field, "kind": str(kind.label).lower()}
            )
            continue
        chosen.setdefault(field, []).append(header)
    for field, columns in chosen.items():
        if len(columns) > 1:
            errors.setdefault("twice", []).append(
                _("“%(label)s” is chosen for more than one column (%(columns)s): keep one.")
                % {
                    "label": names[field].label,
                    "columns": ", ".join(f"“{c}”" for c in columns),
                }
            )
    for column in kind.required:
        if column.name not in chosen:
            errors.setdefault("required", []).append(
                _("Choose the column that holds “%(label)s”: it is required.")
                % {"label": column.label}
            )
    return errors
