"""PostgreSQL: which case references are taken, seen past row-level security

Revision ID: 05c8537d47c7
Revises: a889c1f88f80
Create Date: 2026-12-07 04:20:00

``ehcp import cases`` run as a manager's own login role checked the file's references against the
cases that role can see, so a reference held by another team's case passed the check and the
import then failed on ``uq_cases_reference`` with a driver traceback. Like
``ehcp_last_case_reference`` (migration 5e1d0c7a9b21), ``ehcp_case_references_taken`` looks past the
policies and tells only whether each reference is taken - never whose case it is. SQLite has no
policies: nothing to do there.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '05c8537d47c7'
down_revision: str | None = 'a889c1f88f80'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFERENCES_TAKEN = """
CREATE FUNCTION ehcp_case_references_taken(refs text[]) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$
    SELECT reference FROM "{schema}".cases WHERE reference = ANY(refs)
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    op.execute(REFERENCES_TAKEN.format(schema=schema))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION ehcp_case_references_taken(text[])")
