"""The driver-level insert (app.models.bulk_sql) stores exactly what SQLAlchemy's own insert stores: the same values
read back through the same tables, on SQLite and PostgreSQL, for rows with every column and rows lacking some."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Engine, Float, Integer, delete, insert, select

from app.models.base import UTCDateTime
from app.models.bulk_sql import among, bulk_insert, by_ids, insert_values
from app.server import models as m
from app.server.db import make_engine

_TEHRAN = timezone(timedelta(hours=3, minutes=30))


def _required() -> dict[str, Any]:
    """A value for each column that may not be empty: text, a number or no, by its type."""
    out: dict[str, Any] = {}
    for c in m.RECORDS["visit"].columns:
        if not c.nullable:
            t = c.type
            out[c.key] = (False if isinstance(t, Boolean) else 0 if isinstance(t, (Integer, Float))
                          else [] if isinstance(t, JSON) else None if isinstance(t, (Date, UTCDateTime)) else "")
    return out


def _visits() -> list[dict[str, Any]]:
    full = {c.key: None for c in m.RECORDS["visit"].columns}
    full.update(_required())
    full.update(
        id="v1", patient_id="p1", unit_id="u1", facility_id="f1", clinician_id="c1", visit_type="new",
        visit_at=datetime(2026, 3, 1, 9, 30, 0, 250, tzinfo=timezone.utc), visit_date=date(2026, 3, 1),
        created_at=datetime(2026, 3, 1, 13, 0, tzinfo=_TEHRAN), updated_at=datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5))),
        medicines=[{"name": "پاراستامول", "dose": "500 mg"}], temperature_c=37.5, pulse=80, deleted=False,
        version=1, hlc="1772357400000:00000:dev", device_id="d1", srv_seq=7, field_hlc={"a": "b"})
    partial = {**{k: v for k, v in _required().items() if v is not None}, "id": "v2", "patient_id": "p1", "unit_id": "u1", "facility_id": "f1", "clinician_id": "c1",
               "visit_type": "new", "visit_at": datetime(1901, 1, 1, tzinfo=timezone.utc),
               "visit_date": date(1901, 1, 1), "created_at": datetime(2026, 1, 1, tzinfo=timezone.utc),
               "updated_at": datetime(2026, 1, 1, tzinfo=timezone.utc), "deleted": True, "version": 2,
               "hlc": "1:00000:x", "srv_seq": 8}
    return [full, partial]


def _stored(engine: Engine) -> list[dict[str, Any]]:
    t = m.RECORDS["visit"]
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(t.c.id)).mappings()]


def _compare(engine: Engine) -> None:
    m.server_metadata.create_all(engine)
    t = m.RECORDS["visit"]
    rows = _visits()
    with engine.begin() as conn:
        conn.execute(insert(t), [{c.key: r.get(c.key) for c in t.columns} for r in rows])
    core = _stored(engine)
    with engine.begin() as conn:
        conn.execute(delete(t))
        bulk_insert(conn, t, rows)
    assert _stored(engine) == core
    assert core[0]["medicines"] == rows[0]["medicines"] and core[1]["temperature_c"] is None


def test_bulk_insert_stores_what_core_stores_sqlite(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "c.db"))
    _compare(engine)
    engine.dispose()


def test_bulk_insert_stores_what_core_stores_postgres(pg_url: str) -> None:
    engine = make_engine(pg_url)
    _compare(engine)
    engine.dispose()


def test_insert_values_takes_rows_in_column_order(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "c.db"))
    m.server_metadata.create_all(engine)
    with engine.begin() as conn:
        insert_values(conn, m.received, [("d", 1, 5, "visit", "v1", "f" * 40, "held", "b")])
        row = conn.execute(select(m.received)).mappings().one()
    assert dict(row) == {"device_id": "d", "epoch": 1, "seq": 5, "entity": "visit", "record_id": "v1",
                         "fingerprint": "f" * 40, "outcome": "held", "batch_id": "b"}
    engine.dispose()


def _among(engine: Engine) -> None:
    m.server_metadata.create_all(engine)
    with engine.begin() as conn:
        insert_values(conn, m.received, [("d", 1, s, "visit", f"v{s}", "f" * 40, "held", "b") for s in range(1, 50)])
        r = m.received
        seqs = set(conn.execute(select(r.c.seq).where(among(conn, r.c.seq, [3, 7, 49, 50, 2**40]))).scalars())
        ids = set(conn.execute(select(r.c.record_id).where(among(conn, r.c.record_id, ["v3", "v9", "پ", 'x"y']))
                               ).scalars())
        # A value longer than the column is not cut to fit (it would match another record).
        insert_values(conn, m.received, [("d", 2, 1, "visit", "x" * 36, "f" * 40, "held", "b")])
        long = set(conn.execute(select(r.c.record_id).where(among(conn, r.c.record_id, ["x" * 40]))).scalars())
    assert seqs == {3, 7, 49} and ids == {"v3", "v9"} and long == set()


def test_among_finds_exactly_the_values_sqlite(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "c.db"))
    _among(engine)
    engine.dispose()


def test_among_finds_exactly_the_values_postgres(pg_url: str) -> None:
    engine = make_engine(pg_url)
    _among(engine)
    engine.dispose()


def _by_ids(engine: Engine) -> None:
    """What ``among`` finds, through the per-value probe: each row once however often its value is asked, the extra
    conditions kept, a value longer than the column matching nothing, whole numbers as numbers."""
    m.server_metadata.create_all(engine)
    r = m.received
    with engine.begin() as conn:
        insert_values(conn, m.received, [("d", 1, s, "visit", f"v{s}", "f" * 40, "held", "b") for s in range(1, 50)])
        insert_values(conn, m.received, [("d", 2, 1, "visit", "x" * 36, "f" * 40, "held", "b")])
        asked = ["v3", "v9", "v3", "پ", 'x"y', "x" * 40, "v12"]
        got = sorted(conn.execute(by_ids(conn, r.c.record_id, asked, r.c.record_id, r.c.seq,
                                         where=(r.c.seq != 12,))).all())
        seqs = sorted(conn.execute(by_ids(conn, r.c.seq, [3, 7, 49, 50, 7], r.c.seq,
                                          where=(r.c.epoch == 1,))).scalars())
        assert conn.execute(by_ids(conn, r.c.seq, [], r.c.seq)).all() == []
    assert [tuple(g) for g in got] == [("v3", 3), ("v9", 9)] and seqs == [3, 7, 49]


def test_by_ids_finds_exactly_the_values_sqlite(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "c.db"))
    _by_ids(engine)
    engine.dispose()


def test_by_ids_finds_exactly_the_values_postgres(pg_url: str) -> None:
    engine = make_engine(pg_url)
    _by_ids(engine)
    engine.dispose()
