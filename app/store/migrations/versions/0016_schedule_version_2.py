"""immunisation schedule version 2: the due table recomputed

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02

No schema change. The local due table (``immunisation_due``, ``immunisation_child``) is derived from the records
and the schedule, and only the children a write touches are recomputed. Schedule version 2 (HepB doses with
pentavalent 4 weeks apart, not 8) and the engine's placing of undated doses after the dated ones change what is
due for children already on the laptop, so every child's rows are made again here, once.
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.store.immunisation_due import rebuild_due

    rebuild_due(op.get_bind())


def downgrade() -> None:
    pass  # derived rows only: version 1's rows come back as children are touched
