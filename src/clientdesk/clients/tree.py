"""The client tree as the client page shows it: the way down from the top, siblings loaded."""

from dataclasses import dataclass

from clientdesk.clients import queries
from clientdesk.clients.models import Client


@dataclass
class Node:
    """A client in the tree; `children` is None while they are not loaded (collapsed)."""

    client: Client
    child_count: int = 0
    children: list["Node"] | None = None
    current: bool = False
    more: bool = False  # only the first TREE_SHOWN children are loaded; "Show all" fetches the rest


# A client with hundreds of sub-clients: the page shows the first ones and loads the rest on
# request, so its cost does not grow with the size of the tree (docs/speed.md).
TREE_SHOWN = 50


def visible_ancestors(membership, client: Client) -> list[Client]:
    """The client's ancestors from the topmost this person may see down to its parent."""
    chain = queries.ancestors(client=client)
    if not chain:
        return chain
    visible = set(
        queries.live_clients(membership)
        .filter(pk__in=[c.pk for c in chain])
        .values_list("pk", flat=True)
    )
    kept: list[Client] = []
    for ancestor in reversed(chain):
        if ancestor.pk not in visible:
            break  # above an allow-listed client: not theirs to see
        kept.append(ancestor)
    return kept[::-1]


def tree_for(membership, client: Client) -> tuple[Node, list[Client], Node]:
    """The tree from the topmost ancestor this person may see down to the client's children.

    Each level on the way is loaded (so siblings show); other nodes load when expanded.
    """
    chain = visible_ancestors(membership, client)
    way = [*chain, client]
    root = node = Node(client=way[0])
    for depth, on_way in enumerate(way):
        following = way[depth + 1] if depth + 1 < len(way) else None
        found = queries.children(membership=membership, parent_id=on_way.pk, limit=TREE_SHOWN + 1)
        more = len(found) > TREE_SHOWN
        nodes = [Node(client=c, child_count=c.child_count) for c in found[:TREE_SHOWN]]
        if following is not None and all(n.client.pk != following.pk for n in nodes):
            nodes.append(Node(client=following))  # archived or further down: still on its way
        node.children, node.child_count, node.more = nodes, len(nodes), more
        if following is not None:
            node = next(n for n in nodes if n.client.pk == following.pk)
    node.current = True
    return root, chain, node
