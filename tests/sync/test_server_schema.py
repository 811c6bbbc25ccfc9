"""The central database is upgraded by its own Alembic scripts (app/server/migrations): newer databases are refused
untouched, older ones — those of the earlier version counter included — upgraded in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text, update

from app.server import db as server_db
from app.server import models as m


def revision(engine: Engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM srv_schema_revision")).scalar_one()


def legacy_database(path: Path, number: int) -> None:
    """A central database as a server before Alembic left it: the counter says ``number``, no revision table."""
    engine = server_db.open_database(str(path))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE srv_schema_revision")
        conn.execute(update(m.counter).where(m.counter.c.name == "schema_version").values(value=number))
    engine.dispose()


def test_head_revision_is_the_newest_script() -> None:
    assert server_db.HEAD_REVISION in server_db.known_revisions()
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(server_db._alembic_config(None))  # type: ignore[arg-type]
    assert scripts.get_heads() == [server_db.HEAD_REVISION]


def test_new_database_is_stamped_and_reopens(tmp_path: Path) -> None:
    engine = server_db.open_database(str(tmp_path / "c.db"))
    assert revision(engine) == server_db.HEAD_REVISION
    engine.dispose()
    server_db.open_database(str(tmp_path / "c.db")).dispose()


def test_newer_database_is_refused(tmp_path: Path) -> None:
    engine = server_db.open_database(str(tmp_path / "c.db"))
    with engine.begin() as conn:
        conn.execute(text("UPDATE srv_schema_revision SET version_num = 's0999'"))
    engine.dispose()
    with pytest.raises(server_db.ServerSchemaError, match="newer than this server"):
        server_db.open_database(str(tmp_path / "c.db"))


def test_a_server_of_the_counter_time_refuses_an_upgraded_database(tmp_path: Path) -> None:
    """Servers before Alembic refused a counter above their own version (4): the counter is set past it."""
    engine = server_db.open_database(str(tmp_path / "c.db"))
    with engine.connect() as conn:
        number = conn.execute(select(m.counter.c.value).where(m.counter.c.name == "schema_version")).scalar_one()
    assert number > 4
    engine.dispose()


def test_version_1_database_gains_the_case_classification_columns(tmp_path: Path) -> None:
    """A central database made before cases carried their classifier (counter 1) is upgraded in place."""
    engine = server_db.open_database(str(tmp_path / "c.db"))
    with engine.begin() as conn:
        for col in ("classified_at", "classified_by", "classification_reason", "registry_version"):
            conn.exec_driver_sql(f"ALTER TABLE surveillance_case DROP COLUMN {col}")
    engine.dispose()
    legacy_database(tmp_path / "c.db", 1)
    engine = server_db.open_database(str(tmp_path / "c.db"))
    with engine.connect() as conn:
        cols = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(surveillance_case)")}
    assert {"classified_at", "classified_by", "classification_reason", "registry_version"} <= cols
    assert revision(engine) == server_db.HEAD_REVISION
    engine.dispose()


def test_version_3_database_gains_the_visit_fields_laptops_added(tmp_path: Path) -> None:
    """Visits carry the vitals confirmed as unusual (laptop 0011) and the weeks of pregnancy, patients their allergies
    (laptop 0007): a central database made before them is upgraded in place, old rows read as empty."""
    engine = server_db.open_database(str(tmp_path / "c.db"))
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE visit DROP COLUMN unusual_vitals")
        conn.exec_driver_sql("ALTER TABLE visit DROP COLUMN pregnancy_weeks")
        conn.exec_driver_sql("ALTER TABLE patient DROP COLUMN allergies")
    engine.dispose()
    legacy_database(tmp_path / "c.db", 3)
    engine = server_db.open_database(str(tmp_path / "c.db"))
    with engine.connect() as conn:
        visit = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(visit)")}
        patient = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(patient)")}
    assert {"unusual_vitals", "pregnancy_weeks"} <= visit and "allergies" in patient
    assert revision(engine) == server_db.HEAD_REVISION
    engine.dispose()


def test_an_upgrade_runs_once_on_postgresql(pg_url: str) -> None:
    """The same scripts on PostgreSQL: a counter-era database (version 3) is upgraded, then simply reopened."""
    engine = server_db.open_database(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE visit DROP COLUMN pregnancy_weeks")
        conn.exec_driver_sql("DROP TABLE srv_schema_revision")
        conn.execute(update(m.counter).where(m.counter.c.name == "schema_version").values(value=3))
    engine.dispose()
    engine = server_db.open_database(pg_url)
    with engine.connect() as conn:
        cols = {r[0] for r in conn.exec_driver_sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'visit' "
            "AND table_schema = current_schema()")}
    assert "pregnancy_weeks" in cols and revision(engine) == server_db.HEAD_REVISION
    engine.dispose()
    server_db.open_database(pg_url).dispose()


def test_the_scripts_go_down_and_up_again(tmp_path: Path) -> None:
    """Each script's downgrade undoes its upgrade (a release taken back restores the schema it found)."""
    from alembic import command

    engine = server_db.open_database(str(tmp_path / "c.db"))
    with engine.begin() as conn:
        command.downgrade(server_db._alembic_config(conn), "s0001")
        cols = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(visit)")}
        assert "pregnancy_weeks" not in cols
        command.upgrade(server_db._alembic_config(conn), "head")
        cols = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(visit)")}
        assert {"pregnancy_weeks", "unusual_vitals"} <= cols
    assert revision(engine) == server_db.HEAD_REVISION
    engine.dispose()
