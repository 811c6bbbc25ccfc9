"""The central database: the laptops' record tables plus the server's own bookkeeping, on a separate MetaData.

Record tables are copies of ``app.models`` tables with two differences, both deliberate:
- no foreign keys: changes from three units and from hand-carried bundles arrive in any order (a visit before the
  patient another unit registered); refusing them would turn arrival order into data loss. Unique constraints stay.
- two extra columns: ``srv_seq`` (position in the change feed, from one counter, so a cursor never skips a row) and
  ``field_hlc`` (per-field clock stamps of shared records, for field-by-field merging).

Server schema versioning: ``create_all`` only for now (new tables and columns need a migration step later).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from app.models.base import NAMING, UTCDateTime
from app.models.registry import entities, in_feed

server_metadata = MetaData(naming_convention=NAMING)


def _record_table(source: Table) -> Table:
    table = source.to_metadata(server_metadata)
    for fk in [c for c in table.constraints if isinstance(c, ForeignKeyConstraint)]:
        table.constraints.discard(fk)
    for col in table.columns:
        col.foreign_keys.clear()
    table.append_column(Column("srv_seq", BigInteger, nullable=False, default=0, index=True))
    table.append_column(Column("field_hlc", JSON, nullable=True))
    return table


# The central copy of every synced entity, from the one list of them (app.models.registry).
RECORDS: dict[str, Table] = {e.name: _record_table(e.table) for e in entities()}

counter = Table(
    "srv_counter", server_metadata,
    Column("name", String(20), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

device = Table(
    "srv_device", server_metadata,
    Column("device_id", String(36), primary_key=True),
    Column("device_code", String(12), nullable=False),
    Column("public_key", String(64), nullable=False),
    # SHA-256 of the bearer token: a stolen database does not hand out working tokens.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("enrolled_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime),
    Column("epoch_counter", Integer, nullable=False, default=1),
    # The unit the laptop serves (from its enrolment request): owned records must name it (trust rules).
    Column("unit_id", String(36)),
    # When headquarters last issued a replacement laptop's identity for it (``sayyar server replace-device``).
    Column("replaced_at", UTCDateTime),
)

# A laptop's signing keys that a replacement superseded (``sayyar server replace-device``): a bundle the old laptop
# signed before then, still in someone's bag, is verified against the key it had; ``before_epoch`` is the epoch the
# replacement was given, so the old key signs only the epochs the old laptop held (docs/sync.md, "Bundles").
device_key = Table(
    "srv_device_key", server_metadata,
    Column("device_id", String(36), primary_key=True),
    Column("public_key", String(64), primary_key=True),
    Column("superseded_at", UTCDateTime, nullable=False),
    Column("before_epoch", Integer, nullable=False),
)

device_epoch = Table(
    "srv_device_epoch", server_metadata,
    Column("device_id", String(36), primary_key=True),
    Column("epoch", Integer, primary_key=True),
    Column("held_through", BigInteger, nullable=False, default=0),
    Column("max_seq", BigInteger, nullable=False, default=0),
)

# The grant key each laptop presented first (its roles are signed with it) and headquarters certified; a laptop that
# later presents another, or another headquarters key, is refused and the refusal kept here (trust rules).
device_anchor = Table(
    "srv_device_anchor", server_metadata,
    Column("device_id", String(36), primary_key=True),
    Column("grant_public", String(64), nullable=False),
    Column("certified_at", UTCDateTime, nullable=False),
    Column("refused_at", UTCDateTime),
    Column("refused_count", Integer, nullable=False, default=0),
    Column("refused_grant_public", String(64)),
)

# What each laptop last told of itself (POST /v1/devices/me/status, at each round): `sayyar server devices`.
device_report = Table(
    "srv_device_report", server_metadata,
    Column("device_id", String(36), primary_key=True),
    Column("reported_at", UTCDateTime, nullable=False),
    Column("queued", Integer, nullable=False, default=0),
    Column("quarantined", Integer, nullable=False, default=0),
    Column("parked", Integer, nullable=False, default=0),
    Column("conflicts", Integer, nullable=False, default=0),
)

# The sign-in names laptops brought at enrolment: a name belongs to one account across all laptops, so a second
# laptop's administrator cannot take one already held (checked with the central staff records too).
device_user = Table(
    "srv_device_user", server_metadata,
    Column("username_key", String(60), primary_key=True),  # casefolded: sign-in does not tell cases apart
    Column("username", String(60), nullable=False),
    Column("user_id", String(36), nullable=False),
    Column("device_id", String(36), nullable=False),
)

# Every accepted change-log entry, keyed as the laptop numbered it: what makes applying idempotent (guarantee 3)
# and what keeps "who sent what and when" (with the batch row).
received = Table(
    "srv_received", server_metadata,
    Column("device_id", String(36), primary_key=True),
    Column("epoch", Integer, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("entity", String(40), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("fingerprint", String(40), nullable=False),
    Column("outcome", String(12), nullable=False),
    Column("batch_id", String(36), nullable=False),
)

rejected = Table(
    "srv_rejected", server_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("device_id", String(36), nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("entity", String(40), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("reason", Text, nullable=False),
    Column("batch_id", String(36), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_srv_rejected_device", "device_id", "epoch", "seq"),
)

batch = Table(
    "srv_batch", server_metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("device_id", String(36), nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("via", String(60), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("entries", Integer, nullable=False),
    Column("applied", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("stale", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
)

conflict = Table(
    "srv_conflict", server_metadata,
    Column("id", String(36), primary_key=True),
    Column("srv_seq", BigInteger, nullable=False, index=True),
    Column("entity", String(40), nullable=False),
    Column("record_id", String(36), nullable=False, index=True),
    Column("field", String(60), nullable=False),
    Column("kept_value", JSON),
    Column("lost_value", JSON),
    Column("kept_hlc", String(40), nullable=False),
    Column("lost_hlc", String(40), nullable=False),
    Column("kept_device", String(36), nullable=False),
    Column("lost_device", String(36), nullable=False),
    # Who made each side (user name, device code, unit code), resolved when the conflict was recorded.
    Column("kept_user", String(60), nullable=False, default="", server_default=""),
    Column("lost_user", String(60), nullable=False, default="", server_default=""),
    Column("kept_laptop", String(12), nullable=False, default="", server_default=""),
    Column("lost_laptop", String(12), nullable=False, default="", server_default=""),
    Column("kept_unit", String(20), nullable=False, default="", server_default=""),
    Column("lost_unit", String(20), nullable=False, default="", server_default=""),
    Column("status", String(10), nullable=False, default="open"),
    Column("resolution", String(20), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime),
    Column("resolved_by", String(36)),
)

bundle_import = Table(
    "srv_bundle_import", server_metadata,
    Column("bundle_id", String(36), primary_key=True),
    Column("device_id", String(36), nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("seq_from", BigInteger, nullable=False),
    Column("seq_to", BigInteger, nullable=False),
    Column("entries", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("receipt", JSON, nullable=False),
)

# Headquarters' own keys: X25519 (bundles are encrypted to it) and Ed25519 (receipts are signed with it).
hq_key = Table(
    "srv_hq_key", server_metadata,
    Column("id", Integer, primary_key=True),
    Column("box_private", String(64), nullable=False),
    Column("box_public", String(64), nullable=False),
    Column("sign_private", String(64), nullable=False),
    Column("sign_public", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Which record tables the change feed serves (registry: feed ALL or UNIT); conflicts travel too.
FEED_ENTITIES = tuple(e.name for e in in_feed())

# Which units' laptops hold a patient besides its own (registered) unit's: a unit the patient was referred to, or one
# that looked the patient up on demand (trust rules, docs/architecture.md). The row's feed position makes the feed
# send that unit the patient's records once; later changes follow by the same rule.
patient_scope = Table(
    "srv_patient_scope", server_metadata,
    Column("patient_id", String(36), primary_key=True),
    Column("unit_id", String(36), primary_key=True),
    Column("kind", String(10), nullable=False),  # referral | lookup
    Column("srv_seq", BigInteger, nullable=False, index=True),
    Column("device_id", String(36), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_srv_patient_scope_unit", "unit_id", "srv_seq"),
)

# The central audit of on-demand look-ups of another unit's patient: every request, granted or not, with who asked,
# from which laptop, why, and what it matched. Insert-only.
patient_lookup = Table(
    "srv_patient_lookup", server_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("unit_id", String(36)),
    Column("user_id", String(36)),
    Column("query_kind", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("patient_id", String(36)),
    Column("outcome", String(20), nullable=False),
)
