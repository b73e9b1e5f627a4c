"""Imports point down the floors of the house (docs in README, "Where things live"):

    calendars <- ehcp.rules <- ehcp.domain <- ehcp.store <- ehcp.services / ehcp.chase / ehcp.reports <- cli, workflows

Every import in a module counts, at the top or inside a function. Services reach the database only
through the store's repositories (no SQLAlchemy); the command line reaches it only through services,
except for the two store modules documented in CLI_MAY_IMPORT.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

UPPER = ("ehcp.services", "ehcp.chase", "ehcp.reports", "ehcp.importing", "ehcp.sen2", "ehcp.notify", "cli",
         "workflows")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "calendars": ("ehcp", "cli", "workflows", "sqlalchemy", "prefect"),
    "ehcp/rules": ("ehcp.domain", "ehcp.store", *UPPER, "sqlalchemy", "prefect"),
    "ehcp/domain": ("ehcp.store", *UPPER, "sqlalchemy", "prefect"),
    "ehcp/store": (*UPPER, "prefect"),
    "ehcp/services": ("ehcp.chase", "cli", "workflows", "sqlalchemy", "prefect"),
    # ehcp/chase sits beside the services and shares their context (ServiceContext)
    "ehcp/chase": ("ehcp.reports", "cli", "workflows", "sqlalchemy", "prefect"),
    "ehcp/reports": ("ehcp.services", "ehcp.importing", "cli", "workflows", "prefect"),
    # the advice-return pages reach the database only through ehcp.services.advice_portal
    "ehcp/web": ("ehcp.store", "ehcp.chase", "cli", "workflows", "sqlalchemy", "prefect"),
    "cli": ("sqlalchemy", "ehcp.store"),
    "workflows": ("cli", "sqlalchemy", "ehcp.store"),
}

# Documented exceptions, each with its reason.
CLI_MAY_IMPORT = {
    "ehcp.store.migrate": "ehcp demo and ehcp dev create a fresh database before any service runs",
    "ehcp.store.errors": "cli.common maps a database error to one line and exit 1",
}


def imported_modules(path: Path) -> set[str]:
    """Every name imported, in full: ``from ehcp.store import migrate`` gives ``ehcp.store.migrate``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(path: Path, layer: str) -> set[str]:
    found = {m for m in imported_modules(path) if any(within(m, p) for p in FORBIDDEN[layer])}
    if layer == "cli":
        found = {m for m in found if not any(within(m, allowed) for allowed in CLI_MAY_IMPORT)}
    return found


CASES = [(layer, path) for layer in FORBIDDEN for path in sorted((REPO / layer).rglob("*.py"))]


@pytest.mark.parametrize(("layer", "path"), CASES, ids=lambda v: str(v.relative_to(REPO)) if isinstance(v, Path) else v)
def test_imports_point_down_the_floors(layer, path):
    assert not violations(path, layer)


def test_every_layer_was_found():
    assert {layer for layer, _ in CASES} == set(FORBIDDEN)


def test_the_documented_exceptions_are_still_needed():
    used = set().union(*(imported_modules(p) for p in (REPO / "cli").rglob("*.py")))
    assert all(any(within(m, allowed) for m in used) for allowed in CLI_MAY_IMPORT)
