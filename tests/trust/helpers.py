"""Shared helpers for the trust tests: run the real ``ehcp`` script, dump a database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[2]
EHCP = str(Path(sys.executable).with_name("ehcp"))


def cli_env(url: str, tmp: Path, user: str = "casey.worker", today: str = "2025-12-01", **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EHCP_")}
    env.update({"EHCP_DATABASE_URL": url, "EHCP_TODAY": today, "EHCP_USER": user, "NO_COLOR": "1",
                "EHCP_OUTBOX": str(tmp / "outbox"), "EHCP_CONFIG": str(tmp / "none.toml")})
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([EHCP, *args], env=env, capture_output=True, text=True, cwd=REPO, check=False, **kw)


def dump(url: str) -> list:
    """Every row of every table, in a stable order (SQLite: ``iterdump``; PostgreSQL: SELECT *)."""
    from ehcp.store.db import engine_for
    from ehcp.store.models import Base

    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return list(conn.iterdump())
        finally:
            conn.close()
    out = []
    with engine_for(url).connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(sa.select(table)).all()
            out.append((table.name, sorted(map(repr, rows))))
    return out
