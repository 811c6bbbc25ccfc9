"""An existing laptop's search index is rebuilt once, safely, when this version opens it (migration 0015: the parts
of compound names got token kinds of their own). The file is tests/fixtures/search-index-0013.db, made by the
previous version's code (tests/fixtures/make_search_index_fixture.py), with that version's index in it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import IdentityDocument, Patient
from app.services.patient_search import search
from app.store import Store, search_index
from app.store.migrate import HEAD_REVISION
from app.store.search_index import NAME_FIELDS, YEAR_FIELDS, index_tokens, patient_tokens

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "search-index-0013.db"


def _stored(path: Path) -> tuple[str, dict[str, str]]:
    with sqlite3.connect(path) as c:
        revision = c.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        return revision, dict(c.execute("SELECT patient_id, tokens FROM patient_search_patient"))


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "sayyar.db"
    shutil.copy2(FIXTURE, path)
    revision, tokens = _stored(path)
    # The previous version's index, as it was: محمدرضا's part محمد filed under the whole names' cross-script kind.
    assert revision == "0013" and len(tokens) == 7
    assert any("d1mUhAmAd\n" in t and "a1محمدرضا" in t for t in tokens.values())
    assert not any(line[0] in "fgh" for t in tokens.values() for line in t.split("\n"))
    return path


def _given(store: Store, pid: str) -> str:
    with store.read() as s:
        p = s.get(Patient, pid)
        assert p is not None
        return p.given_name_fa or p.given_name_latin


def test_the_previous_index_is_rebuilt_once_and_ranks_compounds_below_whole_names(old_file: Path):
    before = _stored(old_file)
    store = Store.open(old_file, None)
    try:
        assert store.schema_status == "upgraded"
        backups = list(old_file.parent.glob("sayyar.before-upgrade-from-0013.*.db"))
        # The file as it was, copied aside first (opening it switched it to WAL: its header bytes differ).
        assert len(backups) == 1 and _stored(backups[0]) == before
        with store.read() as s:
            conn = s.connection()
            patients = s.scalars(select(Patient)).all()
            for p in patients:  # every patient holds exactly the tokens this version makes
                docs = s.scalars(select(IdentityDocument.number).where(IdentityDocument.patient_id == p.id)).all()
                wanted = patient_tokens({f: getattr(p, f) for f in (*NAME_FIELDS, *YEAR_FIELDS)}, p.code, p.phone, docs)
                assert index_tokens(conn, p.id) == wanted, p.code
            ranked = [_given(store, h.patient_id) for h in search(s, "Mohammad", limit=50).hits]
            persian = [name for name in ranked if name[0] in "مر"]
            # محمد and محمد رضا (a word of the name) before محمدرضا (a part of one written word)
            assert sorted(persian[:2]) == ["محمد", "محمد رضا"] and persian[2] == "محمدرضا", ranked
            found_by_reza = {_given(store, pid) for pid in search(s, "Reza", limit=50).ids}
            assert {"محمدرضا", "Mohammadreza", "رضا", "محمد رضا"} <= found_by_reza
    finally:
        store.close()
    assert _stored(old_file)[0] == HEAD_REVISION
    again = Store.open(old_file, None)  # once: the next opening finds the file current and copies nothing
    try:
        assert again.schema_status == "current"
    finally:
        again.close()
    assert len(list(old_file.parent.glob("sayyar.before-upgrade-*.db"))) == 1


def test_a_rebuild_that_fails_halfway_leaves_the_file_as_it_was(old_file: Path, monkeypatch):
    _, tokens_before = _stored(old_file)
    real = search_index.rebuild_index

    def fails_halfway(conn, **kwargs):  # the old rows are gone and one batch is in when it stops
        search_index.reindex_patients(conn, [next(iter(tokens_before))], review=False)
        conn.exec_driver_sql("DELETE FROM patient_search WHERE token LIKE 'a%'")
        raise OSError("disk full")

    monkeypatch.setattr(search_index, "rebuild_index", fails_halfway)
    with pytest.raises(OSError):
        Store.open(old_file, None)
    revision, tokens_after = _stored(old_file)
    # Nothing of the half-done rebuild was kept: the file stays at the step before it (each step commits whole;
    # the one before, 0014, adds columns to the conflict list) with the previous index intact.
    assert revision == "0014" and tokens_after == tokens_before
    with sqlite3.connect(old_file) as c:
        assert c.execute("SELECT count(*) FROM patient_search WHERE token LIKE 'a%'").fetchone()[0] > 0
    monkeypatch.setattr(search_index, "rebuild_index", real)
    store = Store.open(old_file, None)  # the next opening upgrades it
    try:
        assert store.schema_status == "upgraded"
    finally:
        store.close()
