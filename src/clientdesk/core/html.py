"""Bits of HTML that text written by people needs wherever it shows: a name that may be long,
and an email address that may have to wrap."""

import re
from typing import Any

from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe


def cut(label: Any, url: str | None = None) -> SafeString:
    """A name on one line, cut with an ellipsis where it is too long (CSS `.cut`), whole on
    hover. With `url`, a link."""
    if url:
        return format_html('<a class="cut" href="{0}" title="{1}">{1}</a>', url, label)
    return format_html('<span class="cut" title="{0}">{0}</span>', label)


def sentence(template: Any, **parts: Any) -> SafeString:
    """Our translated `template` ("%(name)s was added.") filled with `parts`: HTML from `cut`
    (or other safe HTML) as it is, anything else escaped. For flash messages that name things."""
    filled = {name: conditional_escape(value) for name, value in parts.items()}
    return mark_safe(escape(str(template)) % filled)  # noqa: S308 - our template, escaped parts


_EMAIL_PARTS = re.compile(r"(?=[@.])")


def email_breaks(email: Any) -> SafeString:
    """The address in parts (CSS `.email-part` keeps each whole unless it is longer than a
    line, hyphens included), with a line-break opportunity before each "@" and ".": a long
    address wraps between its parts, not inside a word. Copying it copies no extra character."""
    parts = _EMAIL_PARTS.split(str(email))
    return mark_safe(  # noqa: S308 - escaped parts in our own markup
        "<wbr>".join(f'<span class="email-part">{escape(part)}</span>' for part in parts if part)
    )


def select_cell(pk: int, label: str) -> str:
    """A table row's selection box for the bulk form (`label` is said for it: "Select …")."""
    return (
        f'<td class="select"><input type="checkbox" name="ids" value="{pk}" form="bulk-form" '
        f'data-row-select aria-label="{conditional_escape(label)}"></td>'
    )
