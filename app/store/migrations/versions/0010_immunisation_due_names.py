"""names in the immunisation due table

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

The local, derived table of what each child has due keeps the names and birth date a due list shows, so a
facility's list reads no patient record, and gains one row per child (immunisation_child) from whose index a
facility's list is counted and paged. The table is never synced: it is made again and rebuilt from the records.
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("immunisation_due", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=30), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("given_name_fa", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("given_name_latin", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("father_name_fa", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("father_name_latin", sa.String(length=100), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("born", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("sex", sa.String(length=10), nullable=False, server_default=""))
    op.create_table(
        "immunisation_child",
        sa.Column("patient_id", sa.String(length=36), nullable=False),
        sa.Column("facility_id", sa.String(length=36), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=False),
        sa.Column("last_until", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_immunisation_child")),
    )
    with op.batch_alter_table("immunisation_child", schema=None) as batch_op:
        batch_op.create_index("ix_immunisation_child_facility", ["facility_id", "next_due", "last_until"],
                              unique=False)
    from app.store.immunisation_due import rebuild_due

    rebuild_due(op.get_bind())


def downgrade() -> None:
    op.drop_table("immunisation_child")
    with op.batch_alter_table("immunisation_due", schema=None) as batch_op:
        for column in ("sex", "born", "father_name_latin", "father_name_fa", "given_name_latin", "given_name_fa",
                       "code"):
            batch_op.drop_column(column)
