"""children.year_group_year: the academic year a recorded year group is for

Revision ID: b3c5d7e9f1a2
Revises: 5e1d0c7a9b21
Create Date: 2026-12-06 23:40:00

A year group was stored as a bare number and read as the child's year group on whatever day it was
read, so it went stale each September (issue 15). Now it is stored with the academic year it was
recorded for (the calendar year of that 1 September) and the current one is derived on any date.

Existing rows are taken as recorded in the academic year of the event that recorded them: the last
``child_noted`` or ``plan_transferred_in`` event carrying a year group (which stated it for its own
date, so the academic year follows from the difference), else the opening of the child's first case.
"""
import json
from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "b3c5d7e9f1a2"
down_revision: str | None = "5e1d0c7a9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _academic_year(on: date) -> int:
    return on.year if on.month >= 9 else on.year - 1


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def upgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(sa.Column("year_group_year", sa.Integer(), nullable=True))
    conn = op.get_bind()
    children = conn.execute(sa.text(
        "SELECT ch.id, ch.year_group, MIN(c.opened_at) FROM children ch JOIN cases c ON c.child_id = ch.id "
        "WHERE ch.year_group IS NOT NULL GROUP BY ch.id, ch.year_group")).all()
    for child_id, year_group, opened_at in children:
        recorded_in = _academic_year(_day(opened_at))
        noted = conn.execute(sa.text(
            "SELECT e.\"on\", e.payload FROM case_events e JOIN cases c ON c.id = e.case_id "
            "WHERE c.child_id = :child AND e.kind IN ('child_noted', 'plan_transferred_in') "
            "ORDER BY e.\"on\" DESC, e.id DESC"), {"child": child_id}).all()
        for on, payload in noted:
            stated = (payload if isinstance(payload, dict) else json.loads(payload or "{}")).get("year_group")
            if stated is not None:
                recorded_in = _academic_year(_day(on)) + year_group - int(stated)
                break
        conn.execute(sa.text("UPDATE children SET year_group_year = :year WHERE id = :id"),
                     {"year": recorded_in, "id": child_id})


def downgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_column("year_group_year")
