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

    def step(conn):  # type: ignore[no-untyped-def]
        conn.execute(text("CREATE TABLE srv_example (x INTEGER)"))
        ran.append(2)

    monkeypatch.setattr(server_db, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(server_db.UPGRADES, 2, step)
    engine = server_db.open_database(str(tmp_path / "c.db"))
    assert ran == [2] and version(engine) == 2
    engine.dispose()
    server_db.open_database(str(tmp_path / "c.db")).dispose()
    assert ran == [2]  # not run twice
