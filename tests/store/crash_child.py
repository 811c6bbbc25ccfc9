"""Child process for the crash test: records visits through the real service in a loop until it is killed."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import select

from app.models import Facility, Patient, User
from app.services.context import Ctx
from app.services.visits import record_visit
from app.store import Store


def main(path: str, key_hex: str) -> None:
    store = Store.open(Path(path), bytes.fromhex(key_hex))
    with store.read() as s:
        user = s.scalars(select(User.id).where(User.role == "clinician")).first()
        facility = s.scalars(select(Facility.id)).first()
        patients = s.scalars(select(Patient.id)).all()
    ctx = Ctx(store, user, "clinician", facility_id=facility)
    print("ready", flush=True)
    i = 0
    while True:
        record_visit(ctx, {"patient_id": patients[i % len(patients)], "complaint": f"visit {i}",
                           "temperature_c": 37.0, "diagnoses": [{"code": "J06.9"}, {"code": "A09"}]})
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
