"""Creating a keystore, signing in, throttling and lockout (with an injected clock)."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest

from app.security import keystore as ksmod
from app.security.keystore import (
    DEFAULT_KDF_PARAMS,
    AccountLocked,
    BadCredentials,
    KdfParams,
    Keystore,
    KeystoreError,
    LockoutPolicy,
    TooManyAttempts,
    UnknownUser,
    WeakPassword,
    WrongPassword,
    InvalidUserName,
)
from ks_support import ADMIN_PW, FAST, T0


def s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def test_create_returns_key_and_recovery_text(ks_path: Path, created: tuple[Keystore, bytes, str]) -> None:
    ks, db_key, recovery = created
    assert len(db_key) == 32
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}", recovery)
    raw = ks_path.read_text(encoding="utf-8")
    doc = json.loads(raw)
    assert doc["format"] == "sayyar-keystore" and doc["version"] == 1
    # Nothing secret in the file: not the password, the key (hex or base64) or the recovery key.
    for secret in (ADMIN_PW, db_key.hex(), ksmod._b64(db_key), recovery, recovery.replace("-", "")):
        assert secret not in raw
    assert [u.username for u in ks.users()] == ["Admin"]


def test_two_keystores_have_different_keys(tmp_path: Path) -> None:
    _, k1, r1 = Keystore.create(tmp_path / "a.json", user_id="u", username="a", password=ADMIN_PW, role="r", kdf_params=FAST)
    _, k2, r2 = Keystore.create(tmp_path / "b.json", user_id="u", username="a", password=ADMIN_PW, role="r", kdf_params=FAST)
    assert k1 != k2 and r1 != r2


def test_create_refuses_to_overwrite(ks_path: Path, created: tuple[Keystore, bytes, str]) -> None:
    before = ks_path.read_bytes()
    with pytest.raises(KeystoreError) as exc:
        Keystore.create(ks_path, user_id="x", username="x", password=ADMIN_PW, role="r", kdf_params=FAST)
    assert "already exists" in exc.value.message
    assert ks_path.read_bytes() == before


def test_unlock_success_case_insensitive_and_trimmed(ks: Keystore, db_key: bytes) -> None:
    for name in ("Admin", "admin", "  ADMIN \t"):
        result = ks.unlock(name, ADMIN_PW, now=T0)
        assert (result.user_id, result.username, result.role, result.db_key) == ("u-admin", "Admin", "unit_admin", db_key)
    assert db_key.hex() not in repr(result)


def test_unlock_after_reload(ks_path: Path, db_key: bytes) -> None:
    again = Keystore.load(ks_path, kdf_params=FAST)
    assert again.unlock("admin", ADMIN_PW, now=T0).db_key == db_key


def test_wrong_password_and_unknown_user_look_the_same(ks: Keystore) -> None:
    with pytest.raises(WrongPassword) as wrong:
        ks.unlock("admin", "not-the-password", now=T0)
    with pytest.raises(UnknownUser) as unknown:
        ks.unlock("nobody", "not-the-password", now=T0)
    assert isinstance(wrong.value, BadCredentials) and isinstance(unknown.value, BadCredentials)
    assert wrong.value.message == unknown.value.message == "Wrong user name or password."
    assert wrong.value.message_fa == unknown.value.message_fa == "نام کاربری یا گذرواژه نادرست است."
    assert wrong.value.attempts_remaining == unknown.value.attempts_remaining == 9


def test_attempts_remaining_counts_down_and_warns(ks: Keystore) -> None:
    remaining = []
    at = T0
    for _ in range(9):
        with pytest.raises(WrongPassword) as exc:
            ks.unlock("admin", "bad-password", now=at)
        remaining.append(exc.value.attempts_remaining)
        at += s(120)  # past any throttle delay
    assert remaining == [9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert "1 attempts left" in exc.value.message
    assert "۱" in exc.value.message_fa


def test_throttle_delays_double_and_are_capped(ks: Keystore) -> None:
    at = T0
    for _ in range(3):  # the first three failures are free
        with pytest.raises(WrongPassword):
            ks.unlock("admin", "bad-password", now=at)
    delays = []
    for _ in range(6):
        with pytest.raises(TooManyAttempts) as exc:
            ks.unlock("admin", ADMIN_PW, now=at)  # even the right password must wait
        delays.append(exc.value.retry_after_seconds)
        with pytest.raises(TooManyAttempts):  # one second early is still too early
            ks.unlock("admin", ADMIN_PW, now=at + s(exc.value.retry_after_seconds - 1))
        at += s(exc.value.retry_after_seconds)
        with pytest.raises(WrongPassword):
            ks.unlock("admin", "bad-password", now=at)
    assert delays == [2, 4, 8, 16, 32, 60]
    assert "60" in exc.value.message and "۶۰" in exc.value.message_fa


def test_throttled_attempt_is_not_counted(ks: Keystore) -> None:
    for _ in range(3):
        with pytest.raises(WrongPassword):
            ks.unlock("admin", "bad-password", now=T0)
    for _ in range(20):
        with pytest.raises(TooManyAttempts):
            ks.unlock("admin", "bad-password", now=T0 + s(1))
    assert ks.users()[0].failed_attempts == 3


def test_success_resets_counter(ks: Keystore, ks_path: Path) -> None:
    for _ in range(3):
        with pytest.raises(WrongPassword):
            ks.unlock("admin", "bad-password", now=T0)
    ks.unlock("admin", ADMIN_PW, now=T0 + s(2))
    assert ks.users()[0].failed_attempts == 0
    assert Keystore.load(ks_path, kdf_params=FAST).users()[0].failed_attempts == 0
    with pytest.raises(WrongPassword) as exc:  # no throttle right after a success
        ks.unlock("admin", "bad-password", now=T0 + s(2))
    assert exc.value.attempts_remaining == 9


def fail_until_locked(ks: Keystore, username: str = "admin") -> tuple[AccountLocked, object]:
    at = T0
    for i in range(10):
        at += s(61)
        try:
            ks.unlock(username, "bad-password", now=at)
        except AccountLocked as exc:
            assert i == 9
            return exc, at
        except BadCredentials:
            pass
    raise AssertionError("never locked")


def test_lockout_after_ten_failures_for_fifteen_minutes(ks: Keystore, db_key: bytes) -> None:
    locked, at = fail_until_locked(ks)
    assert locked.until == at + timedelta(minutes=15)
    assert locked.minutes_left == 15 and "locked" in locked.message and "قفل" in locked.message_fa
    with pytest.raises(AccountLocked) as again:  # the right password does not help while locked
        ks.unlock("admin", ADMIN_PW, now=at + timedelta(minutes=14, seconds=59))
    assert again.value.minutes_left == 1
    assert ks.users(now=at)[0].locked_until == locked.until
    assert ks.unlock("admin", ADMIN_PW, now=at + timedelta(minutes=15)).db_key == db_key
    assert ks.users(now=at)[0].locked_until is None


def test_lock_expiry_gives_a_fresh_start(ks: Keystore) -> None:
    _, at = fail_until_locked(ks)
    at += timedelta(minutes=15)
    with pytest.raises(WrongPassword) as exc:
        ks.unlock("admin", "bad-password", now=at)
    assert exc.value.attempts_remaining == 9


def test_lock_duration_is_configurable(ks_path: Path, created: tuple[Keystore, bytes, str]) -> None:
    policy = LockoutPolicy(lock_duration=timedelta(minutes=5), lock_after=4)
    ks = Keystore.load(ks_path, kdf_params=FAST, policy=policy)
    at = T0
    for _ in range(3):
        with pytest.raises(WrongPassword):
            ks.unlock("admin", "bad-password", now=at)
    at += s(2)
    with pytest.raises(AccountLocked) as exc:
        ks.unlock("admin", "bad-password", now=at)
    assert exc.value.until == at + timedelta(minutes=5)
    ks.unlock("admin", ADMIN_PW, now=at + timedelta(minutes=5))


def test_counters_survive_restart(ks: Keystore, ks_path: Path) -> None:
    for _ in range(3):
        with pytest.raises(WrongPassword):
            ks.unlock("admin", "bad-password", now=T0)
    restarted = Keystore.load(ks_path, kdf_params=FAST)
    with pytest.raises(TooManyAttempts):
        restarted.unlock("admin", ADMIN_PW, now=T0 + s(1))


def test_lockout_survives_restart(ks: Keystore, ks_path: Path) -> None:
    locked, at = fail_until_locked(ks)
    restarted = Keystore.load(ks_path, kdf_params=FAST)
    with pytest.raises(AccountLocked) as exc:
        restarted.unlock("admin", ADMIN_PW, now=at + timedelta(minutes=1))
    assert exc.value.until == locked.until


def test_clock_set_back_does_not_lock_forever(ks: Keystore) -> None:
    _, at = fail_until_locked(ks)
    back = at - timedelta(days=400)  # someone "fixed" the laptop clock
    with pytest.raises(AccountLocked) as exc:
        ks.unlock("admin", ADMIN_PW, now=back)
    assert exc.value.minutes_left <= 15
    ks.unlock("admin", ADMIN_PW, now=back + timedelta(minutes=15))


def test_unknown_user_is_throttled_like_a_real_one(ks: Keystore) -> None:
    def outcomes(name: str) -> list[str]:
        seen = []
        at = T0
        for step in [0, 0, 0, 0, 2, 3, 4, 300, 300, 300, 300, 300, 300, 300]:
            at += s(step)
            try:
                ks.unlock(name, "bad-password", now=at)
            except AccountLocked:
                seen.append("locked")
            except TooManyAttempts as exc:
                seen.append(f"wait{exc.retry_after_seconds}")
            except BadCredentials as exc:
                seen.append(f"bad{exc.attempts_remaining}")
        return seen

    assert outcomes("admin") == outcomes("ghost")


def test_naive_now_is_treated_as_utc(ks: Keystore) -> None:
    for _ in range(3):
        with pytest.raises(WrongPassword):
            ks.unlock("admin", "bad-password", now=T0.replace(tzinfo=None))
    with pytest.raises(TooManyAttempts):
        ks.unlock("admin", ADMIN_PW, now=T0 + s(1))


def test_weak_password_rejected_with_message(tmp_path: Path) -> None:
    with pytest.raises(WeakPassword) as exc:
        Keystore.create(tmp_path / "k.json", user_id="u", username="a", password="short7!", role="r", kdf_params=FAST)
    assert "at least 8 characters" in exc.value.message and "۸" in exc.value.message_fa
    assert not (tmp_path / "k.json").exists()
    # Eight Persian letters are eight characters, whatever their byte length.
    Keystore.create(tmp_path / "k.json", user_id="u", username="a", password="گذرواژهٔ", role="r", kdf_params=FAST)


def test_blank_user_name_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidUserName):
        Keystore.create(tmp_path / "k.json", user_id="u", username="   ", password=ADMIN_PW, role="r", kdf_params=FAST)


def test_persian_user_name_and_password(tmp_path: Path) -> None:
    ks, key, _ = Keystore.create(
        tmp_path / "k.json", user_id="u", username=" مریم ", password="رمز عبور خوب", role="r", kdf_params=FAST
    )
    again = Keystore.load(tmp_path / "k.json", kdf_params=FAST)
    assert again.unlock("مریم", "رمز عبور خوب", now=T0).db_key == key


def test_secrets_never_logged(ks: Keystore, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(WrongPassword):
        ks.unlock("admin", "a-secret-guess", now=T0)
    monkeypatch.setattr(ksmod.os, "replace", _raise_oserror)
    with pytest.raises(WrongPassword):
        ks.unlock("admin", "another-guess", now=T0)  # counter save fails quietly
    text = caplog.text
    assert "a-secret-guess" not in text and "another-guess" not in text and ADMIN_PW not in text


def _raise_oserror(*_a: object, **_k: object) -> None:
    raise OSError(28, "No space left on device")


def test_kdf_parameters_are_stored_per_entry_and_raised_on_unlock(ks_path: Path, db_key: bytes) -> None:
    stronger = KdfParams(time_cost=2, memory_cost=128, parallelism=1)
    ks = Keystore.load(ks_path, kdf_params=stronger)
    assert json.loads(ks_path.read_text())["users"][0]["kdf"]["time_cost"] == 1
    ks.unlock("admin", ADMIN_PW, now=T0)
    entry = json.loads(ks_path.read_text())["users"][0]["kdf"]
    assert (entry["time_cost"], entry["memory_cost"]) == (2, 128)
    # An old program with lower defaults still opens it (the entry carries its own parameters).
    assert Keystore.load(ks_path, kdf_params=FAST).unlock("admin", ADMIN_PW, now=T0).db_key == db_key


def test_default_parameters_work(tmp_path: Path) -> None:
    """Behaviour only: the defaults are real argon2id costs and a create/unlock round trip works with them.
    How long that takes is measured by bench/bench_signin.py, not asserted here."""
    assert DEFAULT_KDF_PARAMS.memory_cost >= 64 * 1024  # at least 64 MiB: memory-hard against GPUs
    assert DEFAULT_KDF_PARAMS.time_cost >= 2
    assert 1 <= DEFAULT_KDF_PARAMS.parallelism <= 4
    ks, key, _ = Keystore.create(tmp_path / "k.json", user_id="u", username="a", password=ADMIN_PW, role="r")
    stored = json.loads((tmp_path / "k.json").read_text())["users"][0]["kdf"]
    assert stored["alg"] == "argon2id"
    assert (stored["time_cost"], stored["memory_cost"], stored["parallelism"]) == (
        DEFAULT_KDF_PARAMS.time_cost, DEFAULT_KDF_PARAMS.memory_cost, DEFAULT_KDF_PARAMS.parallelism,
    )
    assert Keystore.load(tmp_path / "k.json").unlock("A", ADMIN_PW).db_key == key
