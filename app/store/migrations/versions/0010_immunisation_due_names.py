"""names in the immunisation due table

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

The local, derived table of what each child has due keeps the names and birth date a due list shows, so a
facility's list is one indexed read; its index covers what counting and paging a facility's list needs. The table is never synced: it is made again and rebuilt from the records.
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
        batch_op.drop_index("ix_immunisation_due_facility")
        batch_op.create_index("ix_immunisation_due_facility", ["facility_id", "due_date", "until_date", "patient_id"],
                              unique=False)
    from app.store.immunisation_due import rebuild_due

    rebuild_due(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("immunisation_due", schema=None) as batch_op:
        batch_op.drop_index("ix_immunisation_due_facility")
        batch_op.create_index("ix_immunisation_due_facility", ["facility_id", "due_date"], unique=False)
        for column in ("sex", "born", "father_name_latin", "father_name_fa", "given_name_latin", "given_name_fa",
                       "code"):
            batch_op.drop_column(column)
