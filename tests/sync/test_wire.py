"""The entries a laptop sends are built from the stored payload text (app.sync.protocol.entries_wire); any reader
must see exactly what pydantic's own encoding of the same entries gives — whatever the ids, names and values hold."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from app.sync.protocol import (
    BundleBody,
    ChangeBatch,
    ChangeEntry,
    StoredEntry,
    batch_wire,
    bundle_body_wire,
    entries_wire,
)

_ids = st.from_regex(r"^[A-Za-z0-9_-]{1,36}$", fullmatch=True)
_values = st.recursive(st.none() | st.booleans() | st.integers(-2**31, 2**31) | st.text() |
                       st.floats(allow_nan=False, allow_infinity=False),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                       max_leaves=8)
_entries = st.builds(
    lambda seq, entity, rid, op, hlc, user, payload, changed, base: ChangeEntry.model_construct(
        seq=seq, entity=entity, record_id=rid, op=op, payload={"id": rid, **payload}, hlc=hlc, user_id=user,
        changed=changed, base_hlc=base),
    st.integers(1, 2**53 - 1), st.from_regex(r"^[a-z_]{1,40}$", fullmatch=True), _ids,
    st.sampled_from(["insert", "update", "delete"]),
    st.from_regex(r"^\d{13}:\d{5}:[A-Za-z0-9_-]{1,16}$", fullmatch=True),
    st.none() | _ids | st.text(max_size=36),  # a user id the server would refuse still encodes exactly
    st.dictionaries(st.text(max_size=12), _values, max_size=5),
    st.none() | st.lists(st.text(max_size=10), max_size=4), st.text(max_size=40))


def _stored(e: ChangeEntry) -> StoredEntry:
    # As the change log holds it: the one payload encoder's JSON text (SQLAlchemy's JSON column: json.dumps).
    return StoredEntry(e.seq, e.entity, e.record_id, e.op, e.hlc, e.user_id, json.dumps(e.payload), e.changed,
                       e.base_hlc)


@given(st.lists(_entries, max_size=6))
def test_entries_wire_reads_as_pydantics_own_encoding(entries: list[ChangeEntry]) -> None:
    wire = bundle_body_wire(entries_wire([_stored(e) for e in entries]))
    assert json.loads(wire) == json.loads(BundleBody.model_construct(entries=entries).model_dump_json())


@given(st.lists(_entries, min_size=1, max_size=3), _ids, st.integers(1, 2**31 - 1))
def test_a_batch_body_validates_as_the_model(entries: list[ChangeEntry], batch_id: str, epoch: int) -> None:
    wire = batch_wire("device-1", epoch, batch_id, entries_wire([_stored(e) for e in entries]))
    expected = ChangeBatch.model_construct(protocol=2, device_id="device-1", epoch=epoch, batch_id=batch_id,
                                           entries=entries)
    assert json.loads(wire) == json.loads(expected.model_dump_json())


def test_persian_text_and_quotes_survive() -> None:
    e = ChangeEntry(seq=1, entity="patient", record_id="p1", op="insert", hlc="1700000000000:00000:ZAH1",
                    payload={"id": "p1", "given_name": "عبدالله \"گل\" \\ \u200c"}, user_id='a"b')
    parsed = BundleBody.model_validate_json(bundle_body_wire(entries_wire([_stored(e)])))
    assert parsed.entries == [e]
