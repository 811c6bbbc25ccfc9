"""Upload order (notifiable cases first, with their chain), the feed keeping the laptop's search index current,
and progress reported to the caller (docs/architecture.md, guarantees 3, 4 and 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SAME_UNIT, LiveServer, enrol, facility_of, make_activity, make_laptop
from sqlalchemy import Engine, select

from app.models import ChangeLog, Patient, SurveillanceCase
from app.server import models as m
from app.services.patient_search import find_patients
from app.services.visits import record_visit
from app.sync import client, outbox
from app.sync.client import run_sync_round


def test_notifiable_case_and_its_chain_go_first(tmp_path: Path, central: Engine, live: LiveServer,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    lap = make_laptop(tmp_path, "A1")
    enrol(central, lap)
    made = make_activity(lap, 300)
    late = record_visit(lap.ctx, {"patient_id": made["patient"][0], "facility_id": facility_of(lap),
                                  "complaint": "watery diarrhoea", "diagnoses": [{"code": "A00"}]}).visit_id
    with lap.store.read() as s:
        rows = s.execute(select(ChangeLog.seq, ChangeLog.entity, ChangeLog.record_id).where(
            ChangeLog.state == "queued")).all()
    order = outbox.upload_order(lap.store)
    by_seq = {r.seq: r for r in rows}
    with lap.store.read() as s:
        case = s.scalar(select(SurveillanceCase.id).where(SurveillanceCase.visit_id == late))
    position = {by_seq[q].record_id: i for i, q in enumerate(order)}
    routine = position[made["visit"][1]]  # a visit without a notifiable diagnosis, made long before
    assert position[made["patient"][0]] < position[late] < position[case] < routine
    assert by_seq[order[0]].entity in ("household", "patient")  # the chain starts with the patient
    monkeypatch.setattr(client, "BATCH_SIZE", 50)
    monkeypatch.setattr(client, "FAST_ANSWER_S", 0.0)  # batches of 50 throughout
    seen: list[client.Progress] = []
    run_sync_round(lap.store, lap.ctx, live.url, lap.token, seen.append)
    uploads = [p for p in seen if p.phase == "upload"]
    assert uploads[-1].done == uploads[-1].total == len(rows) and len(uploads) == -(-len(rows) // 50)
    with central.connect() as conn:
        first_batch = conn.execute(select(m.batch.c.batch_id).order_by(m.batch.c.received_at).limit(1)).scalar_one()
        entities = set(conn.execute(select(m.received.c.entity).where(m.received.c.batch_id == first_batch)).scalars())
    assert "surveillance_case" in entities  # headquarters hears of the case in the first batch
    lap.close()


def test_downloaded_patients_are_searchable(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    for lap in (a, b):
        enrol(central, lap)
    made = make_activity(a, 10)
    with a.store.read() as s:
        name = s.get(Patient, made["patient"][0]).given_name_latin  # type: ignore[union-attr]
    run_sync_round(a.store, a.ctx, live.url, a.token)
    assert not find_patients(b.ctx, name)
    run_sync_round(b.store, b.ctx, live.url, b.token)
    found = find_patients(b.ctx, name)
    assert [r.id for r in found] == [made["patient"][0]], "found after sync, through the search index"
    a.close(), b.close()


def test_batches_grow_on_a_fast_link_and_stay_small_on_a_slow_one(tmp_path: Path, central: Engine,
                                                                   live: LiveServer, monkeypatch) -> None:
    """A backlog goes in fewer, larger batches while the server answers quickly (doubling up to the protocol's
    limit, here lowered to 80); where answers are slow the batches stay at the starting size (a cut costs little to
    send again)."""
    monkeypatch.setattr(client, "BATCH_SIZE", 20)
    monkeypatch.setattr(client, "MAX_BATCH", 80)
    sizes: dict[str, list[int]] = {}
    for speed, fast in (("fast", 60.0), ("slow", 0.0)):
        lap = make_laptop(tmp_path / speed, speed[0].upper() + "1")
        enrol(central, lap, live.url)
        make_activity(lap, 60)
        monkeypatch.setattr(client, "FAST_ANSWER_S", fast)
        seen: list[client.Progress] = []
        run_sync_round(lap.store, lap.ctx, live.url, lap.token, seen.append)
        done = [p.done for p in seen if p.phase == "upload"]
        assert done[-1] == [p.total for p in seen if p.phase == "upload"][-1]  # everything went
        sizes[speed] = [b - a for a, b in zip([0, *done], done, strict=False)]
        lap.close()
    fast, slow = sizes["fast"], sizes["slow"]
    assert set(slow[:-1]) == {20}, slow
    assert fast[:2] == [20, 20] and 40 in fast and max(fast) == 80 and len(fast) < len(slow), fast
