"""advice requests: cancelled_on (a request made in error, issue 15)

Revision ID: b15c0a1d2e3f
Revises: 5e1d0c7a9b21
Create Date: 2026-12-06 23:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'b15c0a1d2e3f'
down_revision: Union[str, None] = '5e1d0c7a9b21'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.drop_column('cancelled_on')
