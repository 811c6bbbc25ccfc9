"""sync convergence

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

Issue 11: the laptop keeps how far its wall clock is from the server's (``device_state.clock_offset_ms``), why a
feed record waits (``sync_parked.reason``: its parent has not arrived, it cannot be read by this version, or a unique
number it carries is held here) and the machine-readable code of a server rejection (``change_log.reject_code``), which
tells the laptop whether it can repair the entry itself. Plain ADD COLUMN: the change log is the largest table and is
not copied.

Acknowledged entries are compacted as from now on every acknowledgement compacts them (app.sync.outbox.compact): the
newest acknowledged state of each shared record becomes its merge base, and the entries keep their keys only.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("device_state", sa.Column("clock_offset_ms", sa.BigInteger(), nullable=False, server_default="0"))
    op.add_column("sync_parked", sa.Column("reason", sa.String(length=300), nullable=False,
                                           server_default="waiting"))
    op.add_column("change_log", sa.Column("reject_code", sa.String(length=20), nullable=False, server_default=""))
    # The shared entities as they were declared when this revision was written.
    op.execute("""
        INSERT INTO sync_base (entity, record_id, hlc, payload)
        SELECT c.entity, c.record_id, c.hlc, c.payload FROM change_log c
        WHERE c.state = 'acked' AND c.entity IN ('household', 'patient', 'identity_document')
          AND c.seq = (SELECT max(c2.seq) FROM change_log c2 WHERE c2.record_id = c.record_id
                       AND c2.entity = c.entity AND c2.state = 'acked')
        ON CONFLICT (entity, record_id) DO UPDATE SET hlc = excluded.hlc, payload = excluded.payload
        WHERE excluded.hlc > sync_base.hlc
    """)
    op.execute("UPDATE change_log SET payload = '{}' WHERE state = 'acked'")


def downgrade() -> None:
    with op.batch_alter_table("change_log") as batch_op:
        batch_op.drop_column("reject_code")
    with op.batch_alter_table("sync_parked") as batch_op:
        batch_op.drop_column("reason")
    with op.batch_alter_table("device_state") as batch_op:
        batch_op.drop_column("clock_offset_ms")
