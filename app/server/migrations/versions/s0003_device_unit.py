"""devices know their unit: the server checks owned records against it (trust rules)

Revision ID: s0003
Revises: s0002
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from app.server.migrations.steps import add_columns

revision = "s0003"
down_revision = "s0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_columns(op.get_bind(), "srv_device", [sa.Column("unit_id", sa.String(36))])


def downgrade() -> None:
    with op.batch_alter_table("srv_device") as batch:
        batch.drop_column("unit_id")
