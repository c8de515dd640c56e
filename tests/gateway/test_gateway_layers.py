"""The gateway's rooms, read from its source with ast (every import, also inside functions):
no import cycles, the API never reaches into the pages, and identity never into the views."""

from __future__ import annotations

import ast
from pathlib import Path

GATEWAY = Path(__file__).resolve().parents[2] / "gateway"
VIEWS = ("gateway.pages", "gateway.api", "gateway.blueprints")
IDENTITY_VIEWS = {"gateway.identity.login", "gateway.identity.oidc"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(GATEWAY.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    _module_name(path): path for path in GATEWAY.rglob("*.py") if "migrations" not in path.parts
}


def _imports(path: Path) -> set[str]:
    """The gateway modules a file imports; ``from gateway import x`` is module ``gateway.x``
    when x is one, so a module's package is no edge of its own."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("gateway"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gateway"):
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in MODULES else node.module)
    return found & MODULES.keys()


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _inside(module: str, packages: tuple[str, ...] | set[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_graph_sees_the_gateway():
    assert len(GRAPH) > 50 and "gateway.identity.accounts" in GRAPH["gateway.identity.links"]


def test_no_import_cycles():
    """Depth-first search; a module met again while still on the path closes a cycle."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = path[path.index(module) :] + [module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for imported in sorted(GRAPH[module] - {"gateway"}):
            visit(imported, [*path, module])
        done.add(module)

    for module in sorted(GRAPH):
        visit(module, [])


def test_the_api_never_imports_the_pages():
    wrong = {
        (m, i)
        for m, imported in GRAPH.items()
        if _inside(m, ("gateway.api",))
        for i in imported
        if _inside(i, ("gateway.pages",))
    }
    assert not wrong


def test_identity_imports_no_views_and_its_rules_no_login_views():
    wrong = set()
    for module, imported in GRAPH.items():
        if not _inside(module, ("gateway.identity",)):
            continue
        for target in imported:
            if _inside(target, VIEWS):
                wrong.add((module, target))
            if module not in IDENTITY_VIEWS and target in IDENTITY_VIEWS:
                wrong.add((module, target))
    assert not wrong


def test_shared_modules_import_no_views():
    """access, lookups, clients and the other shared rooms serve the views, never the reverse."""
    shared = [
        m
        for m in GRAPH
        if m != "gateway" and not _inside(m, VIEWS) and not _inside(m, IDENTITY_VIEWS)
    ]
    wrong = {(m, i) for m in shared for i in GRAPH[m] if _inside(i, (*VIEWS, *IDENTITY_VIEWS))}
    assert not wrong
