"""PostgreSQL: the cases policy checks the session's standing once per statement, not once per row

Revision ID: c4f1a9d27e60
Revises: 4c9e2a7f1b63
Create Date: 2026-12-07 01:55:00

Same rule as migration 5e1d0c7a9b21 (visible to an active admin, or to an active user whose team is
the team of the case's caseworker; a case with no caseworker: admins only), written so that neither
sub-query refers to the row: PostgreSQL runs the admin test as a one-time InitPlan and the team's
caseworkers as one hashed sub-plan, instead of a scan of ``users`` per case row. Under a caseworker's
login role the per-row form made the planner's cost estimates of ``case list`` ~12,500,000, past
``jit_above_cost``, and the JIT compilation took 8.5 of its 9.2 s (docs/performance.md, "PostgreSQL
as a caseworker"). Expressions only: no data changes.
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'c4f1a9d27e60'
down_revision: str | None = '4c9e2a7f1b63'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ME = "SELECT 1 FROM users me WHERE me.login = session_user AND me.active"
ONCE = (f"(EXISTS ({ME} AND me.role = 'admin') OR caseworker_id IN (SELECT cw.id FROM users cw "
        "JOIN users me ON me.team_id = cw.team_id WHERE me.login = session_user AND me.active))")
PER_ROW = (f"EXISTS ({ME} AND (me.role = 'admin' OR EXISTS (SELECT 1 FROM users cw "
           "WHERE cw.id = cases.caseworker_id AND cw.team_id = me.team_id)))")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER POLICY cases_by_team ON cases USING {ONCE} WITH CHECK {ONCE}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER POLICY cases_by_team ON cases USING ({PER_ROW}) WITH CHECK ({PER_ROW})")
