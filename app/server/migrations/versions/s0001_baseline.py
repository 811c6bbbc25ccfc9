"""the central schema before it carried versions

Revision ID: s0001
Revises:
Create Date: 2026-12-01

A new central database is made from the declarations at head and stamped; this revision stands for a database made
before versions were kept (schema version 1 of the earlier counter), which is stamped here and upgraded from it.
"""

revision = "s0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
