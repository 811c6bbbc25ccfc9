"""Realistic demo data for a unit laptop: households, patients with documents, a year of visits, referrals,
enrolments and rosters. The records are the same for a given seed; their ids differ from run to run."""

from __future__ import annotations

import random
import time as _time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import cast

from sqlalchemy import select

from app.core.codes import numbered_code, short_code
from app.core.national_code import national_code_check_digit
from app.models import Department, DeviceState, Diagnosis, Facility, User
from app.services.demo.names import COMPLAINTS, FAMILY, FEMALE, MALE, VARIANTS
from app.services.validation import document_number_key
from app.store import Store
from app.store.bulk import BulkWriter
from app.store.search_index import patient_key_columns

COMMON_CODES = ["J06.9", "J20.9", "A09", "K29.7", "N39.0", "L20.9", "B86", "M54.5", "I10", "E11.9", "D50.9",
                "H10.9", "K02.9", "R51", "J02.9", "E44.0", "Z34.9", "L08.9", "B55.1", "J18.9"]
NOTIFIABLE_CODES = ["B54", "A00.9", "B05.9", "A15.0", "A90", "A92.0", "B06.9"]
BATCH = 5_000


@dataclass
class DemoReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _OrderedIds:
    """Time-ordered UUIDs (version 7 layout: a millisecond-style counter, then random bits). Each table's primary key
    then grows at its end instead of splitting pages all over a multi-gigabyte file: a large demo site is written
    several times faster. Valid UUIDs like any other id."""

    def __init__(self, rng: random.Random, start_ms: int) -> None:
        self.rng = rng
        self.ms = start_ms

    def __call__(self, _rng: random.Random | None = None) -> str:
        self.ms += 1
        rand = self.rng.getrandbits(74)
        value = (self.ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
        return str(uuid.UUID(int=value))


class DemoGenerator:
    def __init__(self, store: Store, *, seed: int, visits_per_patient: float, today: date) -> None:
        self.store = store
        self.rng = random.Random(seed)
        self.seed = seed
        # Ids start from the wall clock, so running demo-data twice on one site never repeats an id.
        self._uid = _OrderedIds(self.rng, _time.time_ns() // 1_000_000)
        self.visits_per_patient = visits_per_patient
        self.today = today
        with store.read() as s:
            unit_id = store.device.unit_id
            self.facilities = [f.id for f in s.scalars(select(Facility).where(Facility.unit_id == unit_id,
                                                                              Facility.kind != "hospital"))]
            self.hospitals = [f.id for f in s.scalars(select(Facility).where(Facility.kind == "hospital"))]
            self.departments = [d.code for d in s.scalars(select(Department))]
            known = set(s.scalars(select(Diagnosis.code)))
            rows = s.execute(select(Diagnosis.code, Diagnosis.notifiable).where(Diagnosis.notifiable.is_not(None)))
            self.notifiable: dict[str, str] = {code: kind for code, kind in rows if kind}
            users = list(s.scalars(select(User).where(User.unit_id == unit_id)))
        self.clinicians: list[str | None] = [u.id for u in users if u.role == "clinician"] or [None]
        self.staff = [u.id for u in users]
        from app.core.diseases import shipped_registry

        self.immediate = {d.key: d.immediate for d in shipped_registry().diseases}
        self.common = [c for c in COMMON_CODES if c in known]
        self.rare = [c for c in NOTIFIABLE_CODES if c in known]
        if not self.facilities:
            raise ValueError("the laptop's unit has no facilities: set up the site first")
        with store.read() as s:
            dev = s.get(DeviceState, 1)
            assert dev is not None
            # Continue the laptop's counters so demo codes never collide with records already registered.
            self.patient_no = dev.next_patient_number - 1
            self.household_no = dev.next_household_number - 1
            self.referral_no = dev.next_referral_number - 1
        self.unit_id = unit_id
        self.code = store.device.device_code

    # -- people -------------------------------------------------------------------------------------------------
    def _latin(self, name: str) -> str:
        options = VARIANTS.get(name)
        return self.rng.choice(options) if options and self.rng.random() < 0.3 else name

    def _documents(self, pid: str, nationality: str, status: str) -> list[dict[str, object]]:
        rng = self.rng
        if nationality == "iranian":
            body = f"{rng.randrange(10**9):09d}"
            return [{"doc_type": "national_id", "number": body + str(national_code_check_digit(body))}]
        kinds = {"amayesh": "amayesh_card", "headcount": "headcount_slip", "passport_visa": "passport",
                 "residence_permit": "residence_permit"}
        if status not in kinds:
            return [{"doc_type": "tazkira", "number": f"{rng.randrange(10**7):07d}"}] if rng.random() < 0.3 else []
        number = {"amayesh_card": f"{rng.randrange(10**11):011d}", "headcount_slip": f"HC{rng.randrange(10**8):08d}",
                  "passport": f"P{rng.randrange(10**8):08d}", "residence_permit": f"RP{rng.randrange(10**7):07d}"}
        kind = kinds[status]
        extra = {"amayesh_cycle": "Amayesh 18"} if kind == "amayesh_card" else {}
        return [{"doc_type": kind, "number": number[kind], **extra}]

    def _patient(self, w: BulkWriter, household_id: str, relationship: str, father: tuple[str, str],
                 family: tuple[str, str], nationality: str, status: str, age_range: tuple[int, int]) -> dict:
        rng = self.rng
        sex = "male" if rng.random() < 0.5 else "female"
        given = rng.choice(MALE if sex == "male" else FEMALE)
        age = rng.randint(*age_range)
        year = self.today.year - age
        dob = date(year, rng.randint(1, 12), rng.randint(1, 28)) if nationality == "iranian" else None
        self.patient_no += 1
        pid = self._uid()
        phone = f"09{rng.randrange(10**9):09d}" if age >= 16 and rng.random() < 0.6 else ""
        created = datetime.combine(self.today - timedelta(days=rng.randint(200, 400)), time(9), timezone.utc)
        given_latin, father_latin = self._latin(given[1]), self._latin(father[1])
        values = {
            "id": pid, "code": numbered_code(self.code, self.patient_no, 6),
            "given_name_fa": given[0], "given_name_latin": given_latin,
            "father_name_fa": father[0], "father_name_latin": father_latin,
            "family_name_fa": family[0], "family_name_latin": family[1],
            "sex": sex, "date_of_birth": dob, "birth_year": year, "birth_estimated": dob is None,
            "nationality": nationality, "legal_status": status, "phone": phone,
            "consent_date": created.date(), "household_id": household_id, "relationship_to_head": relationship,
            "registered_unit_id": self.unit_id, "created_at": created,
        }
        # The matching keys kept on the record, made by the same function as a registration's (before the record
        # is stamped and logged, so the change log carries them too).
        row = w.add("patient", {**values, **patient_key_columns(cast("Mapping[str, str]", values))})
        for doc in self._documents(pid, nationality, status):
            w.add("identity_document", {"id": self._uid(), "patient_id": pid, "number_key":
                                        document_number_key(str(doc["number"])), "created_at": created, **doc})
        return row

    def household(self, w: BulkWriter, remaining: int) -> list[dict]:
        rng = self.rng
        nationality = "iranian" if rng.random() < 0.2 else "afghan"
        status = "iranian_national" if nationality == "iranian" else rng.choices(
            ["amayesh", "headcount", "passport_visa", "residence_permit", "undocumented"], [25, 40, 10, 5, 20])[0]
        family = rng.choice(FAMILY) if nationality == "iranian" or rng.random() < 0.5 else ("", "")
        self.household_no += 1
        hid, head_father = self._uid(), rng.choice(MALE)
        members = [self._patient(w, hid, "head", head_father, family, nationality, status, (22, 65))]
        head = members[0]
        w.add("household", {"id": hid, "code": numbered_code(self.code + "H", self.household_no, 6),
                            "head_patient_id": head["id"], "phone": head["phone"], "unit_id": self.unit_id,
                            "created_at": head["created_at"]})
        head_name = (head["given_name_fa"], head["given_name_latin"])
        for _ in range(min(remaining - 1, rng.choice([0, 1, 2, 3, 4, 5]))):
            rel, ages = rng.choice([("spouse", (18, 60)), ("child", (0, 17)), ("child", (0, 17)), ("parent", (50, 85))])
            father = head_name if rel == "child" else rng.choice(MALE)
            members.append(self._patient(w, hid, rel, father, family if rel == "child" else ("", ""),
                                         nationality, status, ages))
        return members

    # -- care ---------------------------------------------------------------------------------------------------
    def visits(self, w: BulkWriter, patient: dict) -> None:
        rng = self.rng
        n = int(self.visits_per_patient) + (1 if rng.random() < self.visits_per_patient % 1 else 0)
        for _ in range(n):
            day = self.today - timedelta(days=rng.randint(0, 364))
            at = datetime.combine(day, time(rng.randint(4, 12), rng.randint(0, 59)), timezone.utc)
            facility = rng.choice(self.facilities)
            codes = rng.sample(self.common, rng.choice([1, 1, 2]))
            if self.rare and rng.random() < 0.004:
                codes = [rng.choice(self.rare)]
            complaint = rng.choice(COMPLAINTS)
            vid = self._uid()
            follow = day + timedelta(days=rng.choice([3, 7, 14])) if rng.random() < 0.2 else None
            w.add("visit", {
                "id": vid, "patient_id": patient["id"], "unit_id": self.unit_id, "facility_id": facility,
                "clinician_id": rng.choice(self.clinicians), "visit_at": at, "visit_date": day,
                "visit_type": rng.choice(["new", "follow_up"]), "complaint": complaint[rng.random() < 0.5],
                "temperature_c": round(rng.gauss(37.0, 0.6), 1), "pulse": rng.randint(60, 110),
                "systolic": rng.randint(95, 150), "diastolic": rng.randint(60, 90), "resp_rate": rng.randint(12, 24),
                "spo2": rng.randint(93, 100), "weight_kg": round(rng.uniform(8, 90), 1), "follow_up_date": follow,
                "treatment": "", "medicines": [], "urgent": bool(set(codes) & set(self.notifiable)),
                "created_at": at, "created_by": None,
            })
            for pos, code in enumerate(codes):
                w.add("visit_diagnosis", {"id": self._uid(), "visit_id": vid, "code": code, "position": pos,
                                          "certainty": "suspected", "created_at": at})
                if code in self.notifiable:
                    w.add("surveillance_case", {
                        "id": self._uid(), "visit_id": vid, "patient_id": patient["id"], "disease": self.notifiable[code],
                        "icd10": code, "classification": "suspected", "reported_date": day, "onset_date": day,
                        "facility_id": facility, "unit_id": self.unit_id, "created_at": at,
                        "immediate": self.immediate.get(self.notifiable[code], False)})
            if self.hospitals and rng.random() < 0.03:
                self.referral(w, vid, patient["id"], facility, at)

    def referral(self, w: BulkWriter, visit_id: str, patient_id: str, facility: str, at: datetime) -> None:
        rng = self.rng
        self.referral_no += 1
        rid = self._uid()
        status = rng.choice(["issued", "arrived", "feedback_received", "lost"])
        w.add("referral", {
            "id": rid, "visit_id": visit_id, "patient_id": patient_id, "from_facility_id": facility,
            "to_facility_id": rng.choice(self.hospitals), "department": rng.choice(self.departments),
            "urgency": rng.choice(["routine", "routine", "urgent", "emergency"]),
            "reason": "further assessment", "referral_number": numbered_code(self.code + "R", self.referral_no, 6),
            "short_code": short_code(rid), "status": status, "issued_at": at, "created_at": at,
            "feedback_outcome": "treated" if status == "feedback_received" else "",
            "feedback_date_seen": (at + timedelta(days=2)).date() if status == "feedback_received" else None,
        })

    def enrolment(self, w: BulkWriter, members: list[dict]) -> None:
        rng = self.rng
        start = self.today - timedelta(days=rng.randint(0, 360))
        eid = self._uid()
        payer = rng.choice(["unhcr", "iom", "self"])
        w.add("enrolment", {
            "id": eid, "household_id": members[0]["household_id"], "head_patient_id": members[0]["id"],
            "scheme": "uphi", "category": rng.choice(["vulnerable", "premium_payer", "special_disease"]),
            "payer": payer, "premium_irr": 0 if payer == "unhcr" else 12_000_000,
            "voucher_number": f"GC-{rng.randrange(10**6):06d}" if payer == "iom" else "",
            "enrolment_date": start, "coverage_start": start, "coverage_end": start + timedelta(days=364),
            "status": "active", "unit_id": self.unit_id, "pishkhan_centre": "Pishkhan Zahedan 12",
        })
        for m in members:
            w.add("enrolment_member", {"id": self._uid(), "enrolment_id": eid, "patient_id": m["id"]})

    def rosters(self, w: BulkWriter, patient_ids: list[str]) -> None:
        rng = self.rng
        for offset in range(-30, 8):
            day = self.today + timedelta(days=offset)
            if day.weekday() == 4:  # Friday: no clinics
                continue
            rid = self._uid()
            w.add("roster_day", {"id": rid, "unit_id": self.unit_id, "facility_id": rng.choice(self.facilities),
                                 "day": day})
            for uid in self.staff:
                w.add("roster_staff", {"id": self._uid(), "roster_id": rid, "user_id": uid, "duty": "clinic"})
            for pos, pid in enumerate(rng.sample(patient_ids, min(len(patient_ids), 15))):
                w.add("roster_patient", {"id": self._uid(), "roster_id": rid, "patient_id": pid, "position": pos,
                                         "reason": "follow-up"})

    def run(self, patients: int, progress: Callable[[int], None] | None = None) -> dict[str, int]:
        made = 0
        sample: list[str] = []
        from app.services.demo.immunisation import DemoImmunisation

        vaccinate = DemoImmunisation(self, self.seed)
        with self.store.bulk() as w:
            vaccinate.campaign(w)  # first: children's doses given in the round refer to it
            while made < patients:
                members = self.household(w, patients - made)
                for m in members:
                    self.visits(w, m)
                    vaccinate.child(w, m)
                if self.rng.random() < 0.15:
                    self.enrolment(w, members)
                made += len(members)
                if len(sample) < 2000:
                    sample.extend(m["id"] for m in members)
                if len(w.rows["patient"]) >= BATCH:
                    w.flush()
                    if progress:
                        progress(made)
            self.rosters(w, sample)
            w.flush()
            w.conn.exec_driver_sql(
                "UPDATE device_state SET next_patient_number = ?, next_household_number = ?, next_referral_number = ?",
                (self.patient_no + 1, self.household_no + 1, self.referral_no + 1))
        return dict(w.counts)
