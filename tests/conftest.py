"""Shared test plumbing: a migrated database on SQLite and on PostgreSQL for integration tests.

PostgreSQL is the machine's server on 127.0.0.1:5432 (database ``test``, trust auth); each test
session works in its own schema, so parallel workers and concurrent runs never collide. Set
``EHCP_REQUIRE_POSTGRES=1`` (CI does) to fail rather than skip when the server is missing.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

PG_BASE = os.environ.get("EHCP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> bool:
    import sqlalchemy as sa

    try:
        with sa.create_engine(PG_BASE).connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - whatever stops the connection, there is no server to use
        return False


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating every time)."""
    from ehcp.store import migrate
    from ehcp.store.db import engine_for

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    flag_test_database(url)
    engine_for(url).dispose()  # closing the last connection folds the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def pg_schema_url() -> str:
    """A fresh schema on the PostgreSQL server, migrated to head, dropped at the end."""
    import sqlalchemy as sa

    if not _pg_available():
        if os.environ.get("EHCP_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but not reachable at {PG_BASE}")
        pytest.skip("PostgreSQL not reachable")
    schema = f"ehcp_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_BASE}?options=-csearch_path%3D{schema}"
    from ehcp.store import migrate

    migrate.upgrade(url)
    yield url
    from ehcp.store.db import engine_for

    engine_for(url).dispose()
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _truncate_pg(url: str) -> None:
    import sqlalchemy as sa

    from ehcp.store.db import engine_for
    from ehcp.store.models import Base

    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine_for(url).begin() as conn:
        # audit_log refuses TRUNCATE by trigger (append-only); a superuser resetting a test schema
        # may switch user triggers off for this transaction.
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    flag_test_database(url)


def flag_test_database(url: str, on: bool = True) -> None:
    """Flag the database as a test database, as 'ehcp db flag-test --on' does: the tests move the clock
    with EHCP_TODAY, which is refused once permissions are enforced on any other database (issue 18)."""
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from ehcp.store.db import engine_for

    with engine_for(url).begin() as conn:
        conn.execute(sa.text("DELETE FROM system_flags WHERE name = 'test_database'"))
        conn.execute(sa.text("INSERT INTO system_flags (name, value, changed_at, changed_by) "
                             "VALUES ('test_database', :v, :at, 'tests')"),
                     {"v": "on" if on else "off", "at": datetime.now(UTC)})


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: each integration test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "ehcp.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_schema_url")
    _truncate_pg(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "ehcp.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def make_ctx(tmp_path: Path):
    """Build a ServiceContext for a database URL, a fixed today and an actor."""
    from datetime import date

    from ehcp.config import Settings
    from ehcp.services.context import ServiceContext

    def build(url: str, today: str = "2025-12-01", user: str = "casey.worker") -> ServiceContext:
        return ServiceContext(Settings(database_url=url, user=user, outbox=tmp_path / "outbox",
                                       today_override=date.fromisoformat(today)))

    return build
