"""deadlines: detail (components and alternatives) and policy_hash (the policy that produced them), issue 21

Revision ID: 95290332759a
Revises: b15c0a1d2e3f
Create Date: 2026-12-07 01:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '95290332759a'
down_revision: str | None = 'b15c0a1d2e3f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('policy_hash', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_column('policy_hash')
        batch_op.drop_column('detail')
