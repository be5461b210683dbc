"""Shapes every router shares: the error body, the strict request body, ids and cursors
(DESIGN §7), stated in the OpenAPI document as the server enforces them."""

import re
from datetime import datetime
from typing import Annotated, Literal, TypeVar

from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BeforeValidator, ConfigDict, Field, ValidationError, field_validator

MAX_ID = 2**63 - 1  # larger ids cannot exist, and SQLite refuses to compare with them
NUL_MESSAGE = _("Text cannot contain NUL characters.")
# PostgreSQL cannot store NUL in text, so no text the API takes holds one.
NO_NUL = r"^[^\x00]*$"
# Text that must say something: not empty, not only spaces.
NOT_BLANK = r"^[^\x00]*[^ \t\n\r\f\v\x00][^\x00]*$"
BAD_BODY = "Cannot parse request body"  # ninja's own words for a body that is not JSON
# What a value that does not match a pattern is told, in words (api.root reads it): a domain
# adds the patterns of its own fields.
PATTERN_MESSAGES = {
    NO_NUL: NUL_MESSAGE,
    NOT_BLANK: _("This field cannot be blank, nor contain NUL characters."),
}


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def _as_the_server_reads_it(schema: dict) -> None:
    """Every text field of a strict body says that NUL is refused; a field of a PATCH that
    takes no null has no default in the document (left out, it is not changed)."""

    def mark(node: dict) -> None:
        if node.get("type") == "string" and "format" not in node:
            node.setdefault("pattern", NO_NUL)
        for key in ("anyOf", "oneOf"):
            for option in node.get(key, []):
                mark(option)
        if isinstance(node.get("items"), dict):
            mark(node["items"])

    for prop in schema.get("properties", {}).values():
        mark(prop)
        nullable = prop.get("type") == "null" or any(
            o.get("type") == "null" for o in prop.get("anyOf", [])
        )
        if "default" in prop and prop["default"] is None and not nullable:
            del prop["default"]


def id_from_text(text: str) -> int | None:
    """The id a text names (pages' filters, "id or name" fields), or None: "²" is a digit to
    `isdigit` but no number to `int`, and an id beyond MAX_ID cannot exist."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        return None
    return number if 0 < (number := int(text)) <= MAX_ID else None


class Strict(Schema):
    """A request body that refuses fields it does not know (a typo is a 422, not ignored)."""

    # strict: a JSON type is what the document says (no 0 for false, no "3" for 3).
    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra=_as_the_server_reads_it
    )

    @field_validator("*", mode="before")
    @classmethod
    def _whole_numbers(cls, value):
        # JSON does not tell 3 from 3.0: both are the integer the document asks for.
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value):
        # PostgreSQL cannot store NUL in text: refused here rather than a 500 there.
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError(str(NUL_MESSAGE))
        return value


DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?$"
)


def _date_time_text(value):
    if not isinstance(value, str) or not DATE_TIME.match(value):
        raise ValueError(str(_("Enter a date and time, as in 2026-01-31T09:00:00Z.")))
    return value


# A date and time as text (RFC 3339; one without an offset is read in the account's zone),
# never a number of seconds nor a bare date.
When = Annotated[datetime, Field(strict=False), BeforeValidator(_date_time_text)]


# An object's id in a path. One that cannot name an object (not a number, 0, too large) is
# the same 404 as a missing object (api.root turns the path's validation errors into 404).
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="The object's id.")]
Limit = Annotated[int, Query(ge=1, le=200, description="How many items per page.")]
# A cursor the server did not give is a 400 naming `cursor` (DESIGN §7), whatever its form, so
# its form is not checked here; api.openapi states it in the document.
Cursor = Annotated[
    str | None,
    Query(description="The `next` of the previous page, as given; anything else is a 400."),
]

Body = TypeVar("Body", bound=Strict)


def read_body(schema: type[Body], request) -> Body:
    """The JSON body, for handlers that read it only after the lookup and the role check, so
    that a hidden object is a 404 and a missing right a 403 whatever the body holds. A body
    that is not JSON is the 400 of every other route; fields that are not valid, a 422."""
    try:
        return schema.model_validate_json(request.body or b"{}")
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e.get("loc", ()))} for e in exc.errors(include_url=False)]
        if any(e["type"] == "json_invalid" for e in errors):
            raise HttpError(400, BAD_BODY) from None
        raise NinjaValidationError(errors) from None


def documented_body(schema: type[Strict], *, required: bool = True) -> dict:
    """The `openapi_extra` of a route that reads its JSON body with `read_body`."""
    return {
        "requestBody": {
            "required": required,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


def sort_order(sorts) -> object:
    """The `order` of a list: one of `sorts`, or `-` and one of them for descending."""
    return Literal[tuple([*sorts, *(f"-{name}" for name in sorts)])]


def choices_list(values) -> str:
    """The pattern of a filter that takes one value or a comma list of them (`lead,active`);
    spaces around the commas and empty items are allowed, anything else is not."""
    one = "(?:" + "|".join(re.escape(v) for v in values) + ")"
    pattern = rf"^ *(?:{one} *)?(?:, *(?:{one} *)?)*$"
    PATTERN_MESSAGES[pattern] = _("Unknown value; use one of: %(allowed)s.") % {
        "allowed": ", ".join(values)
    }
    return pattern
