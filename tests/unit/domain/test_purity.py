"""ehcp/domain and ehcp/rules import only the standard library, calendars and each other."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3] / "ehcp"
ALLOWED = {"calendars", "ehcp.domain", "ehcp.rules", "__future__"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def is_allowed(module: str) -> bool:
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or any(module == a or module.startswith(a + ".") for a in ALLOWED)


SOURCES = sorted((ROOT / "domain").glob("*.py")) + sorted((ROOT / "rules").glob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_imports_only_stdlib_calendars_and_each_other(path):
    assert not {m for m in imported_modules(path) if not is_allowed(m)}


@pytest.mark.parametrize("path", sorted((ROOT / "rules").glob("*.py")), ids=lambda p: p.name)
def test_rules_do_not_import_the_domain(path):
    assert not {m for m in imported_modules(path) if m.startswith("ehcp.domain")}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_system_clock(path):
    text = path.read_text()
    assert "date.today(" not in text and "datetime.now(" not in text and ".utcnow(" not in text


def test_sources_were_found():
    assert len(SOURCES) > 10
