"""Trust boundaries (issue #12, hole 5): a role is a grant a unit administrator signed, not a row a user can edit.

A clinician knows the database key (every user's password unwraps it). With it, and the files of the laptop, they
rewrite their role in the staff table with raw SQL, or in the keystore with a freshly computed role MAC; the next
sign-in refuses them with a sentence and a code, and never gives them the administrator's rights. The unit
administrator's own change of a role still works, and a keystore written before grants gets them at the
administrator's next sign-in.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher  # type: ignore[import-not-found]
from services_security.conftest import ADMIN_PW

from app.config import db_path, keystore_path
from app.security.keystore.crypto import _role_mac
from app.services.site import SignInFailed, SiteSession, sign_in
from app.services.users import add_user, change_role

NURSE_PW = "nurse-pass-1"


def _raw_sql(folder: Path, key: bytes, sql: str, *params: object) -> None:
    """What a user with the database key and a SQLite shell can do: no Sayyar code involved."""
    conn = sqlcipher.connect(str(db_path(folder)))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def _nurse(site: SiteSession) -> tuple[Path, str]:
    folder = site.store.path.parent
    uid = add_user(site.ctx, site.keystore, site.db_key, username="nurse", full_name_en="Nurse", role="clinician",
                   password=NURSE_PW)
    return folder, uid


def test_a_clinician_editing_the_staff_table_gains_nothing(site: SiteSession) -> None:
    folder, uid = _nurse(site)
    nurse = sign_in(folder, "nurse", NURSE_PW)
    key = nurse.db_key
    nurse.store.close()
    assert key is not None
    _raw_sql(folder, key, "UPDATE user_account SET role = 'unit_admin' WHERE id = ?", uid)
    with pytest.raises(SignInFailed) as refused:
        sign_in(folder, "nurse", NURSE_PW)
    assert refused.value.code == "role_not_granted"
    assert "not the one the unit administrator granted" in refused.value.message_en
    assert refused.value.message_fa
    # The administrator decides: setting the role makes a grant, and the person signs in with it.
    change_role(site.ctx, site.keystore, site.db_key, user_id=uid, role="unit_admin")
    again = sign_in(folder, "nurse", NURSE_PW)
    try:
        assert again.ctx.role == "unit_admin"
    finally:
        again.store.close()


def test_a_clinician_editing_the_keystore_role_gains_nothing(site: SiteSession) -> None:
    folder, uid = _nurse(site)
    nurse = sign_in(folder, "nurse", NURSE_PW)
    key = nurse.db_key
    nurse.store.close()
    assert key is not None
    # Both the keystore's role and its MAC (made with the database key, which the clinician holds) and the staff row.
    path = keystore_path(folder)
    doc = json.loads(path.read_text(encoding="utf-8"))
    entry = next(u for u in doc["users"] if u["user_id"] == uid)
    entry["role"] = "unit_admin"
    entry["role_mac"] = base64.b64encode(_role_mac(key, uid, "unit_admin")).decode()
    path.write_text(json.dumps(doc), encoding="utf-8")
    _raw_sql(folder, key, "UPDATE user_account SET role = 'unit_admin' WHERE id = ?", uid)
    with pytest.raises(SignInFailed) as refused:
        sign_in(folder, "nurse", NURSE_PW)
    assert refused.value.code == "RoleNotGranted"
    assert "not granted by a unit administrator" in refused.value.message_en
    # A grant copied from another user's entry does not fit either.
    admin = next(u for u in doc["users"] if u["role"] == "unit_admin" and u["user_id"] != uid)
    entry["grant"] = admin["grant"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SignInFailed):
        sign_in(folder, "nurse", NURSE_PW)
    # Nobody else is affected.
    sign_in(folder, "admin", ADMIN_PW).store.close()


def test_a_keystore_written_before_grants_is_signed_at_the_administrators_sign_in(site: SiteSession) -> None:
    folder, uid = _nurse(site)
    site.store.close()
    path = keystore_path(folder)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc.pop("root_public")
    for u in doc["users"]:
        u.pop("grant", None), u.pop("root_nonce", None), u.pop("root_wrapped", None)
    path.write_text(json.dumps(doc), encoding="utf-8")
    old = sign_in(folder, "nurse", NURSE_PW)  # before grants: as it was
    key = old.db_key
    old.store.close()
    admin = sign_in(folder, "admin", ADMIN_PW)
    admin.store.close()
    assert "root_public" in json.loads(path.read_text(encoding="utf-8"))
    assert key is not None
    _raw_sql(folder, key, "UPDATE user_account SET role = 'unit_admin' WHERE id = ?", uid)
    with pytest.raises(SignInFailed):
        sign_in(folder, "nurse", NURSE_PW)
    site.store = sign_in(folder, "admin", ADMIN_PW).store  # the fixture closes it


def test_only_a_signed_in_administrator_can_grant(site: SiteSession) -> None:
    from app.security.keystore import Keystore, NotAGrantor

    loaded = Keystore.load(site.keystore.path)  # nobody signed in on this copy
    with pytest.raises(NotAGrantor):
        loaded.add_user(site.db_key, user_id="x1", username="mallory", password="mallory-pass-1",  # type: ignore[arg-type]
                        role="unit_admin")


def test_the_recovery_key_can_grant_when_every_password_is_lost(tmp_path: Path, fast_kdf: None) -> None:
    from app.security.keystore import Keystore

    ks, db_key, recovery = Keystore.create(tmp_path / "keystore.json", user_id="a1", username="admin",
                                           password=ADMIN_PW, role="unit_admin")
    fresh = Keystore.load(ks.path)
    assert fresh.unlock_with_recovery(recovery) == db_key
    fresh.reset_password(db_key, "admin", "new-admin-pass-1")
    fresh.add_user(db_key, user_id="n1", username="nurse", password=NURSE_PW, role="clinician")
    again = Keystore.load(ks.path)
    assert again.unlock("nurse", NURSE_PW).role == "clinician"
    admin = Keystore.load(ks.path)
    admin.unlock("admin", "new-admin-pass-1")  # still holds the grant key after the reset
    admin.add_user(db_key, user_id="n2", username="nurse2", password=NURSE_PW, role="clinician")


def test_a_keystore_copied_before_a_deactivation_does_not_open_todays_database(site: SiteSession) -> None:
    """Hole 5, second half: deactivating someone replaces the database key (PRAGMA rekey) and seals the new one for
    everyone who remains; the old copy of keystore.json and the deactivated person's password open only the old key."""
    import shutil

    from app.security.keystore import Keystore
    from app.services.users import deactivate_user
    from app.store import Store
    from app.store.db import WrongDatabaseKey

    folder, uid = _nurse(site)
    stolen = folder.parent / "stolen-keystore.json"
    shutil.copy(keystore_path(folder), stolen)
    old_key = Keystore.load(stolen).unlock("nurse", NURSE_PW).db_key
    # A draft of the administrator's open form survives the new key.
    drafts = folder / "drafts" / site.ctx.user_id
    drafts.mkdir(parents=True)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    assert site.store.drafts_key is not None
    blob = b"SYD1" + b"\0" * 12 + AESGCM(site.store.drafts_key).encrypt(b"\0" * 12, b"{}", site.ctx.user_id.encode())
    (drafts / "visit.draft").write_bytes(blob)

    assert deactivate_user(site.ctx, site.keystore, user_id=uid) is None
    with pytest.raises(WrongDatabaseKey):
        Store.open(db_path(folder), old_key).close()
    with pytest.raises(SignInFailed):
        sign_in(folder, "nurse", NURSE_PW)
    # Everyone else signs in as before, the open session goes on, the draft opens with the new drafts key.
    sign_in(folder, "admin", ADMIN_PW).store.close()
    from app.services.users import add_user as add

    add(site.ctx, site.keystore, site.db_key, username="nurse2", full_name_en="Nurse Two", role="clinician",
        password=NURSE_PW)
    sign_in(folder, "nurse2", NURSE_PW).store.close()
    sealed = (drafts / "visit.draft").read_bytes()
    assert AESGCM(site.store.drafts_key).decrypt(sealed[4:16], sealed[16:], site.ctx.user_id.encode()) == b"{}"


def test_a_promoted_administrator_signs_grants_at_their_next_sign_in(site: SiteSession) -> None:
    """Promotion hands over the grant key sealed to the person's own key: with their next sign-in they can add and
    promote staff, with no password reset in between. Nobody else can open what was sealed for them."""
    folder, uid = _nurse(site)
    nurse_first = sign_in(folder, "nurse", NURSE_PW)  # an entry made before promotion, signed in at least once
    nurse_first.store.close()
    change_role(site.ctx, site.keystore, site.db_key, user_id=uid, role="unit_admin")
    doc = json.loads(keystore_path(folder).read_text(encoding="utf-8"))
    promoted = next(u for u in doc["users"] if u["user_id"] == uid)
    assert "root_sealed" in promoted and "root_wrapped" not in promoted  # sealed to their key, not in the clear
    site.store.close()

    new_admin = sign_in(folder, "nurse", NURSE_PW)
    try:
        add_user(new_admin.ctx, new_admin.keystore, new_admin.db_key, username="midwife", full_name_en="Midwife",
                 role="clinician", password="midwife-pass-1")
    finally:
        new_admin.store.close()
    sign_in(folder, "midwife", "midwife-pass-1").store.close()  # the grant they signed holds
    doc = json.loads(keystore_path(folder).read_text(encoding="utf-8"))
    promoted = next(u for u in doc["users"] if u["user_id"] == uid)
    assert "root_wrapped" in promoted and "root_sealed" not in promoted  # taken under their own password

    # Demoted again: the grant key goes with the role.
    admin = sign_in(folder, "admin", ADMIN_PW)
    change_role(admin.ctx, admin.keystore, admin.db_key, user_id=uid, role="clinician")
    doc = json.loads(keystore_path(folder).read_text(encoding="utf-8"))
    demoted = next(u for u in doc["users"] if u["user_id"] == uid)
    assert "root_wrapped" not in demoted and "root_sealed" not in demoted
    site.store = admin.store  # the fixture closes it


def test_a_grant_key_sealed_for_someone_else_gives_no_grant_powers(site: SiteSession) -> None:
    from app.security.keystore import NotAGrantor

    folder, uid = _nurse(site)
    other = add_user(site.ctx, site.keystore, site.db_key, username="other", full_name_en="Other", role="clinician",
                     password="other-pass-12")
    change_role(site.ctx, site.keystore, site.db_key, user_id=other, role="unit_admin")
    site.store.close()
    path = keystore_path(folder)
    doc = json.loads(path.read_text(encoding="utf-8"))
    mine = next(u for u in doc["users"] if u["user_id"] == uid)
    theirs = next(u for u in doc["users"] if u["user_id"] == other)
    mine["root_sealed"] = theirs["root_sealed"]  # a clinician copies the sealed key into their own entry
    path.write_text(json.dumps(doc), encoding="utf-8")
    nurse = sign_in(folder, "nurse", NURSE_PW)
    try:
        with pytest.raises(NotAGrantor):
            nurse.keystore.add_user(nurse.db_key, user_id="m1", username="mallory",  # type: ignore[arg-type]
                                    password="mallory-pass-1", role="clinician")
    finally:
        nurse.store.close()
    site.store = sign_in(folder, "admin", ADMIN_PW).store
