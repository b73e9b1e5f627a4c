"""partners: active (a partner deactivated with 'ehcp partner deactivate', issue 15)

Revision ID: a889c1f88f80
Revises: 1e43e703ba82
Create Date: 2026-12-07 01:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a889c1f88f80'
down_revision: str | None = '1e43e703ba82'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_column('active')
