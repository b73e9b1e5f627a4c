"""PostgreSQL enforces who may do what, with real login roles (issue 18).

The set-up makes its own schema, group roles with a unique prefix (role names are cluster-wide) and
one login role per synthetic person, through the product's own commands run as the owner
(``ehcp db roles --apply``, ``ehcp user add``); the tests then connect as those logins, through the
CLI and with raw SQL, and everything is dropped at the end.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from tests.conftest import PG_BASE, _pg_available, flag_test_database


@dataclass
class Deployment:
    schema: str
    prefix: str
    owner_url: str
    logins: dict[str, str]  # who -> login role name
    refs: dict[str, str]    # team -> a case reference
    tmp: Path

    def url(self, who: str) -> str:
        base = make_url(PG_BASE).set(username=self.logins[who], password=None)
        return f"{base.render_as_string(hide_password=False)}?options=-csearch_path%3D{self.schema}"

    def cli(self, who: str | None, *args: str, code: int | None = 0, **env: str):
        """Run ``ehcp`` connected as ``who``'s login role (None: the owner)."""
        from cli.main import app

        url = self.owner_url if who is None else self.url(who)
        full = {"EHCP_DATABASE_URL": url, "EHCP_TODAY": "2025-12-01", "EHCP_USER": "setup.admin",
                "EHCP_OUTBOX": str(self.tmp / "outbox"), "NO_COLOR": "1",
                "EHCP_CONFIG": str(self.tmp / "none.toml"), **env}
        result = CliRunner().invoke(app, list(args), env=full, catch_exceptions=False)
        if code is not None:
            assert result.exit_code == code, (args, result.exit_code, result.stdout, result.stderr)
        return result

    def connect(self, who: str | None) -> sa.Engine:
        return sa.create_engine(self.owner_url if who is None else self.url(who))


def _refused(engine: sa.Engine, sql: str, params: dict | None = None) -> str:
    """The database's error for ``sql`` (the test fails if it is allowed)."""
    with engine.connect() as conn:
        with pytest.raises(DBAPIError) as caught:
            conn.execute(sa.text(sql), params or {})
        conn.rollback()
    return str(caught.value.orig)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    from ehcp.store import migrate
    from ehcp.store.db import engine_for

    if not _pg_available():
        pytest.skip("PostgreSQL not reachable")
    suffix = uuid.uuid4().hex[:8]
    schema, prefix = f"ehcp_roles_{suffix}", f"ehcp_t{suffix}"
    owner = sa.create_engine(PG_BASE)
    with owner.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    owner_url = f"{PG_BASE}?options=-csearch_path%3D{schema}"
    logins = {who: f"{who}.{suffix}" for who in ("admin", "north.cw", "north.mgr", "south.cw", "north.cw2", "extra",
                                                          "leaver")}
    d = Deployment(schema, prefix, owner_url, logins, {}, tmp_path_factory.mktemp("pgroles"))
    try:
        migrate.upgrade(owner_url)
        flag_test_database(owner_url)  # the tests set EHCP_TODAY, refused on an unflagged enforced database
        d.cli(None, "db", "roles", "--apply", "--prefix", prefix)
        for who, role, team in [("admin", "admin", "North"), ("north.cw", "caseworker", "North"),
                                ("north.mgr", "manager", "North"), ("south.cw", "caseworker", "South"),
                                ("north.cw2", "caseworker", "North")]:
            added = d.cli(None, "user", "add", logins[who], "--role", role, "--team", team)
            assert f"member of {prefix}_{role}" in added.stderr
        for who, team, child in [("north.cw", "North", "Nia North"), ("south.cw", "South", "Sam South")]:
            made = d.cli(who, "case", "new", "--child", child, "--dob", "2018-05-01", "--received", "2025-11-03",
                         "--format", "json")
            d.refs[team] = json.loads(made.stdout)["reference"]
        yield d
    finally:
        for url in [owner_url, *[d.url(who) for who in logins]]:
            engine_for(url).dispose()
        with owner.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            for name in [*logins.values(), *[f"{prefix}_{g}" for g in ("caseworker", "manager", "admin")]]:
                if conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first():
                    conn.execute(sa.text(f'DROP OWNED BY "{name}"'))
                    conn.execute(sa.text(f'DROP ROLE "{name}"'))
        owner.dispose()


def test_a_caseworker_cannot_promote_itself_even_from_psql(deployed: Deployment) -> None:
    me = deployed.connect("north.cw")
    assert "permission denied" in _refused(me, "UPDATE users SET role = 'admin' WHERE login = session_user")
    assert "permission denied" in _refused(me, "INSERT INTO users (login, name, role, active) "
                                               "VALUES ('x', 'x', 'admin', true)")
    assert "admin option" in _refused(me, f'GRANT {deployed.prefix}_admin TO "{deployed.logins["north.cw"]}"')
    assert "permission denied" in _refused(me, "SELECT ehcp_grant_login(session_user, 'admin')")
    assert "permission denied" in _refused(me, "UPDATE system_flags SET value = 'off'")
    assert "permission denied" in _refused(me, "CREATE TABLE mine (i integer)")
    refused = deployed.cli("north.cw", "user", "role", deployed.logins["north.cw"], "admin", code=1)
    assert "needs role admin" in refused.stderr
    me.dispose()


def test_a_caseworker_sees_and_changes_only_their_teams_cases_even_with_raw_sql(deployed: Deployment) -> None:
    north, south = deployed.refs["North"], deployed.refs["South"]
    me = deployed.connect("north.cw")
    with me.begin() as conn:
        assert conn.execute(sa.text("SELECT reference FROM cases")).scalars().all() == [north]
        assert conn.execute(sa.text("SELECT given_name FROM children")).scalars().all() == ["Nia"]
        south_id = conn.execute(sa.text("SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id "
                                        "WHERE c.reference = :r"), {"r": south}).scalar()
        assert south_id == 0
        assert conn.execute(sa.text("UPDATE cases SET stage = 'withdrawn' WHERE reference = :r"),
                            {"r": south}).rowcount == 0
    with deployed.connect(None).connect() as owner:
        south_case = owner.execute(sa.text("SELECT id FROM cases WHERE reference = :r"), {"r": south}).scalar()
        assert owner.execute(sa.text("SELECT stage FROM cases WHERE id = :i"), {"i": south_case}).scalar() == "request"
    assert "row-level security" in _refused(
        me, "INSERT INTO notes (case_id, at, actor, text) VALUES (:c, now(), session_user, 'x')", {"c": south_case})
    me.dispose()


def test_another_teams_case_is_an_unknown_case_at_the_command_line(deployed: Deployment) -> None:
    shown = deployed.cli("north.cw", "case", "show", deployed.refs["South"], code=1)
    assert "unknown case" in shown.stderr
    mine = deployed.cli("north.cw", "case", "show", deployed.refs["North"], "--format", "json")
    assert json.loads(mine.stdout)["reference"] == deployed.refs["North"]
    assert deployed.cli("north.cw2", "case", "show", deployed.refs["North"]).exit_code == 0  # same team


def test_a_manager_sees_their_team_and_an_admin_sees_all(deployed: Deployment) -> None:
    def visible(who: str) -> list[str]:
        engine = deployed.connect(who)
        with engine.connect() as conn:
            refs = conn.execute(sa.text("SELECT reference FROM cases ORDER BY reference")).scalars().all()
        engine.dispose()
        return list(refs)

    assert visible("north.mgr") == [deployed.refs["North"]]
    assert visible("admin") == sorted(deployed.refs.values())
    assert visible("south.cw") == [deployed.refs["South"]]


def test_nobody_can_alter_delete_or_truncate_the_audit_table(deployed: Deployment) -> None:
    me = deployed.connect("north.cw")
    for sql in ("UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log",
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change", "DROP TABLE audit_log"):
        error = _refused(me, sql)
        assert "permission denied" in error or "must be owner" in error, (sql, error)
    assert "row-level security" in _refused(
        me, "INSERT INTO audit_log (at, actor, action, detail, prev_hash, hash) "
            "VALUES (now(), 'setup.admin', 'forged', '{}', '', '')")
    owner = deployed.connect(None)  # even the owner meets the trigger
    for sql in ("UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        assert "append-only" in _refused(owner, sql), sql
    me.dispose()
    owner.dispose()


def test_the_audit_names_the_login_role_whatever_ehcp_user_says(deployed: Deployment) -> None:
    ref = deployed.refs["North"]
    noted = deployed.cli("north.cw", "case", "note", ref, "called the parent", EHCP_USER="setup.admin")
    assert "EHCP_USER=setup.admin ignored" in noted.stderr
    with deployed.connect(None).connect() as owner:
        actor, action = owner.execute(sa.text("SELECT actor, action FROM audit_log ORDER BY id DESC LIMIT 1")).one()
        note_by = owner.execute(sa.text("SELECT actor FROM notes ORDER BY id DESC LIMIT 1")).scalar()
    assert (actor, action, note_by) == (deployed.logins["north.cw"], "note_added", deployed.logins["north.cw"])
    assert deployed.cli(None, "audit", "verify").exit_code == 0


def test_a_caseworker_cannot_record_an_exception_even_with_raw_sql(deployed: Deployment) -> None:
    ref = deployed.refs["North"]
    args = ("case", "exception", ref, "--reason", "personal_circumstances", "--from", "2025-11-10",
            "--to", "2025-11-20")
    refused = deployed.cli("north.cw", *args, EHCP_USER="north.mgr", code=1)
    assert "record_exception" in refused.stderr
    me = deployed.connect("north.cw")
    with me.connect() as conn:
        case_id = conn.execute(sa.text("SELECT id FROM cases WHERE reference = :r"), {"r": ref}).scalar()
    assert "row-level security" in _refused(
        me, "INSERT INTO case_events (case_id, kind, \"on\", recorded_at, actor, payload) "
            "VALUES (:c, 'exception_recorded', '2025-11-10', now(), session_user, '{}')", {"c": case_id})
    me.dispose()
    deployed.cli("north.mgr", *args)  # a manager of the team may


def test_an_admin_login_adds_people_and_moves_them_between_groups(deployed: Deployment) -> None:
    extra = deployed.logins["extra"]
    added = deployed.cli("admin", "user", "add", extra, "--role", "caseworker", "--team", "South")
    assert f"member of {deployed.prefix}_caseworker" in added.stderr
    deployed.cli("admin", "user", "role", extra, "manager")
    with deployed.connect(None).connect() as owner:
        groups = owner.execute(sa.text(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :l"), {"l": extra}).scalars().all()
        login, password = owner.execute(sa.text("SELECT rolcanlogin, rolpassword IS NOT NULL FROM pg_authid "
                                                "WHERE rolname = :l"), {"l": extra}).one()
        actors = owner.execute(sa.text("SELECT actor FROM audit_log WHERE action IN ('user_added', "
                                       "'user_role_changed') AND detail::text LIKE :l"), {"l": f"%{extra}%"})
    assert groups == [f"{deployed.prefix}_manager"] and login and not password
    assert set(actors.scalars()) == {deployed.logins["admin"]}
    assert deployed.cli("extra", "case", "show", deployed.refs["South"]).exit_code == 0  # a South manager now


def test_a_deactivated_user_s_login_role_can_no_longer_log_in(deployed: Deployment) -> None:
    leaver = deployed.logins["leaver"]
    deployed.cli("admin", "user", "add", leaver, "--role", "caseworker", "--team", "North")

    def can_login() -> bool:
        with deployed.connect(None).connect() as owner:
            return bool(owner.execute(sa.text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :l"),
                                      {"l": leaver}).scalar())

    assert can_login() and deployed.cli("leaver", "case", "list").exit_code == 0
    refused = deployed.cli("north.cw", "user", "deactivate", leaver, "--reason", "left", code=1)
    assert "needs role admin" in refused.stderr
    assert "permission denied" in _refused(deployed.connect("north.cw"), "SELECT ehcp_set_login(:l, false)",
                                           {"l": leaver})
    gone = deployed.cli("admin", "user", "deactivate", leaver, "--reason", "left the service")
    assert f"PostgreSQL login role {leaver} can no longer log in" in gone.stderr
    assert not can_login()
    with pytest.raises(sa.exc.OperationalError, match="not permitted to log in"):
        deployed.connect("leaver").connect()
    deployed.cli("admin", "user", "reactivate", leaver, "--reason", "came back")
    assert can_login()
    assert "refusing to manage the privileged role" in _refused(
        deployed.connect("admin"), "SELECT ehcp_set_login(:l, false)",
        {"l": make_url(PG_BASE).username})


def test_db_roles_prints_and_applies_idempotently(deployed: Deployment) -> None:
    printed = deployed.cli(None, "db", "roles", "--print", "--prefix", deployed.prefix).stdout
    assert f"GRANT INSERT, UPDATE ON \"{deployed.schema}\".users TO {deployed.prefix}_admin;" in printed
    deployed.cli(None, "db", "roles", "--apply", "--prefix", deployed.prefix)  # again: no error, same state
    assert deployed.cli("north.cw", "case", "show", deployed.refs["South"], code=1).exit_code == 1


def test_the_keyed_trail_verifies_for_every_login_and_its_case_events_for_those_who_see_all(
        deployed: Deployment) -> None:
    """Every login can walk the keyed chain; row security hides other teams' case events from a
    caseworker, so only the owner and an admin check the events against it (issue 18)."""
    for who in (None, "admin"):
        assert "case events match" in deployed.cli(who, "audit", "verify").stderr
    walked = deployed.cli("north.cw", "audit", "verify").stderr
    assert "audit trail intact" in walked and "case events not checked" in walked, walked


def test_sqlite_says_roles_there_are_guidance_once_per_command(sqlite_url: str, tmp_path: Path) -> None:
    from cli.main import app

    env = {"EHCP_DATABASE_URL": sqlite_url, "EHCP_TODAY": "2025-12-01", "EHCP_USER": "ada.admin",
           "EHCP_OUTBOX": str(tmp_path / "outbox"), "EHCP_CONFIG": str(tmp_path / "none.toml"), "NO_COLOR": "1"}
    runner = CliRunner()
    assert runner.invoke(app, ["user", "add", "ada.admin", "--role", "admin"], env=env).exit_code == 0
    for args in (["case", "list"], ["user", "list"]):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.stderr
        assert result.stderr.count("is not authenticated") == 1, result.stderr
    refused = runner.invoke(app, ["db", "roles", "--print"], env=env)
    assert refused.exit_code == 1 and "need PostgreSQL" in refused.stderr
    assert "On SQLite roles are guidance" in " ".join(runner.invoke(app, ["--help"], env=env).stdout.split())


def test_login_roles_run_without_jit_and_the_cases_policy_does_not_scan_users_per_row(deployed: Deployment) -> None:
    """Issue 22: RLS sub-plans inflated a caseworker's cost estimates past jit_above_cost (seconds of
    JIT compilation for a 200-case list); login roles get jit = off and the cases policy's sub-queries
    do not refer to the row (a one-time InitPlan and one hashed sub-plan)."""
    with deployed.connect("north.cw").connect() as me:
        assert me.execute(sa.text("SHOW jit")).scalar() == "off"
        plan = "\n".join(me.execute(sa.text("EXPLAIN SELECT reference FROM cases")).scalars())
    assert "InitPlan" in plan and "hashed SubPlan" in plan, plan


def test_the_advice_link_server_records_as_its_login_role_naming_the_partner(deployed: Deployment) -> None:
    """Issue 20: behind login roles the database takes the actor from the session, so ``ehcp web
    serve`` connected as a login keeps it as the actor and names the partner in the reason."""
    from datetime import date

    from starlette.testclient import TestClient

    from ehcp.config import Settings
    from ehcp.web import links
    from ehcp.web.app import create_app

    north = deployed.refs["North"]
    deployed.cli("north.cw", "partner", "add", "Link EP", "--email", "link.ep@nhs.example")
    deployed.cli("north.cw", "case", "advance", north, "--to", "assessment", "--on", "2025-11-20")
    deployed.cli("north.cw", "advice", "request", north, "--kind", "psychological", "--partner", "Link EP",
                 "--on", "2025-11-21")
    with deployed.connect(None).connect() as owner:
        request_id = owner.execute(sa.text("SELECT a.id FROM advice_requests a JOIN cases c ON c.id = a.case_id "
                                           "WHERE c.reference = :r"), {"r": north}).scalar()
    key_file = deployed.tmp / "web.key"
    key_file.write_text("w" * 64)
    key_file.chmod(0o600)
    settings = Settings(database_url=deployed.url("north.cw"), user="whoever", outbox=deployed.tmp / "outbox",
                        today_override=date(2025, 12, 1), web_base_url="https://advice.example",
                        secret_key_file=str(key_file))
    token = links.sign(b"w" * 64, request_id, 1, date(2026, 2, 13), links.CONTACT, "link.ep@nhs.example")
    web = TestClient(create_app(settings), base_url="https://testserver")
    page = web.get(f"/advice-return/{token}")
    assert page.status_code == 200, page.text
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    done = web.post(f"/advice-return/{token}", data={"csrf": csrf, "sent-day": "28", "sent-month": "11",
                                                     "sent-year": "2025"})
    assert done.status_code == 200, done.text
    audit = json.loads(deployed.cli("north.cw", "audit", "show", north, "--format", "json").stdout)["audit"]
    received = [r for r in audit if r["action"] == "advice_received"]
    assert len(received) == 1 and received[0]["actor"] == deployed.logins["north.cw"]
    assert "by link.ep@nhs.example" in received[0]["reason"]


def test_a_manager_s_login_role_can_import_cases_for_their_team(deployed: Deployment) -> None:
    """PostgreSQL refuses COPY FROM into a table under row-level security, so an import run as a
    person's own login role writes with INSERT; the policies still check every row."""
    path = deployed.tmp / "north.csv"
    path.write_text("reference,given_name,family_name,dob,upn,year_group,received,source,caseworker\n"
                    + "".join(f",Imp{c},North,2017-0{1 + i % 9}-11,,,2025-10-0{1 + i % 9},parent,"
                              f"{deployed.logins['north.cw']}\n" for i, c in enumerate("abcdefghij")))
    done = deployed.cli("north.mgr", "import", "cases", str(path), "--format", "json")
    assert json.loads(done.stdout)["cases"] == 10
    mine = deployed.cli("north.cw", "case", "list", "--format", "json")
    assert sum(1 for case in json.loads(mine.stdout)["cases"] if case["child"].endswith("North")) == 11
    theirs = deployed.cli("south.cw", "case", "list", "--format", "json")
    assert not any(case["child"].startswith("Imp") for case in json.loads(theirs.stdout)["cases"])


def test_an_import_naming_another_team_s_reference_is_refused_in_one_line(deployed: Deployment) -> None:
    """The reference is on file, in a case the manager cannot see: refused as a duplicate all the
    same, without saying whose case it is, and nothing is written."""
    path = deployed.tmp / "clash.csv"
    path.write_text("reference,given_name,family_name,dob,upn,year_group,received,source,caseworker\n"
                    f"{deployed.refs['South']},Clash,North,2017-01-11,,,2025-10-01,parent,"
                    f"{deployed.logins['north.cw']}\n")
    before = deployed.cli(None, "case", "list", "--all", "--format", "json").stdout
    refused = deployed.cli("north.mgr", "import", "cases", str(path), code=None,
                           EHCP_USER=deployed.logins["north.mgr"])
    assert refused.exit_code != 0
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and deployed.refs["South"] in lines[0] and "already" in lines[0], refused.stderr
    assert "Sam" not in refused.stderr and "South" not in lines[0].replace(deployed.refs["South"], "")
    assert deployed.cli(None, "case", "list", "--all", "--format", "json").stdout == before


def test_a_manager_imports_events_for_their_team_s_cases_and_not_for_another_team_s(deployed: Deployment) -> None:
    header = ("reference,kind,on,advice_kind,partner,received_by_body,channel,served_on,reason,until,outcome,"
              "school,note\n")
    made = deployed.cli("north.cw", "case", "new", "--child", "Eve Events", "--dob", "2018-02-01", "--received",
                        "2025-11-03", "--format", "json")
    reference = json.loads(made.stdout)["reference"]
    mine = deployed.tmp / "events-north.csv"
    mine.write_text(header + f"{reference},assessment_agreed,2025-11-20,,,,,,,,,,\n")
    login = deployed.logins["north.mgr"]
    done = deployed.cli("north.mgr", "import", "events", str(mine), "--format", "json", EHCP_USER=login)
    assert json.loads(done.stdout)["events"] == 1
    shown = json.loads(deployed.cli("north.cw", "case", "show", reference, "--format", "json").stdout)
    assert shown["stage"] == "assessment"
    before = deployed.cli("south.cw", "case", "show", deployed.refs["South"], "--format", "json").stdout
    theirs = deployed.tmp / "events-south.csv"
    theirs.write_text(header + f"{deployed.refs['South']},assessment_agreed,2025-11-20,,,,,,,,,,\n")
    refused = deployed.cli("north.mgr", "import", "events", str(theirs), code=1, EHCP_USER=login)
    assert deployed.refs["South"] in refused.stderr and "Sam" not in refused.stderr
    assert deployed.cli("south.cw", "case", "show", deployed.refs["South"], "--format", "json").stdout == before
