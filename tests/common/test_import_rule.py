"""The import rule, read from the source tree so that a forbidden import cannot come back.

A service's package is imported only from inside that package; shared code lives in
``services.common``, which imports no service; the gateway imports ``services.common`` only and
reaches the services over RPC.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists())


def imported_modules(source: str) -> list[tuple[int, str]]:
    """Every absolute module an import names, with its line: ``from services import scoring``
    counts as ``services.scoring``, imports inside functions count too."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "services":
                found += [(node.lineno, f"services.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return sorted(found)


def allowed(owner: str, module: str) -> bool:
    """``owner`` is ``gateway`` or the service package the importing file belongs to."""
    parts = module.split(".")
    if parts[0] != "services" or len(parts) < 2:
        return True
    target = parts[1]
    if target == "common":
        return True
    return owner not in ("gateway", "common") and target == owner


def violations(root: Path = ROOT) -> list[str]:
    found = []
    files = [(p, "gateway") for p in (root / "gateway").rglob("*.py")]
    files += [
        (p, p.relative_to(root / "services").parts[0]) for p in (root / "services").rglob("*/*.py")
    ]
    for path, owner in files:
        for line, module in imported_modules(path.read_text(encoding="utf-8")):
            if not allowed(owner, module):
                found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return sorted(found)


def test_the_services_are_all_seen():
    assert {"common", "survey", "scoring", "benchmark", "delegation", "reporting"} <= set(SERVICES)


def test_no_service_package_is_imported_from_outside_it():
    assert violations() == []


def test_the_rule_catches_each_way_of_importing():
    source = "\n".join(
        [
            "from services.scoring.rules import score_answer",
            "import services.reporting.jobs",
            "from services import delegation",
            "def late():",
            "    from services.survey import answers",
            "from services.common.questionnaire import questions_by_key",
        ]
    )
    names = [module for _, module in imported_modules(source)]
    assert [allowed("gateway", m) for m in names] == [False, False, False, False, True]
    assert [allowed("scoring", m) for m in names] == [True, False, False, False, True]
    assert [allowed("common", m) for m in names] == [False, False, False, False, True]
