"""The server's set-wise apply (app.server.apply.apply_changes over a whole batch) against the same entries applied
one by one: identical central rows and received keys; and bad records inside a large batch are refused alone (an
invalid value, a record whose parent nobody holds, a child of a record refused in the same batch), the rest applied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import enrol, make_activity, make_laptop, server_engine
from sqlalchemy import Engine, select

from app.models import ChangeLog
from app.server import devices
from app.server import models as m
from app.server.apply import apply_changes
from app.server.devices import rejection_parts
from app.sync import outbox
from app.sync.protocol import ChangeEntry

_SKIP = {"srv_seq"}  # feed positions: handed out in write order, which batching changes by design


def _entries(folder: Path) -> tuple[Any, list[ChangeEntry]]:
    laptop = make_laptop(folder, "A1")
    make_activity(laptop, 120)
    got = outbox.entries(laptop.store, ChangeLog.__table__.c.seq > 0)
    return laptop, got


def _central(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for name, table in m.RECORDS.items():
            rows = conn.execute(select(table).order_by(table.c.id)).mappings()
            out[name] = [{k: v for k, v in r.items() if k not in _SKIP} for r in rows]
        r = m.received
        out["received"] = [dict(x) for x in conn.execute(
            select(r.c.seq, r.c.entity, r.c.record_id, r.c.fingerprint, r.c.outcome).order_by(r.c.seq)).mappings()]
    return out


def _device(engine: Engine, laptop: Any) -> devices.Device:
    enrol(engine, laptop)
    with engine.connect() as conn:
        found = devices.get_device(conn, laptop.device_id)
    assert found is not None
    return found


def test_one_batch_and_entry_by_entry_store_the_same(tmp_path: Path) -> None:
    laptop, entries = _entries(tmp_path)
    assert len(entries) >= 120 and {e.entity for e in entries} >= {"patient", "visit", "referral"}
    whole, single = server_engine(str(tmp_path / "whole.db")), server_engine(str(tmp_path / "single.db"))
    dev_w, dev_s = _device(whole, laptop), _device(single, laptop)
    epoch = laptop.store.device.epoch
    with whole.begin() as conn:
        result = apply_changes(conn, dev_w, entries, epoch=epoch, batch_id="b-whole")
    assert not result.rejected and result.applied == len(entries)
    applied = 0
    for e in entries:
        with single.begin() as conn:
            applied += apply_changes(conn, dev_s, [e], epoch=epoch, batch_id=f"b-{e.seq}").applied
    assert applied == len(entries)
    assert _central(whole) == _central(single)
    laptop.close()


def test_bad_records_in_a_batch_are_refused_alone(tmp_path: Path) -> None:
    _bad_records(tmp_path, server_engine(str(tmp_path / "central.db")))


def test_bad_records_in_a_batch_are_refused_alone_postgres(tmp_path: Path, pg_url: str) -> None:
    engine = server_engine(pg_url)
    try:
        _bad_records(tmp_path, engine)
    finally:
        engine.dispose()


def _bad_records(tmp_path: Path, engine: Engine) -> None:
    laptop, entries = _entries(tmp_path)
    dev = _device(engine, laptop)
    epoch = laptop.store.device.epoch
    patients = [e for e in entries if e.entity == "patient"]
    visits = [e for e in entries if e.entity == "visit"]
    # 1: an invalid value; 2: a visit whose patient nobody holds; 3: a patient whose code another record holds,
    # and 4: a visit of that patient (refused because its parent is).
    invalid = visits[0].model_copy(update={"payload": {**visits[0].payload, "pulse": "fast"}})
    orphan = visits[1].model_copy(update={"payload": {**visits[1].payload, "patient_id": "nobody-holds-this"}})
    taken = patients[2].model_copy(update={"payload": {**patients[2].payload, "code": patients[3].payload["code"]}})
    bad = {invalid.seq: "invalid", orphan.seq: "parent_missing", taken.seq: "unique_taken"}
    child = next(v for v in visits if v.payload["patient_id"] == taken.record_id)
    bad[child.seq] = "parent_missing"
    batch = [{invalid.seq: invalid, orphan.seq: orphan, taken.seq: taken}.get(e.seq, e) for e in entries]
    batch.sort(key=lambda e: (e.seq != patients[3].seq, e.seq))  # the code's holder comes first
    with engine.begin() as conn:
        result = apply_changes(conn, dev, batch, epoch=epoch, batch_id="b1")
    assert {r.seq: r.code for r in result.rejected} == bad
    assert result.applied == len(entries) - len(bad)
    with engine.connect() as conn:
        held = set(conn.execute(select(m.received.c.seq)).scalars())
        visits_held = set(conn.execute(select(m.RECORDS["visit"].c.id)).scalars())
        rejected = {r.seq: rejection_parts(r.reason)[0]
                    for r in conn.execute(select(m.rejected.c.seq, m.rejected.c.reason))}
    # Each is stored with its kind, as headquarters' list of the laptop's refusals shows it.
    assert held == {e.seq for e in entries} - set(bad) and rejected == bad
    assert orphan.record_id not in visits_held and child.record_id not in visits_held
    assert visits[5].record_id in visits_held
    laptop.close()


def test_a_refusal_names_the_field_never_the_value_sent(tmp_path: Path) -> None:
    """A refusal's reason is kept at the server and shown at headquarters and on the laptop: a date or time field
    holding something else (a name, by a laptop's bug or a crafted request) is refused without quoting it."""
    laptop, entries = _entries(tmp_path)
    engine = server_engine(str(tmp_path / "central.db"))
    dev = _device(engine, laptop)
    name = "Ahmad Karimi"
    patient = next(e for e in entries if e.entity == "patient")
    visit = next(e for e in entries if e.entity == "visit" and e.payload["patient_id"] != patient.record_id)
    bad = {patient.seq: patient.model_copy(update={"payload": {**patient.payload, "date_of_birth": name}}),
           visit.seq: visit.model_copy(update={"payload": {**visit.payload, "created_at": name}})}
    with engine.begin() as conn:
        result = apply_changes(conn, dev, [bad.get(e.seq, e) for e in entries], epoch=laptop.store.device.epoch,
                               batch_id="b1")
    refused = {r.seq: r.reason for r in result.rejected if r.seq in bad}
    assert set(refused) == set(bad)
    assert "patient.date_of_birth" in refused[patient.seq] and "visit.created_at" in refused[visit.seq]
    with engine.connect() as conn:
        stored = conn.execute(select(m.rejected.c.reason)).scalars().all()
    assert stored and not [r for r in [*stored, *refused.values()] if name in r]
    laptop.close()
    engine.dispose()
