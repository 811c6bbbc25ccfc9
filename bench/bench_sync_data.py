"""Bulk data for the sync benchmark: N change-log entries (20% patients, 80% visits) written through the store's
bulk writer (the same stamp and change-log entry as any record a clinician saves)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import select

from app.models import Facility, User, new_id
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
    pids: list[str] = []
    with store.bulk(user) as w:
        for i in range(patients):
            pid = new_id()
            pids.append(pid)
            w.add("patient", dict(
                id=pid, code=f"{code}-{i:06d}-0", given_name_latin=f"Given{i}", father_name_latin=f"Father{i}",
                family_name_latin="Bench", sex="female" if i % 2 else "male", birth_year=1970 + i % 50,
                nationality="afghan", legal_status="amayesh", phone=f"0912{i:07d}", consent_date=date(2026, 1, 5),
                registered_unit_id=dev.unit_id, given_key_latin=f"given{i}", father_key_latin=f"father{i}",
                created_at=now))
            if len(w.rows["patient"]) >= 5000:
                w.flush()
        for i in range(visits):
            w.add("visit", dict(
                id=new_id(), patient_id=pids[i % len(pids)], unit_id=dev.unit_id, facility_id=facility,
                clinician_id=user, visit_at=now, visit_date=now.date(), visit_type="new",
                complaint="cough and fever for three days", findings="chest clear", temperature_c=37.8,
                systolic=120, diastolic=80, pulse=88, resp_rate=18, spo2=97, weight_kg=61.5, height_cm=165.0,
                treatment="paracetamol", medicines=[{"name": "paracetamol", "dose": "500 mg", "quantity": "10"}],
                created_at=now))
            if len(w.rows["visit"]) >= 5000:
                w.flush()
    return store
