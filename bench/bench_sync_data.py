"""Bulk data for the sync benchmark: N change-log entries (20% patients, 80% visits) inserted directly into a
laptop database, each record and its change-log entry consistent (same payload, same stamp)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import insert, select

from app.models import ChangeLog, Facility, Patient, User, Visit, new_id, to_payload
from app.services.reference import seed_reference
from app.store import Store


def make_laptop_with_changes(folder: Path, total: int, *, code: str = "BNC1") -> Store:
    store = Store.open(folder / "laptop.db", None, device_code=code)
    seed_reference(store, unit_code="MHU-ZAH")
    with store.read() as s:
        facility = s.scalars(select(Facility.id)).first()
        user = s.scalars(select(User.id).where(User.role == "clinician")).first()
    dev = store.device
    now = datetime.now(timezone.utc)
    patients = total // 5
    visits = total - patients
    with store.write(None, applying_remote=True) as s:
        conn = s.connection()
        pids: list[str] = []
        for start in range(0, patients, 5000):
            recs, logs = [], []
            for i in range(start, min(start + 5000, patients)):
                hlc = store.clock.tick()
                p = Patient(
                    id=new_id(), code=f"{code}-{i:06d}-0", given_name_latin=f"Given{i}", father_name_latin=f"Father{i}",
                    family_name_latin="Bench", given_name_fa="", father_name_fa="", grandfather_name_fa="",
                    grandfather_name_latin="", family_name_fa="", sex="female" if i % 2 else "male",
                    date_of_birth=None, birth_year=1970 + i % 50, birth_estimated=False, nationality="afghan",
                    legal_status="amayesh", phone=f"0912{i:07d}", consent_date=date(2026, 1, 5), household_id=None,
                    relationship_to_head="", registered_unit_id=dev.unit_id, notes="", given_key_fa="",
                    father_key_fa="", given_key_latin=f"given{i}", father_key_latin=f"father{i}", merged_into_id=None,
                    created_at=now, updated_at=now, created_by=user, updated_by=user, device_id=dev.device_id,
                    version=1, hlc=hlc, deleted=False,
                )
                pids.append(p.id)
                payload = to_payload(p)
                recs.append(payload_row(Patient, p))
                logs.append(log_row(dev, "patient", p.id, payload, hlc, user, now))
            conn.execute(insert(Patient.__table__), recs)
            conn.execute(insert(ChangeLog.__table__), logs)
        for start in range(0, visits, 5000):
            recs, logs = [], []
            for i in range(start, min(start + 5000, visits)):
                hlc = store.clock.tick()
                v = Visit(
                    id=new_id(), patient_id=pids[i % len(pids)], unit_id=dev.unit_id, facility_id=facility,
                    clinician_id=user, visit_at=now, visit_date=now.date(), visit_type="new",
                    complaint="cough and fever for three days", findings="chest clear", temperature_c=37.8,
                    systolic=120, diastolic=80, pulse=88, resp_rate=18, spo2=97, weight_kg=61.5, height_cm=165.0,
                    muac_mm=None, pregnant=None, treatment="paracetamol", medicines=[{"name": "paracetamol",
                    "dose": "500 mg", "quantity": "10"}], follow_up_date=None, urgent=False, correction_reason="",
                    created_at=now, updated_at=now, created_by=user, updated_by=user, device_id=dev.device_id,
                    version=1, hlc=hlc, deleted=False,
                )
                payload = to_payload(v)
                recs.append(payload_row(Visit, v))
                logs.append(log_row(dev, "visit", v.id, payload, hlc, user, now))
            conn.execute(insert(Visit.__table__), recs)
            conn.execute(insert(ChangeLog.__table__), logs)
        from sqlalchemy import update

        from app.models import DeviceState

        conn.execute(update(DeviceState.__table__).values(last_hlc=store.clock.last))
    return store


def payload_row(model: type, obj: object) -> dict:
    return {c.key: getattr(obj, c.key) for c in model.__table__.columns}  # type: ignore[attr-defined]


def log_row(dev, entity, rid, payload, hlc, user, now):  # type: ignore[no-untyped-def]
    return {"device_id": dev.device_id, "epoch": dev.epoch, "entity": entity, "record_id": rid, "op": "insert",
            "payload": payload, "hlc": hlc, "user_id": user, "created_at": now, "state": "queued", "reason": "",
            "priority": 0}
