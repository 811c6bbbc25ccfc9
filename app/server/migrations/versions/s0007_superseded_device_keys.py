"""the signing keys a laptop replacement superseded, kept to verify the old laptop's earlier bundles

Revision ID: s0007
Revises: s0006
Create Date: 2026-12-02

A bundle the replaced laptop signed before headquarters issued its replacement (carried by hand, imported later) is
verified against the key it was signed with (issue 13). Replacements made before this revision kept no old key.
"""

import sqlalchemy as sa
from alembic import op

revision = "s0007"
down_revision = "s0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.models.base import UTCDateTime

    if sa.inspect(op.get_bind()).has_table("srv_device_key"):
        return
    op.create_table(
        "srv_device_key",
        sa.Column("device_id", sa.String(36), primary_key=True),
        sa.Column("public_key", sa.String(64), primary_key=True),
        sa.Column("superseded_at", UTCDateTime(), nullable=False),
        sa.Column("before_epoch", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("srv_device_key")
