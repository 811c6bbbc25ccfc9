"""the laptop's grant key as headquarters certified it

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02

Issue 12 (roles a database edit cannot grant): the key that signs this laptop's roles (the keystore's
``root_public``) is certified by headquarters' key at the first sync round; the key and the certificate are kept here,
inside the encrypted database beside headquarters' key from the enrolment, and sign-in refuses a keystore whose grant
key is another (app.sync.anchor).
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_identity") as batch:
        batch.add_column(sa.Column("grant_public", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("grant_cert", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_identity") as batch:
        batch.drop_column("grant_cert")
        batch.drop_column("grant_public")
