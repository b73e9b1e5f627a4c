"""Roles and permissions through the CLI: open mode keeps the bootstrap behaviour; enforced mode refuses
unknown logins and names the missing permission."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Ehcp


@pytest.fixture
def cli(db_url, tmp_path) -> Ehcp:
    return Ehcp(db_url, tmp_path, user="ada.admin")


def _setup(cli: Ehcp) -> str:
    opened = cli("case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received", "2025-03-03")
    ref = opened.stdout.split()[-1]
    cli("user", "add", "casey.worker", "--role", "caseworker", "--team", "North")
    cli("user", "add", "morgan.manager", "--role", "manager", "--team", "North")
    return ref


def _refusal(result) -> str:
    assert result.exit_code == 1
    # SQLite with enforcement on first warns that the actor is not authenticated (issue 18)
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("warning: SQLite")]
    assert len(lines) == 1, lines
    return lines[0]


def test_open_mode_registers_the_first_login_as_admin_and_later_logins_as_caseworkers(cli):
    opened = cli("case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received", "2025-03-03")
    ref = opened.stdout.split()[-1]
    # no user added yet: an unknown login works (registered as a caseworker when it opens a case) and
    # may record an exception
    cli("case", "new", "--child", "Sam Sample", "--dob", "2017-01-02", "--received", "2025-03-04",
        EHCP_USER="casey.worker")
    cli("case", "exception", ref, "--reason", "personal_circumstances", "--from", "2025-03-10", "--to",
        "2025-03-20", EHCP_USER="casey.worker")
    users = {u["login"]: u["role"] for u in cli.json("user", "list")["users"]}
    assert users == {"ada.admin": "admin", "casey.worker": "caseworker"}
    # but managing users needs an admin as soon as any user exists
    line = _refusal(cli("user", "add", "eve", code=None, EHCP_USER="casey.worker"))
    assert line == "ehcp: permission 'manage_users' needs role admin; casey.worker is a caseworker"


def test_the_first_user_add_ends_open_mode_unknown_logins_are_refused(cli):
    ref = _setup(cli)
    assert "permissions enforced: on" in cli("user", "enforce", "status").stderr
    before = cli.json("case", "show", ref)
    line = _refusal(cli("case", "note", ref, "a note", code=None, EHCP_USER="someone.new"))
    assert line == ("ehcp: unknown user 'someone.new' (EHCP_USER); an admin must add them with "
                    "'ehcp user add someone.new --role caseworker'")
    assert cli.json("case", "show", ref) == before
    assert "someone.new" not in {u["login"] for u in cli.json("user", "list")["users"]}
    # an admin may go back to open mode explicitly (audited); adding another user keeps that choice
    cli("user", "enforce", "off")
    cli("user", "add", "pat.worker", "--role", "caseworker")
    cli("case", "note", ref, "a note", EHCP_USER="someone.new")
    assert cli("audit", "verify").exit_code == 0


def test_setting_up_users_on_a_fresh_database_keeps_the_person_doing_it(tmp_path, sqlite_url):
    cli = Ehcp(sqlite_url, tmp_path, user="it.lead")
    cli("db", "upgrade")
    added = cli("user", "add", "casey.worker", "--role", "caseworker")
    assert "it.lead (you) registered as the first admin" in added.stderr
    assert {u["login"]: u["role"] for u in cli.json("user", "list")["users"]} == {
        "it.lead": "admin", "casey.worker": "caseworker"}
    cli("user", "add", "morgan.manager", "--role", "manager")  # still an admin: not locked out
    fresh = Ehcp(sqlite_url.replace(".sqlite3", "-2.sqlite3"), tmp_path, user="solo")
    fresh("db", "upgrade")
    line = _refusal(fresh("user", "add", "solo", "--role", "caseworker", code=None))
    assert "the first user must be an admin" in line
    assert fresh.json("user", "list")["users"] == []


@pytest.mark.parametrize("switch", ["user add", "env"])
def test_enforced_permissions_refuse_unknown_users_and_name_the_missing_permission(cli, switch):
    ref = _setup(cli)
    extra = {}
    if switch == "env":  # the environment wins over an admin's 'enforce off'
        _refusal(cli("user", "enforce", "off", code=None, EHCP_USER="casey.worker"))
        cli("user", "enforce", "off")
        extra = {"EHCP_ENFORCE_PERMISSIONS": "1"}
    line = _refusal(cli("case", "show", ref, code=None, EHCP_USER="mallory", **extra))
    assert "unknown user 'mallory'" in line and "ehcp user add mallory" in line
    line = _refusal(cli("case", "exception", ref, "--reason", "personal_circumstances", "--from", "2025-03-10",
                        "--to", "2025-03-20", code=None, EHCP_USER="casey.worker", **extra))
    assert line == ("ehcp: permission 'record_exception' needs role manager or admin; "
                    "casey.worker is a caseworker")
    cli("case", "exception", ref, "--reason", "personal_circumstances", "--from", "2025-03-10", "--to",
        "2025-03-20", EHCP_USER="morgan.manager", **extra)
    # caseworkers act on cases; re-opening a closed case needs a manager
    cli("case", "withdraw", ref, "--on", "2025-04-01", "--reason", "family moved", EHCP_USER="casey.worker", **extra)
    line = _refusal(cli("case", "advance", ref, "--to", "assessment", "--on", "2025-04-02", code=None,
                        EHCP_USER="casey.worker", **extra))
    assert "permission 'reopen_case' needs role manager or admin; casey.worker is a caseworker" in line
    line = _refusal(cli("report", "overdue", "--format", "csv", "--out", str(cli.tmp / "o.csv"), code=None,
                        EHCP_USER="casey.worker", **extra))
    assert "permission 'export_personal_data'" in line
    cli("report", "overdue", "--format", "csv", "--out", str(cli.tmp / "o.csv"), EHCP_USER="morgan.manager", **extra)
    assert (cli.tmp / "o.csv.OFFICIAL-SENSITIVE.txt").read_text().startswith("OFFICIAL-SENSITIVE")
    line = _refusal(cli("user", "role", "casey.worker", "admin", code=None, EHCP_USER="morgan.manager", **extra))
    assert "permission 'manage_users' needs role admin; morgan.manager is a manager" in line
    cli("user", "role", "casey.worker", "manager", **extra)
    assert cli("audit", "verify", **extra).exit_code == 0


def test_bulk_import_needs_a_manager_when_enforced(sqlite_url, tmp_path):
    """Issue 9: bulk import is a manager's or admin's act; a caseworker is refused, nothing written."""
    from tests.e2e.conftest import Ehcp

    admin = Ehcp(sqlite_url, tmp_path, user="ada.admin")
    admin("user", "add", "ada.admin", "--role", "admin")
    admin("user", "add", "casey.worker", "--role", "caseworker")
    admin("user", "enforce", "on")
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text("given_name,family_name,dob,received\nAlex,Example,2016-05-04,2025-03-03\n")
    casey = Ehcp(sqlite_url, tmp_path, user="casey.worker")
    refused = casey("import", "cases", str(csv_file), code=1)
    assert "bulk_import" in refused.stderr
    assert admin.json("case", "list", "--all")["cases"] == []
    admin("import", "cases", str(csv_file))
    assert len(admin.json("case", "list", "--all")["cases"]) == 1
