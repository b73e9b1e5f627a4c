"""PostgreSQL engines that start a command in as few round trips as the driver allows.

A case command is a short process: it opens one connection, runs a few indexed queries and exits,
so what SQLAlchemy does once per connection is a visible share of what a caseworker waits for on a
busy server (each round trip waits for the server process to be scheduled). Out of the box the
psycopg dialect's first connection sends five queries before the command's own
(``select pg_catalog.version()``, ``select current_schema()``, ``show transaction isolation level``,
``show standard_conforming_strings`` and a ``pg_type`` look-up for ``hstore``), and the pool's
pre-ping sends ``;`` every time a pooled connection is taken again.

Here:

* the server version and ``standard_conforming_strings`` come from the start-up messages the
  server sends anyway (``connection.info``, no query);
* the default schema and the default isolation level come from one query;
* ``hstore`` is not looked up (ehcp stores no ``hstore`` column);
* the pre-ping is skipped for a connection given back to the pool less than
  :data:`TRUSTED_FOR_S` seconds ago (the ping is for connections that sat idle while the server
  restarted or dropped them: the nightly flows and ``ehcp flows serve`` keep it).

None of this changes what is stored or read; ``tests/integration/test_pg_connect.py`` counts the
statements.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.pool import ConnectionPoolEntry

TRUSTED_FOR_S = 5.0  # a connection back in the pool for less than this is not pinged again

ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True, "use_native_hstore": False}


def server_version(dbapi_connection: Any) -> tuple[int, ...]:
    """The server's version as SQLAlchemy's dialect stores it, from libpq's start-up parameters
    (``150020`` -> ``(15, 20)``; before 10: ``90624`` -> ``(9, 6, 24)``)."""
    number = int(dbapi_connection.info.server_version)
    major = number // 10000
    if major >= 10:
        return (major, number % 10000)
    return (major, number // 100 % 100, number % 100)


def configure(engine: Engine) -> Engine:
    """Set ``engine`` (psycopg) up to connect in one query and to skip pings of fresh connections."""
    dialect = engine.dialect
    if dialect.name != "postgresql" or dialect.driver != "psycopg":
        return engine
    first_ping = dialect.do_ping
    isolation: dict[str, str] = {}
    returned: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()

    def version_from_startup(connection: Connection) -> tuple[int, ...]:
        return server_version(connection.connection.dbapi_connection)

    def backslashes_from_startup(connection: Connection) -> None:
        info = connection.connection.dbapi_connection.info  # type: ignore[union-attr]  # psycopg's
        dialect._backslash_escapes = info.parameter_status("standard_conforming_strings") == "off"  # type: ignore[attr-defined]  # PGDialect's own flag

    def schema_and_isolation(connection: Connection) -> str:
        schema, level = connection.exec_driver_sql(
            "SELECT current_schema(), current_setting('transaction_isolation')").one()
        isolation["level"] = str(level).upper()
        return str(schema)

    def default_isolation(dbapi_connection: Any) -> str:
        if "level" in isolation:
            return isolation.pop("level")
        return str(dialect.get_isolation_level(dbapi_connection))

    def ping_unless_fresh(dbapi_connection: Any) -> bool:
        back = returned.get(dbapi_connection)
        if back is not None and time.monotonic() - back < TRUSTED_FOR_S:
            return True
        return bool(first_ping(dbapi_connection))

    # Instance attributes shadow the dialect's methods (SQLAlchemy calls them as self.<name>(...)).
    vars(dialect).update({
        "_get_server_version_info": version_from_startup,
        "_set_backslash_escapes": backslashes_from_startup,
        "_get_default_schema_name": schema_and_isolation,
        "get_default_isolation_level": default_isolation,
        "do_ping": ping_unless_fresh,
    })

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        if dbapi_connection is not None:
            returned[dbapi_connection] = time.monotonic()

    return engine
