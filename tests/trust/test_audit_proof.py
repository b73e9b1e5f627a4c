"""Audit you can prove (issue 18): the keyed chain commits to the case events, seals anchor it
outside the database, and a restore leaves a record. Each tampering case of the issue is detected,
on SQLite and on PostgreSQL (where the audit table's trigger makes the tamperer a superuser)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import sqlalchemy as sa

from ehcp.store import audit, audit_key
from ehcp.store.db import engine_for
from tests.e2e.conftest import Ehcp

CSV = "reference,given_name,family_name,dob,upn,year_group,received,source,caseworker\n"


def _tamper(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))


def _cases(ehcp: Ehcp) -> str:
    ref = ehcp("case", "new", "--child", "Alex Example", "--dob", "2016-05-04",
               "--received", "2025-03-03").stdout.split()[-1]
    ehcp("case", "advance", ref, "--to", "assessment", "--on", "2025-04-01")
    return ref


def _verify(ehcp: Ehcp, *args: str, code: int = 0) -> str:
    return ehcp("audit", "verify", *args, code=code).stderr


def test_editing_deleting_or_forging_a_case_event_is_detected(db_url, tmp_path):
    ehcp = Ehcp(db_url, tmp_path)
    _cases(ehcp)
    assert "audit trail intact: 3 records; 2 case events match" in _verify(ehcp)
    engine = engine_for(db_url)
    with engine.connect() as conn:
        (first, last) = conn.execute(sa.text("SELECT min(id), max(id) FROM case_events")).one()
        advanced = conn.execute(sa.text("SELECT id FROM audit_log WHERE action = 'case_advanced'")).scalar()
    with engine.begin() as conn:  # the source of truth edited: the assessment agreed a month earlier
        conn.execute(sa.text('UPDATE case_events SET "on" = :d WHERE id = :i'), {"d": "2025-03-04", "i": last})
    assert _verify(ehcp, code=1).strip() == (
        f"ehcp: audit trail broken at record {advanced}: its case event no longer matches it "
        "(the case_events row was edited or deleted)")
    with engine.begin() as conn:
        conn.execute(sa.text('UPDATE case_events SET "on" = :d WHERE id = :i'), {"d": "2025-04-01", "i": last})
    _verify(ehcp)
    with engine.begin() as conn:  # an inconvenient event deleted
        row = conn.execute(sa.text("SELECT * FROM case_events WHERE id = :i"), {"i": last}).mappings().one()
        conn.execute(sa.text("DELETE FROM case_events WHERE id = :i"), {"i": last})
    assert f"broken at record {advanced}" in _verify(ehcp, code=1)
    with engine.begin() as conn:  # put back, then forge one more event beside the real ones
        conn.execute(sa.text('INSERT INTO case_events (id, case_id, kind, "on", recorded_at, actor, reason, payload) '
                             "VALUES (:id, :case_id, :kind, :on, :recorded_at, :actor, :reason, :payload)"),
                     {**row, "payload": json.dumps(row["payload"]) if isinstance(row["payload"], dict)
                      else row["payload"]})
    _verify(ehcp)
    with engine.begin() as conn:
        conn.execute(sa.text('INSERT INTO case_events (case_id, kind, "on", recorded_at, actor, payload) '
                             "SELECT case_id, kind, \"on\", recorded_at, 'mo.manager', payload FROM case_events "
                             "WHERE id = :i"), {"i": first})
    assert "the case events do not match the audit trail: 3 rows, 2 recorded" in _verify(ehcp, code=1)


def test_imported_events_are_committed_by_the_import_record(db_url, tmp_path):
    ehcp = Ehcp(db_url, tmp_path)
    path = tmp_path / "cases.csv"
    path.write_text(CSV + ",Pixel,Testington,2016-05-04,,,2025-03-03,parent,\n"
                    ",Widget,Sampleby,2014-01-20,,,2024-12-23,school,\n")
    ehcp("import", "cases", str(path))
    assert "2 case events match" in _verify(ehcp)
    with engine_for(db_url).begin() as conn:
        conn.execute(sa.text("UPDATE case_events SET actor = 'someone.else' WHERE id = "
                             "(SELECT max(id) FROM case_events)"))
    assert "the case events do not match the audit trail: 2 rows, 2 recorded" in _verify(ehcp, code=1)


def test_recomputing_the_chain_without_the_key_is_detected(db_url, tmp_path):
    """The tamperer edits a record and re-hashes the chain from there with the product's own code:
    with a key of their own, or downgraded to the unkeyed scheme."""
    ehcp = Ehcp(db_url, tmp_path)
    _cases(ehcp)
    engine = engine_for(db_url)
    from sqlalchemy.orm import Session

    from ehcp.store.models import AuditRecord

    def rehash(scheme: int) -> None:
        with Session(engine) as session, session.begin():
            _tamper(session.connection())
            records = list(session.scalars(sa.select(AuditRecord).order_by(AuditRecord.id)))
            records[1].reason = "nothing to see"
            prev = audit.GENESIS
            for record in records:
                record.scheme = scheme
                record.prev_hash = prev
                record.hash = prev = audit.digest(prev, record, b"k" * 32)

    original = _dump_audit(engine)
    rehash(audit.KEYED)
    assert "content does not match its hash (the record was edited, or its hash recomputed without the audit key)" \
        in _verify(ehcp, code=1)
    rehash(audit.PLAIN)  # every record rewritten as an old, unkeyed one
    downgraded = _verify(ehcp, code=1)
    assert "no record is keyed although this database's audit key exists (the chain was rewritten" in downgraded
    _restore_audit(engine, original)
    _verify(ehcp)


def _dump_audit(engine: sa.Engine) -> list[dict]:
    from ehcp.store.models import AuditRecord

    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(AuditRecord.__table__).order_by("id")).mappings()]


def _restore_audit(engine: sa.Engine, rows: list[dict]) -> None:
    from ehcp.store.models import AuditRecord

    with engine.begin() as conn:
        _tamper(conn)
        conn.execute(sa.text("DELETE FROM audit_log"))
        conn.execute(sa.insert(AuditRecord.__table__), rows)


def test_truncation_and_deleting_every_record_are_detected_against_a_seal(db_url, tmp_path):
    ehcp = Ehcp(db_url, tmp_path)
    _cases(ehcp)
    ehcp("partner", "add", "EP Service (synthetic)", "--kind", "psychological")
    seals = tmp_path / "elsewhere" / "seals.jsonl"
    seals.parent.mkdir()
    sealed = ehcp.json("audit", "seal", "--append", str(seals))
    assert set(sealed) == {"head", "records", "last_id", "at", "database", "mac"} and sealed["records"] == 4
    assert stat.S_IMODE(seals.stat().st_mode) == 0o600
    assert json.loads(seals.read_text()) == sealed
    assert "1 seal holds" in _verify(ehcp, "--against", str(seals))
    engine = engine_for(db_url)
    with engine.begin() as conn:  # the last record (not a case event, so only the seal can tell)
        _tamper(conn)
        conn.execute(sa.text("DELETE FROM audit_log WHERE id = :i"), {"i": sealed["last_id"]})
    assert _verify(ehcp).startswith("audit trail intact: 3 records")  # the chain alone cannot tell
    assert (f"truncated: the seal names record {sealed['last_id']} (4 records) but the trail ends at record "
            f"{sealed['last_id'] - 1} (3 records)") in _verify(ehcp, "--against", str(seals), code=1)
    with engine.begin() as conn:
        _tamper(conn)
        conn.execute(sa.text("DELETE FROM audit_log"))
    assert "the audit trail is empty but 2 case events exist" in _verify(ehcp, code=1)


def test_a_deleted_middle_record_is_named_as_a_gap(db_url, tmp_path):
    ehcp = Ehcp(db_url, tmp_path)
    _cases(ehcp)
    ehcp("partner", "add", "EP Service (synthetic)", "--kind", "psychological")
    with engine_for(db_url).begin() as conn:
        ids = [r for (r,) in conn.execute(sa.text("SELECT id FROM audit_log ORDER BY id"))]
        _tamper(conn)
        conn.execute(sa.text("DELETE FROM audit_log WHERE id IN (:a, :b)"), {"a": ids[1], "b": ids[2]})
    assert (f"broken at record {ids[3]}: previous-hash link does not match (a record was removed or reordered; "
            f"records {ids[1]}..{ids[2]} are missing)") in _verify(ehcp, code=1)


def test_restoring_an_older_backup_is_recorded_inside_and_outside_and_explains_the_seal(sqlite_url, tmp_path):
    ehcp = Ehcp(sqlite_url, tmp_path)
    ref = _cases(ehcp)
    backup = tmp_path / "before.sqlite3"
    ehcp("db", "backup", str(backup))
    ehcp("case", "advance", ref, "--to", "draft", "--on", "2025-06-02")
    seals = tmp_path / "seals.jsonl"
    ehcp("audit", "seal", "--append", str(seals))
    ehcp("db", "restore", str(backup), "--yes")
    import hashlib

    sha = hashlib.sha256(backup.read_bytes()).hexdigest()
    log = Path(sqlite_url.removeprefix("sqlite:///") + ".restore-log")
    entry = json.loads(log.read_text())
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert (entry["event"], entry["by"], entry["sha256"], entry["replaced"]["records"]) == (
        "db_restored", "casey.worker", sha, 5)  # the backup itself is audited (needs export_personal_data)
    restored = ehcp.json("audit", "show", ref)["audit"]
    assert [r["action"] for r in restored] == ["case_opened", "case_advanced"]
    with engine_for(sqlite_url).connect() as conn:
        record = conn.execute(sa.text("SELECT id, actor, detail FROM audit_log WHERE action = 'db_restored'")).one()
    detail = json.loads(record.detail)
    assert (record.actor, detail["sha256"], detail["backup"], detail["replaced_records"]) == (
        "casey.worker", sha, "before.sqlite3", 5)
    assert _verify(ehcp).startswith("audit trail intact: 4 records")  # the restored chain itself is whole
    against = _verify(ehcp, "--against", str(seals), code=1)
    # the seal named record 5; the restored trail is 3 records + the restore's own record 4
    assert "truncated: the seal names record 5 (5 records) but the trail ends at record 4" in against, against
    assert f"explained by a restore: record {record.id}, casey.worker restored before.sqlite3 (sha256 {sha[:16]})" \
        in against
    ehcp("audit", "seal", "--append", str(seals))  # a seal after the restore holds; the old one still fails
    assert "seal of" in _verify(ehcp, "--against", str(seals), code=1)


def test_the_key_file_is_0600_beside_sqlite_never_printed_and_never_replaced(sqlite_url, tmp_path):
    ehcp = Ehcp(sqlite_url, tmp_path)
    key_file = Path(sqlite_url.removeprefix("sqlite:///") + ".audit-key")
    assert not key_file.exists()
    ref = _cases(ehcp)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    outputs = [ehcp("audit", "verify"), ehcp("audit", "seal"), ehcp("audit", "show", ref)]
    assert all(key not in r.stdout + r.stderr for r in outputs)
    key_file.rename(tmp_path / "kept-elsewhere.key")
    audit_key.forget()
    refused = ehcp("case", "advance", ref, "--to", "draft", "--on", "2025-06-02", code=1).stderr
    assert refused.strip() == (f"ehcp: the audit trail is keyed but its key file {key_file} is missing; "
                               "set EHCP_AUDIT_KEY_FILE to the key")
    assert not key_file.exists()
    elsewhere = {"EHCP_AUDIT_KEY_FILE": str(tmp_path / "kept-elsewhere.key")}
    ehcp("case", "advance", ref, "--to", "draft", "--on", "2025-06-02", **elsewhere)
    assert "4 records" in ehcp("audit", "verify", **elsewhere).stderr
    assert "key file" in ehcp("audit", "verify", code=1).stderr


def test_an_old_unkeyed_trail_still_verifies_and_is_keyed_from_the_next_change(sqlite_url, tmp_path):
    """Records written before this version (scheme 1) verify as a prefix; the next write commits to
    every case event already there, so an old event edited afterwards is caught too."""
    ehcp = Ehcp(sqlite_url, tmp_path)
    ref = _cases(ehcp)
    engine = engine_for(sqlite_url)
    from sqlalchemy.orm import Session

    from ehcp.store.models import AuditRecord

    with Session(engine) as session, session.begin():  # as an older ehcp wrote them
        prev = audit.GENESIS
        for record in session.scalars(sa.select(AuditRecord).order_by(AuditRecord.id)):
            record.scheme, record.events, record.events_digest, record.prev_hash = audit.PLAIN, None, None, prev
            record.hash = prev = audit.digest(prev, record)
    Path(sqlite_url.removeprefix("sqlite:///") + ".audit-key").unlink()
    audit_key.forget()
    assert _verify(ehcp).strip() == "audit trail intact: 3 records; 3 unkeyed records from before the audit key"
    ehcp("partner", "add", "EP Service (synthetic)", "--kind", "psychological")
    assert "audit trail intact: 5 records; 2 case events match; 3 unkeyed records" in _verify(ehcp)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE case_events SET reason = 'edited' WHERE id = (SELECT min(id) FROM case_events)"))
    assert "the case events do not match the audit trail" in _verify(ehcp, code=1)
    assert ref


def test_a_seal_is_never_appended_to_the_database_its_journal_or_the_audit_key(sqlite_url, tmp_path):
    ehcp = Ehcp(sqlite_url, tmp_path)
    _cases(ehcp)
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    key = database.with_name(database.name + ".audit-key")
    before = key.read_bytes()
    for target in (database, database.with_name(database.name + "-wal"), key):
        refused = ehcp("audit", "seal", "--append", str(target), code=1)
        assert "is the database or one of its files" in refused.stderr
    assert key.read_bytes() == before
    assert _verify(ehcp).startswith("audit trail intact")
