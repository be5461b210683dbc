"""core.checks answers whether a text passes Django's validators without raising and without
their lazy regular expressions (an import checks every row's emails and prefix): the answer
must be the validator's own, for texts it takes and texts it refuses, and a refused value must
still get Django's message."""

import pytest
from django.core import validators
from django.core.exceptions import ValidationError

from clientdesk.clients.models import Client
from clientdesk.contacts.models import Contact
from clientdesk.core.checks import _passer, fields_check

EMAILS = [
    "ana@example.com",
    "Ana.Lopez+billing@Example.CO.uk",
    "zoë@müller.de",
    "a@b",
    "a@localhost",
    "a@[127.0.0.1]",
    "a@[IPv6:::1]",
    "a@[300.1.1.1]",
    "no-at-sign",
    "two@@example.com",
    "a b@example.com",
    "a@exa mple.com",
    "a@-example.com",
    "a@example..com",
    '"quoted user"@example.com',
    "x" * 64 + "@example.com",
    "x" * 310 + "@example.com",
    "trailing@example.com.",
    "a@xn--mller-kva.de",
    "",
]


def _by_raising(check, value: str) -> bool:
    try:
        check(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("value", EMAILS)
def test_email_answer_is_djangos(value):
    check = validators.EmailValidator()
    assert _passer(check)(value) is _by_raising(check, value)


def test_email_domain_allowlist_is_kept():
    check = validators.EmailValidator(allowlist=["intranet"])
    assert _passer(check)("ana@intranet") is True
    assert _passer(validators.EmailValidator())("ana@intranet") is False


@pytest.mark.parametrize("inverse", [False, True])
@pytest.mark.parametrize("value", ["AB12", "ab12", "A", "TOO-LONG-PREFIX", "ÀB", ""])
def test_regex_answer_is_djangos(inverse, value):
    check = validators.RegexValidator(r"^[A-Z0-9]{2,10}$", inverse_match=inverse)
    assert _passer(check)(value) is _by_raising(check, value)


@pytest.mark.parametrize("value", ["", "abc", "abcd", "ab\x00"])
def test_length_and_null_answers_are_djangos(value):
    for check in (
        validators.MaxLengthValidator(3),
        validators.ProhibitNullCharactersValidator(),
    ):
        assert _passer(check)(value) is _by_raising(check, value)


def test_another_validator_is_asked_itself():
    check = validators.URLValidator()
    assert _passer(check)("https://example.com") is True
    assert _passer(check)("not a url") is False


@pytest.mark.django_db
def test_refused_values_keep_djangos_messages():
    errors = fields_check(Client, {"billing_email": "ana@exa mple.com", "name": "Ana"})
    assert errors == {"billing_email": ["Enter a valid email address."]}
    assert fields_check(Contact, {"email": "ana@example.com"}) == {}
    assert fields_check(Contact, {"email": "ana@"}) == {"email": ["Enter a valid email address."]}
