"""A central database full of plausible records, fast: for the benchmark, tests of scale and training.

Rows are written as tuples (Core executemany on SQLite, COPY on PostgreSQL), not through the ORM: three million
visits take about a minute instead of an hour. Ids look like UUIDs but are numbered, which keeps generation cheap
and the data reproducible for a seed. The sample site (3 units, 20 facilities) comes from resources/reference.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, MetaData, Table

from app.core.diseases import shipped_registry
from app.core.reference import load_sample_site

_STATUSES = ["amayesh", "headcount", "passport_visa", "residence_permit", "undocumented"]
_STATUS_W = [25, 40, 10, 5, 20]
_COMMON = ["J06.9", "J20.9", "A09", "K29.7", "N39.0", "L20.9", "B86", "M54.5", "I10", "E11.9", "D50.9", "H10.9",
           "K02.9", "R51", "J02.9", "E44.0", "Z34.9", "L08.9", "J18.9"]
_NOTIFIABLE = [("malaria", "B54", 50), ("tuberculosis", "A15.0", 12), ("dengue", "A90", 10),
               ("chikungunya", "A92.0", 4), ("cholera", "A00.9", 2), ("measles", "B05.9", 3), ("rubella", "B06.9", 1),
               ("polio", "A80", 1)]
_IMMEDIATE = {d.key for d in shipped_registry().diseases if d.immediate}
_NAMES = [("احمد", "Ahmad"), ("محمد", "Mohammad"), ("فاطمه", "Fatemeh"), ("زهرا", "Zahra"), ("علی", "Ali"),
          ("مریم", "Maryam"), ("حسین", "Hossein"), ("گل‌بی‌بی", "Gol Bibi")]
CHUNK = 50_000


def central_metadata() -> MetaData:
    """The central schema (record tables as the server holds them, and its bookkeeping): the real one."""
    from app.server.models import server_metadata

    return server_metadata


def _uid(kind: int, n: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{n:012x}"


def _ts(d: datetime) -> str:
    return d.strftime("%Y-%m-%d %H:%M:%S.%f")


class _Sink:
    """Buffers tuples for one table and writes them in chunks with the fastest path of the database."""

    def __init__(self, conn: Connection, table: Table, cols: list[str]) -> None:
        self.conn, self.table = conn, table
        self.const_cols: list[str] = []
        const: list[Any] = []
        for col in table.columns:
            if col.key in cols:
                continue
            self.const_cols.append(col.key)
            default = col.default.arg if col.default is not None else None  # type: ignore[attr-defined]
            if callable(default):
                default = "[]" if col.key in ("medicines",) else ("{}" if col.type.__class__.__name__ == "JSON"
                                                                  else None)
            if isinstance(default, bool):
                default = int(default)
            if default is None and not col.nullable and col.type.__class__.__name__ == "JSON":
                default = "[]"
            const.append(default)
        self.cols = cols + self.const_cols
        self.const = tuple(const)
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0
        self.pg = conn.dialect.name == "postgresql"

    def add(self, values: tuple[Any, ...]) -> None:
        self.rows.append(values + self.const)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        names = ", ".join(self.cols)
        if self.pg:
            cur = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cur.copy(f"COPY {self.table.name} ({names}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in self.cols)
            self.conn.exec_driver_sql(f"INSERT INTO {self.table.name} ({names}) VALUES ({marks})", self.rows)
        self.count += len(self.rows)
        self.rows = []


SYNC_COLS = ["id", "created_at", "updated_at", "device_id", "version", "hlc", "deleted"]


def generate(conn: Connection, *, visits: int, end: date, years: int = 3, seed: int = 1405,
             tables: dict[str, Table] | None = None) -> dict[str, int]:
    """Write units, facilities, users, households, patients, visits, diagnoses, referrals, cases and enrolments.

    Visits are spread evenly over ``years`` years ending on ``end`` (inclusive). Returns row counts per table.
    """
    rng = random.Random(seed)
    from app.server.models import RECORDS

    t = tables or RECORDS
    site = load_sample_site()
    now = datetime.combine(end, datetime.min.time(), timezone.utc)
    hlc_base = int(now.timestamp() * 1000)
    counts: dict[str, int] = {}

    def sink(name: str, cols: list[str]) -> _Sink:
        return _Sink(conn, t[name], SYNC_COLS + cols)

    def sync(kind: int, n: int, at: str, device: str | None) -> tuple[Any, ...]:
        return (_uid(kind, n), at, at, device, 1, f"{hlc_base - 10**10 + n:013d}:00000:{(device or 'hq')[:8]}", 0)

    created = _ts(now - timedelta(days=365 * years + 30))
    unit_ids = {u.code: _uid(1, i) for i, u in enumerate(site.units)}
    s = sink("unit", ["code", "name_en", "name_fa", "partner", "province_en", "province_fa"])
    for i, u in enumerate(site.units):
        s.add(sync(1, i, created, None) + (u.code, u.name_en, u.name_fa, u.partner, u.province_en, u.province_fa))
    s.flush()
    fac_rows: list[tuple[str, str]] = []  # (facility id, unit id) of clinics: visits happen there
    hospitals: list[str] = []
    s = sink("facility", ["code", "name_en", "name_fa", "unit_id", "kind", "province_en", "province_fa",
                          "district_en", "district_fa", "latitude", "longitude", "active"])
    for i, f in enumerate(site.facilities):
        fid = _uid(2, i)
        s.add(sync(2, i, created, None) + (f.code, f.name_en, f.name_fa, unit_ids[f.unit], f.kind, f.province_en,
                                           f.province_fa, f.district_en, f.district_fa, f.latitude, f.longitude, 1))
        (hospitals.append(fid) if f.kind == "hospital" else fac_rows.append((fid, unit_ids[f.unit])))
    s.flush()
    s = sink("user_account", ["username", "full_name_en", "full_name_fa", "role", "unit_id", "language", "active"])
    s.add(sync(3, 0, created, None) + ("l.karimi", "Leila Karimi", "لیلا کریمی", "headquarters", None, "en", 1))
    for i, (code, uid) in enumerate(unit_ids.items(), start=1):
        s.add(sync(3, i, created, None) + (f"coord.{code.lower()}", f"Coordinator {code}", "", "coordinator", uid,
                                           "fa", 1))
    s.flush()
    devices = {uid: [f"d{code[-3:].lower()}{k}-0000-4000-8000-000000000000"[:36] for k in (1, 2)]
               for code, uid in unit_ids.items()}

    n_patients = max(1, visits // 4)
    days = [end - timedelta(days=i) for i in range(365 * years)]
    day_iso = [d.isoformat() for d in days]
    pat = sink("patient", ["code", "given_name_fa", "given_name_latin", "father_name_fa", "father_name_latin", "sex",
                           "date_of_birth", "birth_year", "birth_estimated", "nationality", "legal_status", "phone",
                           "consent_date", "household_id", "registered_unit_id"])
    hh = sink("household", ["code", "head_patient_id", "unit_id"])
    enr = sink("enrolment", ["household_id", "head_patient_id", "scheme", "category", "payer", "premium_irr",
                             "enrolment_date", "coverage_start", "coverage_end", "status", "unit_id"])
    mem = sink("enrolment_member", ["enrolment_id", "patient_id"])
    patients: list[tuple[str, int]] = []  # (patient id, index of its unit's clinics) for visits
    clinics_by_unit: dict[str, list[int]] = {}
    for idx, (_, u) in enumerate(fac_rows):
        clinics_by_unit.setdefault(u, []).append(idx)
    unit_list = list(unit_ids.values())
    pn = hn = en = mn = 0
    while pn < n_patients:
        u = rng.choice(unit_list)
        dev = devices[u][rng.random() < 0.5]
        iranian = rng.random() < 0.2
        status = "iranian_national" if iranian else rng.choices(_STATUSES, _STATUS_W)[0]
        hid, head = _uid(5, hn), _uid(6, pn)
        members = []
        for k in range(min(n_patients - pn, rng.randint(1, 6))):
            age = rng.randint(22, 65) if k == 0 else rng.choice([rng.randint(0, 17), rng.randint(0, 4),
                                                                  rng.randint(18, 60), rng.randint(55, 85)])
            year = end.year - age
            dob = date(year, rng.randint(1, 12), rng.randint(1, 28)).isoformat() if iranian else None
            name = rng.choice(_NAMES)
            at = _ts(now - timedelta(days=rng.randint(30, 365 * years)))
            pid = _uid(6, pn)
            pat.add(sync(6, pn, at, dev) + (f"P{pn:09d}", name[0], name[1], "غلام", "Ghulam",
                                            "male" if rng.random() < 0.5 else "female", dob, year, int(dob is None),
                                            "iranian" if iranian else "afghan", status,
                                            f"09{rng.randrange(10**9):09d}" if k == 0 else "", at[:10], hid, u))
            patients.append((pid, u))  # type: ignore[arg-type]
            members.append(pid)
            pn += 1
        hh.add(sync(5, hn, created, dev) + (f"H{hn:09d}", head, u))
        hn += 1
        if rng.random() < 0.15:
            start = end - timedelta(days=rng.randint(0, 400))
            payer = rng.choice(["unhcr", "iom", "self", "government"])
            eid = _uid(7, en)
            enr.add(sync(7, en, _ts(now), dev) + (hid, head, "uphi", rng.choice(["vulnerable", "premium_payer"]),
                                                   payer, 0 if payer == "unhcr" else 12_000_000, start.isoformat(),
                                                   start.isoformat(), (start + timedelta(days=364)).isoformat(),
                                                   "active", u))
            en += 1
            for pid in members:
                mem.add(sync(8, mn, _ts(now), dev) + (eid, pid))
                mn += 1
    for s in (pat, hh, enr, mem):
        s.flush()

    vis = sink("visit", ["patient_id", "unit_id", "facility_id", "visit_at", "visit_date", "visit_type"])
    dia = sink("visit_diagnosis", ["visit_id", "code", "certainty", "position"])
    ref = sink("referral", ["visit_id", "patient_id", "from_facility_id", "to_facility_id", "department", "urgency",
                            "reason", "referral_number", "short_code", "status", "issued_at", "feedback_outcome"])
    cas = sink("surveillance_case", ["visit_id", "patient_id", "disease", "icd10", "classification", "onset_date",
                                     "reported_date", "facility_id", "unit_id", "immediate"])
    dn = rn = cn = 0
    weights = [w for *_, w in _NOTIFIABLE]
    random_ = rng.random
    n_days = len(days)
    for vn in range(visits):
        pid, u = patients[int(random_() * len(patients))]
        clinic = fac_rows[rng.choice(clinics_by_unit[u])][0]
        di = int(random_() * n_days)
        d = day_iso[di]
        at = d + " 08:30:00.000000"
        dev = devices[u][vn & 1]
        vid = _uid(9, vn)
        vis.add(sync(9, vn, at, dev) + (pid, u, clinic, at, d, "new" if random_() < 0.45 else "follow_up"))
        if random_() < 0.004:
            disease, code, _ = rng.choices(_NOTIFIABLE, weights)[0]
            dia.add(sync(10, dn, at, dev) + (vid, code, "suspected", 0))
            dn += 1
            cas.add(sync(11, cn, at, dev) + (vid, pid, disease, code, rng.choice(["suspected", "suspected",
                                                                                  "confirmed", "discarded"]),
                                             day_iso[min(n_days - 1, di + rng.randint(0, 3))], d, clinic, u,
                                             int(disease in _IMMEDIATE)))
            cn += 1
        else:
            for pos in range(1 + (random_() < 0.3)):
                dia.add(sync(10, dn, at, dev) + (vid, _COMMON[int(random_() * len(_COMMON))], "suspected", pos))
                dn += 1
        if random_() < 0.03:
            status = rng.choice(["issued", "arrived", "seen", "feedback_received", "lost"])
            ref.add(sync(12, rn, at, dev) + (vid, pid, clinic, rng.choice(hospitals), "internal_medicine",
                                             "routine", "further assessment", f"R{rn:09d}", f"{rn:08X}", status, at,
                                             "treated" if status == "feedback_received" else ""))
            rn += 1
    for s in (vis, dia, ref, cas):
        s.flush()
    for name, s in (("patient", pat), ("household", hh), ("enrolment", enr), ("enrolment_member", mem),
                    ("visit", vis), ("visit_diagnosis", dia), ("referral", ref), ("surveillance_case", cas)):
        counts[name] = s.count
    return counts

