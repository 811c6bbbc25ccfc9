"""Issue 12, "roles that a database edit cannot grant": headquarters deactivating a laptop user ends that person's
access on the laptop as the unit administrator's own deactivation does. The deactivation travels as a
headquarters-signed staff record in the feed; the laptop's round then drops the person's wrap from keystore.json and
rekeys the SQLCipher file, so a copy of keystore.json taken before opens nothing of today's database.

Everything runs through the real command line (``sayyar sync``, ``sayyar hq reference``), a real encrypted data
folder and the real server on a loopback port.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import SITE_ADMIN_PW, SITE_STAFF_PW, LiveServer, enrolled_site, server_engine
from sqlalchemy import select

from app.cli import main
from app.config import db_path, keystore_path
from app.hq.staff import set_staff
from app.models import User
from app.security.keystore import Keystore
from app.services.site import SignInFailed, sign_in
from app.store import Store
from app.store.db import WrongDatabaseKey

ADMIN_PW = SITE_ADMIN_PW
NURSE_PW = SITE_STAFF_PW
HQ_PW = "hq-staff-pass-1"


pytestmark = pytest.mark.usefixtures("fast_kdf")


def _opens(site: Path, key: bytes) -> bool:
    try:
        Store.open(db_path(site), key).close()
    except WrongDatabaseKey:
        return False
    return True


def test_a_deactivation_from_headquarters_replaces_the_laptops_database_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    central_db = tmp_path / "central.db"
    engine = server_engine(str(central_db))
    with LiveServer(engine) as srv:
        site = enrolled_site(tmp_path, srv.url, central_db, monkeypatch)
        stolen = tmp_path / "keystore-copied-before.json"
        shutil.copy(keystore_path(site), stolen)
        old_key = Keystore.load(stolen).unlock("nurse", NURSE_PW).db_key
        assert _opens(site, old_key)

        set_staff(engine, username="l.karimi", role="headquarters", password=HQ_PW)
        monkeypatch.setenv("SAYYAR_PASSWORD", HQ_PW)
        assert (
            main(["--user", "l.karimi", "hq", "reference", "--db", str(central_db), "staff", "nurse", "active", "off"])
            == 0
        )
        capsys.readouterr()
        monkeypatch.setenv("SAYYAR_PASSWORD", ADMIN_PW)
        assert main(["--data-dir", str(site), "--user", "admin", "sync"]) == 0
        said = capsys.readouterr().out

    # The copy taken before opens only the old key, which no longer opens the database: neither the deactivated
    # person's entry nor anyone else's in that copy.
    assert not _opens(site, old_key)
    assert not _opens(site, Keystore.load(stolen).unlock("admin", ADMIN_PW).db_key)
    # The entry is gone from today's keystore, its person cannot sign in; everyone else can.
    assert "nurse" not in [u.username for u in Keystore.load(keystore_path(site)).users()]
    with pytest.raises(SignInFailed):
        sign_in(site, "nurse", NURSE_PW)
    for name, password in (("admin", ADMIN_PW), ("midwife", NURSE_PW)):
        session = sign_in(site, name, password)
        with session.store.read() as s:
            assert s.scalar(select(User.active).where(User.username == "nurse")) is False
        session.store.close()
    assert not Path(str(keystore_path(site)) + ".next").exists()
    assert "headquarters ended the access of nurse: the database key was replaced" in said
