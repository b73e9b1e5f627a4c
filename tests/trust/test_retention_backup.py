"""Retention report and purge (tombstones keep the audit chain verifiable); SQLite backup and restore."""

from __future__ import annotations

import sqlalchemy as sa

from ehcp.store.db import engine_for
from tests.e2e.conftest import Ehcp
from tests.trust.helpers import dump


def test_retention_purge_erases_the_child_keeps_a_tombstone_and_the_chain(db_url, tmp_path):
    ehcp = Ehcp(db_url, tmp_path, today="2046-01-01")
    old = ehcp("case", "new", "--child", "Olde Person", "--dob", "1996-01-01",
               "--received", "2015-03-03").stdout.split()[-1]
    ehcp("case", "withdraw", old, "--on", "2015-04-01", "--reason", "moved away")
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


def test_retention_never_erases_an_open_case_and_counts_from_closure(db_url, tmp_path):
    """An open case is never due whatever the date of birth; a closed one only N years after closing."""
    ehcp = Ehcp(db_url, tmp_path, today="2030-06-01")
    still_open = ehcp("case", "new", "--child", "Opal Open", "--dob", "1996-01-01",
                      "--received", "2015-03-03").stdout.split()[-1]
    closed_late = ehcp("case", "new", "--child", "Cleo Closed", "--dob", "1996-02-02",
                       "--received", "2015-03-04").stdout.split()[-1]
    ehcp("case", "withdraw", closed_late, "--on", "2016-01-04", "--reason", "family asked")
    assert ehcp.json("retention", "report", "--years", "25")["due"] == []
    ehcp("retention", "purge", "--years", "25", "--yes")
    assert ehcp.json("case", "show", still_open)["child"]["name"] == "Opal Open"
    later = Ehcp(db_url, tmp_path, today="2041-01-05")
    assert [r["reference"] for r in later.json("retention", "report", "--years", "25")["due"]] == [closed_late]


def test_retention_below_the_policy_minimum_is_refused_from_every_source(db_url, tmp_path):
    ehcp = Ehcp(db_url, tmp_path, today="2030-06-01")
    assert "at least 25 years" in ehcp("retention", "report", "--years", "6", code=1).stderr
    assert "at least 25 years" in ehcp("retention", "purge", "--years", "6", "--yes", code=1).stderr
    refused = ehcp("retention", "purge", "--yes", code=1, EHCP_RETENTION_YEARS="10").stderr
    assert refused.startswith("ehcp: EHCP_RETENTION_YEARS") and refused.count("\n") == 1
    toml = tmp_path / "ehcp.toml"
    toml.write_text("[ehcp]\nretention_years = 7\n")
    assert "at least 25 years" in ehcp("retention", "report", code=1, EHCP_CONFIG=str(toml)).stderr


def test_retention_purge_deletes_the_outbox_messages_naming_the_case(db_url, tmp_path):
    ehcp = Ehcp(db_url, tmp_path, today="2046-01-01")
    old = ehcp("case", "new", "--child", "Olde Person", "--dob", "1996-01-01",
               "--received", "2015-03-03").stdout.split()[-1]
    ehcp("case", "withdraw", old, "--on", "2015-04-01", "--reason", "moved away")
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    (outbox / "digest-a.eml").write_text(f"Subject: due\n\n{old} OP 1996-01-01\n")
    (outbox / "digest-b.eml").write_text("Subject: due\n\nEHC-2031-00001 AB\n")
    out = ehcp("retention", "purge", "--years", "30", "--yes").stderr
    assert sorted(p.name for p in outbox.iterdir()) == ["digest-b.eml"]
    assert "deleted 1 outbox message(s)" in out


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
    restored = dump(sqlite_url)  # what the backup held, and the restore's own audit record
    assert [line for line in restored if "'db_restored'" not in line] == before
    assert sum("'db_restored'" in line for line in restored) == 1
    assert ehcp("db", "restore", str(tmp_path / "missing.sqlite3"), "--yes", code=1).exit_code == 1


def test_postgresql_backup_prints_the_pg_dump_command(tmp_path):
    ehcp = Ehcp("postgresql+psycopg://app:secret@db.example:5432/ehcp", tmp_path)
    out = ehcp("db", "backup", str(tmp_path / "x.dump")).stdout
    assert out.startswith("pg_dump ") and "secret" not in out and "--format=custom" in out
