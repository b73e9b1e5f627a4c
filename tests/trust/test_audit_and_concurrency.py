"""The hash-chained audit trail (``ehcp audit verify|show``) and optimistic locking with two real
processes, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import threading
from datetime import date

import sqlalchemy as sa

from ehcp.services.cases import ChildDetails, advance_case, open_case
from ehcp.store.db import engine_for
from tests.trust.helpers import EHCP, REPO, cli_env, run_cli

CHILD = ChildDetails(given_name="Alex", family_name="Example", dob=date(2016, 5, 4))


def _a_case(make_ctx, url: str) -> str:
    ctx = make_ctx(url)
    ref = open_case(ctx, CHILD, received=date(2025, 3, 3)).reference
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 1))
    return ref


def _tamper(conn: sa.Connection) -> None:
    """On PostgreSQL the audit table refuses UPDATE/DELETE by trigger; only a superuser switching
    user triggers off gets past it, and that is what the chain must still catch."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))


def test_audit_verify_names_an_edited_and_a_deleted_record(db_url, make_ctx, tmp_path):
    ref = _a_case(make_ctx, db_url)
    env = cli_env(db_url, tmp_path)
    ok = run_cli(["audit", "verify"], env)
    assert ok.returncode == 0 and "audit trail intact: 3 records" in ok.stderr, ok.stderr
    shown = json.loads(run_cli(["audit", "show", ref, "--format", "json"], env).stdout)
    assert [r["action"] for r in shown["audit"]] == ["case_opened", "case_advanced"]
    engine = engine_for(db_url)
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(sa.text("SELECT id FROM audit_log ORDER BY id"))]
        _tamper(conn)
        conn.execute(sa.text("UPDATE audit_log SET reason = 'nothing to see' WHERE id = :i"), {"i": ids[1]})
    bad = run_cli(["audit", "verify"], env)
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        (f"ehcp: audit trail broken at record {ids[1]}: content does not match its hash (the record was edited, "
        "or its hash recomputed without the audit key)"),
    ]
    with engine.begin() as conn:  # put it back, then delete a record instead
        _tamper(conn)
        conn.execute(sa.text("UPDATE audit_log SET reason = NULL WHERE id = :i"), {"i": ids[1]})
    assert run_cli(["audit", "verify"], env).returncode == 0
    with engine.begin() as conn:
        _tamper(conn)
        conn.execute(sa.text("DELETE FROM audit_log WHERE id = :i"), {"i": ids[1]})
    gone = run_cli(["audit", "verify"], env)
    assert gone.returncode == 1 and f"broken at record {ids[2]}" in gone.stderr and "removed" in gone.stderr


def test_two_caseworkers_advancing_one_case_at_once_one_wins_one_is_told(db_url, make_ctx, tmp_path):
    ref = _a_case(make_ctx, db_url)
    shown = run_cli(["case", "show", ref, "--format", "json"], cli_env(db_url, tmp_path))
    version = json.loads(shown.stdout)["version"]
    go = threading.Barrier(2)
    results: dict[str, subprocess.CompletedProcess] = {}

    def advance(user: str) -> None:
        env = cli_env(db_url, tmp_path, user=user)
        go.wait()
        results[user] = subprocess.run(
            [EHCP, "case", "advance", ref, "--to", "draft", "--on", "2025-06-02", "--channel", "email",
             "--expect-version", str(version)], env=env, capture_output=True, text=True, cwd=REPO, check=False)

    threads = [threading.Thread(target=advance, args=(u,)) for u in ("casey.worker", "robin.worker")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    codes = sorted(r.returncode for r in results.values())
    assert codes == [0, 1], {u: (r.returncode, r.stderr) for u, r in results.items()}
    winner = next(u for u, r in results.items() if r.returncode == 0)
    loser = next(r for r in results.values() if r.returncode == 1)
    line = loser.stderr.strip()
    assert len(line.splitlines()) == 1
    assert line.startswith(f"ehcp: {ref}: changed by {winner} at ") and "please re-check" in line
    with engine_for(db_url).connect() as conn:
        kinds = [k for (k,) in conn.execute(sa.text(
            "SELECT e.kind FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.reference = :r ORDER BY e.id"),
            {"r": ref})]
        stage, new_version = conn.execute(sa.text("SELECT stage, version FROM cases WHERE reference = :r"),
                                          {"r": ref}).one()
    assert kinds == ["request_received", "assessment_agreed", "draft_plan_sent"]
    assert (stage, new_version) == ("draft", version + 1)
    assert run_cli(["audit", "verify"], cli_env(db_url, tmp_path)).returncode == 0
