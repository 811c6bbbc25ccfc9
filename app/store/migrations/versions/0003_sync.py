"""sync bookkeeping

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

The laptop's sync keys and settings (inside the encrypted database), the conflict list sent by the server, the last
server state of shared records, and feed records waiting for their parent record.
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signing_key', sa.LargeBinary(), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('server_url', sa.String(length=300), nullable=False),
    sa.Column('token', sa.String(length=200), nullable=False),
    sa.Column('hq_box_public', sa.LargeBinary(), nullable=True),
    sa.Column('hq_sign_public', sa.LargeBinary(), nullable=True),
    sa.Column('last_attempt_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('last_success_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('last_error_at', app.models.base.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_identity'))
    )
    op.create_table('sync_conflict',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('kept_value', sa.JSON(), nullable=True),
    sa.Column('lost_value', sa.JSON(), nullable=True),
    sa.Column('kept_hlc', sa.String(length=40), nullable=False),
    sa.Column('lost_hlc', sa.String(length=40), nullable=False),
    sa.Column('kept_device', sa.String(length=36), nullable=False),
    sa.Column('lost_device', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('resolution', sa.String(length=20), nullable=False),
    sa.Column('pending_resolution', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_conflict'))
    )
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_conflict_record_id'), ['record_id'], unique=False)

    op.create_table('sync_base',
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('entity', 'record_id', name=op.f('pk_sync_base'))
    )
    op.create_table('sync_parked',
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('entity', 'record_id', name=op.f('pk_sync_parked'))
    )


def downgrade() -> None:
    op.drop_table('sync_parked')
    op.drop_table('sync_base')
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_conflict_record_id'))

    op.drop_table('sync_conflict')
    op.drop_table('sync_identity')
