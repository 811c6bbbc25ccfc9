"""An existing laptop's search index is rebuilt once, safely, when this version opens it (migration 0018: the name
rows end in the patient's birth year, index version 5). The file is tests/fixtures/search-index-0017.db, made by the
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
from app.store.search_index import NAME_FIELDS, YEAR_FIELDS, YEAR_MARK, index_tokens, patient_tokens

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "search-index-0017.db"


def _stored(path: Path) -> tuple[str, dict[str, str]]:
    with sqlite3.connect(path) as c:
        revision = c.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        return revision, dict(c.execute("SELECT patient_id, tokens FROM patient_search_patient"))


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "sayyar.db"
    shutil.copy2(FIXTURE, path)
    revision, tokens = _stored(path)
    # The previous version's index, as it was: no row ends in a year.
    assert revision == "0017" and len(tokens) == 7
    assert any("a1محمد\n" in t for t in tokens.values())
    assert not any(YEAR_MARK in t for t in tokens.values())
    return path


def test_the_previous_index_is_rebuilt_once_with_the_birth_years(old_file: Path):
    before = _stored(old_file)
    store = Store.open(old_file, None)
    try:
        assert store.schema_status == "upgraded"
        backups = list(old_file.parent.glob("sayyar.before-upgrade-from-0017.*.db"))
        assert len(backups) == 1 and _stored(backups[0]) == before  # the file as it was, copied aside first
        with store.read() as s:
            conn = s.connection()
            for p in s.scalars(select(Patient)).all():  # every patient holds exactly the tokens this version makes
                docs = s.scalars(select(IdentityDocument.number).where(IdentityDocument.patient_id == p.id)).all()
                wanted = patient_tokens({f: getattr(p, f) for f in (*NAME_FIELDS, *YEAR_FIELDS)}, p.code, p.phone,
                                        docs)
                held = index_tokens(conn, p.id)
                assert held == wanted, p.code
                # name rows end in the year; pairs, code, phone and documents (the duplicate blocks) do not
                assert {t[0] for t in held if YEAR_MARK in t} <= set("abcdefgh")
                assert any(t.startswith("P") for t in held) and not any(t.startswith("P") and YEAR_MARK in t
                                                                       for t in held)
            for query in ("Mohammad 1990", "محمد ۱۳۶۹"):
                hits = search(s, query, limit=50).hits
                assert hits and "birth_year" in hits[0].reasons, query
            assert not any("birth_year" in h.reasons for h in search(s, "Mohammad 1960", limit=50).hits)
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
    # Nothing of the half-done rebuild was kept: the file stays at 0017 with the previous index intact.
    assert revision == "0017" and tokens_after == tokens_before
    with sqlite3.connect(old_file) as c:
        assert c.execute("SELECT count(*) FROM patient_search WHERE token LIKE 'a%'").fetchone()[0] > 0
    monkeypatch.setattr(search_index, "rebuild_index", real)
    store = Store.open(old_file, None)  # the next opening upgrades it
    try:
        assert store.schema_status == "upgraded"
        with store.read() as s:
            assert "birth_year" in search(s, "Mohammad 1990", limit=50).hits[0].reasons
    finally:
        store.close()
