"""PostgreSQL: row-level security by team, and an append-only audit table

Revision ID: 5e1d0c7a9b21
Revises: a7e00425bb7d
Create Date: 2026-12-06 23:20:00

PostgreSQL only (SQLite has no roles; nothing to do there). Role-independent: the policies name the
acting login through ``session_user`` and the ``users`` table, so they hold whatever the group roles
are called; ``ehcp db roles --apply`` creates the roles and GRANTs afterwards. RLS is ENABLEd, not
FORCEd: the owner role (migrations, set-up, tests) keeps seeing every row.

- cases: visible to an active user whose role is admin, or whose team is the team of the case's
  caseworker; an inserted or updated case must stay visible (WITH CHECK), so nobody hands a case to
  another team except an admin.
- children: visible while no case at all points at them (a child row is written just before its
  case; ``ehcp_child_has_case`` looks past the policies) or while a visible case does.
- case references: ``ehcp_last_case_reference`` numbers new cases past the policies (a caseworker
  cannot see the other teams' cases, but their numbers are taken).
- tables keyed by case: visible when their case is (the sub-select runs under the cases policy).
- case_events: a new row must name session_user as its actor; ``exception_recorded`` needs a manager
  or admin (permission ``record_exception`` in ehcp/services/permissions.py).
- audit_log: every row readable (``audit verify`` walks the whole chain); a new row must name
  session_user. UPDATE, DELETE and TRUNCATE are refused by a trigger for everyone, the owner
  included; only a superuser (``session_replication_role = replica``) or the owner disabling the
  trigger gets past it, which the chain and the external seals are there to detect.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '5e1d0c7a9b21'
down_revision: str | None = 'a7e00425bb7d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The acting login's row, if active. Policy expressions are stored parsed (names resolved to
# objects at CREATE POLICY time), so a temporary table called "users" cannot stand in for it.
ME = "SELECT 1 FROM users me WHERE me.login = session_user AND me.active"
CASE_VISIBLE = (
    f"EXISTS ({ME} AND (me.role = 'admin' OR EXISTS (SELECT 1 FROM users cw "
    "WHERE cw.id = cases.caseworker_id AND cw.team_id = me.team_id)))"
)
CASE_KEYED = ("case_events", "deadlines", "advice_requests", "notes", "placements", "sen_needs", "sen2_plans")
SENIOR = f"EXISTS ({ME} AND me.role IN ('manager', 'admin'))"

# Whether any case at all (visible or not) points at a child: runs as the owner, who is not
# subject to the policies, with its search path pinned so no temporary table can stand in.
CHILD_HAS_CASE = """
CREATE FUNCTION ehcp_child_has_case(child integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM "{schema}".cases WHERE child_id = child)
$$
"""

# Case references are numbered across all teams: the last one in a year, seen past the policies.
LAST_REFERENCE = """
CREATE FUNCTION ehcp_last_case_reference(prefix text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$
    SELECT max(reference) FROM "{schema}".cases WHERE reference LIKE prefix || '%'
$$
"""

AUDIT_GUARD = """
CREATE FUNCTION ehcp_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'audit records are never changed or removed; see README "Multi-user deployment on PostgreSQL"';
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE cases ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY cases_by_team ON cases USING ({CASE_VISIBLE}) WITH CHECK ({CASE_VISIBLE})")
    op.execute("ALTER TABLE children ENABLE ROW LEVEL SECURITY")
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    op.execute(CHILD_HAS_CASE.format(schema=schema))
    op.execute(LAST_REFERENCE.format(schema=schema))
    op.execute("CREATE POLICY children_by_case ON children USING ("
               "NOT ehcp_child_has_case(id) OR EXISTS (SELECT 1 FROM cases c WHERE c.child_id = children.id))")
    for table in CASE_KEYED:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_by_case ON {table} "
                   f"USING (EXISTS (SELECT 1 FROM cases c WHERE c.id = {table}.case_id))")
    op.execute("CREATE POLICY case_events_actor ON case_events AS RESTRICTIVE FOR INSERT "
               "WITH CHECK (actor = session_user)")
    op.execute("CREATE POLICY case_events_exception ON case_events AS RESTRICTIVE FOR INSERT "
               f"WITH CHECK (kind <> 'exception_recorded' OR {SENIOR})")
    op.execute("ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY audit_read ON audit_log FOR SELECT USING (true)")
    op.execute("CREATE POLICY audit_append ON audit_log FOR INSERT WITH CHECK (actor = session_user)")
    op.execute(AUDIT_GUARD)
    op.execute("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
               "FOR EACH ROW EXECUTE FUNCTION ehcp_audit_append_only()")
    op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
               "FOR EACH STATEMENT EXECUTE FUNCTION ehcp_audit_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
    op.execute("DROP TRIGGER audit_log_no_change ON audit_log")
    op.execute("DROP FUNCTION ehcp_audit_append_only()")
    op.execute("DROP POLICY children_by_case ON children")
    op.execute("DROP FUNCTION ehcp_child_has_case(integer)")
    op.execute("DROP FUNCTION ehcp_last_case_reference(text)")
    for policy, table in [("audit_append", "audit_log"), ("audit_read", "audit_log"),
                          ("case_events_exception", "case_events"), ("case_events_actor", "case_events"),
                          *[(f"{t}_by_case", t) for t in CASE_KEYED],
                          ("cases_by_team", "cases")]:
        op.execute(f"DROP POLICY {policy} ON {table}")
    for table in ("audit_log", *CASE_KEYED, "children", "cases"):
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
