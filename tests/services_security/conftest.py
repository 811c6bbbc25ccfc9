"""A real site for the security tests: ``create_site`` + ``sign_in`` on an encrypted file, the sample staff, and a
small clinic day (patients, a visit, a referral, a roster) that every service call can act on.

argon2id runs with cheap parameters here (the defaults are exercised in test_encrypted_file.py and timed by
bench/bench_signin.py); everything else is the production path.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import app.security.keystore.store as ks_store
from app.models import AuditEntry, ChangeLog, Facility, User
from app.security.keystore import KdfParams
from app.services.context import Ctx
from app.services.patients import register_patient
from app.services.referrals import refer_patient
from app.services.roster import plan_roster
from app.services.site import SiteSession, create_site, sign_in
from app.services.visits import record_visit

from services.conftest import TODAY, make_ctx, person

FAST = KdfParams(time_cost=1, memory_cost=64, parallelism=1)
ADMIN_PW = "admin-pass-1"
STAFF_PW = "staff-pass-1"


@pytest.fixture
def site(tmp_path: Path, fast_kdf: None) -> Iterator[SiteSession]:
    folder = tmp_path / "site"
    create_site(folder, admin_username="admin", admin_password=ADMIN_PW, admin_full_name="Site Admin",
                device_code="ZAH1", unit_code="MHU-ZAH", sample_staff=True)
    session = sign_in(folder, "admin", ADMIN_PW)
    yield session
    session.store.close()


def user_id(store, username: str) -> str:  # type: ignore[no-untyped-def]
    with store.read() as s:
        uid = s.scalar(select(User.id).where(User.username == username))
    assert uid is not None
    return uid


def hospital(store) -> str:  # type: ignore[no-untyped-def]
    with store.read() as s:
        return s.scalars(select(Facility.id).where(Facility.kind == "hospital")).first()  # type: ignore[return-value]


def audit_count(store) -> int:  # type: ignore[no-untyped-def]
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)) or 0


def change_log_count(store) -> int:  # type: ignore[no-untyped-def]
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(ChangeLog)) or 0


@dataclass
class World:
    site: SiteSession
    clinician: Ctx
    coordinator: Ctx
    admin: Ctx
    hq: Ctx
    patient_id: str
    household_id: str
    other_id: str
    visit_id: str
    referral_id: str
    facility_csv: Path
    staff_id: str  # a clinician who can sign in on this laptop: the target of user-management calls
    case_id: str = ""  # a suspected cholera case (a second visit of the patient)

    @property
    def store(self):  # type: ignore[no-untyped-def]
        return self.site.store

    def ctx(self, role: str) -> Ctx:
        return {"clinician": self.clinician, "coordinator": self.coordinator, "unit_admin": self.admin,
                "headquarters": self.hq}[role]


def _populate(site: SiteSession, folder: Path) -> dict[str, Any]:
    store = site.store
    clin, coord = make_ctx(store, "clinician"), make_ctx(store, "coordinator")
    head = register_patient(clin, person(sex="male", given_name_fa="احمد", given_name_latin="Ahmad", birth_year=1980,
                                         new_household=True))
    other = register_patient(clin, person(given_name_fa="مینا", given_name_latin="Mina", birth_year=2020, phone="",
                                          documents=[]))
    visit = record_visit(clin, {"patient_id": head.patient_id, "complaint": "chest pain", "temperature_c": 37.2})
    referral = refer_patient(clin, {"visit_id": visit.visit_id, "to_facility_id": hospital(store),
                                    "department": "cardiology", "urgency": "urgent", "reason": "suspected angina"})
    record_visit(clin, {"patient_id": head.patient_id, "complaint": "watery diarrhoea", "diagnoses": [{"code": "A00"}]})
    from app.models import SurveillanceCase

    with store.read() as s:
        case_id = s.scalars(select(SurveillanceCase.id)).one()
    plan_roster(coord, {"facility_id": clin.facility_id, "day": TODAY, "staff": [{"user_id": clin.user_id}],
                        "patients": [{"patient_id": head.patient_id, "reason": "follow-up"}]})
    csv = folder / "facilities.csv"
    csv.write_text("code,name_en,name_fa,unit,kind\nF98,Lutak Health Post,خانه بهداشت لوتک,MHU-ZAH,health_post\n",
                   encoding="utf-8")
    # Another clinician of the unit (not the one acting above), now able to sign in here too.
    name = "a.noori" if user_id(store, "a.noori") != clin.user_id else "m.shahraki"
    staff = user_id(store, name)
    site.keystore.add_user(site.db_key, user_id=staff, username=name, password=STAFF_PW,  # type: ignore[arg-type]
                           role="clinician")
    assert head.household_id is not None
    return dict(patient_id=head.patient_id, household_id=head.household_id, other_id=other.patient_id,
                visit_id=visit.visit_id, referral_id=referral.referral_id, facility_csv=csv, staff_id=staff,
                case_id=case_id)


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Built once; each test gets its own copy of the files, so tests never see each other's writes."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ks_store, "DEFAULT_KDF_PARAMS", FAST)
        folder = tmp_path_factory.mktemp("world") / "site"
        create_site(folder, admin_username="admin", admin_password=ADMIN_PW, admin_full_name="Site Admin",
                    device_code="ZAH1", unit_code="MHU-ZAH", sample_staff=True)
        session = sign_in(folder, "admin", ADMIN_PW)
        try:
            ids = _populate(session, folder.parent)
        finally:
            session.store.close()
    return folder, ids


@pytest.fixture
def world(world_template: tuple[Path, dict[str, Any]], tmp_path: Path, fast_kdf: None) -> Iterator[World]:
    template, ids = world_template
    folder = tmp_path / "site"
    shutil.copytree(template, folder)
    site = sign_in(folder, "admin", ADMIN_PW)
    store = site.store
    clin = make_ctx(store, "clinician")
    admin = Ctx(store, site.ctx.user_id, site.ctx.role, unit_id=site.ctx.unit_id, facility_id=clin.facility_id,
                lang="en", clock=clin.clock)
    yield World(site, clin, make_ctx(store, "coordinator"), admin, make_ctx(store, "headquarters"), **ids)
    store.close()
