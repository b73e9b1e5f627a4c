"""House rule: a noqa comment names its rule codes and says why (``noqa: BLE001 - the reason``).

Ruff itself flags a noqa that suppresses nothing (RUF100); this test adds the reason. Files under a
``["ALL"]`` entry of ruff's per-file-ignores (the TEMPORARY list in pyproject.toml) are skipped
until that entry is removed.
"""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("ehcp", "calendars", "cli", "workflows", "tests", "bench", "alembic")
NOQA = re.compile(r"#\s*noqa\b(?P<rest>.*)$")
WITH_REASON = re.compile(r":\s*[A-Z]+[0-9]+(\s*,\s*[A-Z]+[0-9]+)*\s+-\s+\S")


def _skipped() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ignores = config["tool"]["ruff"]["lint"].get("per-file-ignores", {})
    return [glob for glob, rules in ignores.items() if "ALL" in rules]


def _checked_files() -> list[Path]:
    skipped = _skipped()
    files = [p for d in SOURCES for p in sorted((ROOT / d).rglob("*.py"))]
    return [p for p in files if not any(fnmatch(p.relative_to(ROOT).as_posix(), g) for g in skipped)]


def test_every_noqa_names_its_codes_and_gives_a_reason() -> None:
    bare = []
    for path in _checked_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found = NOQA.search(line)
            if found and not WITH_REASON.match(found.group("rest")):
                bare.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not bare, "a noqa needs its codes and ' - reason':\n" + "\n".join(bare)
