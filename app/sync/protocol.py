"""What travels between laptops, the central server and headquarters: the one definition (docs/architecture.md, "Layers").

Client, bundle writer, bundle reader and server all use these models; ``docs/sync-protocol.schema.json`` is generated
from them (``python -m app.sync.schema``). Bump ``PROTOCOL_VERSION`` on any change a peer of the old version would
misread; the ``protocol`` field lets each side refuse what it does not understand instead of guessing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

# 2: rejections carry a code, the server tells its time and clock margin (hello, feed pages).
PROTOCOL_VERSION: Final = 2
# What this version still reads from peers (batches, bundles, device requests).
READABLE_PROTOCOLS: Final = (1, 2)
BUNDLE_FORMAT_VERSION: Final = 1
MAX_BATCH = 5000

# <physical ms, 13 digits>:<counter, 5 digits>:<node> (app.store.clock); string order is clock order.
HLC_PATTERN = r"^\d{13}:\d{5}:[A-Za-z0-9_-]{1,16}$"
ID_PATTERN = r"^[A-Za-z0-9_-]{1,36}$"
ENTITY_PATTERN = r"^[a-z_]{1,40}$"

Op = Literal["insert", "update", "delete"]
Outcome = Literal["applied", "duplicate", "stale", "rejected"]


class _Strict(BaseModel):
    # Unknown fields are refused: a peer speaking a newer protocol must say so through ``protocol``.
    model_config = ConfigDict(extra="forbid")


class ChangeEntry(_Strict):
    """One change-log entry: the record's full new state, stamped (docs/architecture.md, guarantee 2)."""

    seq: int = Field(ge=1, le=2**53 - 1)  # JSON-safe: every peer reads it exactly
    entity: str = Field(pattern=ENTITY_PATTERN)
    record_id: str = Field(pattern=ID_PATTERN)
    op: Op
    payload: dict[str, Any]
    hlc: str = Field(pattern=HLC_PATTERN)
    user_id: str | None = Field(default=None, max_length=36)
    # Fields this change set, worked out on the laptop against the state it edited (``None``: not known, e.g.
    # inserts). Lets the server tell a concurrent edit (a conflict) from a stale copy of a field nobody touched.
    changed: list[str] | None = Field(default=None, max_length=200)
    base_hlc: str = Field(default="", max_length=40)


class StoredEntry(NamedTuple):
    """A change-log row as the laptop holds it: the payload still the JSON text the one encoder wrote."""

    seq: int
    entity: str
    record_id: str
    op: str
    hlc: str
    user_id: str | None
    payload_json: str
    changed: list[str] | None = None
    base_hlc: str = ""


def entries_wire(entries: Sequence[StoredEntry]) -> bytes:
    """The JSON array of :class:`ChangeEntry` for ``entries``: what ``model_dump_json`` gives for them, parsed the same
    by any reader (tests/sync/test_wire.py proves it), with each payload copied in as its stored text. Decoding and
    encoding every payload again cost a 100,000-entry upload or bundle most of its laptop time; ids, names and
    stamps of our own making never need escaping, which is checked once for the whole lot."""
    plain = _plain("".join(f"{e.entity}{e.record_id}{e.op}{e.hlc}{e.user_id}{e.base_hlc}" for e in entries))
    q = _quoted if plain else _json_text
    parts = [f'{{"seq":{int(e.seq)},"entity":{q(e.entity)},"record_id":{q(e.record_id)},"op":{q(e.op)},'
             f'"payload":{e.payload_json},"hlc":{q(e.hlc)},"user_id":{q(e.user_id)},'
             f'"changed":{"null" if e.changed is None else json.dumps(e.changed)},"base_hlc":{q(e.base_hlc)}}}'
             for e in entries]
    # Joined and encoded a thousand at a time: one 100 MB string (wide as soon as one name is Persian) costs several
    # times more to build and encode than a hundred small ones.
    encoded = [",".join(parts[i : i + 1000]).encode("utf-8") for i in range(0, len(parts), 1000)]
    return b"[" + b",".join(encoded) + b"]"


def batch_wire(device_id: str, epoch: int, batch_id: str, entries: bytes) -> bytes:
    """A :class:`ChangeBatch` body around an ``entries_wire`` array."""
    head = (f'{{"protocol":{PROTOCOL_VERSION},"device_id":{_json_text(device_id)},"epoch":{int(epoch)},'
            f'"batch_id":{_json_text(batch_id)},"entries":')
    return head.encode("utf-8") + entries + b"}"


def bundle_body_wire(entries: bytes) -> bytes:
    """A :class:`BundleBody` around an ``entries_wire`` array."""
    return b'{"entries":' + entries + b"}"


def _plain(value: str) -> bool:
    return value.isascii() and value.isprintable() and '"' not in value and "\\" not in value


def _quoted(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'


def _json_text(value: str | None) -> str:
    return "null" if value is None else json.dumps(value)


class ChangeBatch(_Strict):
    # What a laptop of the previous protocol sends is still understood (a fleet upgrades one laptop at a time).
    protocol: Literal[1, 2] = PROTOCOL_VERSION
    device_id: str = Field(pattern=ID_PATTERN)
    epoch: int = Field(ge=1, le=2**31 - 1)
    batch_id: str = Field(pattern=ID_PATTERN)
    entries: list[ChangeEntry] = Field(min_length=1, max_length=MAX_BATCH)


# ``headquarters_only``, ``other_unit``, ``append_only`` (and ``not_owner``): who may write what, app/server/authority.py.
RejectionCode = Literal["invalid", "unique_taken", "parent_missing", "clock_ahead", "not_owner", "refused",
                        "storage", "headquarters_only", "other_unit", "append_only"]


class Rejection(_Strict):
    seq: int
    reason: str
    # What the laptop can do about it: ``unique_taken`` (give the record a new number), ``parent_missing`` (send
    # again once the parent is held), ``clock_ahead`` (stamp again with a corrected clock); others wait for a person.
    code: RejectionCode = "invalid"


class BatchAck(_Strict):
    """The server's answer: one transaction applied the whole batch; every sequence not rejected is now held."""

    protocol: Literal[2] = PROTOCOL_VERSION
    device_id: str
    epoch: int
    batch_id: str
    # Highest sequence n such that the server holds every sequence 1..n of this device epoch (guarantee 3).
    held_through: int
    max_seq: int
    applied: int = 0
    duplicates: int = 0
    stale: int = 0
    conflicts: int = 0
    rejected: list[Rejection] = Field(default_factory=list)


class EpochState(_Strict):
    epoch: int
    held_through: int
    max_seq: int


class DeviceHello(_Strict):
    """What the server holds for the calling device: how a restored or cloned laptop is noticed (guarantee 7)."""

    protocol: Literal[2] = PROTOCOL_VERSION
    device_id: str
    device_code: str
    epochs: list[EpochState]
    server_hlc: str = ""
    # The server's wall clock and how far ahead of it a stamp may be (docs/architecture.md, "Clocks").
    server_ms: int = 0
    clock_margin_ms: int = 0


class NewEpoch(_Strict):
    epoch: int


class FeedItem(_Strict):
    cursor: int
    entity: str
    record_id: str
    version: int
    hlc: str
    payload: dict[str, Any]
    # Headquarters' Ed25519 signature over the item (app.sync.feed_trust), on reference data: a laptop applies
    # staff accounts, roles, diagnosis and facility lists only when it verifies.
    signature: str = ""


class FeedPage(_Strict):
    """Records other laptops need, in server order; apply with ``next_cursor`` in one transaction (guarantee 4)."""

    protocol: Literal[2] = PROTOCOL_VERSION
    cursor: int
    next_cursor: int
    more: bool
    items: list[FeedItem]
    server_ms: int = 0
    clock_margin_ms: int = 0


class PatientLookup(_Strict):
    """An explicit request for one patient of another unit (a person referred or moving between units turns up):
    by the patient's code or a referral number, with the reason, recorded in the central audit."""

    patient_code: str = Field(default="", max_length=40)
    referral_number: str = Field(default="", max_length=40)
    reason: str = Field(max_length=500)
    user_id: str = Field(default="", max_length=36)


class PatientLookupAnswer(_Strict):
    """That patient's records only (patient, household, identity documents, referrals, doses): applied on the laptop
    without moving its feed cursor. Later changes to the patient reach the laptop through the feed."""

    protocol: Literal[2] = PROTOCOL_VERSION
    patient_id: str
    items: list[FeedItem]


class ConflictItem(_Strict):
    """A losing value kept for a person to review (guarantee 6). Travels in the feed as entity ``sync_conflict``."""

    id: str
    entity: str
    record_id: str
    field: str
    kept_value: Any = None
    lost_value: Any = None
    kept_hlc: str = ""
    lost_hlc: str = ""
    kept_device: str = ""
    lost_device: str = ""
    status: Literal["open", "resolved"] = "open"
    resolution: str = ""
    # Who made each side, as the server knew it when the values met: the person's user name, the laptop's device
    # code and its unit's code ("" when the server did not know). A person deciding needs to know whom to ask.
    kept_user: str = Field(default="", max_length=60)
    lost_user: str = Field(default="", max_length=60)
    kept_laptop: str = Field(default="", max_length=12)
    lost_laptop: str = Field(default="", max_length=12)
    kept_unit: str = Field(default="", max_length=20)
    lost_unit: str = Field(default="", max_length=20)


class ConflictResolution(_Strict):
    resolution: Literal["kept", "restored_lost"]
    note: str = Field(default="", max_length=500)


class BundleHeader(_Strict):
    """The clear-text head of a bundle file: how to decrypt it, nothing about its contents."""

    format: Literal["sayyar-bundle"] = "sayyar-bundle"
    version: Literal[1] = BUNDLE_FORMAT_VERSION
    cipher: Literal["X25519-HKDF-SHA256-AES256GCM"] = "X25519-HKDF-SHA256-AES256GCM"
    hq_key_id: str = Field(max_length=64)
    ephemeral_public: str = Field(max_length=64)
    chunk_size: int = Field(ge=1024, le=64 * 1024 * 1024)
    chunk_count: int = Field(ge=1, le=1_000_000)


class BundleManifest(_Strict):
    """Signed by the device: who wrote the bundle and exactly what is in it (guarantee 5)."""

    protocol: Literal[1, 2] = PROTOCOL_VERSION
    bundle_id: str = Field(pattern=ID_PATTERN)
    device_id: str = Field(pattern=ID_PATTERN)
    device_code: str = Field(max_length=12)
    epoch: int = Field(ge=1, le=2**31 - 1)
    seq_from: int = Field(ge=0)
    seq_to: int = Field(ge=0)
    count: int = Field(ge=0)
    counts: dict[str, int]
    body_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    created_hlc: str = ""


class BundleBody(_Strict):
    entries: list[ChangeEntry]


class Receipt(_Strict):
    """Headquarters' signed word that these sequences are held; the laptop marks them acknowledged."""

    protocol: Literal[2] = PROTOCOL_VERSION
    receipt_id: str
    bundle_id: str
    device_id: str
    epoch: int
    acked: list[tuple[int, int]]
    rejected: list[Rejection] = Field(default_factory=list)
    applied: int = 0
    duplicates: int = 0
    stale: int = 0
    conflicts: int = 0
    issued_at: str
    hq_key_id: str


class SignedReceipt(_Strict):
    receipt: Receipt
    signature: str
    # Headquarters' reference records for a laptop that syncs only by bundle (the notifiable-disease registry
    # versions), each signed like a feed item; outside the signed receipt, and checked item by item on loading.
    reference: list[FeedItem] = Field(default_factory=list)


class DeviceEnrolment(_Strict):
    """Handed by the administrator to the laptop after ``sayyar server enrol-device``."""

    protocol: Literal[2] = PROTOCOL_VERSION
    device_id: str
    device_code: str
    token: str
    server_url: str = ""
    hq_box_public: str
    hq_sign_public: str


class ReplacementIdentity(_Strict):
    """The identity of a laptop that replaces a broken or lost one (``sayyar server replace-device``): the old
    laptop's device id and code under a new epoch (fresh patient numbers), a new signing key and token (the old ones
    no longer work), and the administrator name the server reserved. The file holds a token and a private key:
    handed over like a password."""

    device_id: str = Field(pattern=ID_PATTERN)
    epoch: int = Field(ge=2, le=2**31 - 1)
    token: str = Field(max_length=200)
    signing_key: str = Field(max_length=100)
    admin_username: str = Field(min_length=1, max_length=60)
    admin_user_id: str = Field(pattern=ID_PATTERN)


class LaptopConfig(_Strict):
    """Headquarters' file for setting up a new laptop (``sayyar server laptop-config``): the unit it serves, its
    device code (checked unused at the server when the file was made), where it syncs and headquarters' public keys.
    The laptop is then set up with these instead of typed ones; enrolment (the token) still follows its request."""

    format: Literal["sayyar-laptop-config"] = "sayyar-laptop-config"
    protocol: Literal[2] = PROTOCOL_VERSION
    unit_code: str = Field(min_length=1, max_length=20)
    device_code: str = Field(pattern=r"^[A-Z0-9]{2,8}$")
    server_url: str = Field(default="", max_length=500)
    hq_box_public: str = Field(max_length=100)
    hq_sign_public: str = Field(max_length=100)
    # Set only in a replacement's file: the laptop is set up as the one it replaces, already enrolled.
    replacement: ReplacementIdentity | None = None


class DeviceUser(_Strict):
    """A sign-in account made on the laptop: its name must be nobody else's across laptops."""

    user_id: str = Field(pattern=ID_PATTERN)
    username: str = Field(min_length=1, max_length=60)


class DeviceRequest(_Strict):
    """Written by the laptop for enrolment: its identity and Ed25519 public key (never the private key)."""

    protocol: Literal[1, 2] = PROTOCOL_VERSION
    device_id: str
    device_code: str
    public_key: str
    # The unit the laptop serves: the server accepts its visits, cases and rosters only for this unit.
    unit_id: str | None = Field(default=None, max_length=36)
    # The accounts made on this laptop (its administrator first): the server refuses a name another laptop holds.
    users: list[DeviceUser] = Field(default_factory=list, max_length=1000)
    # The laptop's grant key (the keystore's root_public, which verifies its role grants): recorded at enrolment as
    # the one headquarters certifies for it, so nobody can have another certified first ("" from older laptops).
    grant_public: str = Field(default="", pattern=r"^([A-Za-z0-9+/]{43}=)?$")


class DeviceStatus(_Strict):
    """What the laptop holds, told at each round (before it uploads and when the round ends): what headquarters
    sees for it in ``sayyar server devices`` when its uploads do not get through."""

    queued: int = Field(ge=0, le=2**31)  # changes not yet acknowledged (queued or sent)
    quarantined: int = Field(ge=0, le=2**31)  # rejected, waiting on the laptop
    parked: int = Field(ge=0, le=2**31)  # feed records the laptop could not store yet
    conflicts: int = Field(ge=0, le=2**31)  # open conflicts on the laptop


class GrantAnchor(_Strict):
    """Presented at each round: the laptop's grant key (keystore ``root_public``) and the id of headquarters' signing
    key it holds. The server keeps the first for the device and refuses a laptop that later shows another
    (docs/architecture.md, trust rules: roles anchored to headquarters)."""

    grant_public: str = Field(pattern=r"^[A-Za-z0-9+/]{43}=$")  # 32 raw bytes, base64
    hq_key_id: str = Field(max_length=64)
    # The laptop's own device key (the one enrolled, inside its encrypted database) signs
    # ``crypto.grant_anchor_message``: a key the server has not recorded yet is certified only so, and a copy of the
    # enrolment file (which holds the token, never the device key) certifies nothing.
    device_signature: str = Field(default="", pattern=r"^([A-Za-z0-9+/]{86}==)?$")  # 64 raw bytes, base64


class GrantCertificate(_Strict):
    """Headquarters' Ed25519 signature over ``crypto.grant_key_message(device_id, grant_public)``."""

    device_id: str
    grant_public: str
    signature: str


class Health(_Strict):
    status: Literal["ok"] = "ok"
    protocol: int = PROTOCOL_VERSION


PUBLISHED = (
    ChangeEntry, ChangeBatch, BatchAck, DeviceHello, NewEpoch, FeedPage, ConflictItem, ConflictResolution,
    BundleHeader, BundleManifest, BundleBody, SignedReceipt, DeviceEnrolment, LaptopConfig, DeviceUser, DeviceRequest, DeviceStatus,
    Health, PatientLookup, PatientLookupAnswer,
)
