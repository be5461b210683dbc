"""The header mapping: headers as people write them find their field, and a mapping chosen by
hand is checked with messages that name the columns."""

import pytest

from clientdesk.transfer.kinds import CLIENTS, CONTACTS
from clientdesk.transfer.mapping import (
    guess,
    missing_required,
    normalize,
    unknown_headers,
    validate,
)


@pytest.mark.parametrize(
    "header",
    ["  Client NAME ", "client_name", "Client-Name", "CLIENT.NAME", "clíent nàme", "Client\tName"],
)
def test_normalize_ignores_case_spaces_punctuation_and_accents(header):
    assert normalize(header) == "clientname"


def test_normalize_keeps_digits_and_other_scripts():
    assert normalize("Phone #2") == "phone2"
    assert normalize("Straße") == "strasse"
    assert normalize("Имя клиента") == "имяклиента"


def test_it_guesses_by_label_field_name_and_synonym():
    headers = ["Prefix", "status_since", "Company", "Sector", "Stage", "E-mail", "Whatever"]

    assert guess(CLIENTS, headers) == [
        "prefix",
        "status_since",
        "name",
        "industry",
        "status",
        "contact_email",
        "",
    ]


def test_the_issues_odd_headers_find_their_fields():
    headers = ["  client NAME", "CODE ", "Sector", "stage"]

    assert guess(CLIENTS, headers) == ["name", "prefix", "industry", "status"]


def test_an_exact_match_wins_over_a_synonym_wherever_it_stands():
    assert guess(CLIENTS, ["Name", "Company"]) == ["name", ""]
    assert guess(CLIENTS, ["Company", "Name"]) == ["", "name"]


def test_the_first_header_for_a_field_wins_and_a_later_one_is_ignored():
    assert guess(CLIENTS, ["Code", "Client code"]) == ["prefix", ""]
    assert guess(CLIENTS, ["Prefix", "prefix "]) == ["prefix", ""]


def test_a_duplicate_exact_header_does_not_fall_back_to_another_fields_synonym():
    # "Title" is the contacts' job title by name; a second one is a duplicate, not a synonym.
    assert guess(CONTACTS, ["Title", "Job title", "E-mail", "Prefix"]) == [
        "title",
        "",
        "email",
        "client_prefix",
    ]


def test_blank_headers_fill_nothing():
    assert guess(CLIENTS, ["", "  ", "Name"]) == ["", "", "name"]


def test_unknown_headers_are_the_named_columns_that_fill_nothing():
    headers = ["Name", "Favourite colour", "", "Code", "Shoe size"]
    mapping = guess(CLIENTS, headers)

    assert unknown_headers(headers, mapping) == ["Favourite colour", "Shoe size"]


def test_missing_required_lists_the_required_columns_nobody_fills():
    assert [c.name for c in missing_required(CLIENTS, ["name", "", "status"])] == ["prefix"]
    assert missing_required(CLIENTS, ["prefix", "name"]) == []
    assert [c.name for c in missing_required(CONTACTS, [])] == [
        "client_prefix",
        "first_name",
        "email",
    ]


def test_a_right_mapping_has_no_errors():
    headers = ["Code", "Company", "Notes"]

    assert validate(CLIENTS, headers, ["prefix", "name", ""]) == {}


def test_validate_names_every_mistake_by_rule():
    headers = ["Code", "Company", "Other name", "Colour"]

    errors = validate(CLIENTS, headers, ["", "name", "name", "colour"])

    assert errors == {
        "unknown": ["Column “Colour”: “colour” is not something clients can hold."],
        "twice": ["“Name” is chosen for more than one column (“Company”, “Other name”): keep one."],
        "required": ["Choose the column that holds “Prefix”: it is required."],
    }


def test_validate_refuses_a_mapping_of_another_length():
    errors = validate(CLIENTS, ["Code", "Name"], ["prefix", "name", ""])

    assert errors["length"] == ["The file has 2 columns but 3 were mapped."]
