"""Bundles for hand carriage (docs/architecture.md, guarantee 5): every bad kind is refused with a clear reason or applied as a
no-op; nothing is half-applied; the reader never fails with anything but BundleRejected, whatever the bytes."""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from pathlib import Path

import pytest
from helpers import Laptop, assert_exactly_once, count_entries, enrol, make_activity, make_laptop
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from app.server import devices
from app.server import models as m
from app.server.db import open_database
from app.server.hq_import import import_bundle_bytes, verify_bundle
from app.sync import bundle as bundle_mod
from app.sync import crypto, identity
from app.sync.bundle import MAGIC, BundleRejected, export_bundle, load_receipt
from app.sync.protocol import BundleHeader


@pytest.fixture
def setup(tmp_path: Path, central: Engine):  # type: ignore[no-untyped-def]
    lap = make_laptop(tmp_path, "A1")
    enrol(central, lap)
    make_activity(lap, 40)
    data = export_bundle(lap.store, lap.coord, tmp_path / "a.bundle").path.read_bytes()
    yield lap, data
    lap.close()


def _received(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(m.received)).scalar_one())


def _refused(engine: Engine, data: bytes, code: str) -> str:
    before = _received(engine)
    with pytest.raises(BundleRejected) as err:
        import_bundle_bytes(engine, data)
    assert err.value.code == code, str(err.value)
    assert _received(engine) == before  # nothing applied
    return str(err.value)


def craft(lap: Laptop, manifest: dict, body: bytes, *, signing_key: bytes | None = None,
          header_version: int = 1) -> bytes:
    """A bundle built by hand, to say things the exporter never would."""
    ident = identity.identity(lap.store)
    assert ident.hq_box_public is not None
    raw_manifest = json.dumps(manifest).encode()
    sig = crypto.sign(signing_key or ident.signing_key, raw_manifest)
    inner = struct.pack(">I", len(raw_manifest)) + raw_manifest + sig + zlib.compress(body)
    key, eph = crypto.new_envelope_key(ident.hq_box_public)
    header = BundleHeader(hq_key_id=crypto.key_id(ident.hq_box_public), ephemeral_public=crypto.b64(eph),
                          chunk_size=1 << 20, chunk_count=1).model_dump()
    header["version"] = header_version
    raw_header = json.dumps(header).encode()
    chunks = crypto.encrypt_chunks(key, raw_header, inner, 1 << 20)
    return MAGIC + struct.pack(">I", len(raw_header)) + raw_header + b"".join(
        struct.pack(">I", len(c)) + c for c in chunks)


def _manifest_for(lap: Laptop, entries: list[dict], **over: object) -> tuple[dict, bytes]:
    body = json.dumps({"entries": entries}).encode()
    counts: dict[str, int] = {}
    for e in entries:
        counts[e["entity"]] = counts.get(e["entity"], 0) + 1
    manifest = {"protocol": 1, "bundle_id": "b-" + hashlib.sha1(body).hexdigest()[:20],
                "device_id": lap.device_id, "device_code": "A1", "epoch": lap.store.device.epoch,
                "seq_from": min(e["seq"] for e in entries), "seq_to": max(e["seq"] for e in entries),
                "count": len(entries), "counts": counts, "body_sha256": hashlib.sha256(body).hexdigest()}
    manifest.update(over)
    return manifest, body


def _entries(lap: Laptop) -> list[dict]:
    from app.models import ChangeLog
    from app.sync.outbox import entries

    return [e.model_dump(mode="json") for e in entries(lap.store, ChangeLog.__table__.c.seq > 0)]


def test_good_bundle_then_replay_and_receipt(setup, central: Engine,  # type: ignore[no-untyped-def]
                                             tmp_path: Path) -> None:
    lap, data = setup
    first = import_bundle_bytes(central, data)
    assert first.result is not None and first.result.applied == count_entries(lap.store)
    again = import_bundle_bytes(central, data)
    assert again.replayed and again.receipt == first.receipt
    path = tmp_path / "r.json"
    path.write_text(first.receipt.model_dump_json())
    assert load_receipt(lap.store, path) == (count_entries(lap.store), 0)
    assert_exactly_once(central, [lap])


def test_tampered_truncated_and_garbage(setup, central: Engine) -> None:  # type: ignore[no-untyped-def]
    lap, data = setup
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    _refused(central, bytes(flipped), "tampered")
    _refused(central, data[:-50], "truncated")
    _refused(central, data[:40], "truncated")
    _refused(central, b"PK\x03\x04 not a bundle", "not_a_bundle")
    _refused(central, data + b"\x00\x00\x00\x05hello", "tampered")


def test_dropped_last_chunk_is_truncation(tmp_path: Path, central: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle_mod, "CHUNK_SIZE", 4096)
    lap = make_laptop(tmp_path, "A1")
    enrol(central, lap)
    make_activity(lap, 20)
    data = export_bundle(lap.store, lap.coord, tmp_path / "x.bundle").path.read_bytes()
    header_len = struct.unpack_from(">I", data, len(MAGIC))[0]
    header = json.loads(data[len(MAGIC) + 4 : len(MAGIC) + 4 + header_len])
    assert header["chunk_count"] > 2
    # Drop the last chunk and claim one chunk fewer: the header is authenticated, so this fails too.
    pos, chunks = len(MAGIC) + 4 + header_len, []
    while pos < len(data):
        n = struct.unpack_from(">I", data, pos)[0]
        chunks.append(data[pos : pos + 4 + n])
        pos += 4 + n
    _refused(central, data[: len(data) - len(chunks[-1])], "truncated")
    header["chunk_count"] -= 1
    raw = json.dumps(header).encode()
    forged = MAGIC + struct.pack(">I", len(raw)) + raw + b"".join(chunks[:-1])
    _refused(central, forged, "tampered")
    lap.close()


def test_wrong_key_unknown_device_revoked(setup, central: Engine,  # type: ignore[no-untyped-def]
                                          tmp_path: Path) -> None:
    lap, data = setup
    other = open_database(str(tmp_path / "other-hq.db"))
    with pytest.raises(BundleRejected) as err:
        import_bundle_bytes(other, data)
    assert err.value.code == "wrong_key"
    stranger = make_laptop(tmp_path, "Z9")
    enrol(other, stranger)  # enrolled elsewhere: has a key pair, unknown to this headquarters
    with central.connect() as conn:
        keys = devices.hq_keys(conn)
    with stranger.store.write(None) as s:
        from app.models import SyncIdentity

        s.get(SyncIdentity, 1).hq_box_public = keys.box_public  # type: ignore[union-attr]
    make_activity(stranger, 5)
    msg = _refused(central, export_bundle(stranger.store, stranger.coord, tmp_path / "z.bundle").path.read_bytes(),
                   "unknown_device")
    assert "not enrolled" in msg
    with central.begin() as conn:
        devices.revoke_device(conn, lap.device_id)
    _refused(central, data, "unknown_device")
    stranger.close()


def test_wrong_versions_and_signature(setup, central: Engine) -> None:  # type: ignore[no-untyped-def]
    lap, _ = setup
    entries = _entries(lap)
    manifest, body = _manifest_for(lap, entries)
    assert import_bundle_bytes(central, craft(lap, manifest, body)).result is not None  # the crafting is right
    msg = _refused(central, craft(lap, manifest, body, header_version=2), "wrong_version")
    assert "version 2" in msg
    _refused(central, craft(lap, {**manifest, "protocol": 3}, body), "wrong_version")
    other_key, _ = crypto.new_signing_key()
    _refused(central, craft(lap, manifest, body, signing_key=other_key), "bad_signature")
    bad_count, _ = _manifest_for(lap, entries, count=len(entries) + 1)
    _refused(central, craft(lap, bad_count, body), "tampered")
    bad_hash = {**manifest, "body_sha256": "0" * 64}
    _refused(central, craft(lap, bad_hash, body), "tampered")


def test_clone_in_bundle_refused_whole_and_bad_record_alone(setup,  # type: ignore[no-untyped-def]
                                                           central: Engine) -> None:
    lap, data = setup
    import_bundle_bytes(central, data)
    entries = _entries(lap)
    # Same sequence numbers, different content: a copied laptop. Refused whole, nothing applied.
    forged = [dict(e, hlc=e["hlc"][:-1] + ("x" if e["hlc"][-1] != "x" else "y")) for e in entries[-3:]]
    manifest, body = _manifest_for(lap, forged)
    msg = _refused(central, craft(lap, manifest, body), "clone_detected")
    assert "new epoch" in msg
    # One bad record among good ones: that one is rejected with a reason, the rest applied.
    fresh = [dict(e, seq=e["seq"] + 100000) for e in entries[-3:]]
    fresh[0] = dict(fresh[0], payload={**fresh[0]["payload"], "version": "seven"})
    manifest, body = _manifest_for(lap, fresh)
    out = import_bundle_bytes(central, craft(lap, manifest, body))
    assert out.result is not None and len(out.result.rejected) == 1 and out.result.stale + out.result.applied == 2
    assert "version" in out.result.rejected[0].reason


def test_receipt_checks(setup, central: Engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lap, data = setup
    out = import_bundle_bytes(central, data)
    doc = json.loads(out.receipt.model_dump_json())
    doc["receipt"]["acked"] = [[1, 10**9]]
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(BundleRejected) as err:
        load_receipt(lap.store, path)
    assert err.value.code == "bad_signature"
    assert count_entries(lap.store, "acked") == 0


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("fuzz")
    engine = open_database(str(folder / "central.db"))
    lap = make_laptop(folder, "F1")
    enrol(engine, lap)
    make_activity(lap, 10)
    data = export_bundle(lap.store, lap.coord, folder / "f.bundle").path.read_bytes()
    yield engine, data
    lap.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_fuzzed_bundle_reader_only_raises_its_error(fuzz_target, data) -> None:  # type: ignore[no-untyped-def]
    engine, good = fuzz_target
    kind = data.draw(st.sampled_from(["flip", "cut", "insert", "random", "splice_header"]))
    blob = bytearray(good)
    if kind == "flip":
        for _ in range(data.draw(st.integers(1, 4))):
            i = data.draw(st.integers(0, len(blob) - 1))
            blob[i] ^= data.draw(st.integers(1, 255))
    elif kind == "cut":
        blob = blob[: data.draw(st.integers(0, len(blob) - 1))]
    elif kind == "insert":
        i = data.draw(st.integers(0, len(blob)))
        blob[i:i] = data.draw(st.binary(min_size=1, max_size=64))
    elif kind == "random":
        blob = bytearray(MAGIC + data.draw(st.binary(max_size=512)))
    else:
        header = data.draw(st.binary(max_size=200))
        blob = bytearray(MAGIC + struct.pack(">I", len(header)) + header + bytes(good[200:400]))
    try:
        verify_bundle(engine, bytes(blob))
    except BundleRejected:
        return
    assert bytes(blob) == good  # only the untouched bundle may pass


def test_export_is_audited_inside_the_bundle_it_describes(setup):  # type: ignore[no-untyped-def]
    from app.models import AuditEntry, ChangeLog

    lap, _data = setup
    with lap.store.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "exported")).one()
        assert entry.entity == "bundle" and entry.user_id == lap.coord.user_id
        assert s.scalar(select(ChangeLog.state).where(ChangeLog.record_id == entry.id)) == "sent"
