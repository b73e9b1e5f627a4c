"""ehcp/domain imports only the standard library, calendars and ehcp.rules; no circles, no hidden imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.test_layers import imported_modules

ROOT = Path(__file__).resolve().parents[3] / "ehcp"
ALLOWED = {"calendars", "ehcp.domain", "ehcp.rules", "__future__"}
DOMAIN = sorted((ROOT / "domain").rglob("*.py"))
RULES = sorted((ROOT / "rules").glob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_allowed(module: str) -> bool:
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or any(module == a or module.startswith(a + ".") for a in ALLOWED)


@pytest.mark.parametrize("path", DOMAIN + RULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_only_stdlib_calendars_and_each_other(path):
    assert not {m for m in imported_modules(path) if not is_allowed(m)}


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.name)
def test_rules_do_not_import_the_domain(path):
    assert not {m for m in imported_modules(path) if m.startswith("ehcp.domain")}


@pytest.mark.parametrize("path", DOMAIN + RULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_system_clock(path):
    text = path.read_text()
    assert "date.today(" not in text and "datetime.now(" not in text and ".utcnow(" not in text


def top_level_imports(path: Path) -> set[str]:
    """The ehcp.domain modules ``path`` imports when it is loaded (not under TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(), str(path)).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ehcp.domain"):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("ehcp.domain")}
    return found


def domain_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in DOMAIN}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {t for t in top_level_imports(path) if t in modules}
        # importing a.b.c first runs the package a.b's __init__, unless a.b is being imported already
        # because it is the importer's own package
        graph[name] = {p for t in targets for p in _with_parents(t)
                       if p in modules and p != name and not name.startswith(p + ".")}
    return graph


def _with_parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:n]) for n in range(3, len(parts) + 1)]


def test_no_import_circle_inside_the_domain():
    graph = domain_graph()
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        if node in path:
            pytest.fail("import circle: " + " -> ".join((*path[path.index(node):], node)))
        if node in done:
            return
        for target in sorted(graph.get(node, ())):
            if target != "ehcp.domain":  # the package's names are loaded lazily, never at import
                visit(target, (*path, node))
        done.add(node)

    for module in sorted(graph):
        visit(module, ())


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_import_inside_a_function(path):
    tree = ast.parse(path.read_text(), str(path))
    functions = [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    hidden = [node.lineno for function in functions
              for node in ast.walk(function) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert not hidden


@pytest.mark.parametrize("module", ["ehcp.domain.vocabulary", "ehcp.domain.deadlines"])
def test_the_vocabulary_and_the_status_rule_load_alone(module):
    """The read path imports these without the calendars, the rules or the rest of the domain."""
    code = (f"import sys, {module}; print(sorted(m for m in sys.modules "
            "if m.startswith(('calendars', 'ehcp.rules', 'ehcp.domain.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == repr([module])


def test_sources_were_found():
    assert len(DOMAIN) > 30


def test_the_lazy_exports_match_the_type_checking_imports():
    """ehcp/domain/__init__.py names each public name twice (PEP 562 map, TYPE_CHECKING imports): same names."""
    import ehcp.domain as package

    path = ROOT / "domain" / "__init__.py"
    guarded = next(node for node in ast.parse(path.read_text(), str(path)).body
                   if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING")
    imported = {alias.name: node.module for node in guarded.body if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    assert imported == package._EXPORTS
