"""No view, API or portal module reads a tenant model except through its scope.

At run time an unscoped query raises (core.tenancy, tests/core/test_tenancy.py); this test
reads the source, so a path no test happens to walk is caught too. A view, an API handler or a
portal module names `Model.objects` only as `Model.objects.for_member(…)`,
`.for_account(…)`, `.for_client(…)`, `.of_user(…)` or `.by_token_hash(…)`; everything else
goes through a domain's `queries.py`.
"""

import ast
from pathlib import Path

from django.apps import apps

from clientdesk.core.tenancy import TenantModel

SRC = Path(__file__).resolve().parents[2] / "src" / "clientdesk"
SCOPES = {"for_member", "for_account", "for_client", "of_user", "by_token_hash"}
WRITES = {"create", "bulk_create"}  # a new row reads nothing


def _tenant_model_names() -> set[str]:
    return {m.__name__ for m in apps.get_models() if issubclass(m, TenantModel)}


def _faced_modules() -> list[Path]:
    """The modules a request reaches first: views, API handlers, and the whole portal."""
    found = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if "migrations" in rel.parts:
            continue
        if (
            rel.parts[0] in ("api", "portal")
            or rel.name in ("views.py", "api.py", "export_views.py")
            or rel.name.startswith("api_")
            or "views" in rel.parts
        ):
            found.append(path)
    return found


def unscoped_reads(paths: list[Path], names: set[str]) -> list[str]:
    problems = []
    for path in paths:
        tree = ast.parse(path.read_text(), filename=str(path))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id in names
            ):
                continue
            parent = parents.get(node)
            if isinstance(parent, ast.Attribute) and parent.attr in SCOPES | WRITES:
                continue
            where = f"{path.name if not path.is_relative_to(SRC) else path.relative_to(SRC)}:{node.lineno}"
            problems.append(f"{where}: {node.value.id}.objects without a scope")
    return problems


def test_faced_modules_read_tenant_models_only_through_a_scope():
    modules = _faced_modules()
    assert any(p.name == "views.py" for p in modules)  # the walk finds the views at all
    assert unscoped_reads(modules, _tenant_model_names()) == []


def test_the_check_catches_an_unscoped_read(tmp_path):
    bad = tmp_path / "views.py"
    bad.write_text(
        "def v(request, pk):\n"
        "    ok = Client.objects.for_member(request.membership).get(pk=pk)\n"
        "    return Client.objects.get(pk=pk)\n"
    )
    (problem,) = unscoped_reads([bad], {"Client"})
    assert problem == "views.py:3: Client.objects without a scope"
