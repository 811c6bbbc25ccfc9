"""Sync bundles: the same change-log entries in one file for hand carriage (docs/architecture.md, guarantee 5).

File: ``MAGIC | u32 len | header JSON | (u32 len | AES-GCM chunk)*``. Decrypted: ``u32 len | manifest JSON |
Ed25519 signature (64 bytes) of the manifest | zlib(body JSON)``; the manifest carries the body's SHA-256.
The reader checks everything (decryption, signature, hash, counts, sequence range) before anyone applies anything,
and raises only :class:`BundleRejected`, whatever the bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError
from sqlalchemy import select, update

from app.config import make_private, private_opener
from app.models import AuditEntry, ChangeLog
from app.security.roles import Action, require_role
from app.store import Store
from app.sync import crypto, identity, outbox
from app.sync.protocol import (
    READABLE_PROTOCOLS,
    BundleBody,
    BundleHeader,
    BundleManifest,
    ChangeEntry,
    SignedReceipt,
    bundle_body_wire,
)
from app.sync.records import paused_gc

log = logging.getLogger("sayyar.sync.bundle")

MAGIC = b"SAYYAR-BUNDLE\x00"
CHUNK_SIZE = 4 * 1024 * 1024
MAX_BODY = 1024 * 1024 * 1024
# A body may be at most this many times its compressed size (change-log JSON compresses about tenfold): a small
# signed file cannot unpack into gigabytes.
MAX_RATIO = 100


class BundleRejected(Exception):
    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


class _Device(Protocol):
    @property
    def device_id(self) -> str: ...

    @property
    def public_key(self) -> bytes: ...


@dataclass(frozen=True)
class SupersededKey:
    """A signing key the device had until a replacement laptop was issued its identity (at ``superseded_at``, with
    the epoch ``before_epoch``): it still verifies what the old laptop signed before then, nothing made after."""

    public_key: bytes
    superseded_at: datetime
    before_epoch: int


@dataclass(frozen=True)
class VerifiedBundle:
    manifest: BundleManifest
    entries: list[ChangeEntry]
    sha256: str
    signed_with: SupersededKey | None = None  # the old key that verified it (None: the device's key now)


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    bundle_id: str
    count: int
    seq_from: int
    seq_to: int
    size: int


def _u32(n: int) -> bytes:
    return struct.pack(">I", n)


def export_bundle(store: Store, ctx: Any, out: Path | str) -> ExportSummary:
    """Write every entry not yet acknowledged, signed by this laptop and encrypted to headquarters."""
    require_role(ctx, Action.EXPORT_BUNDLE)
    ident = identity.identity(store)
    if ident.hq_box_public is None:
        raise identity.SyncNotConfigured("Headquarters' public key is not loaded on this laptop (load the enrolment "
                                         "file the administrator gave you: `sayyar sync enrol FILE`).")
    bundle_id = str(uuid.uuid4())
    # A bundle carries identities off the laptop, so who exported it is audited (issue 6). The entry is written
    # first so that it travels inside the very bundle it describes.
    with store.write(getattr(ctx, "user_id", None)) as session:
        session.add(AuditEntry(user_id=getattr(ctx, "user_id", None), action="exported", entity="bundle",
                               record_id=bundle_id, detail={"epoch": ident.epoch}))
    cl = ChangeLog.__table__
    with paused_gc():
        listed, seqs, counts = outbox.entries_json(store, cl.c.state.in_(outbox.PENDING) & (cl.c.epoch == ident.epoch))
        body = bundle_body_wire(listed)
    manifest = BundleManifest(
        bundle_id=bundle_id, device_id=ident.device_id, device_code=ident.device_code, epoch=ident.epoch,
        seq_from=min(seqs, default=0), seq_to=max(seqs, default=0), count=len(seqs), counts=counts,
        body_sha256=hashlib.sha256(body).hexdigest(), created_hlc=store.clock.last,
    ).model_dump_json().encode("utf-8")
    signature = crypto.sign(ident.signing_key, manifest)
    inner = _u32(len(manifest)) + manifest + signature + zlib.compress(body, 3)
    key, eph_pub = crypto.new_envelope_key(ident.hq_box_public)
    chunk_count = max(1, -(-len(inner) // CHUNK_SIZE))
    header = BundleHeader(hq_key_id=crypto.key_id(ident.hq_box_public), ephemeral_public=crypto.b64(eph_pub),
                          chunk_size=CHUNK_SIZE, chunk_count=chunk_count).model_dump_json().encode("utf-8")
    chunks = crypto.encrypt_chunks(key, header, inner, CHUNK_SIZE)
    out = Path(out)
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # as a backup does: a new folder on the stick is no failure
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "wb", opener=private_opener) as fh:  # encrypted, and still nobody else's to copy
        fh.write(MAGIC + _u32(len(header)) + header)
        for chunk in chunks:
            fh.write(_u32(len(chunk)) + chunk)
        fh.flush()
    make_private(tmp)
    tmp.replace(out)  # a half-written bundle never carries the final name
    outbox.mark(store, seqs, "sent")
    m = BundleManifest.model_validate_json(manifest)
    from app.sync import bundle_log  # which bundles still wait for a receipt (the Sync panel, `bundle pending`)

    bundle_log.remember(store, bundle_id=m.bundle_id, epoch=m.epoch, seq_from=m.seq_from, seq_to=m.seq_to,
                        count=m.count, file=str(out))
    return ExportSummary(out, m.bundle_id, m.count, m.seq_from, m.seq_to, out.stat().st_size)


def _split(data: bytes) -> tuple[bytes, BundleHeader, list[bytes]]:
    if not data.startswith(MAGIC):
        raise BundleRejected("this is not a Sayyar sync bundle", "not_a_bundle")
    pos = len(MAGIC)
    if len(data) < pos + 4:
        raise BundleRejected("the bundle is truncated (no header)", "truncated")
    (hlen,) = struct.unpack_from(">I", data, pos)
    pos += 4
    if hlen > 4096 or len(data) < pos + hlen:
        raise BundleRejected("the bundle is truncated or damaged (header)", "truncated")
    raw_header = data[pos : pos + hlen]
    pos += hlen
    try:
        peek = json.loads(raw_header)
    except (ValueError, UnicodeDecodeError):
        raise BundleRejected("the bundle's header is damaged", "damaged") from None
    if isinstance(peek, dict) and peek.get("version") not in (None, 1):
        raise BundleRejected(f"bundle format version {peek.get('version')!r} is not supported by this Sayyar "
                             "(it reads version 1); update Sayyar at headquarters", "wrong_version")
    try:
        header = BundleHeader.model_validate_json(raw_header)
    except ValidationError:
        raise BundleRejected("the bundle's header is damaged or of an unknown format version",
                             "wrong_version") from None
    chunks = []
    while pos < len(data):
        if len(data) < pos + 4:
            raise BundleRejected("the bundle is truncated", "truncated")
        (clen,) = struct.unpack_from(">I", data, pos)
        pos += 4
        if clen > header.chunk_size + 16 or len(data) < pos + clen:
            raise BundleRejected("the bundle is truncated", "truncated")
        chunks.append(data[pos : pos + clen])
        pos += clen
    if len(chunks) < header.chunk_count:
        raise BundleRejected(f"the bundle is truncated ({len(chunks)} of {header.chunk_count} parts)", "truncated")
    if len(chunks) > header.chunk_count:
        raise BundleRejected("the bundle has extra parts appended", "tampered")
    return raw_header, header, chunks


def read_bundle(data: bytes, box_private: bytes, box_public: bytes,
                find_device: Callable[[str], _Device | None], *, max_body: int = MAX_BODY) -> VerifiedBundle:
    """Decrypt and verify a bundle completely. Raises BundleRejected with a reason an operator can act on."""
    try:
        return _read(data, box_private, box_public, find_device, max_body)
    except BundleRejected:
        raise
    except (ValueError, struct.error, zlib.error, UnicodeDecodeError, OverflowError, MemoryError) as err:
        raise BundleRejected(f"the bundle is damaged ({type(err).__name__})", "damaged") from None


def _read(data: bytes, box_private: bytes, box_public: bytes,
          find_device: Callable[[str], _Device | None], max_body: int) -> VerifiedBundle:
    raw_header, header, chunks = _split(data)
    if header.hq_key_id != crypto.key_id(box_public):
        raise BundleRejected("the bundle was encrypted for another headquarters key", "wrong_key")
    try:
        key = crypto.recover_envelope_key(box_private, crypto.unb64(header.ephemeral_public, 32))
        inner = crypto.decrypt_chunks(key, raw_header, chunks)
    except crypto.EnvelopeError as err:
        code = "truncated" if "truncated" in str(err) else "tampered"
        raise BundleRejected(str(err), code) from None
    if len(inner) < 4:
        raise BundleRejected("the bundle is empty", "damaged")
    (mlen,) = struct.unpack_from(">I", inner, 0)
    if len(inner) < 4 + mlen + 64:
        raise BundleRejected("the bundle's manifest is damaged", "damaged")
    raw_manifest = inner[4 : 4 + mlen]
    signature = inner[4 + mlen : 4 + mlen + 64]
    try:
        peek = json.loads(raw_manifest)
    except ValueError:
        raise BundleRejected("the bundle's manifest is damaged", "damaged") from None
    if not isinstance(peek, dict) or peek.get("protocol") not in READABLE_PROTOCOLS:
        version = peek.get("protocol") if isinstance(peek, dict) else None
        raise BundleRejected(f"protocol version {version!r} is not supported (this Sayyar reads "
                             f"{', '.join(map(str, READABLE_PROTOCOLS))}); update Sayyar at headquarters",
                             "wrong_version")
    device_id = str(peek.get("device_id", ""))
    device = find_device(device_id)
    if device is None:
        raise BundleRejected(f"device {device_id[:36]!r} is not enrolled (or was revoked); enrol it first",
                             "unknown_device")
    signed_with = None
    if not crypto.verify(device.public_key, signature, raw_manifest):
        # A laptop that was replaced signed with the key it had then (guarantee 5 holds for its bag's bundles).
        old_keys = getattr(device, "superseded", ())
        signed_with = next((k for k in old_keys if crypto.verify(k.public_key, signature, raw_manifest)), None)
        if signed_with is None:
            raise BundleRejected("the bundle's signature does not match the device's key: it was altered or not "
                                 "written by that device", "bad_signature")
    try:
        manifest = BundleManifest.model_validate_json(raw_manifest)
    except ValidationError:
        raise BundleRejected("the bundle's manifest is not valid", "damaged") from None
    packed = inner[4 + mlen + 64 :]
    cap = min(max_body, max(1024 * 1024, MAX_RATIO * len(packed)))
    decomp = zlib.decompressobj()
    body = decomp.decompress(packed, cap)
    if decomp.unconsumed_tail:
        raise BundleRejected(f"the bundle's contents unpack to more than {cap // (1024 * 1024)} MiB; nothing was "
                             "applied (a bundle this large is imported at headquarters, or was made to do harm)",
                             "too_large")
    if not decomp.eof:
        raise BundleRejected("the bundle's contents are damaged", "damaged")
    if hashlib.sha256(body).hexdigest() != manifest.body_sha256:
        raise BundleRejected("the bundle's contents do not match its manifest", "tampered")
    try:
        entries = BundleBody.model_validate_json(body).entries
    except ValidationError:
        raise BundleRejected("the bundle's entries are not valid", "damaged") from None
    _check_counts(manifest, entries)
    if signed_with is not None:
        _check_made_before(signed_with, manifest, entries)
    return VerifiedBundle(manifest, entries, hashlib.sha256(data).hexdigest(), signed_with)


def _check_made_before(key: SupersededKey, manifest: BundleManifest, entries: list[ChangeEntry]) -> None:
    """A bundle signed with a superseded key is the old laptop's: it may hold only what that laptop made before it
    was replaced. Its epoch must be one the old laptop had (the replacement's epoch and later ones never were), and
    its creation and every change's clock stamp must be no later than the replacement (docs/sync.md, "Bundles")."""
    from app.store.clock import parse_hlc

    when = f"{key.superseded_at:%Y-%m-%d %H:%M} UTC"
    if manifest.epoch >= key.before_epoch:
        raise BundleRejected(f"the bundle is signed with the key this laptop had before it was replaced on {when}, "
                             f"but it is of epoch {manifest.epoch}, which only the replacement laptop has: it was "
                             "not made by the old laptop; nothing was applied", "superseded_key")
    limit_ms = int(key.superseded_at.astimezone(timezone.utc).timestamp() * 1000)
    stamps = [manifest.created_hlc] if manifest.created_hlc else []
    stamps += [e.hlc for e in entries]
    for stamp in stamps:
        try:
            ms = parse_hlc(stamp)[0]
        except (ValueError, TypeError):
            raise BundleRejected("the bundle's clock stamps are not valid", "damaged") from None
        if ms > limit_ms:
            raise BundleRejected(f"the bundle was made by the old laptop after it was replaced on {when} (signed with "
                                 "its old key): what it holds was written after headquarters gave its identity to the "
                                 "new laptop, so nothing was applied. What the old laptop holds from then on is not "
                                 "the unit's record: type it again on the laptop that replaced it", "superseded_key")


def _check_counts(manifest: BundleManifest, entries: list[ChangeEntry]) -> None:
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.entity] = counts.get(e.entity, 0) + 1
    seqs = [e.seq for e in entries]
    if (len(entries) != manifest.count or counts != manifest.counts or len(set(seqs)) != len(seqs)
            or min(seqs, default=0) != manifest.seq_from or max(seqs, default=0) != manifest.seq_to):
        raise BundleRejected("the bundle's entries do not match its manifest", "tampered")


def load_receipt(store: Store, path: Path | str) -> tuple[int, int]:
    """Mark the entries a headquarters receipt names as acknowledged (rejected ones quarantined, with the reason).
    Returns (acknowledged, quarantined)."""
    ident = identity.identity(store)
    try:
        signed = SignedReceipt.model_validate_json(Path(path).read_bytes())
    except (OSError, ValidationError) as err:
        raise BundleRejected(f"the receipt cannot be read ({type(err).__name__})", "damaged") from None
    receipt = signed.receipt
    if ident.hq_sign_public is None:
        raise BundleRejected("headquarters' key is not loaded on this laptop", "not_configured")
    try:
        sig = crypto.unb64(signed.signature, 64)
    except crypto.EnvelopeError:
        raise BundleRejected("the receipt's signature is damaged", "bad_signature") from None
    if not crypto.verify(ident.hq_sign_public, sig, receipt_bytes(receipt)):
        raise BundleRejected("the receipt is not signed by headquarters (or was altered)", "bad_signature")
    if receipt.device_id != ident.device_id:
        raise BundleRejected("this receipt is for another laptop", "wrong_device")
    cl = ChangeLog.__table__
    acked = 0
    with store.write(None) as s:
        for lo, hi in receipt.acked:
            acked += s.execute(update(cl).where(cl.c.epoch == receipt.epoch, cl.c.seq.between(lo, hi),
                                                cl.c.state.in_(outbox.PENDING)).values(state="acked")).rowcount or 0  # type: ignore[attr-defined]
    reasons = {r.seq: r.reason for r in receipt.rejected}
    codes = {r.seq: r.code for r in receipt.rejected}
    with store.read() as s:
        seqs = list(s.execute(select(cl.c.seq).where(cl.c.epoch == receipt.epoch, cl.c.seq.in_(list(reasons)),
                                                     cl.c.state.in_(outbox.PENDING))).scalars()) if reasons else []
    outbox.mark(store, seqs, "quarantined", reasons, codes)
    outbox.refresh_acked_seq(store)
    outbox.catch_up(store)  # compacts and packs what the receipt acknowledged, a step per transaction
    if signed.reference:
        _apply_reference(store, signed.reference)
    return acked, len(seqs)


def _apply_reference(store: Store, items: list[Any]) -> None:
    """Headquarters' reference records that came with the receipt (the registry versions), applied exactly as a
    feed page's: an item whose headquarters signature does not verify is dropped; the feed cursor does not move."""
    from app.sync import inbox
    from app.sync.protocol import FeedPage

    result = inbox.apply_page(store, FeedPage(cursor=0, next_cursor=0, more=False, items=items), move_cursor=False)
    if result.invalid:
        log.warning("receipt: %d reference records were not signed by headquarters and were not applied",
                    result.invalid)


def receipt_bytes(receipt: Any) -> bytes:
    return json.dumps(receipt.model_dump(mode="json"), sort_keys=True, separators=(",", ":")).encode("utf-8")
