"""case classification

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Who (re)classified a surveillance case, when and why (a corrected diagnosis, a test result or a person's decision),
and which notifiable-disease registry version opened it.
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("surveillance_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("classified_at", app.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("classified_by", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("classification_reason", sa.String(length=300), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("registry_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("surveillance_case", schema=None) as batch_op:
        batch_op.drop_column("registry_version")
        batch_op.drop_column("classification_reason")
        batch_op.drop_column("classified_by")
        batch_op.drop_column("classified_at")
