"""the duplicates review list kept between reviews

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

Issue 15: the likely duplicate pairs the last review found, the patients written since, and whether a complete
review exists; the next review compares only the changed patients with those their index keys file them beside.
Derived data, never synced: empty at first (the first review is a complete one). No synced record changes.
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duplicate_pair",
        sa.Column("a_id", sa.String(length=36), nullable=False),
        sa.Column("b_id", sa.String(length=36), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("reasons", sa.String(length=300), nullable=False),
        sa.Column("strong", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("a_id", "b_id", name=op.f("pk_duplicate_pair")),
    )
    with op.batch_alter_table("duplicate_pair", schema=None) as batch_op:
        batch_op.create_index("ix_duplicate_pair_b", ["b_id"], unique=False)
    op.create_table(
        "duplicate_dirty",
        sa.Column("patient_id", sa.String(length=36), nullable=False),
        sa.Column("stamp", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_duplicate_dirty")),
    )
    op.create_table(
        "duplicate_review_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("dirty_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_review_state")),
    )


def downgrade() -> None:
    op.drop_table("duplicate_review_state")
    op.drop_table("duplicate_dirty")
    op.drop_table("duplicate_pair")
