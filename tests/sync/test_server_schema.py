"""The central database carries a schema version: newer databases are refused untouched, older ones upgraded."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from app.server import db as server_db
from app.server import models as m


def version(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(select(m.counter.c.value).where(m.counter.c.name == "schema_version")).scalar_one()


def test_new_database_is_stamped_and_reopens(tmp_path):
    engine = server_db.open_database(str(tmp_path / "c.db"))
    assert version(engine) == server_db.SCHEMA_VERSION
    engine.dispose()
    server_db.open_database(str(tmp_path / "c.db")).dispose()


def test_newer_database_is_refused(tmp_path):
    engine = server_db.open_database(str(tmp_path / "c.db"))
    with engine.begin() as conn:
        conn.execute(update(m.counter).where(m.counter.c.name == "schema_version").values(value=99))
    engine.dispose()
    with pytest.raises(server_db.ServerSchemaError, match="newer than this server"):
        server_db.open_database(str(tmp_path / "c.db"))


def test_older_database_is_upgraded_step_by_step(tmp_path, monkeypatch):
    engine = server_db.open_database(str(tmp_path / "c.db"))
    engine.dispose()
    ran = []

    nxt = server_db.SCHEMA_VERSION + 1

    def step(conn):  # type: ignore[no-untyped-def]
        conn.execute(text("CREATE TABLE srv_example (x INTEGER)"))
        ran.append(nxt)

    monkeypatch.setattr(server_db, "SCHEMA_VERSION", nxt)
    monkeypatch.setitem(server_db.UPGRADES, nxt, step)
    engine = server_db.open_database(str(tmp_path / "c.db"))
    assert ran == [nxt] and version(engine) == nxt
    engine.dispose()
    server_db.open_database(str(tmp_path / "c.db")).dispose()
    assert ran == [nxt]  # not run twice


def test_version_1_database_gains_the_case_classification_columns(tmp_path):
    """A central database made before cases carried their classifier (version 1) is upgraded in place."""
    engine = server_db.open_database(str(tmp_path / "c.db"))
    with engine.begin() as conn:
        for col in ("classified_at", "classified_by", "classification_reason", "registry_version"):
            conn.exec_driver_sql(f"ALTER TABLE surveillance_case DROP COLUMN {col}")
        conn.execute(update(m.counter).where(m.counter.c.name == "schema_version").values(value=1))
    engine.dispose()
    engine = server_db.open_database(str(tmp_path / "c.db"))
    with engine.connect() as conn:
        cols = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(surveillance_case)")}
    assert {"classified_at", "classified_by", "classification_reason", "registry_version"} <= cols
    assert version(engine) == server_db.SCHEMA_VERSION
    engine.dispose()


def test_version_3_database_gains_the_visit_fields_laptops_added(tmp_path):
    """Visits carry the vitals confirmed as unusual (laptop 0011) and the weeks of pregnancy, patients their allergies
    (laptop 0007): a central database made before them is upgraded in place, old rows read as empty."""
    engine = server_db.open_database(str(tmp_path / "c.db"))
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE visit DROP COLUMN unusual_vitals")
        conn.exec_driver_sql("ALTER TABLE visit DROP COLUMN pregnancy_weeks")
        conn.exec_driver_sql("ALTER TABLE patient DROP COLUMN allergies")
        conn.execute(update(m.counter).where(m.counter.c.name == "schema_version").values(value=3))
    engine.dispose()
    engine = server_db.open_database(str(tmp_path / "c.db"))
    with engine.connect() as conn:
        visit = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(visit)")}
        patient = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(patient)")}
    assert {"unusual_vitals", "pregnancy_weeks"} <= visit and "allergies" in patient
    assert version(engine) == server_db.SCHEMA_VERSION
    engine.dispose()
