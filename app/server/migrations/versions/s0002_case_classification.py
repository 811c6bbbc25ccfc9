"""surveillance cases carry who classified them, when, why and the registry version (laptop revision 0004)

Revision ID: s0002
Revises: s0001
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from app.server.migrations.steps import add_columns

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.models.base import UTCDateTime

    add_columns(op.get_bind(), "surveillance_case", [
        sa.Column("classified_at", UTCDateTime()), sa.Column("classified_by", sa.String(36)),
        sa.Column("classification_reason", sa.String(300), server_default=""),
        sa.Column("registry_version", sa.Integer(), server_default="0")])


def downgrade() -> None:
    with op.batch_alter_table("surveillance_case") as batch:
        batch.drop_column("classified_at")
        batch.drop_column("classified_by")
        batch.drop_column("classification_reason")
        batch.drop_column("registry_version")
