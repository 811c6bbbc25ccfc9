"""when a laptop's identity was last re-issued for a replacement

Revision ID: s0006
Revises: s0005
Create Date: 2026-12-02

``sayyar server replace-device`` gives a broken or lost laptop's identity to a new one (issue 13). The time it did
so tells a replacement not yet taken up (refused a second time without ``--again``) from one that has synced.
"""

import sqlalchemy as sa
from alembic import op

from app.server.migrations.steps import add_columns

revision = "s0006"
down_revision = "s0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.models.base import UTCDateTime

    add_columns(op.get_bind(), "srv_device", [sa.Column("replaced_at", UTCDateTime())])


def downgrade() -> None:
    with op.batch_alter_table("srv_device") as batch:
        batch.drop_column("replaced_at")
