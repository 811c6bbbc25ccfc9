"""Issue 12: replacing the database key when someone loses access is crash-safe. The new keystore is written whole
beside the old (keystore.json.next), the SQLCipher file rekeyed, then the new file renamed over the old; a process
killed between two of those steps (``os._exit``: no cleanup runs) leaves a database that every remaining user opens,
and the next sign-in finishes the change, so the keystore copied before still opens nothing.

The access is removed the way a headquarters deactivation arrives: the staff record is already inactive in the
database (the feed page committed), and the key change that follows is cut off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher  # type: ignore[import-not-found]
from services_security.conftest import ADMIN_PW

from app.config import db_path, keystore_path
from app.security.keystore import Keystore
from app.services.site import SignInFailed, SiteSession, sign_in
from app.services.users import add_user
from app.store import Store
from app.store.db import WrongDatabaseKey

NURSE_PW = "nurse-pass-1"

# Signs in as the administrator in a fresh process; the sign-in finds the inactive account and replaces the key,
# and the process dies at the chosen step.
_CRASH = """
import os, sys
from pathlib import Path
import app.security.keystore.store as ks
from app.security.keystore import KdfParams
ks.DEFAULT_KDF_PARAMS = KdfParams(time_cost=1, memory_cost=64, parallelism=1)
import app.store.db as db
from app.services.site import sign_in

def die(*args, **kwargs):
    os._exit(3)

if sys.argv[2] == "before_rekey":
    db.Store.rekey = die                # the new keystore is beside the old; the database not yet rekeyed
else:
    ks._replace_with_retry = die        # the database rekeyed; the new keystore not yet renamed over the old
sign_in(Path(sys.argv[1]), "admin", sys.argv[3])
"""


def _opens(folder: Path, key: bytes) -> bool:
    try:
        Store.open(db_path(folder), key).close()
    except WrongDatabaseKey:
        return False
    return True


def _deactivated_at_headquarters(folder: Path, key: bytes, user_id: str) -> None:
    """What the feed page leaves: the staff record inactive, the keystore not yet changed."""
    conn = sqlcipher.connect(str(db_path(folder)))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("UPDATE user_account SET active = 0 WHERE id = ?", (user_id,))
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize("step", ["before_rekey", "after_rekey"])
def test_a_key_change_cut_off_leaves_a_database_the_remaining_users_open(site: SiteSession, step: str) -> None:
    folder = site.store.path.parent
    nurse = add_user(
        site.ctx,
        site.keystore,
        site.db_key,
        username="nurse",
        full_name_en="Nurse",
        role="clinician",
        password=NURSE_PW,
    )
    add_user(
        site.ctx,
        site.keystore,
        site.db_key,
        username="midwife",
        full_name_en="Midwife",
        role="clinician",
        password=NURSE_PW,
    )
    key = site.store.current_key()
    assert key is not None
    site.store.close()
    stolen = folder.parent / "keystore-copied-before.json"
    shutil.copy(keystore_path(folder), stolen)
    old_key = Keystore.load(stolen).unlock("nurse", NURSE_PW).db_key
    _deactivated_at_headquarters(folder, key, nurse)

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", _CRASH, str(folder), step, ADMIN_PW],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr[-2000:]
    pending = Path(str(keystore_path(folder)) + ".next")
    assert pending.exists()  # the process died between the steps
    assert _opens(folder, old_key) == (step == "before_rekey")

    # A remaining user who is not an administrator signs in and the change is finished.
    midwife = sign_in(folder, "midwife", NURSE_PW)
    midwife.store.close()
    assert not pending.exists()
    assert not _opens(folder, old_key)  # the copy taken before opens nothing now
    with pytest.raises(SignInFailed):
        sign_in(folder, "nurse", NURSE_PW)
    site.store = sign_in(folder, "admin", ADMIN_PW).store  # the fixture closes it
    assert [u.username for u in Keystore.load(keystore_path(folder)).users()] == ["admin", "midwife"]


def test_the_recovery_key_finishes_a_key_change_cut_off_when_every_password_is_lost(
    tmp_path: Path, fast_kdf: None
) -> None:
    from app.services.backup import recover_with_key
    from app.services.site import create_site

    folder = tmp_path / "site"
    recovery = create_site(
        folder, admin_username="admin", admin_password=ADMIN_PW, admin_full_name="Admin", device_code="ZAH1"
    )
    admin = sign_in(folder, "admin", ADMIN_PW)
    nurse = add_user(
        admin.ctx, admin.keystore, admin.db_key, username="nurse", full_name_en="N", role="clinician", password=NURSE_PW
    )
    key = admin.store.current_key()
    assert key is not None
    admin.store.close()
    old_key = Keystore.load(keystore_path(folder)).unlock("nurse", NURSE_PW).db_key
    _deactivated_at_headquarters(folder, key, nurse)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", _CRASH, str(folder), "after_rekey", ADMIN_PW],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr[-2000:]
    assert not _opens(folder, old_key)  # the database has the new key; keystore.json still the old one

    recover_with_key(folder, recovery, username="admin", new_password="new-admin-pass-1")
    assert not Path(str(keystore_path(folder)) + ".next").exists()
    sign_in(folder, "admin", "new-admin-pass-1").store.close()
