"""SQLCipher raw-key pragma (app.store.engine.key_pragma), checked against real database files."""

from __future__ import annotations

import re
import secrets
import sqlite3
from pathlib import Path

import pytest
import sqlcipher3

from app.security.keystore import Keystore
from app.store.db import key_opens
from app.store.engine import key_pragma as sqlcipher_key_pragma
from ks_support import ADMIN_PW, FAST

MARKER = "MARKER-Afghan-patient-Gholam-7731"


def verify_db_key(path: Path, db_key: bytes) -> bool:
    """True if ``db_key`` opens the SQLCipher database at ``path``; never creates a file (connecting would)."""
    if not path.is_file():
        raise FileNotFoundError(str(path))
    return key_opens(path, db_key)


def make_encrypted_db(path: Path, key: bytes) -> None:
    conn = sqlcipher3.connect(str(path))
    conn.execute(sqlcipher_key_pragma(key))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE patient (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO patient (name) VALUES (?)", (MARKER,))
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_pragma_text() -> None:
    key = bytes(range(32))
    assert sqlcipher_key_pragma(key) == "PRAGMA key = \"x'" + key.hex() + "'\""
    assert re.fullmatch(r"PRAGMA key = \"x'[0-9a-f]{64}'\"", sqlcipher_key_pragma(secrets.token_bytes(32)))


@pytest.mark.parametrize("bad", [b"", bytes(16), bytes(33)])
def test_pragma_rejects_wrong_length(bad: bytes) -> None:
    with pytest.raises(ValueError):
        sqlcipher_key_pragma(bad)


def test_encrypted_file(tmp_path: Path) -> None:
    path = tmp_path / "sayyar.db"
    key = secrets.token_bytes(32)
    make_encrypted_db(path, key)

    # Plain sqlite3 cannot read it.
    plain = sqlite3.connect(str(path))
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
    plain.close()

    assert verify_db_key(path, key) is True
    assert verify_db_key(path, secrets.token_bytes(32)) is False

    # The data really is encrypted on disk (main file and any WAL/SHM left behind).
    for f in tmp_path.iterdir():
        data = f.read_bytes()
        assert MARKER.encode() not in data, f.name
        assert b"CREATE TABLE" not in data, f.name  # the schema is encrypted too

    conn = sqlcipher3.connect(str(path))
    conn.execute(sqlcipher_key_pragma(key))
    assert conn.execute("SELECT name FROM patient").fetchone()[0] == MARKER
    conn.close()


def test_missing_file_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        verify_db_key(tmp_path / "missing.db", secrets.token_bytes(32))
    assert not (tmp_path / "missing.db").exists()


def test_unencrypted_file_does_not_verify(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert verify_db_key(path, secrets.token_bytes(32)) is False


def test_keystore_key_opens_the_database(tmp_path: Path) -> None:
    ks, key, recovery = Keystore.create(
        tmp_path / "keystore.json", user_id="u", username="admin", password=ADMIN_PW, role="unit_admin", kdf_params=FAST
    )
    make_encrypted_db(tmp_path / "sayyar.db", key)
    again = Keystore.load(tmp_path / "keystore.json", kdf_params=FAST)
    assert verify_db_key(tmp_path / "sayyar.db", again.unlock("admin", ADMIN_PW).db_key)
    assert verify_db_key(tmp_path / "sayyar.db", again.unlock_with_recovery(recovery))
