"""audit_log: the keyed chain (scheme 2) and its commitment to case events (issue 18)

Revision ID: 1e43e703ba82
Revises: c4f1a9d27e60
Create Date: 2026-12-07 01:10:00

Existing records are scheme 1 (unkeyed SHA-256) and still verify; the first keyed write (``ehcp db
upgrade`` does it straight after migrating) appends an ``audit_keyed`` record committing to every
case event in the database. No row is updated, so the append-only trigger on PostgreSQL is not
touched.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '1e43e703ba82'
down_revision: str | None = 'c4f1a9d27e60'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scheme', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('events', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('events_digest', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('events_digest')
        batch_op.drop_column('events')
        batch_op.drop_column('scheme')
