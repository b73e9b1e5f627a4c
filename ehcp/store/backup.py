"""Backups: SQLite through the online backup API (safe while others read and write); PostgreSQL
through ``pg_dump`` / ``pg_restore``, whose commands we print rather than run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "").expanduser()


def backup_sqlite(url: str, target: Path) -> int:
    """Copy the live database to ``target`` page by page; returns the number of tables copied."""
    source = sqlite3.connect(sqlite_path(url))
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        return int(dest.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
    finally:
        dest.close()
        source.close()


def restore_sqlite(url: str, backup: Path) -> None:
    """Replace the database's contents with ``backup`` (an ehcp SQLite file), through the backup API."""
    check = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise ValueError(f"{backup} fails SQLite's integrity check")
        tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"cases", "audit_log", "alembic_version"} <= tables:
            raise ValueError(f"{backup} is not an ehcp database")
        dest = sqlite3.connect(sqlite_path(url))
        try:
            check.backup(dest)
        finally:
            dest.close()
    finally:
        check.close()


def pg_commands(url: str, target: str) -> tuple[str, str]:
    """The pg_dump and pg_restore commands for this database (password left to PGPASSWORD/.pgpass)."""
    u = make_url(url)
    conn = " ".join(f"--{k}={v}" for k, v in (("host", u.host), ("port", u.port), ("username", u.username),
                                                ("dbname", u.database)) if v)
    return (f"pg_dump {conn} --format=custom --file={target}",
            f"pg_restore {conn} --clean --if-exists --single-transaction {target}")
