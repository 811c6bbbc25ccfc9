"""Issue 12, "roles that a database edit cannot grant": the key that verifies the role grants is anchored to
headquarters. A clinician holds the database key (every user's password unwraps it) and can rewrite keystore.json:
they make a key pair of their own, sign themselves unit administrator with it and put its public half in the file.
Since the laptop's grant key is certified by headquarters' key at its first round (the certificate kept in the
encrypted database, the key at the server for the device), that sign-in is refused with a sentence; the real unit
administrator still signs in and puts the certified key back. A clinician who also rewrites the database's copy of
headquarters' key gets past the laptop's own check, and is refused by the server at the next round, which keeps the
refusal for headquarters to see.

A real encrypted data folder, the real command line, the real server on a loopback port.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher  # type: ignore[import-not-found]
from helpers import SITE_ADMIN_PW, SITE_STAFF_PW, LiveServer, enrolled_site, server_cli, server_engine
from sqlalchemy import select

from app.cli import main
from app.config import db_path, keystore_path
from app.models import SyncIdentity, User
from app.security.keystore import Keystore
from app.security.keystore.crypto import _role_mac
from app.security.keystore.grants import new_root, sign_grant
from app.server import models as m
from app.services.site import SignInFailed, sign_in
from app.services.users import change_role
from app.sync import crypto

pytestmark = pytest.mark.usefixtures("fast_kdf")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _sql(folder: Path, key: bytes, sql: str, *params: object) -> list[tuple[object, ...]]:
    """What a user with the database key and a SQLite shell can do: no Sayyar code involved."""
    conn = sqlcipher.connect(str(db_path(folder)))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        rows = conn.execute(sql, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def _forge_keystore(folder: Path, key: bytes, user_id: str) -> bytes:
    """The clinician's own grant key in keystore.json: every entry signed again with it, their own as unit
    administrator (the role MAC made with the database key they hold), the staff row to match. Returns the key."""
    fake_private, fake_public = new_root()
    path = keystore_path(folder)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["root_public"] = _b64(fake_public)
    for entry in doc["users"]:
        if entry["user_id"] == user_id:
            entry["role"] = "unit_admin"
            entry["role_mac"] = _b64(_role_mac(key, user_id, "unit_admin"))
        entry["grant"] = _b64(
            sign_grant(fake_private, doc["keystore_id"], entry["user_id"], entry["username"], entry["role"])
        )
    path.write_text(json.dumps(doc), encoding="utf-8")
    _sql(folder, key, "UPDATE user_account SET role = 'unit_admin' WHERE id = ?", user_id)
    return fake_public


def test_a_grant_key_swapped_in_the_keystore_is_refused_and_the_administrator_repairs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    central_db = tmp_path / "central.db"
    engine = server_engine(str(central_db))
    with LiveServer(engine) as srv:
        site = enrolled_site(tmp_path, srv.url, central_db, monkeypatch)
    certified = Keystore.load(keystore_path(site)).grant_public
    nurse = sign_in(site, "nurse", SITE_STAFF_PW)
    key, uid = nurse.db_key, nurse.ctx.user_id
    with nurse.store.read() as s:
        ident = s.get(SyncIdentity, 1)
        assert ident is not None and ident.grant_public == certified and ident.grant_cert  # kept from the round
    nurse.store.close()
    assert key is not None
    with engine.connect() as conn:  # and at the server, for this device
        assert conn.execute(select(m.device_anchor.c.grant_public)).scalar_one() == crypto.b64(certified)

    _forge_keystore(site, key, uid)
    with pytest.raises(SignInFailed) as refused:
        sign_in(site, "nurse", SITE_STAFF_PW)
    assert refused.value.code == "GrantKeyNotCertified"
    assert "not the one headquarters certified for this laptop" in refused.value.message_en
    assert refused.value.message_fa
    # Through the command line: the sentence, never a traceback.
    monkeypatch.setenv("SAYYAR_PASSWORD", SITE_STAFF_PW)
    assert main(["--data-dir", str(site), "--user", "nurse", "sync", "status"]) != 0
    err = capsys.readouterr().err
    assert "headquarters certified" in err and "Traceback" not in err

    # The real administrator is not locked out: their entry holds the certified key under their own password.
    admin = sign_in(site, "admin", SITE_ADMIN_PW)
    assert admin.ctx.role == "unit_admin"
    assert Keystore.load(keystore_path(site)).grant_public == certified
    with pytest.raises(SignInFailed) as still:  # the grants the impostor key signed hold no longer
        sign_in(site, "nurse", SITE_STAFF_PW)
    assert still.value.code == "RoleNotGranted"
    with pytest.raises(SignInFailed):  # the impostor signed everyone's entry: the administrator sets them again
        sign_in(site, "midwife", SITE_STAFF_PW)
    change_role(admin.ctx, admin.keystore, admin.db_key, user_id=uid, role="clinician")
    with admin.store.read() as s:
        midwife = s.scalar(select(User.id).where(User.username == "midwife"))
    change_role(admin.ctx, admin.keystore, admin.db_key, user_id=midwife, role="clinician")
    admin.store.close()
    for name in ("nurse", "midwife"):
        back = sign_in(site, name, SITE_STAFF_PW)
        assert back.ctx.role == "clinician"
        back.store.close()


def test_a_laptop_whose_anchor_was_rewritten_too_is_refused_by_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    central_db = tmp_path / "central.db"
    engine = server_engine(str(central_db))
    with LiveServer(engine) as srv:
        site = enrolled_site(tmp_path, srv.url, central_db, monkeypatch)
        nurse = sign_in(site, "nurse", SITE_STAFF_PW)
        key, uid, device_id = nurse.db_key, nurse.ctx.user_id, nurse.store.device.device_id
        nurse.store.close()
        assert key is not None
        fake_public = _forge_keystore(site, key, uid)
        # ... and the database's copy of headquarters' key, with a certificate of their own "headquarters".
        hq_private, hq_public = crypto.new_signing_key()
        real_hq = _sql(site, key, "SELECT hq_sign_public FROM sync_identity")[0][0]
        _sql(
            site,
            key,
            "UPDATE sync_identity SET hq_sign_public = ?, grant_public = ?, grant_cert = ?",
            hq_public,
            fake_public,
            crypto.sign(hq_private, crypto.grant_key_message(device_id, fake_public)),
        )
        # The laptop alone cannot tell (the person holds the database key: docs/architecture.md says so) ...
        forged = sign_in(site, "nurse", SITE_STAFF_PW)
        assert forged.ctx.role == "unit_admin"
        forged.store.close()
        # ... the server can: it refuses the round before taking or giving anything, and keeps the refusal.
        monkeypatch.setenv("SAYYAR_PASSWORD", SITE_STAFF_PW)
        nurse_cli = ["--data-dir", str(site), "--user", "nurse", "sync"]
        assert main(nurse_cli) == 2
        err = capsys.readouterr().err
        assert "keys were changed" in err and "Traceback" not in err
        # Putting headquarters' real key back does not help: the grant key is still not the certified one.
        _sql(site, key, "UPDATE sync_identity SET hq_sign_public = ?", real_hq)
        assert main(nurse_cli) == 2
        assert "not the one headquarters certified" in capsys.readouterr().err
    with engine.connect() as conn:
        row = conn.execute(select(m.device_anchor)).one()
    assert row.refused_count == 2 and row.refused_grant_public == crypto.b64(fake_public)
    assert row.grant_public != crypto.b64(fake_public)
    assert server_cli(["devices", "--db", str(central_db)]) == 0
    assert "KEYS-CHANGED (refused 2x)" in capsys.readouterr().out


def test_the_grant_key_of_the_enrolment_request_is_the_one_certified(tmp_path: Path) -> None:
    """Nobody holding the laptop's token can have another key certified before the laptop's first round: the key
    comes with the enrolment request headquarters acted on."""
    from app.server import devices

    engine = server_engine(str(tmp_path / "central.db"))
    _, laptop_key = new_root()
    _, thief_key = new_root()
    device_id = "0b8f3a52-5a7e-4c1e-9a43-0d4b1e7f2c11"
    with engine.begin() as conn:
        devices.enrol_device(
            conn, device_id=device_id, device_code="ZAH9", public_key=_b64(b"\1" * 32), grant_public=_b64(laptop_key)
        )
        hq_id = crypto.key_id(devices.hq_keys(conn).sign_public)
    with engine.begin() as conn, pytest.raises(devices.AnchorChanged):
        devices.certify_grant_key(conn, device_id, _b64(thief_key), hq_id)
    with engine.begin() as conn:
        signature = crypto.unb64(devices.certify_grant_key(conn, device_id, _b64(laptop_key), hq_id))
        assert crypto.verify(
            devices.hq_keys(conn).sign_public, signature, crypto.grant_key_message(device_id, laptop_key)
        )
