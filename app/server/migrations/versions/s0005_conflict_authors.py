"""who made each side of a conflict

Revision ID: s0005
Revises: s0004
Create Date: 2026-12-02

Each conflict names the person, laptop and unit behind the value kept and the value that lost (issue 13), so the
person deciding knows whom to ask. Conflicts recorded before read as empty ("not known").
"""

import sqlalchemy as sa
from alembic import op

from app.server.migrations.steps import add_columns

revision = "s0005"
down_revision = "s0004"
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
    add_columns(
        op.get_bind(), "srv_conflict", [sa.Column(name, sa.String(size), server_default="") for name, size in COLUMNS]
    )


def downgrade() -> None:
    with op.batch_alter_table("srv_conflict") as batch:
        for name, _ in COLUMNS:
            batch.drop_column(name)
