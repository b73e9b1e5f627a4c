"""The synthetic data generator on both databases: same seed -> the same rows; deadlines exactly the
domain's (a recompute changes nothing); written through the import bulk writer."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import func, select, text

from ehcp.importing.synthetic import generate
from ehcp.services.errors import Refused
from ehcp.services.recompute import recompute_all
from ehcp.store import audit
from ehcp.store.models import AuditRecord, Base, Case

TODAY = "2025-12-01"
TABLES = ("users", "partners", "children", "cases", "case_events", "advice_requests", "deadlines")


def table_digest(ctx) -> str:
    """sha256 of every generated row (not the audit log), in id order, values made comparable."""
    h = hashlib.sha256()
    with ctx.uow(write=False) as uow:
        for table in TABLES:
            for row in uow.session.execute(text(f"SELECT * FROM {table} ORDER BY id")):
                h.update(repr([_plain(v) for v in row]).encode())
    return h.hexdigest()


def _plain(value):
    if isinstance(value, str) and value.startswith("{"):
        value = json.loads(value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def wipe(url: str) -> None:
    if url.startswith("sqlite"):
        from ehcp.store.db import engine_for

        with engine_for(url).begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    else:
        from tests.conftest import _truncate_pg

        _truncate_pg(url)


def test_same_seed_gives_the_same_rows_and_another_seed_others(db_url, make_ctx):
    ctx = make_ctx(db_url, today=TODAY, user="bench")
    summary = generate(ctx, 40, seed=7)
    first = table_digest(ctx)
    assert summary.requests > 40 and summary.counts["cases"] == summary.requests
    wipe(db_url)
    assert generate(ctx, 40, seed=7).counts == summary.counts
    assert table_digest(ctx) == first
    wipe(db_url)
    generate(ctx, 40, seed=8)
    assert table_digest(ctx) != first


def test_generated_deadlines_are_what_the_domain_computes(db_url, make_ctx):
    ctx = make_ctx(db_url, today=TODAY, user="bench")
    summary = generate(ctx, 60, seed=3)
    assert 45 <= summary.plans <= 80
    result = recompute_all(ctx)
    assert result.cases == summary.requests and result.changes == []
    with ctx.uow(write=False) as uow:
        assert audit.verify(uow.session).ok
        actions = list(uow.session.scalars(select(AuditRecord.action)))
        assert actions.count("synthetic_data_generated") == 1


def test_refuses_a_database_that_already_has_cases(db_url, make_ctx):
    ctx = make_ctx(db_url, today=TODAY, user="bench")
    generate(ctx, 10, seed=1)
    with ctx.uow(write=False) as uow:
        before = uow.session.scalar(select(func.count(Case.id)))
    with pytest.raises(Refused, match="already holds cases"):
        generate(ctx, 10, seed=1)
    with ctx.uow(write=False) as uow:
        assert uow.session.scalar(select(func.count(Case.id))) == before


def test_worker_processes_do_not_change_the_rows(sqlite_url, make_ctx, tmp_path):
    ctx = make_ctx(sqlite_url, today=TODAY, user="bench")
    generate(ctx, 30, seed=5, chunk=20)
    one = table_digest(ctx)
    wipe(sqlite_url)
    generate(ctx, 30, seed=5, chunk=20, jobs=2)
    assert table_digest(ctx) == one


def test_dev_generate_command(sqlite_url, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    env = {"EHCP_TODAY": TODAY, "EHCP_USER": "bench", "EHCP_CONFIG": str(tmp_path / "none.toml"),
           "EHCP_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    target = f"sqlite:///{tmp_path / 'generated.sqlite3'}"
    result = CliRunner().invoke(app, ["dev", "generate", "--plans", "20", "--seed", "2", "--database", target,
                                      "--format", "json"], env=env)
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["seed"] == 2 and summary["plans_wanted"] == 20 and summary["counts"]["cases"] > 20
