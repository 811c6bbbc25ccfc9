"""a smaller search index

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

The local search index names each patient by a small local number instead of the 36-character id, keeps each
patient's tokens once (patient_search_patient) instead of in a second index ordered by patient, stores a phone once
and no cross-script key twice (issue 15: about a quarter of the size). Derived data, never synced: the tables are
made anew and filled from the patient records. No synced record changes.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patient_search", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_search_patient_id"))
    op.drop_table("patient_search")
    op.create_table(
        "patient_search",
        sa.Column("token", sa.String(length=100), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("token", "n", name=op.f("pk_patient_search")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "patient_search_patient",
        sa.Column("n", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("patient_id", sa.String(length=36), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("n", name=op.f("pk_patient_search_patient")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_patient_search_patient_patient_id")),
    )
    from app.store.search_index import rebuild_index

    rebuild_index(op.get_bind())


def downgrade() -> None:
    # The older layout is made empty: an older Sayyar's index is rebuilt by its own migration when upgraded again.
    op.drop_table("patient_search_patient")
    op.drop_table("patient_search")
    op.create_table(
        "patient_search",
        sa.Column("token", sa.String(length=100), nullable=False),
        sa.Column("patient_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("token", "patient_id", name=op.f("pk_patient_search")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("patient_search", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_search_patient_id"), ["patient_id"], unique=False)
