"""Retention report and purge (tombstones keep the audit chain verifiable); SQLite backup and restore."""

from __future__ import annotations

import sqlalchemy as sa

from ehcp.store.db import engine_for
from tests.e2e.conftest import Ehcp
from tests.trust.helpers import dump


def test_retention_purge_erases_the_child_keeps_a_tombstone_and_the_chain(db_url, tmp_path):
    ehcp = Ehcp(db_url, tmp_path, today="2025-12-01")
    old = ehcp("case", "new", "--child", "Olde Person", "--dob", "1995-01-01",
               "--received", "2000-03-03").stdout.split()[-1]
    ehcp("case", "advance", old, "--to", "assessment", "--on", "2000-04-01")
    young = ehcp("case", "new", "--child", "Young Person", "--dob", "2016-05-04",
                 "--received", "2025-03-03").stdout.split()[-1]
    assert [r["reference"] for r in ehcp.json("retention", "report")["due"]] == []
    due = ehcp.json("retention", "report", "--years", "30")["due"]
    assert [(r["reference"], r["initials"]) for r in due] == [(old, "OP")]
    assert ehcp("retention", "purge", "--years", "30", code=1).stderr.startswith("ehcp: purge erases")
    ehcp("retention", "purge", "--years", "30", "--yes")
    with engine_for(db_url).connect() as conn:
        names = {r for (r,) in conn.execute(sa.text("SELECT given_name || ' ' || family_name FROM children"))}
        events = conn.execute(sa.text("SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id "
                                      "WHERE c.reference = :r"), {"r": old}).scalar()
    assert names == {" [erased]", "Young Person"} and events == 0
    assert ehcp("case", "show", young).exit_code == 0
    assert "audit trail intact" in ehcp("audit", "verify").stderr
    actions = [r["action"] for r in ehcp.json("audit", "show", old)["audit"]]
    assert actions[-1] == "records_purged"
    assert ehcp.json("retention", "report", "--years", "30")["due"] == []


def test_sqlite_backup_and_restore_round_trip(sqlite_url, tmp_path):
    ehcp = Ehcp(sqlite_url, tmp_path)
    ehcp("case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received", "2025-03-03")
    before = dump(sqlite_url)
    backup = tmp_path / "backup.sqlite3"
    ehcp("db", "backup", str(backup))
    ehcp("case", "new", "--child", "Sam Sample", "--dob", "2015-05-04", "--received", "2025-03-04")
    assert dump(sqlite_url) != before
    assert ehcp("db", "restore", str(backup), code=1).stderr.startswith("ehcp: ")  # needs --yes
    ehcp("db", "restore", str(backup), "--yes")
    assert dump(sqlite_url) == before
    assert ehcp("db", "restore", str(tmp_path / "missing.sqlite3"), "--yes", code=1).exit_code == 1


def test_postgresql_backup_prints_the_pg_dump_command(tmp_path):
    ehcp = Ehcp("postgresql+psycopg://app:secret@db.example:5432/ehcp", tmp_path)
    out = ehcp("db", "backup", str(tmp_path / "x.dump")).stdout
    assert out.startswith("pg_dump ") and "secret" not in out and "--format=custom" in out
