"""who made each side of a conflict

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

The conflict list names the person, laptop and unit behind the value kept and the value that lost, as the server
sends them (issue 13). Conflicts received before read as empty ("not known") until the server sends them again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = (
    ("kept_user", 60),
    ("lost_user", 60),
    ("kept_laptop", 12),
    ("lost_laptop", 12),
    ("kept_unit", 20),
    ("lost_unit", 20),
)


def upgrade() -> None:
    for name, size in COLUMNS:
        op.add_column("sync_conflict", sa.Column(name, sa.String(size), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("sync_conflict") as batch:
        for name, _ in COLUMNS:
            batch.drop_column(name)
