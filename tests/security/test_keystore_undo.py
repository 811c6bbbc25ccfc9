"""Keystore.undo_on_error: lets a caller change the keystore and the database as one step."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app.security import keystore as ksmod
from app.security.keystore import Keystore, WrongPassword
from ks_support import CLIN_PW, FAST, T0


class Boom(Exception):
    pass


def test_changes_inside_a_failing_block_are_undone_in_file_and_memory(ks: Keystore, db_key: bytes,
                                                                       ks_path: Path) -> None:
    with pytest.raises(Boom):
        with ks.undo_on_error():
            ks.add_user(db_key, user_id="u-clin", username="Zahra", password=CLIN_PW, role="clinician")
            ks.set_role(db_key, "admin", "coordinator")
            raise Boom()
    assert [(u.username, u.role) for u in ks.users()] == [("Admin", "unit_admin")]
    assert [u.username for u in Keystore.load(ks_path, kdf_params=FAST).users()] == ["Admin"]
    assert Keystore.load(ks_path, kdf_params=FAST).unlock("admin", "admin-pass-1", now=T0).db_key == db_key


def test_a_successful_block_keeps_its_changes(ks: Keystore, db_key: bytes, ks_path: Path) -> None:
    with ks.undo_on_error():
        ks.add_user(db_key, user_id="u-clin", username="Zahra", password=CLIN_PW, role="clinician")
    assert {u.username for u in Keystore.load(ks_path, kdf_params=FAST).users()} == {"Admin", "Zahra"}


def test_nothing_changed_means_nothing_rewritten_and_failure_counts_stay(ks: Keystore, ks_path: Path) -> None:
    with pytest.raises(WrongPassword):
        with ks.undo_on_error():
            ks.unlock("admin", "a-wrong-guess", now=T0)
    # A wrong password inside the block still counts: undoing it would let a caller reset the throttle.
    assert Keystore.load(ks_path, kdf_params=FAST).users()[0].failed_attempts == 1


def test_restore_failure_is_logged_and_the_original_error_raised(
    ks: Keystore, db_key: bytes, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def disk_full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    caplog.set_level(logging.ERROR)
    with pytest.raises(Boom):
        with ks.undo_on_error():
            ks.add_user(db_key, user_id="u-clin", username="Zahra", password=CLIN_PW, role="clinician")
            monkeypatch.setattr(ksmod.os, "replace", disk_full)
            raise Boom()
    assert "could not be restored" in caplog.text and CLIN_PW not in caplog.text
