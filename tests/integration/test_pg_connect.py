"""PostgreSQL start-up (issue 22): a new connection costs one query, a connection back in the pool a
moment ago is not pinged, and the dialect still knows what its own queries told it before."""

from __future__ import annotations

import sqlalchemy as sa

from ehcp.store import pg_connect


def _statements(monkeypatch) -> list[str]:
    """Every statement psycopg sends from now on (SQLAlchemy's own included)."""
    import psycopg

    seen: list[str] = []
    original = psycopg.Cursor.execute

    def execute(self, query, *args, **kwargs):
        seen.append(query if isinstance(query, str) else repr(query))
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    return seen


def _three_checkouts(engine: sa.Engine) -> None:
    for _ in range(3):
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 42")).scalar_one()


def test_a_new_connection_costs_one_query_and_a_fresh_one_no_ping(pg_schema_url: str, monkeypatch) -> None:
    seen = _statements(monkeypatch)
    plain = sa.create_engine(pg_schema_url, pool_pre_ping=True)
    _three_checkouts(plain)
    plain_seen = list(seen)
    seen.clear()
    ours = pg_connect.configure(sa.create_engine(pg_schema_url, **pg_connect.ENGINE_OPTIONS))
    _three_checkouts(ours)
    ours_seen = list(seen)
    # SQLAlchemy's own first connection: version, schema, isolation, standard_conforming_strings,
    # the hstore type look-up, then a ping on each of the two later check-outs.
    assert len(plain_seen) - 3 >= 7
    assert [s for s in ours_seen if "42" not in s] == [
        "SELECT current_schema(), current_setting('transaction_isolation')"]
    for engine in (plain, ours):
        assert engine.dialect.default_schema_name == plain.dialect.default_schema_name
        assert engine.dialect.server_version_info == plain.dialect.server_version_info
        assert engine.dialect.default_isolation_level == plain.dialect.default_isolation_level
        assert engine.dialect._backslash_escapes is plain.dialect._backslash_escapes is False
        engine.dispose()


def test_a_connection_idle_in_the_pool_is_pinged_again(pg_schema_url: str, monkeypatch) -> None:
    seen = _statements(monkeypatch)
    ours = pg_connect.configure(sa.create_engine(pg_schema_url, **pg_connect.ENGINE_OPTIONS))
    with ours.connect() as conn:
        conn.execute(sa.text("SELECT 42"))
    monkeypatch.setattr(pg_connect, "TRUSTED_FOR_S", -1.0)
    with ours.connect() as conn:
        conn.execute(sa.text("SELECT 42"))
    assert seen.count(";") == 1
    ours.dispose()


def test_server_version_from_the_start_up_number() -> None:
    class Info:
        def __init__(self, number: int) -> None:
            self.server_version = number

    class Conn:
        def __init__(self, number: int) -> None:
            self.info = Info(number)

    assert pg_connect.server_version(Conn(150020)) == (15, 20)
    assert pg_connect.server_version(Conn(170002)) == (17, 2)
    assert pg_connect.server_version(Conn(90624)) == (9, 6, 24)
