"""matching keys in the search index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

The local search index gains the matching keys of issue 15 (compound parts, tolerant, cross-script and skeleton keys,
given + father's name pairs, every typed form of a phone). The index is derived data and never synced: it is rebuilt
from the patient records. No synced record changes.
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The tokens are made by 0006, in the index layout that revision introduces (today's code writes only that one).
    op.execute("DELETE FROM patient_search")


def downgrade() -> None:
    # The older scheme's tokens cannot be made here; an older Sayyar rebuilds nothing, so clear the index.
    op.execute("DELETE FROM patient_search")
