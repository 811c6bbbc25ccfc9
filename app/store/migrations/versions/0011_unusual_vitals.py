"""unusual vitals confirmed on a visit

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

Issue 14: a vital sign outside the usual range but possible (a temperature of 33 °C, an SpO2 of 78 %) is saved only
when the clinician confirms it ("unusual but true"); the visit keeps which readings were confirmed, so the saved
visit and the referral slip can show them as such. Plain ADD COLUMN (a JSON list of field names; NULL, none, for
every visit saved before).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("visit", sa.Column("unusual_vitals", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("unusual_vitals")
