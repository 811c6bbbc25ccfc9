"""Upgrades keep everything: a laptop data folder written by Sayyar 0.1.0 in the field (tests/fixtures/laptop-0.1.0,
made by tests/fixtures/make_laptop_fixture.py with the released code) opened by this version. The database is
copied aside before any schema upgrade; every record, every sign-in, the recovery key and the sync enrolment stay."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.config import db_path, keystore_path
from app.models import SYNCED_MODELS, ChangeLog
from app.security.keystore import Keystore
from app.services.site import sign_in
from app.store.migrate import HEAD_REVISION
from app.sync import identity
from release_scenario import ROOT, Runner

FIXTURE = ROOT / "tests" / "fixtures" / "laptop-0.1.0"
MANIFEST = json.loads((FIXTURE.parent / "laptop-0.1.0.manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def laptop(tmp_path: Path) -> Path:
    folder = tmp_path / "Sayyar"
    shutil.copytree(FIXTURE, folder)
    for name, digest in MANIFEST["files_sha256"].items():  # the fixture itself is intact
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    return folder


def test_a_laptop_from_0_1_0_keeps_everything(laptop: Path) -> None:
    password = MANIFEST["password"]
    session = sign_in(laptop, "admin", password)
    store = session.store
    try:
        backups = sorted(laptop.glob(f"sayyar.before-upgrade-from-{MANIFEST['schema']}.*.db"))
        if MANIFEST["schema"] != HEAD_REVISION:
            # Upgraded: the untouched 0.1.0 file was copied aside first.
            assert len(backups) == 1
            assert hashlib.sha256(backups[0].read_bytes()).hexdigest() == MANIFEST["files_sha256"]["sayyar.db"]
        else:
            assert backups == []  # same schema: opened as it is, nothing rewritten
        with store.read() as s:
            for entity, rows in MANIFEST["records"].items():
                model = SYNCED_MODELS[entity]
                kept = {(r.id, r.version, r.hlc) for r in s.scalars(select(model))}
                missing = {tuple(r) for r in rows} - kept
                assert missing == set(), f"{entity}: {len(missing)} record(s) lost"
            assert (s.scalar(select(func.count()).select_from(ChangeLog)) or 0) >= MANIFEST["changes"]
        ident = identity.identity(store)
        assert (ident.device_id, ident.device_code, ident.epoch, ident.server_url) == (
            MANIFEST["device_id"], MANIFEST["device_code"], MANIFEST["epoch"], MANIFEST["server_url"])
        assert hashlib.sha256(ident.token.encode()).hexdigest() == MANIFEST["token_sha256"]
        assert ident.hq_box_public and ident.hq_sign_public  # bundles can still be written for headquarters
    finally:
        store.close()

    keystore = Keystore.load(keystore_path(laptop))
    assert sorted(u.username for u in keystore.users()) == MANIFEST["users"]
    for user in ("m.shahraki", "h.rigi", "l.karimi"):
        sign_in(laptop, user, password).store.close()
    assert len(keystore.unlock_with_recovery(MANIFEST["recovery_key"])) == 32
    assert db_path(laptop).exists()


def test_the_upgraded_laptop_works_from_the_command_line(laptop: Path, tmp_path: Path) -> None:
    import sys

    run = Runner([sys.executable, "-m", "app"], tmp_path)
    run.env["PYTHONPATH"] = str(ROOT)
    assert "set up: yes" in run("info", "--data-dir", laptop)
    status = run("sync", "status", "--data-dir", laptop, "--user", "admin")
    assert f"epoch {MANIFEST['epoch']}" in status
    out = tmp_path / "upgrade.sayyar"
    assert "changes" in run("bundle", "export", "--out", out, "--data-dir", laptop, "--user", "h.rigi")
