"""The client tree's nodes drawn in Python (clients/tree.py builds them), for a client page
that shows up to TREE_SHOWN children of each client on its way: drawn by a template included
once per node, they cost a template render each."""

from html import escape as esc

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientdesk.clients.tree import Node
from clientdesk.core.templatetags.ui import icon
from clientdesk.core.urlfill import each_url


class _Drawer:
    def __init__(self, request):
        slug = request.account.slug
        self.detail = each_url("client_detail", slug)
        self.children = each_url("client_tree", slug)
        self.archived = f'<span class="badge plain tree-flag">{esc(_("Archived"))}</span>'
        self.error = esc(_("Could not load the sub-clients."))
        self.show_all = esc(_("Show all sub-clients"))
        self.chevron = icon("chevron-right")

    def node(self, node: Node) -> str:
        client = node.client
        name = esc(client.name)
        if node.current:
            link = f'<span class="tree-name" aria-current="page">{name}</span>'
        else:
            link = f'<a class="tree-name" href="{self.detail(client.pk)}">{name}</a>'
        html = [
            f'<li class="tree-node{" is-current" if node.current else ""}">\n'
            f'  <div class="tree-row">\n    {link}\n'
            f'    <span class="tree-prefix">{esc(client.prefix)}</span>\n'
            f"    {self.archived if client.archived else ''}\n  </div>\n"
        ]
        if node.child_count:
            children_url = self.children(client.pk)
            if node.children is not None:
                details = '<details class="tree-children" open>'
            else:
                details = (
                    f'<details class="tree-children" data-tree-lazy data-tree-error="{self.error}" '
                    f'hx-get="{children_url}" hx-trigger="toggle once" hx-target="find ul" '
                    'hx-swap="innerHTML">'
                )
            said = ngettext(
                "%(name)s: %(n)s sub-client", "%(name)s: %(n)s sub-clients", node.child_count
            ) % {"name": client.name, "n": node.child_count}
            html.append(
                f'  {details}\n    <summary>{self.chevron}<span class="visually-hidden">'
                f"{esc(said)}</span></summary>\n    <ul>\n"
            )
            if node.children is not None:
                html.extend(self.node(child) for child in node.children)
                if node.more:
                    html.append(
                        f'<li class="tree-more"><button class="btn small" type="button" '
                        f'hx-get="{children_url}" hx-target="closest ul" hx-swap="innerHTML">'
                        f"{self.show_all}</button></li>"
                    )
            else:
                opens = _("Open %(name)s to see its sub-clients") % {"name": client.name}
                html.append(
                    f'<li class="tree-more"><a href="{self.detail(client.pk)}">'
                    f"{esc(opens)}</a></li>"
                )
            html.append("    </ul>\n  </details>\n")
        html.append("</li>")
        return "".join(html)


def tree_html(request, root: Node) -> SafeString:
    """The tree from `root` down, as <li> nodes."""
    return mark_safe(_Drawer(request).node(root))  # noqa: S308 - every value is escaped


def nodes_html(request, nodes: list[Node]) -> SafeString:
    """Nodes fetched when a node is expanded (or "Show all")."""
    drawer = _Drawer(request)
    return mark_safe("".join(drawer.node(n) for n in nodes))  # noqa: S308 - escaped as above
