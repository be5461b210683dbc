"""Small template helpers for the app frame: icons, account-scoped URLs, badges."""

from functools import lru_cache

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from clientdesk.core import html

register = template.Library()
register.filter("email_breaks", html.email_breaks)


@lru_cache(maxsize=256)
def _svg(name: str) -> str:
    """The icon's SVG, read once per process (a list page draws hundreds of icons; the build
    writes them before the app starts)."""
    try:
        svg = get_template(f"icons/{name}.svg").render()
    except TemplateDoesNotExist:
        return ""
    # lucide's own `class` joins ours: a second class attribute would be dropped by browsers.
    if 'class="' in svg:
        return svg.replace('class="', 'focusable="false" class="icon ', 1)
    return svg.replace("<svg", '<svg class="icon" focusable="false"', 1)


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    """An inline SVG icon from lucide (copied into templates/icons/ by the front-end build)."""
    svg = _svg(name)
    if not svg:
        return ""
    if label:
        svg = svg.replace("<svg", format_html('<svg role="img" aria-label="{}"', label), 1)
    else:
        svg = svg.replace("<svg", '<svg aria-hidden="true"', 1)
    return mark_safe(svg)  # noqa: S308 - our own build output, not user input


@register.simple_tag(takes_context=True)
def aurl(context, name: str, *args) -> str:
    """reverse() for a URL below /a/<account-slug>/, using the request's account."""
    account = context["request"].account
    return reverse(name, args=[account.slug, *args])


@register.filter
def has_required(form) -> bool:
    """Whether the form shows a field a person must fill (its note then says what * means)."""
    return any(f.field.required and not f.is_hidden for f in form) if form else False
