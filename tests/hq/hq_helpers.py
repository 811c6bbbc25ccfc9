"""Central test databases and small row builders for headquarters tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, insert, select
from sqlalchemy.pool import StaticPool

from app.hq import tables as t
from app.hq.models import ensure_hq_schema

_n = itertools.count(1)
NOW = datetime(2026, 11, 28, 8, 0, tzinfo=timezone.utc)


def central_sqlite(path: str = ":memory:") -> Engine:
    """A real central database (the server's schema, headquarters' tables): a file, or one kept in memory."""
    from app.server.db import create_schema, open_database

    if path != ":memory:":
        return open_database(path)
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    create_schema(engine)
    ensure_hq_schema(engine)
    return engine


def _defaults(table: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in table.columns:
        default = col.default.arg if col.default is not None else None
        if callable(default):
            default = [] if col.key == "medicines" else None
        out[col.key] = default
    return out


def row(table_name: str, **values: Any) -> dict[str, Any]:
    table = t.T[table_name]
    r = _defaults(table)
    n = next(_n)
    r.update(id=f"{table_name[:4]}-{n:08d}", created_at=NOW, updated_at=NOW, version=1, deleted=False,
             hlc=f"{1795000000000 + n:013d}:00000:test", device_id="dev-test")
    r.update(values)
    return r


def add(conn: Connection, table_name: str, **values: Any) -> dict[str, Any]:
    from app.server.models import RECORDS

    r = row(table_name, **values)
    conn.execute(insert(RECORDS[table_name]), [r])
    return r


def add_site(conn: Connection) -> dict[str, dict[str, Any]]:
    """Two units, three clinics (two in district Zahedan, one in Taybad) and a hospital. Returns facilities by code."""
    u1 = add(conn, "unit", code="MHU-ZAH", name_en="Unit Zahedan", name_fa="واحد زاهدان")
    u2 = add(conn, "unit", code="MHU-TAY", name_en="Unit Taybad", name_fa="واحد تایباد")
    facs = {}
    for code, unit, district, kind, fa in (("F02", u1, "Zahedan", "health_centre", "مرکز شیرآباد"),
                                           ("F05", u1, "Zahedan", "health_post", "پایگاه دوست‌محمد"),
                                           ("F17", u2, "Taybad", "health_centre", "مرکز تایباد"),
                                           ("F01", u1, "Zahedan", "hospital", "بیمارستان زاهدان")):
        facs[code] = add(conn, "facility", code=code, name_en=f"Facility {code}", name_fa=fa, unit_id=unit["id"],
                         district_en=district, kind=kind)
    add(conn, "user_account", username="l.karimi", full_name_en="Leila Karimi", role="headquarters")
    add(conn, "user_account", username="h.rigi", full_name_en="H Rigi", role="coordinator", unit_id=u1["id"])
    return facs


def add_patient(conn: Connection, **values: Any) -> dict[str, Any]:
    base = dict(code=f"P{next(_n):08d}", sex="female", birth_year=1990, nationality="afghan",
                legal_status="amayesh", consent_date=date(2026, 1, 1), given_name_latin="Fatemeh",
                father_name_latin="Ghulam", phone="09151234567")
    base.update(values)
    return add(conn, "patient", **base)


def add_visit(conn: Connection, patient: dict[str, Any], facility: dict[str, Any], day: date,
              **values: Any) -> dict[str, Any]:
    base = dict(patient_id=patient["id"], unit_id=facility["unit_id"], facility_id=facility["id"],
                visit_at=datetime.combine(day, datetime.min.time(), timezone.utc), visit_date=day)
    base.update(values)
    return add(conn, "visit", **base)


def add_case(conn: Connection, disease: str, facility: dict[str, Any], onset: date, *,
             classification: str = "suspected", patient: dict[str, Any] | None = None) -> dict[str, Any]:
    pid = patient["id"] if patient else "no-patient"
    return add(conn, "surveillance_case", visit_id="v-none", patient_id=pid, disease=disease, icd10="X",
               classification=classification, onset_date=onset, reported_date=onset, facility_id=facility["id"],
               unit_id=facility["unit_id"])


def count(conn: Connection, table: Any) -> int:
    return len(conn.execute(select(table)).all())
