"""The Devices tab's rows, drawn in Python as the Clients list's are (clients/rows.py says
why: the template engine took most of the tab's time for 50 rows). The HTML is the one the
template wrote, cell for cell, plus the account's own fields when chosen as columns."""

from urllib.parse import quote

from django.template import defaultfilters
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clientdesk.core.html import select_cell
from clientdesk.core.templatetags.ui import icon

NONE = '<span class="muted">—</span>'
PLAIN = {"os", "manufacturer", "model", "location"}  # text as it is
CODE = {"serial", "ip", "mac"}  # text in <code>


def rows_attach(
    request,
    devices: list,
    shown: list[str],
    *,
    custom: list[dict[str, str]],
    list_url: str,
    return_query: str,
    selectable: bool,
) -> None:
    """`device.row_html` for each device of the page: its whole `<tr>`; `shown` in the
    table's order (custom fields as cf_<key>)."""
    select_label, edit_label = _("Select %(name)s"), _("Edit %(name)s")
    online = f'<span class="badge ok">{esc(_("Online"))}</span>'
    offline = f'<span class="badge plain">{esc(_("Offline"))}</span>'
    pencil = icon("pencil")
    back = quote(return_query, safe="")
    custom_keys = {f"cf_{f['key']}": f["key"] for f in custom}
    for d in devices:
        name = esc(d.name)
        cells = []
        if selectable:
            cells.append(select_cell(d.pk, select_label % {"name": d.name}))
        edit = ""
        if selectable:
            url = f"{list_url}{d.pk}/edit/?return_query={back}"
            edit = (
                f'\n              <a class="btn small icon-only" href="{esc(url)}" '
                f'hx-get="{esc(url)}" hx-target="#device-dialog-slot" hx-swap="innerHTML" '
                f'hx-push-url="false" aria-label="{esc(edit_label % {"name": d.name})}">'
                f"{pencil}</a>"
            )
        cells.append(f'<td class="col-name"><a href="{list_url}{d.pk}/">{name}</a>{edit}\n</td>')
        own = d.custom_fields or {}
        for key in shown:
            if key == "name":
                continue
            if key == "type":
                inner = (
                    f'<span class="badge plain" data-type="{esc(d.type)}">'
                    f"{esc(d.type_label)}</span>"
                )
                cells.append(f'<td class="col-type">{inner}</td>')
            elif key in PLAIN:
                cells.append(f'<td class="col-{key}">{esc(getattr(d, key))}</td>')
            elif key in CODE:
                cells.append(f'<td class="col-{key}"><code>{esc(getattr(d, key))}</code></td>')
            elif key == "last_seen":
                at = d.last_seen_at
                inner = (
                    f'<time datetime="{defaultfilters.date(at, "c")}">'
                    f"{defaultfilters.date(at, 'j M Y, H:i')}</time>"
                    if at
                    else NONE
                )
                cells.append(f'<td class="col-last_seen num">{inner}</td>')
            elif key == "online":
                cells.append(f'<td class="col-online">{online if d.online else offline}</td>')
            elif key == "created":
                at = d.created_at
                cells.append(
                    f'<td class="col-created num"><time datetime="{defaultfilters.date(at, "c")}">'
                    f"{defaultfilters.date(at, 'j M Y')}</time></td>"
                )
            elif key in custom_keys:
                value = own.get(custom_keys[key], "")
                cells.append(f'<td class="col-custom">{esc(value)}</td>')
        row = f'<tr data-device="{d.pk}">\n' + "\n".join(cells) + "\n</tr>"
        d.row_html = mark_safe(row)  # noqa: S308 - every value above is escaped
