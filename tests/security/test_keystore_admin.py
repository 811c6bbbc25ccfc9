"""Managing users and the recovery key."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.security import keystore as ksmod
from app.security.keystore import (
    AccountLocked,
    BadCredentials,
    EntryDamaged,
    Keystore,
    LastUser,
    NoSuchUser,
    RecoveryKeyMistyped,
    TooManyAttempts,
    UserExists,
    WeakPassword,
    WrongDatabaseKey,
    WrongPassword,
    WrongRecoveryKey,
)
from ks_support import ADMIN_PW, CLIN_PW, FAST, T0


@pytest.fixture
def with_clinician(ks: Keystore, db_key: bytes) -> Keystore:
    ks.add_user(db_key, user_id="u-clin", username="Zahra", password=CLIN_PW, role="clinician")
    return ks


def test_add_user_unlocks_the_same_key(with_clinician: Keystore, db_key: bytes, ks_path: Path) -> None:
    result = Keystore.load(ks_path, kdf_params=FAST).unlock("zahra", CLIN_PW, now=T0)
    assert (result.user_id, result.role, result.db_key) == ("u-clin", "clinician", db_key)
    assert [(u.user_id, u.username, u.role, u.locked_until) for u in with_clinician.users()] == [
        ("u-admin", "Admin", "unit_admin", None),
        ("u-clin", "Zahra", "clinician", None),
    ]


def test_add_user_rejects_duplicates_and_weak_passwords(with_clinician: Keystore, db_key: bytes) -> None:
    with pytest.raises(UserExists):
        with_clinician.add_user(db_key, user_id="u-2", username=" ZAHRA ", password=CLIN_PW, role="clinician")
    with pytest.raises(UserExists):
        with_clinician.add_user(db_key, user_id="u-clin", username="other", password=CLIN_PW, role="clinician")
    with pytest.raises(WeakPassword):
        with_clinician.add_user(db_key, user_id="u-3", username="x", password="1234567", role="clinician")
    assert len(with_clinician.users()) == 2


def test_management_needs_the_real_db_key(ks: Keystore, db_key: bytes) -> None:
    wrong = bytes(32)
    with pytest.raises(WrongDatabaseKey):
        ks.add_user(wrong, user_id="u", username="x", password=CLIN_PW, role="clinician")
    with pytest.raises(WrongDatabaseKey):
        ks.reset_password(wrong, "admin", "new-password")
    with pytest.raises(WrongDatabaseKey):
        ks.rotate_recovery_key(wrong)
    with pytest.raises(WrongDatabaseKey):
        ks.set_role(db_key[:16], "admin", "clinician")


def test_change_password_rewraps(with_clinician: Keystore, db_key: bytes, ks_path: Path) -> None:
    before = json.loads(ks_path.read_text())["users"][1]
    with_clinician.change_password("Zahra", CLIN_PW, "a-new-password", now=T0)
    after = json.loads(ks_path.read_text())["users"][1]
    assert after["wrapped_key"] != before["wrapped_key"] and after["kdf"]["salt"] != before["kdf"]["salt"]
    reloaded = Keystore.load(ks_path, kdf_params=FAST)
    with pytest.raises(WrongPassword):
        reloaded.unlock("zahra", CLIN_PW, now=T0)
    assert reloaded.unlock("zahra", "a-new-password", now=T0).db_key == db_key
    assert reloaded.unlock("admin", ADMIN_PW, now=T0).db_key == db_key  # others unaffected


def test_change_password_checks_the_old_one_and_is_throttled(with_clinician: Keystore) -> None:
    with pytest.raises(WeakPassword):  # checked first, so it does not cost an attempt
        with_clinician.change_password("zahra", CLIN_PW, "short", now=T0)
    for _ in range(3):
        with pytest.raises(WrongPassword):
            with_clinician.change_password("zahra", "guess-guess", "a-new-password", now=T0)
    with pytest.raises(TooManyAttempts):
        with_clinician.change_password("zahra", CLIN_PW, "a-new-password", now=T0)


def test_admin_reset_clears_lockout(with_clinician: Keystore, db_key: bytes, ks_path: Path) -> None:
    at = T0
    for _ in range(10):
        at += timedelta(seconds=61)
        with pytest.raises((WrongPassword, AccountLocked)):
            with_clinician.unlock("zahra", "bad-password", now=at)
    assert with_clinician.users(now=at)[1].locked_until is not None
    admin = with_clinician.unlock("admin", ADMIN_PW, now=at)
    with_clinician.reset_password(admin.db_key, "ZAHRA", "fresh-password")
    assert with_clinician.users(now=at)[1].locked_until is None
    reloaded = Keystore.load(ks_path, kdf_params=FAST)
    assert reloaded.unlock("zahra", "fresh-password", now=at).db_key == db_key
    with pytest.raises(NoSuchUser):
        reloaded.reset_password(db_key, "nobody", "fresh-password")


def test_remove_user(with_clinician: Keystore, ks_path: Path) -> None:
    with_clinician.remove_user(" zahra")
    reloaded = Keystore.load(ks_path, kdf_params=FAST)
    assert [u.username for u in reloaded.users()] == ["Admin"]
    with pytest.raises(BadCredentials):  # the user is gone
        reloaded.unlock("zahra", CLIN_PW, now=T0)
    with pytest.raises(NoSuchUser):
        reloaded.remove_user("zahra")
    with pytest.raises(LastUser):
        reloaded.remove_user("admin")


def test_set_role_and_role_is_authenticated(with_clinician: Keystore, db_key: bytes, ks_path: Path) -> None:
    with_clinician.set_role(db_key, "zahra", "coordinator")
    assert Keystore.load(ks_path, kdf_params=FAST).unlock("zahra", CLIN_PW, now=T0).role == "coordinator"
    # Editing the role in the file (promoting oneself) is detected, not honoured.
    doc = json.loads(ks_path.read_text())
    doc["users"][1]["role"] = "unit_admin"
    ks_path.write_text(json.dumps(doc))
    with pytest.raises(EntryDamaged):
        Keystore.load(ks_path, kdf_params=FAST).unlock("zahra", CLIN_PW, now=T0)


# ----- recovery key -----


def test_recovery_key_unlocks(ks: Keystore, db_key: bytes, recovery: str, ks_path: Path) -> None:
    assert ks.unlock_with_recovery(recovery) == db_key
    assert Keystore.load(ks_path).unlock_with_recovery(recovery) == db_key


def test_recovery_key_forgiving_input(ks: Keystore, db_key: bytes, recovery: str) -> None:
    sloppy = "  " + recovery.lower().replace("-", " ").replace("0", "o").replace("1", "l") + "\n"
    assert ks.unlock_with_recovery(sloppy) == db_key
    persian_digits = recovery.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert ks.unlock_with_recovery(persian_digits) == db_key


def test_recovery_key_typo_is_reported_as_typo(ks: Keystore, recovery: str) -> None:
    typo = ("X" if recovery[5] != "X" else "Y").join([recovery[:5], recovery[6:]])
    with pytest.raises(RecoveryKeyMistyped) as exc:
        ks.unlock_with_recovery(typo)
    assert exc.value.message == "Check the recovery key: one of the groups is mistyped."
    assert "گروه" in exc.value.message_fa
    with pytest.raises(RecoveryKeyMistyped) as short:
        ks.unlock_with_recovery(recovery[:-5])
    assert "8 groups" in short.value.message
    with pytest.raises(RecoveryKeyMistyped):
        ks.unlock_with_recovery(recovery.replace(recovery[0], "U", 1))  # U is not a Crockford symbol


def test_recovery_key_from_another_keystore_is_wrong_not_typo(ks: Keystore, tmp_path: Path) -> None:
    _, _, other = Keystore.create(tmp_path / "o.json", user_id="u", username="a", password=ADMIN_PW, role="r", kdf_params=FAST)
    with pytest.raises(WrongRecoveryKey) as exc:
        ks.unlock_with_recovery(other)
    assert "does not belong" in exc.value.message and exc.value.message_fa


def test_rotate_recovery_key(ks: Keystore, db_key: bytes, recovery: str, ks_path: Path) -> None:
    new = ks.rotate_recovery_key(db_key)
    assert new != recovery
    reloaded = Keystore.load(ks_path, kdf_params=FAST)
    assert reloaded.unlock_with_recovery(new) == db_key
    with pytest.raises(WrongRecoveryKey):
        reloaded.unlock_with_recovery(recovery)


def test_recovery_then_reset_when_every_password_is_lost(with_clinician: Keystore, recovery: str, db_key: bytes) -> None:
    key = with_clinician.unlock_with_recovery(recovery)
    with_clinician.reset_password(key, "admin", "brand-new-admin")
    assert with_clinician.unlock("admin", "brand-new-admin", now=T0).db_key == db_key


def test_recovery_key_has_enough_entropy() -> None:
    text = ksmod._new_recovery_text()
    groups = text.split("-")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    assert ksmod._RECOVERY_DATA_SYMBOLS * 5 >= 128  # random symbols x 5 bits; the last group is the check


recovery_keys = st.builds(lambda _: ksmod._new_recovery_text(), st.integers())


@settings(max_examples=300, deadline=None)
@given(recovery_keys, st.integers(0, 31), st.integers(1, 31))
def test_any_single_wrong_symbol_is_detected(key: str, pos: int, delta: int) -> None:
    symbols = key.replace("-", "")
    wrong = ksmod._CROCKFORD[(ksmod._CROCKFORD_INDEX[symbols[pos]] + delta) % 32]
    typo = symbols[:pos] + wrong + symbols[pos + 1 :]
    with pytest.raises(RecoveryKeyMistyped):
        ksmod._parse_recovery(typo)


@settings(max_examples=300, deadline=None)
@given(recovery_keys, st.integers(0, 30))
def test_any_swap_of_neighbours_is_detected(key: str, pos: int) -> None:
    symbols = key.replace("-", "")
    if symbols[pos] == symbols[pos + 1]:
        return
    swapped = symbols[:pos] + symbols[pos + 1] + symbols[pos] + symbols[pos + 2 :]
    with pytest.raises(RecoveryKeyMistyped):
        ksmod._parse_recovery(swapped)


@settings(max_examples=100, deadline=None)
@given(recovery_keys)
def test_generated_keys_parse(key: str) -> None:
    assert ksmod._parse_recovery(key) == key.replace("-", "")


def test_role_enum_values_are_stored_as_text(ks: Keystore, db_key: bytes, ks_path: Path) -> None:
    from enum import StrEnum

    class Role(StrEnum):  # app.security.roles.Role is a StrEnum like this one
        CLINICIAN = "clinician"

    ks.add_user(db_key, user_id="u-r", username="reza", password=CLIN_PW, role=Role.CLINICIAN)
    for store in (ks, Keystore.load(ks_path, kdf_params=FAST)):
        result = store.unlock("reza", CLIN_PW, now=T0)
        assert result.role == "clinician" and type(result.role) is str
