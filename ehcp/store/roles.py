"""PostgreSQL roles: the group roles, their GRANTs, login roles, and who the session is.

The database, not the product, decides what a login may write. ``role_set_sql`` is what
``ehcp db roles --print|--apply`` runs as the owner role: three NOLOGIN group roles
(``<prefix>_caseworker``, ``<prefix>_manager``, ``<prefix>_admin``), table GRANTs that mirror
:data:`ehcp.services.permissions.PERMISSIONS` where a table can carry the rule, and
``ehcp_grant_login``, the one way an admin login creates a person's login role and sets its group
(and ``ehcp_set_login``, which switches a leaver's login role to NOLOGIN and back).
Row-level security (teams) and the append-only audit trigger are schema, in the Alembic migration
``5e1d0c7a9b21``. Every statement is idempotent: re-run it after each ``ehcp db upgrade``.

What the grants cannot carry, because the same table and columns serve both the allowed and the
forbidden act (these stay with the service layer's checks):
``reopen_case`` (a stage change), ``bulk_import`` (the same inserts as one case at a time),
``export_personal_data`` (a read), ``restore_database`` (SQLite only). ``record_exception`` is
enforced by a row policy on ``case_events`` (migration), ``manage_users`` and ``purge_records`` by
the grants below.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection

if TYPE_CHECKING:  # the ORM costs ~250 ms to import; the start-of-command identity check avoids it
    from sqlalchemy.orm import Session

GROUPS = ("caseworker", "manager", "admin")
PREFIX = "ehcp"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")

# Table writes every group holds (permission ``act_on_cases``; calendar import needs no permission).
CASEWORK: dict[str, str] = {
    "cases": "INSERT, UPDATE",
    "children": "INSERT, UPDATE",
    "case_events": "INSERT",  # append-only: nobody but the purge deletes an event
    "deadlines": "INSERT, UPDATE, DELETE",  # derived: recomputed in place
    "advice_requests": "INSERT, UPDATE",
    "notes": "INSERT",
    "placements": "INSERT, UPDATE",
    "sen_needs": "INSERT, UPDATE, DELETE",
    "sen2_plans": "INSERT, UPDATE",
    "partners": "INSERT, UPDATE",
    "reminders": "INSERT, UPDATE",
    "settings": "INSERT, UPDATE",
    "closures": "INSERT, UPDATE, DELETE",
    "extra_holidays": "INSERT, UPDATE, DELETE",
    "advice_links": "INSERT, UPDATE",  # revoke-links bumps a generation
    "advice_returns": "INSERT",  # ehcp web serve: advice returned through a link
    "web_hits": "INSERT, DELETE",  # ehcp web serve: rate-limit counters
    "audit_log": "INSERT",  # never UPDATE, DELETE or TRUNCATE (and a trigger refuses those anyway)
}
# Admin only: ``manage_users`` (users, teams, the enforcement flag) and ``purge_records``.
ADMIN_ONLY: dict[str, str] = {
    "users": "INSERT, UPDATE",
    "teams": "INSERT, UPDATE",
    "system_flags": "INSERT, UPDATE",
    "case_events": "DELETE",
    "advice_requests": "DELETE",
    "advice_returns": "DELETE",  # purge: a returned advice file goes with its case
    "advice_links": "DELETE",
    "notes": "DELETE",
    "placements": "DELETE",
    "sen2_plans": "DELETE",
    "reminders": "DELETE",
}


def group_roles(prefix: str = PREFIX) -> dict[str, str]:
    """Product role -> PostgreSQL group role name."""
    if not _NAME.match(prefix):
        raise ValueError(f"role prefix {prefix!r}: lower-case letters, digits and _ only")
    return {role: f"{prefix}_{role}" for role in GROUPS}


def _create_group(name: str) -> str:
    return (f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN "
            f"CREATE ROLE {name} NOLOGIN; END IF; END $$")


def _grant_login_function(schema: str, groups: dict[str, str]) -> str:
    """``ehcp_grant_login(login, role)``: runs as the owner (who needs CREATEROLE), callable by the
    admin group only. Creates the login role if new (LOGIN, no password: authentication is the
    server's, see pg_hba.conf), and makes it a member of exactly one group. Refuses privileged roles."""
    cases = " ".join(f"WHEN '{role}' THEN '{name}'" for role, name in groups.items())
    names = ", ".join(f"'{name}'" for name in groups.values())
    return f"""
CREATE OR REPLACE FUNCTION "{schema}".ehcp_grant_login(p_login text, p_role text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$
DECLARE
    target text := CASE p_role {cases} END;
    other text;
BEGIN
    IF target IS NULL THEN
        RAISE EXCEPTION 'unknown role %', p_role;
    END IF;
    IF p_login !~ '^[A-Za-z0-9][A-Za-z0-9._-]*$' THEN
        RAISE EXCEPTION 'login % is not a valid login name', p_login;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login
               AND (rolsuper OR rolcreaterole OR rolbypassrls OR rolreplication)) THEN
        RAISE EXCEPTION 'refusing to manage the privileged role %', p_login;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', p_login);
    END IF;
    EXECUTE format('ALTER ROLE %I SET jit = off', p_login);  -- see JIT_OFF in ehcp/store/roles.py
    FOREACH other IN ARRAY ARRAY[{names}] LOOP
        IF other <> target AND pg_has_role(p_login, other, 'MEMBER') THEN
            EXECUTE format('REVOKE %I FROM %I', other, p_login);
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', target, p_login);
    RETURN target;
END $$"""


# Login roles run with jit = off. Row-level security adds a sub-plan per row to every query on a case
# table, which multiplies the planner's cost estimates of a caseworker's short queries past
# jit_above_cost: compiling them took 0.9-8.5 s for a 200-case `case list` that runs in ~0.1 s
# (docs/performance.md, "PostgreSQL as a caseworker"). A role setting (not a connection option) so
# that it holds through PgBouncer and in psql; the owner role is not under RLS and keeps the default.
JIT_OFF = """
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT DISTINCT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid
             JOIN pg_roles m ON m.oid = a.member
             WHERE g.rolname IN ({groups}) AND m.rolcanlogin AND NOT m.rolsuper LOOP
        EXECUTE format('ALTER ROLE %I SET jit = off', r.rolname);
    END LOOP;
END $$"""


def _set_login_function(schema: str, groups: dict[str, str]) -> str:
    """``ehcp_set_login(login, can_login)``: runs as the owner, callable by the admin group only.
    ``ALTER ROLE ... NOLOGIN`` (a leaver, ``ehcp user deactivate``) or ``LOGIN`` (``user reactivate``)
    for a login role of this role set; refuses privileged roles and roles outside the groups. Returns
    false when there is no such role (a user who never had a login role)."""
    names = ", ".join(f"'{name}'" for name in groups.values())
    return f"""
CREATE OR REPLACE FUNCTION "{schema}".ehcp_set_login(p_login text, p_can_login boolean) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$
DECLARE
    grp text;
    member boolean := false;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        RETURN false;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login
               AND (rolsuper OR rolcreaterole OR rolbypassrls OR rolreplication)) THEN
        RAISE EXCEPTION 'refusing to manage the privileged role %', p_login;
    END IF;
    FOREACH grp IN ARRAY ARRAY[{names}] LOOP
        IF pg_has_role(p_login, grp, 'MEMBER') THEN
            member := true;
        END IF;
    END LOOP;
    IF NOT member THEN
        RAISE EXCEPTION 'role % is not a login role of this database''s groups', p_login;
    END IF;
    IF p_can_login THEN
        EXECUTE format('ALTER ROLE %I LOGIN', p_login);
    ELSE
        EXECUTE format('ALTER ROLE %I NOLOGIN', p_login);
    END IF;
    RETURN true;
END $$"""


def role_set_sql(schema: str, prefix: str = PREFIX) -> list[str]:
    """The statements that create the group roles and set their privileges on ``schema``."""
    groups = group_roles(prefix)
    every = ", ".join(groups.values())
    admin = groups["admin"]
    statements = [_create_group(name) for name in groups.values()]
    statements += [
        f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {every}',
        f'REVOKE ALL ON SCHEMA "{schema}" FROM PUBLIC, {every}',
        f'GRANT USAGE ON SCHEMA "{schema}" TO {every}',  # no CREATE: the schema is the owner's
        f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {every}',
        f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {every}',
    ]
    statements += [f'GRANT {rights} ON "{schema}".{table} TO {every}' for table, rights in CASEWORK.items()]
    statements += [f'GRANT {rights} ON "{schema}".{table} TO {admin}' for table, rights in ADMIN_ONLY.items()]
    statements.append(_grant_login_function(schema, groups))
    statements += [
        f'REVOKE ALL ON FUNCTION "{schema}".ehcp_grant_login(text, text) FROM PUBLIC',
        f'GRANT EXECUTE ON FUNCTION "{schema}".ehcp_grant_login(text, text) TO {admin}',
        JIT_OFF.format(groups=", ".join(f"'{name}'" for name in groups.values())),
    ]
    statements.append(_set_login_function(schema, groups))
    statements += [
        f'REVOKE ALL ON FUNCTION "{schema}".ehcp_set_login(text, boolean) FROM PUBLIC',
        f'GRANT EXECUTE ON FUNCTION "{schema}".ehcp_set_login(text, boolean) TO {admin}',
    ]
    return statements


def current_schema(conn: Connection) -> str:
    return str(conn.execute(text("SELECT current_schema()")).scalar_one())


def apply(conn: Connection, statements: list[str]) -> None:
    """Run ``statements`` in ``conn``'s transaction, as written: through the driver's cursor with no
    parameters, so the ``%`` of ``format('%I')`` and ``RAISE '%'`` is not taken for a placeholder."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for statement in statements:
            cursor.execute(statement)
    finally:
        cursor.close()


def session_identity(conn: Connection) -> tuple[str, bool]:
    """(``session_user``, whether it is the schema owner or a member of it). The owner keeps the
    configured actor (set-up, tests); before the schema exists everyone counts as the owner."""
    row = conn.execute(text(
        "SELECT session_user AS login, COALESCE(pg_has_role(session_user, "
        "(SELECT relowner FROM pg_class WHERE oid = to_regclass('users')), 'MEMBER'), true) AS owner")).one()
    return str(row.login), bool(row.owner)


class LoginRoleRepository:
    """Login roles on PostgreSQL, once ``ehcp db roles --apply`` has run on this schema."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def managed(self) -> bool:
        """Whether this database has the role set (PostgreSQL with ``ehcp_grant_login``)."""
        if self.session.get_bind().dialect.name != "postgresql":
            return False
        found = self.session.scalar(text("SELECT to_regprocedure('ehcp_grant_login(text,text)') IS NOT NULL"))
        return bool(found)

    def can_switch(self) -> bool:
        """Whether ``ehcp_set_login`` is there (``ehcp db roles --apply`` run since it was added)."""
        found = self.session.scalar(text("SELECT to_regprocedure('ehcp_set_login(text,boolean)') IS NOT NULL"))
        return bool(found)

    def set_login(self, login: str, can_login: bool) -> bool:
        """``ALTER ROLE login [NO]LOGIN`` through the owner's function; False if there is no such role."""
        return bool(self.session.scalar(text("SELECT ehcp_set_login(:login, :can)"),
                                        {"login": login, "can": can_login}))

    def grant(self, login: str, role: str) -> str:
        """Create ``login``'s login role if new and make it a member of ``role``'s group only;
        returns the group role's name."""
        return str(self.session.scalar(text("SELECT ehcp_grant_login(:login, :role)"),
                                       {"login": login, "role": role}))
