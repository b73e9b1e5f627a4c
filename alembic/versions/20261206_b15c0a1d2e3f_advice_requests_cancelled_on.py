"""advice requests: cancelled_on (a request made in error, issue 15)

Revision ID: b15c0a1d2e3f
Revises: b3c5d7e9f1a2
Create Date: 2026-12-06 23:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b15c0a1d2e3f'
down_revision: str | None = 'b3c5d7e9f1a2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.drop_column('cancelled_on')
