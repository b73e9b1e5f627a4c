"""advice return links: advice_requests.received_via, advice_links, advice_returns, web_hits (issue 20)

Revision ID: 4c9e2a7f1b63
Revises: 95290332759a
Create Date: 2026-12-07 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '4c9e2a7f1b63'
down_revision: str | None = '95290332759a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_via', sa.String(length=20), nullable=True))
    op.create_table(
        'advice_links',
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('generation', sa.Integer(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_by', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['request_id'], ['advice_requests.id'],
                                name=op.f('fk_advice_links_request_id_advice_requests')),
        sa.PrimaryKeyConstraint('request_id', name=op.f('pk_advice_links')),
    )
    op.create_table(
        'advice_returns',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=320), nullable=False),
        sa.Column('sent_on', sa.Date(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('submitted_on', sa.Date(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=True),
        sa.Column('file_type', sa.String(length=10), nullable=True),
        sa.Column('file_size', sa.Integer(), nullable=True),
        sa.Column('file_sha256', sa.String(length=64), nullable=True),
        sa.Column('file_data', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_advice_returns_case_id_cases')),
        sa.ForeignKeyConstraint(['request_id'], ['advice_requests.id'],
                                name=op.f('fk_advice_returns_request_id_advice_requests')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_advice_returns')),
        sa.UniqueConstraint('request_id', name=op.f('uq_advice_returns_request_id')),
    )
    with op.batch_alter_table('advice_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advice_returns_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_advice_returns_submitted_on'), ['submitted_on'], unique=False)
    op.create_table(
        'web_hits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bucket', sa.String(length=120), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_web_hits')),
    )
    with op.batch_alter_table('web_hits', schema=None) as batch_op:
        batch_op.create_index('ix_web_hits_bucket_at', ['bucket', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('web_hits', schema=None) as batch_op:
        batch_op.drop_index('ix_web_hits_bucket_at')
    op.drop_table('web_hits')
    with op.batch_alter_table('advice_returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advice_returns_submitted_on'))
        batch_op.drop_index(batch_op.f('ix_advice_returns_case_id'))
    op.drop_table('advice_returns')
    op.drop_table('advice_links')
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.drop_column('received_via')
