"""The core knows no domain, and no two domains import each other (DESIGN §6): a domain joins
the pages of others through core.registry. This reads the source, so an import inside a
function counts as much as one at the top."""

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "clientdesk"
BASE = {"core", "audit", "api"}  # the base every domain stands on, and the API's root


def imports_between_apps() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in SRC.glob("*/**/*.py"):
        rel = path.relative_to(SRC)
        if "migrations" in rel.parts:
            continue
        app = rel.parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("clientdesk."):
                other = node.module.split(".")[1]
                if other != app and (SRC / other).is_dir():
                    graph[app].add(other)
    return graph


def test_the_core_imports_no_domain():
    graph = imports_between_apps()
    assert graph["core"] - BASE == set()
    assert graph["audit"] - BASE == set()


def test_no_two_domains_import_each_other_even_through_others():
    graph = imports_between_apps()
    domains = {app for app in graph if app not in BASE}

    def reaches(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt in domains and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    cycles = sorted(app for app in domains if app in reaches(app))
    assert cycles == []


def test_the_graph_is_read_at_all():
    graph = imports_between_apps()
    assert "clients" in graph["contacts"] and "contacts" in graph["portal"]
