"""columns laptops added to synced records after the central copy was made

Revision ID: s0004
Revises: s0003
Create Date: 2026-12-01

The vitals a clinician confirmed as unusual (laptop revision 0011), the weeks of pregnancy and known allergies
(laptop revision 0007). Old rows read as empty.
"""
import sqlalchemy as sa
from alembic import op

from app.server.migrations.steps import add_columns

revision = "s0004"
down_revision = "s0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    add_columns(bind, "visit", [sa.Column("unusual_vitals", sa.JSON()), sa.Column("pregnancy_weeks", sa.Integer())])
    add_columns(bind, "patient", [sa.Column("allergies", sa.String(500), server_default="")])


def downgrade() -> None:
    with op.batch_alter_table("visit") as batch:
        batch.drop_column("unusual_vitals")
        batch.drop_column("pregnancy_weeks")
    with op.batch_alter_table("patient") as batch:
        batch.drop_column("allergies")
