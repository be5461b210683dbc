"""The software columns' cells on the Clients list (`core.registry.ClientColumn.cell`): the
app stack and missing apps indicators and the money of the two opportunities, drawn in Python
for each of a page's rows (clients/rows.py says why). `value` is what listing.py read for the
row; every text is escaped."""

from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape as esc

NONE = '<span class="muted">–</span>'


def app_stack(value, request) -> str:
    value = value or {}
    dots = "".join(f'<span class="dot {kind}"></span>' for kind in value.get("stack_dots", ()))
    problematic = value.get("problematic")
    bad = (
        f' <span class="n bad" aria-hidden="true">!{len(problematic)}</span>' if problematic else ""
    )
    return (
        f'<span class="app-dots" tabindex="0" title="{esc(value.get("stack_title", ""))}" '
        f'data-app-indicator="stack"><span class="dots" aria-hidden="true">{dots}</span>'
        f'<span class="n" aria-hidden="true">{len(value.get("stack", ()))}</span>{bad}'
        f'<span class="visually-hidden">{esc(value.get("stack_said", ""))}</span></span>'
    )


def missing_apps(value, request) -> str:
    missing = (value or {}).get("missing")
    if not missing:
        return NONE
    dots = '<span class="dot gap"></span>' * len(value["missing_dots"])
    return (
        f'<span class="app-dots missing" tabindex="0" title="{esc(value["missing_title"])}" '
        f'data-app-indicator="missing"><span class="dots" aria-hidden="true">{dots}</span>'
        f'<span class="n" aria-hidden="true">{len(missing)}</span>'
        f'<span class="visually-hidden">{esc(value["missing_said"])}</span></span>'
    )


def money(value, request) -> str:
    if not value:
        return NONE
    currency = esc(request.account.currency)
    return f'<span class="money">{floatformat(value, "2g")} <span class="muted">{currency}</span></span>'
