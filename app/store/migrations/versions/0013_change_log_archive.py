"""acknowledged change-log entries packed; merge bases only while needed

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

Issue 11 (size): each entry keeps the version it made (``change_log.version``), so the audit keeps it once the
payload is compacted. Acknowledged entries are packed into ``change_log_archive`` (keys, stamp, user and time of each
entry, compressed in blocks) by the acknowledgement that completes a block, so existing entries are packed at the
next sync round, not here. A shared record's merge base (``sync_base``) is kept only while the record has entries
the server has not acknowledged; otherwise the record itself is that state, so the other bases are removed.
The file is given incremental auto-vacuum at ``sayyar compact`` (it needs a VACUUM, outside any
transaction), not here.
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log_archive",
        sa.Column("first_seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("first_seq", name=op.f("pk_change_log_archive")),
    )
    # Plain ADD COLUMN: the change log is the largest table and is not copied.
    op.add_column("change_log", sa.Column("version", sa.Integer(), nullable=True))
    op.execute("UPDATE change_log SET version = json_extract(payload, '$.version') WHERE state != 'acked'")
    op.execute("""
        DELETE FROM sync_base WHERE NOT EXISTS (
            SELECT 1 FROM change_log c WHERE c.record_id = sync_base.record_id AND c.entity = sync_base.entity
              AND c.state != 'acked')
    """)


def downgrade() -> None:
    # An older version knows no packed entries: they are dropped (every one of them is acknowledged, the server
    # holds it; the older version's counts then start from the entries still in the change log). The merge bases
    # removed were the records' own states; the older version writes them again at its next acknowledgement.
    op.drop_table("change_log_archive")
    with op.batch_alter_table("change_log") as batch_op:
        batch_op.drop_column("version")
