"""End-to-end: the real ``ehcp`` entry point (Typer's CliRunner, and the installed script)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner


class Ehcp:
    """Runs ``ehcp`` commands against one database with a fixed EHCP_TODAY."""

    def __init__(self, url: str, tmp: Path, today: str = "2025-12-01", user: str = "casey.worker"):
        self.env = {"EHCP_DATABASE_URL": url, "EHCP_TODAY": today, "EHCP_USER": user,
                    "EHCP_OUTBOX": str(tmp / "outbox"), "NO_COLOR": "1", "EHCP_CONFIG": str(tmp / "none.toml")}
        self.runner = CliRunner()
        self.tmp = tmp

    def __call__(self, *args: str, code: int | None = 0, **env: str):
        from cli.main import app

        result = self.runner.invoke(app, list(args), env={**self.env, **env}, catch_exceptions=False)
        if code is not None:
            assert result.exit_code == code, (args, result.exit_code, result.stdout, result.stderr)
        return result

    def json(self, *args: str, **env: str):
        return json.loads(self(*args, "--format", "json", **env).stdout)


@pytest.fixture
def ehcp(db_url, tmp_path) -> Ehcp:
    return Ehcp(db_url, tmp_path)


@pytest.fixture
def ehcp_sqlite(sqlite_url, tmp_path) -> Ehcp:
    return Ehcp(sqlite_url, tmp_path)


@pytest.fixture
def script() -> str:
    search = str(Path(os.__file__).parents[0]) + os.pathsep + os.path.dirname(os.sys.executable)
    path = shutil.which("ehcp", path=search)
    assert path, "the ehcp console script is not installed"
    return path
