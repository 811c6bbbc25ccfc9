"""Damaged, tampered and half-written keystore files."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from app.security import keystore as ksmod
from app.security.keystore import (
    EntryDamaged,
    KdfParams,
    Keystore,
    KeystoreCorrupt,
    KeystoreError,
    KeystoreWriteError,
    WrongPassword,
    WrongRecoveryKey,
)
from ks_support import ADMIN_PW, CLIN_PW, FAST, T0


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def flip_b64(value: str, index: int = 5) -> str:
    data = bytearray(base64.b64decode(value))
    data[index] ^= 0x01
    return base64.b64encode(bytes(data)).decode()


@pytest.fixture
def two_users(ks: Keystore, db_key: bytes, ks_path: Path) -> Path:
    ks.add_user(db_key, user_id="u-clin", username="Zahra", password=CLIN_PW, role="clinician")
    return ks_path


# The database key is sealed to the entry's own key ("sealed", app/security/keystore/sealing.py), so that is the
# wrap a sign-in opens: ephemeral public key, nonce, ciphertext and GCM tag.
@pytest.mark.parametrize("index", [0, 40, 91])
def test_flipped_byte_in_wrapped_key_is_a_clear_error(two_users: Path, index: int) -> None:
    edit(two_users, lambda d: d["users"][0].__setitem__("sealed", flip_b64(d["users"][0]["sealed"], index)))
    ks = Keystore.load(two_users, kdf_params=FAST)
    with pytest.raises(EntryDamaged) as exc:
        ks.unlock("admin", ADMIN_PW, now=T0)
    assert "damaged or has been altered" in exc.value.message and exc.value.message_fa
    assert ks.users()[0].failed_attempts == 0  # the right password is not counted as a failure
    assert ks.unlock("zahra", CLIN_PW, now=T0)  # other users unaffected


def test_flipped_nonce_is_a_clear_error(two_users: Path) -> None:
    edit(two_users, lambda d: d["users"][0].__setitem__("box_nonce", flip_b64(d["users"][0]["box_nonce"], 0)))
    with pytest.raises(EntryDamaged):
        Keystore.load(two_users, kdf_params=FAST).unlock("admin", ADMIN_PW, now=T0)


def test_flipped_salt_reads_as_wrong_password(two_users: Path) -> None:
    edit(two_users, lambda d: d["users"][0]["kdf"].__setitem__("salt", flip_b64(d["users"][0]["kdf"]["salt"], 0)))
    with pytest.raises(WrongPassword):
        Keystore.load(two_users, kdf_params=FAST).unlock("admin", ADMIN_PW, now=T0)


def test_tampered_recovery_entry(ks_path: Path, recovery: str) -> None:
    edit(ks_path, lambda d: d["recovery"].__setitem__("sealed", flip_b64(d["recovery"]["sealed"])))
    with pytest.raises(WrongRecoveryKey):
        Keystore.load(ks_path).unlock_with_recovery(recovery)


def test_swapped_wraps_are_rejected(two_users: Path) -> None:
    """A clinician copies their own wrap into the administrator's entry to sign in as the administrator."""

    def swap(d: dict[str, Any]) -> None:
        admin, clin = d["users"]
        for field in ("kdf", "verifier", "nonce", "wrapped_key"):
            admin[field], clin[field] = clin[field], admin[field]

    edit(two_users, swap)
    ks = Keystore.load(two_users, kdf_params=FAST)
    with pytest.raises(EntryDamaged):
        ks.unlock("admin", CLIN_PW, now=T0)
    with pytest.raises(EntryDamaged):
        ks.unlock("zahra", ADMIN_PW, now=T0)


def test_swapped_user_ids_and_roles_are_rejected(two_users: Path) -> None:
    def swap(d: dict[str, Any]) -> None:
        admin, clin = d["users"]
        for field in ("user_id", "role", "role_mac"):
            admin[field], clin[field] = clin[field], admin[field]

    edit(two_users, swap)
    with pytest.raises(EntryDamaged):
        Keystore.load(two_users, kdf_params=FAST).unlock("zahra", CLIN_PW, now=T0)


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "not valid JSON"),
        (b"{\"format\": \"sayyar-keystore\", \"vers", "not valid JSON"),
        (b"\xff\xfe garbage", "not valid JSON"),
        (b"[]", "not a Sayyar keystore"),
        (b"{\"format\": \"something-else\"}", "not a Sayyar keystore"),
    ],
)
def test_unreadable_files(ks_path: Path, content: bytes, expected: str) -> None:
    ks_path.write_bytes(content)
    with pytest.raises(KeystoreCorrupt) as exc:
        Keystore.load(ks_path)
    assert expected in exc.value.message and "backup" in exc.value.message and exc.value.message_fa


def test_unknown_version(ks_path: Path, created: object) -> None:
    edit(ks_path, lambda d: d.__setitem__("version", 2))
    with pytest.raises(KeystoreError) as exc:
        Keystore.load(ks_path)
    assert "version 2" in exc.value.message and "newer" in exc.value.message


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["users"][0].pop("wrapped_key"),
        lambda d: d["users"][0].__setitem__("nonce", "!!not base64!!"),
        lambda d: d["users"][0].__setitem__("nonce", base64.b64encode(b"short").decode()),
        lambda d: d["users"][0]["kdf"].__setitem__("memory_cost", 2**40),  # would exhaust memory
        lambda d: d["users"][0]["kdf"].__setitem__("time_cost", "3"),
        lambda d: d["users"][0]["kdf"].__setitem__("alg", "pbkdf2"),
        lambda d: d["users"][0].__setitem__("locked_until", "tomorrow"),
        lambda d: d.__setitem__("users", []),
        lambda d: d.pop("recovery"),
        lambda d: d["users"].append(dict(d["users"][0], username=" ADMIN")),
    ],
)
def test_malformed_fields_are_reported_not_crashed(ks_path: Path, created: object, change: Callable[[dict[str, Any]], None]) -> None:
    edit(ks_path, change)
    with pytest.raises(KeystoreCorrupt) as exc:
        Keystore.load(ks_path)
    assert "damaged" in exc.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KeystoreError) as exc:
        Keystore.load(tmp_path / "nope.json")
    assert "No keystore" in exc.value.message


def _fail(*_a: object, **_k: object) -> None:
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("target", ["replace", "fsync"])
def test_failed_write_leaves_old_file_and_object_intact(
    ks: Keystore, db_key: bytes, ks_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    before = ks_path.read_bytes()
    monkeypatch.setattr(ksmod.os, target, _fail)
    with pytest.raises(KeystoreWriteError) as exc:
        ks.add_user(db_key, user_id="u-clin", username="Zahra", password=CLIN_PW, role="clinician")
    assert "Nothing was changed" in exc.value.message and exc.value.message_fa
    with pytest.raises(KeystoreWriteError):
        ks.change_password("admin", ADMIN_PW, "another-password", now=T0)
    with pytest.raises(KeystoreWriteError):
        ks.rotate_recovery_key(db_key)
    monkeypatch.undo()
    assert ks_path.read_bytes() == before
    assert sorted(p.name for p in ks_path.parent.iterdir()) == ["keystore.json"]  # no temp files left
    # The in-memory keystore did not move ahead of the file either.
    assert [u.username for u in ks.users()] == ["Admin"]
    assert ks.unlock("admin", ADMIN_PW, now=T0).db_key == db_key
    assert Keystore.load(ks_path, kdf_params=FAST).unlock("admin", ADMIN_PW, now=T0).db_key == db_key


def test_failed_counter_save_still_reports_wrong_password(ks: Keystore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ksmod.os, "replace", _fail)
    with pytest.raises(WrongPassword):
        ks.unlock("admin", "bad-password", now=T0)
    assert ks.users()[0].failed_attempts == 1  # still counted in memory


def test_write_is_utf8_json_in_a_folder_with_spaces(tmp_path: Path) -> None:
    path = tmp_path / "sub dir" / "keystore.json"
    path.parent.mkdir()
    Keystore.create(path, user_id="u", username="مریم", password=ADMIN_PW, role="r", kdf_params=KdfParams(1, 64, 1))
    assert "مریم" in path.read_text(encoding="utf-8")
