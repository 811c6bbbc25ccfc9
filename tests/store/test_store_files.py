"""The local store on real files: pragmas, schema versions, encryption at rest."""

from __future__ import annotations

import secrets
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from app.models import Base
from app.services.context import Ctx
from app.services.patients import register_patient
from app.services.reference import seed_reference
from app.store import DatabaseError, DatabaseTooNew, Store, WrongDatabaseKey
from app.store.migrate import HEAD_REVISION, alembic_config


def test_pragmas(tmp_path):
    store = Store.open(tmp_path / "s.db", secrets.token_bytes(32))
    with store.write_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    store.close()


def test_new_database_is_created_at_head_and_matches_the_migrations(tmp_path):
    store = Store.open(tmp_path / "s.db")
    assert store.schema_status == "created"
    cfg = alembic_config(None)  # type: ignore[arg-type]
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION
    with store.write_engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == HEAD_REVISION
    store.close()
    # A database built by running every migration has exactly the tables, columns and indexes of the models.
    engine = create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert Store.open(tmp_path / "s.db").schema_status == "current"


def _db_at(path: Path, revision: str) -> None:
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
    engine.dispose()


def test_upgrade_from_an_earlier_revision_keeps_every_row_and_a_backup(tmp_path):
    # Real records, written by today's code into a scratch file, copied into a file made at revision 0001.
    scratch = Store.open(tmp_path / "scratch.db", device_code="OLD1")
    seed_reference(scratch, unit_code="MHU-TAY")
    from sqlalchemy import select

    from app.models import User

    with scratch.read() as s:
        uid = s.scalars(select(User.id).where(User.role == "clinician")).first()
    register_patient(Ctx(scratch, uid, "clinician"), {
        "given_name_fa": "مریم", "father_name_fa": "حسن", "sex": "female", "birth_year": 1999,
        "nationality": "afghan", "legal_status": "headcount", "consent_date": date.today()})
    scratch.close()
    path = tmp_path / "old.db"
    _db_at(path, "0001")
    with sqlite3.connect(path) as c:
        c.execute(f"ATTACH DATABASE '{tmp_path / 'scratch.db'}' AS src")
        # The search index is derived data in a newer layout: the upgrade rebuilds it from the records.
        tables = [t for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type='table'")
                  if t not in ("alembic_version", "sqlite_sequence", "patient_search")]
        for t in tables:
            # The columns revision 0001 had: later revisions add columns (with defaults) to some tables.
            cols = ", ".join(r[1] for r in c.execute(f"PRAGMA main.table_info({t})"))
            c.execute(f"INSERT INTO {t} ({cols}) SELECT {cols} FROM src.{t}")
        c.commit()
        c.execute("DETACH DATABASE src")
        counts_before = {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    assert counts_before["patient"] == 1 and counts_before["change_log"] > 100
    store = Store.open(path)
    assert store.schema_status == "upgraded"
    backups = list(tmp_path.glob("old.before-upgrade-from-0001.*.db"))
    assert len(backups) == 1
    with store.read() as s:
        for table, n in counts_before.items():
            assert s.execute(text(f"SELECT count(*) FROM {table}")).scalar() == n, table
        assert s.execute(text("SELECT count(*) FROM audit_entry")).scalar() == 0
        from app.services.patient_search import search

        assert len(search(s, "Maryam Hasan").ids) == 1  # the index was rebuilt, in the other script too
    assert store.device.device_code == "OLD1"
    store.close()
    with sqlite3.connect(backups[0]) as c:  # the copy is the file as it was
        assert c.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"


def test_database_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "new.db"
    Store.open(path).close()
    with sqlite3.connect(path) as c:
        c.execute("UPDATE alembic_version SET version_num = '0099'")
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="newer version of Sayyar"):
        Store.open(path)
    assert path.read_bytes() == before


def test_not_a_sayyar_database(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE t (x)")
    with pytest.raises(DatabaseError, match="not a Sayyar database"):
        Store.open(path)


def test_encrypted_at_rest(tmp_path):
    key = secrets.token_bytes(32)
    path = tmp_path / "enc.db"
    store = Store.open(path, key, device_code="ENC1")
    seed_reference(store, unit_code="MHU-ZAH")
    from sqlalchemy import select

    from app.models import User

    with store.read() as s:
        uid = s.scalars(select(User.id).where(User.role == "clinician")).first()
    ctx = Ctx(store, uid, "clinician")
    secrets_written = ["Gulbadin", "Zarmina", "AMY-99887766", "گلبدین"]
    register_patient(ctx, {"given_name_latin": "Gulbadin", "given_name_fa": "گلبدین", "father_name_latin": "Zarmina",
                           "sex": "male", "birth_year": 1990, "nationality": "afghan", "legal_status": "undocumented",
                           "consent_date": date.today(),
                           "documents": [{"doc_type": "amayesh_card", "number": "AMY-99887766"}]})
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for secret in secrets_written:
        assert secret.encode() not in raw
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()
    with pytest.raises(WrongDatabaseKey):
        Store.open(path, secrets.token_bytes(32))
    assert Store.open(path, key).schema_status == "current"
