"""`{% status_badge status label %}` and `{% engagement_badge engagement label %}`: a client's
badges (clients/includes/*_badge.html), each drawn once per process and language, however many
rows, history lines and tree nodes show one (an include per badge cost a template render each)."""

from functools import lru_cache

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=256)
def _badge(kind: str, value: str, label: str, language: str | None) -> str:
    return get_template(f"clients/includes/{kind}_badge.html").render({kind: value, "label": label})


@register.simple_tag
def status_badge(status: str, label) -> SafeString:
    return mark_safe(_badge("status", status, str(label), get_language()))  # noqa: S308 - rendered escaped


@register.simple_tag
def engagement_badge(engagement: str, label) -> SafeString:
    return mark_safe(_badge("engagement", engagement, str(label), get_language()))  # noqa: S308 - rendered escaped
