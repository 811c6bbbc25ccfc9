"""Trust boundaries (issue #12, hole 4): a laptop holds what its unit needs, through the real server on a loopback port.

Laptop A (one unit) and laptop B (another) register patients with identity documents and sync. A stolen token of B
reading the feed raw, and B's laptop after its rounds, hold none of A's patients, documents or staff accounts; a
patient A refers to B's facility reaches B (without its identity documents); a patient B looks up on demand, with a
reason, reaches B with its documents and is in the central audit; a look-up without a reason or for nobody is refused
with a code and a sentence.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from helpers import SAME_UNIT, Laptop, LiveServer, enrol, make_laptop, patient_input
from sqlalchemy import Engine, func, select

from app.models import Facility, IdentityDocument, Patient, Referral
from app.server import models as m
from app.services.patients import register_patient, update_patient
from app.services.referrals import refer_patient
from app.services.visits import record_visit
from app.sync.client import Refused, lookup_patient, run_sync_round


def _register(lap: Laptop, n: int) -> list[str]:
    ids = []
    for i in range(n):
        data = patient_input(i)
        data["documents"] = [{"doc_type": "amayesh_card", "number": f"AMY-{lap.store.device.device_code}-{i:05d}"}]
        ids.append(register_patient(lap.ctx, data, override_reason="scope test").patient_id)
    return ids


def _facility(lap: Laptop, unit_id: str | None) -> str:
    with lap.store.read() as s:
        fid = s.scalars(select(Facility.id).where(Facility.unit_id == unit_id).order_by(Facility.code)).first()
    assert fid is not None
    return fid


def _department(lap: Laptop) -> str:
    from app.models import Department

    with lap.store.read() as s:
        return s.scalars(select(Department.code).order_by(Department.code)).first()  # type: ignore[return-value]


def _held(lap: Laptop, unit_id: str | None) -> tuple[int, int]:
    """(patients, identity documents) of ``unit_id`` held on ``lap``."""
    with lap.store.read() as s:
        patients = s.scalar(select(func.count()).select_from(Patient).where(Patient.registered_unit_id == unit_id))
        docs = s.scalar(select(func.count()).select_from(IdentityDocument).join(
            Patient, Patient.id == IdentityDocument.patient_id).where(Patient.registered_unit_id == unit_id))
    return int(patients or 0), int(docs or 0)


def _raw_feed(live: LiveServer, token: str) -> list[dict]:  # type: ignore[type-arg]
    items, cursor = [], 0
    while True:
        page = httpx.get(f"{live.url}/v1/feed", params={"cursor": cursor, "limit": 2000},
                         headers={"Authorization": f"Bearer {token}"}).json()
        items.extend(page["items"])
        if not page["more"]:
            return items
        cursor = page["next_cursor"]


def test_a_laptop_receives_its_own_units_patients_those_referred_to_it_and_those_it_looks_up(
        tmp_path: Path, central: Engine, live: LiveServer) -> None:
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2")
    unit_a, unit_b = a.store.device.unit_id, b.store.device.unit_id
    assert unit_a != unit_b
    for lap in (a, b):
        enrol(central, lap, live.url)
    a_ids = _register(a, 5)
    _register(b, 2)
    # A refers its first patient to a facility of B's unit.
    visit = record_visit(a.ctx, {"patient_id": a_ids[0], "facility_id": _facility(a, unit_a), "complaint": "fever"})
    ref = refer_patient(a.ctx, {"visit_id": visit.visit_id, "to_facility_id": _facility(a, unit_b),
                                "department": _department(a), "reason": "specialist review"})
    for lap in (a, b, a, b):
        run_sync_round(lap.store, lap.ctx, live.url, lap.token)

    # What a stolen token of B reads from the feed: B's own unit, reference data, the referred patient.
    items = _raw_feed(live, b.token)
    patients = {i["record_id"]: i["payload"] for i in items if i["entity"] == "patient"}
    assert {p["registered_unit_id"] for p in patients.values()} <= {unit_a, unit_b}
    assert [pid for pid, p in patients.items() if p["registered_unit_id"] == unit_a] == [a_ids[0]]
    docs = [i["payload"] for i in items if i["entity"] == "identity_document"]
    assert docs and all(d["patient_id"] not in a_ids for d in docs), "another unit's identity documents"
    users = [i["payload"] for i in items if i["entity"] == "user_account"]
    assert users and {u["unit_id"] for u in users} == {unit_b}, "another unit's staff accounts"
    assert {i["record_id"] for i in items if i["entity"] == "referral"} == {ref.referral_id}

    # B's laptop holds the referred patient, its referral and the referring visit, never its documents.
    assert _held(b, unit_a) == (1, 0)
    with b.store.read() as s:
        assert s.get(Referral, ref.referral_id) is not None
    # A's laptop holds none of B's patients.
    assert _held(a, unit_b) == (0, 0)

    # The person registered by A turns up at B: looked up by the code on their card, with a reason.
    with a.store.read() as s:
        wanted = s.get(Patient, a_ids[3])
        assert wanted is not None
        code = wanted.code
    with pytest.raises(Refused) as no_reason:
        lookup_patient(b.store, b.ctx, live.url, b.token, patient_code=code, reason="")
    assert no_reason.value.code == "reason_missing" and "Say why" in str(no_reason.value)
    with pytest.raises(Refused) as nobody:
        lookup_patient(b.store, b.ctx, live.url, b.token, patient_code="NO-SUCH-1", reason="moved to our area")
    assert nobody.value.code == "not_found"
    assert _held(b, unit_a) == (1, 0)
    got = lookup_patient(b.store, b.ctx, live.url, b.token, patient_code=code, reason="moved to our area")
    assert got.patient_id == a_ids[3]
    assert _held(b, unit_a) == (2, 1)  # that patient and its document only
    with central.connect() as conn:
        audit = conn.execute(select(m.patient_lookup).order_by(m.patient_lookup.c.id)).mappings().all()
    assert [(r["outcome"], r["device_id"], r["user_id"]) for r in audit] == [
        ("reason_missing", b.device_id, b.ctx.user_id), ("not_found", b.device_id, b.ctx.user_id),
        ("granted", b.device_id, b.ctx.user_id)]
    assert audit[-1]["patient_id"] == a_ids[3] and audit[-1]["reason"] == "moved to our area"

    # From then on that patient's changes reach B by the feed; the feed cursor was not moved by the look-up.
    from app.services.patients import update_patient

    update_patient(a.ctx, a_ids[3], {"phone": "09150000000"})
    run_sync_round(a.store, a.ctx, live.url, a.token)
    run_sync_round(b.store, b.ctx, live.url, b.token)
    with b.store.read() as s:
        assert s.get(Patient, a_ids[3]).phone == "09150000000"  # type: ignore[union-attr]
    assert _held(b, unit_a) == (2, 1)
    a.close()
    b.close()


def test_a_laptop_enrolled_without_a_unit_receives_reference_data_only(
        tmp_path: Path, central: Engine, live: LiveServer) -> None:
    from app.server import devices
    from app.sync import identity

    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    _register(a, 2)
    run_sync_round(a.store, a.ctx, live.url, a.token)
    stray = make_laptop(tmp_path, "C3")
    request = identity.device_request(stray.store)
    with central.begin() as conn:
        token = devices.enrol_device(conn, device_id=request.device_id, device_code=request.device_code,
                                     public_key=request.public_key).token
    entities = {i["entity"] for i in _raw_feed(live, token)}
    assert entities and not entities & {"patient", "household", "identity_document", "referral", "user_account",
                                         "immunisation_dose"}
    resp = httpx.post(f"{live.url}/v1/patients/lookup", json={"patient_code": "X", "reason": "a good reason here"},
                      headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 403 and resp.json()["detail"]["code"] == "no_unit"
    a.close()
    stray.close()


def test_a_stolen_token_cannot_walk_through_patient_numbers(tmp_path: Path, central: Engine, live: LiveServer,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from app.server import scope

    monkeypatch.setattr(scope, "LOOKUPS_PER_DAY", 3)
    b = make_laptop(tmp_path, "B2")
    enrol(central, b, live.url)
    for n in range(3):
        with pytest.raises(Refused) as missing:
            lookup_patient(b.store, b.ctx, live.url, b.token, patient_code=f"ZAH1-{n:05d}", reason="walking numbers")
        assert missing.value.code == "not_found"
    with pytest.raises(Refused) as stopped:
        lookup_patient(b.store, b.ctx, live.url, b.token, patient_code="ZAH1-00004", reason="walking numbers")
    assert stopped.value.code == "too_many_lookups" and "24 hours" in str(stopped.value)
    with central.connect() as conn:
        outcomes = conn.execute(select(m.patient_lookup.c.outcome).order_by(m.patient_lookup.c.id)).scalars().all()
    assert outcomes == ["not_found"] * 3 + ["too_many_lookups"]
    b.close()


def test_a_laptop_cannot_resolve_another_units_conflict(tmp_path: Path, central: Engine, live: LiveServer) -> None:
    """A conflict is resolved only by a laptop that is shown it (the unit's, as GET /v1/conflicts); another unit's
    laptop is answered 404, as if there were no such conflict, and the conflict stays as it was."""
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    other = make_laptop(tmp_path, "C3")  # another unit (MHU-BIR)
    for lap in (a, b, other):
        enrol(central, lap)
    assert other.store.device.unit_id != a.store.device.unit_id
    (pid,) = _register(a, 1)
    for lap in (a, b):
        run_sync_round(lap.store, lap.ctx, live.url, lap.token)
    update_patient(a.ctx, pid, {"phone": "09121111111"})
    update_patient(b.ctx, pid, {"phone": "09122222222"})
    for lap in (a, b):
        run_sync_round(lap.store, lap.ctx, live.url, lap.token)
    with central.connect() as conn:
        before = conn.execute(select(m.conflict)).mappings().one()
        feed_pos = conn.execute(select(m.counter.c.value).where(m.counter.c.name == "feed")).scalar_one()
    assert before["status"] == "open"

    def resolve(lap: Laptop) -> httpx.Response:
        return httpx.post(f"{live.url}/v1/conflicts/{before['id']}/resolve", json={"resolution": "kept"},
                          headers={"Authorization": f"Bearer {lap.token}"})

    def listed(lap: Laptop) -> list[str]:
        resp = httpx.get(f"{live.url}/v1/conflicts", headers={"Authorization": f"Bearer {lap.token}"})
        return [c["id"] for c in resp.json()]

    assert listed(other) == [] and listed(a) == [before["id"]]
    refused = resolve(other)
    assert refused.status_code == 404 and refused.json()["detail"] == "no such conflict"
    with central.connect() as conn:
        assert dict(conn.execute(select(m.conflict)).mappings().one()) == dict(before)
        assert conn.execute(select(m.counter.c.value).where(m.counter.c.name == "feed")).scalar_one() == feed_pos
    assert resolve(a).status_code == 200  # the unit's own laptop still may
    with central.connect() as conn:
        assert conn.execute(select(m.conflict.c.status, m.conflict.c.resolved_by)).one() == ("resolved",
                                                                                             a.store.device.device_id)
    for lap in (a, b, other):
        lap.close()
