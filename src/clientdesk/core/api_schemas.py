"""Shapes every router shares: the error body and the strict request body (DESIGN §7)."""

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, field_validator


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


MAX_ID = 2**63 - 1  # larger ids cannot exist, and SQLite refuses to compare with them
NUL_MESSAGE = _("Text cannot contain NUL characters.")


def id_from_text(text: str) -> int | None:
    """The id a text names (pages' filters, "id or name" fields), or None: "²" is a digit to
    `isdigit` but no number to `int`, and an id beyond MAX_ID cannot exist."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        return None
    return number if 0 < (number := int(text)) <= MAX_ID else None


class Strict(Schema):
    """A request body that refuses fields it does not know (a typo is a 422, not ignored)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value):
        # PostgreSQL cannot store NUL in text: refused here rather than a 500 there.
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError(str(NUL_MESSAGE))
        return value
