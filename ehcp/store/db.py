"""Engine and session set-up.

SQLite: WAL journal, a busy timeout and foreign keys on; writers start with ``BEGIN IMMEDIATE`` so
two commands never both read and then fail to upgrade their lock. PostgreSQL: plain transactions;
services lock the case row with ``FOR UPDATE``; psycopg engines connect in one query
(:mod:`ehcp.store.pg_connect`).
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from ehcp.files import create_private_file, sqlite_file
from ehcp.store import pg_connect

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _prepare_sqlite_file(url: str) -> None:
    """Create a new database file 0600 in a 0700 folder before SQLite opens it: SQLite gives its
    ``-wal``, ``-shm`` and ``-journal`` files the main file's mode (ehcp.files)."""
    path = sqlite_file(url)
    if path is not None:
        create_private_file(path)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per URL per process."""
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgresql+psycopg://"):
        return pg_connect.configure(create_engine(url, **pg_connect.ENGINE_OPTIONS))
    return create_engine(url, pool_pre_ping=True)


def safe_url(url: str) -> str:
    """The URL with its password hidden, to print."""
    return make_url(url).render_as_string(hide_password=True)


def dispose(url: str) -> None:
    """Close the pooled connections to ``url`` (after the file under them was replaced)."""
    engine_for(url).dispose()
