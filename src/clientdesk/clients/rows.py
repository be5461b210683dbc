"""The Clients table's rows, drawn in Python.

Drawn by the template engine, 50 rows cost about two thirds of the page's server time (each
row resolved some 40 variables, ran 30 translations and included 6 templates: at 100,000
clients the page took 59 ms, its SQL 4 ms). Here the words of a page are translated once, each
status and engagement badge is rendered once from its own template, the client's URL is
reversed once and its id put in, and a row is one string: the HTML is the one the template
wrote, cell for cell.

Another domain's column (core.registry.ClientColumn) draws its cell with its `cell(value,
request)` when it has one, else with its template.
"""

from html import escape as esc

from django.template import defaultfilters
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clientdesk.clients.models import Client
from clientdesk.clients.templatetags.client_badges import engagement_badge, status_badge
from clientdesk.core.html import select_cell
from clientdesk.core.templatetags.ui import icon
from clientdesk.core.urlfill import each_url


def _date(value, fmt: str) -> str:
    # The `date` filter itself: the account's zone, the active language's month names.
    return defaultfilters.date(value, fmt) if value else ""


class _Cells:
    """An extra column's cells: its `cell` function, else its template (compiled once)."""

    def __init__(self, column, request):
        self.column = column
        self.request = request
        self.template = None if column.cell else get_template(column.template)
        self.td_class = f"col-{column.key}" + (" num" if column.numeric else "")

    def __call__(self, client, value) -> str:
        if self.column.cell:
            inner = self.column.cell(value, self.request)
        else:
            inner = self.template.render(
                {"client": client, "value": value, "request": self.request}, self.request
            )
        return f'<td class="{self.td_class}">{inner}</td>'


def rows_attach(request, clients: list[Client], shown: set[str], selectable: bool) -> None:
    """`client.row_html` for each client of the page: its whole `<tr>`."""
    detail_url = each_url("client_detail", request.account.slug)
    archived = format_html(' <span class="badge plain">{}</span>', _("archived"))
    select_label = _("Select %(name)s")
    quick_label = _("%(what)s: %(name)s")
    # Every row has the same extra columns and quick links: the first row's name them.
    first = clients[0] if clients else None
    extra = {column.key: _Cells(column, request) for column, _ in getattr(first, "extra_cells", ())}
    # Each quick link's HTML after its URL and before its words, made once for the page.
    quick_after = {
        entry.key: (
            f'" title="{esc(str(entry.label))}" data-quick="{entry.key}">'
            f'{icon(entry.icon)}<span class="visually-hidden">'
        )
        for entry, _url in getattr(first, "quick_links", ())
    }
    for c in clients:
        esc_name = esc(c.name)
        cells = []
        if selectable:
            cells.append(select_cell(c.pk, select_label % {"name": c.name}))
        if "prefix" in shown:
            cells.append(f'<td class="col-prefix"><code>{esc(c.prefix)}</code></td>')
        url = detail_url(c.pk)
        cells.append(
            f'<td class="col-name"><a class="cut" href="{url}" title="{esc_name}">{esc_name}</a>'
            f"{archived if c.archived else ''}</td>"
        )
        if "status" in shown:
            badge = status_badge(c.status, c.get_status_display())
            cells.append(f'<td class="col-status">{badge}</td>')
        if "engagement" in shown:
            badge = engagement_badge(c.engagement, c.get_engagement_display())
            cells.append(f'<td class="col-engagement">{badge}</td>')
        if "industry" in shown:
            name = c.industry.name if c.industry_id else ""
            cells.append(f'<td class="col-industry">{esc(name)}</td>')
        if "manager" in shown:
            name = c.manager.display_name if c.manager_id else ""
            cells.append(f'<td class="col-manager">{esc(name or "")}</td>')
        if "tags" in shown:
            tags = "".join(f'<span class="badge plain tag">{esc(n)}</span> ' for n in c.tag_names)
            cells.append(f'<td class="col-tags">{tags}</td>')
        if "parent" in shown:
            parent = ""
            if c.parent_id:
                p = c.parent
                pname = esc(p.name)
                parent = (
                    f'<span class="cut" title="{pname}">{pname}</span> '
                    f'<code class="muted">{esc(p.prefix)}</code>'
                )
            cells.append(f'<td class="col-parent">{parent}</td>')
        for key, value in (("created", c.created_at), ("status_since", c.status_changed_at)):
            if key in shown:
                cells.append(
                    f'<td class="col-{key} num"><time datetime="{_date(value, "c")}">'
                    f"{_date(value, 'j M Y')}</time></td>"
                )
        for column, value in getattr(c, "extra_cells", ()):
            cells.append(extra[column.key](c, value))
        links = getattr(c, "quick_links", ())
        if links:
            anchors = "".join(
                f'<a class="btn small icon-only" href="{esc(link)}{quick_after[entry.key]}'
                f"{esc(quick_label % {'what': entry.label, 'name': c.name})}</span></a>"
                for entry, link in links
            )
            cells.append(f'<td class="col-quick"><span class="quick-links">{anchors}</span></td>')
        row = f'<tr data-client="{esc(c.prefix)}">\n' + "\n".join(cells) + "\n</tr>"
        c.row_html = mark_safe(row)  # noqa: S308 - every value above is escaped
