"""The data folder is the user's alone (issue #12, hole 3; docs/architecture.md, trust rules): after a laptop is set
up, enrolled, synced, a bundle exported and a backup taken with the real command line, the folder and every folder in
it are 0700 and every file 0600 on POSIX, also files made later (the database's WAL and shared-memory files while it
is open, log files started after a rotation, settings and bookkeeping files rewritten), whatever the process's umask.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from helpers import LiveServer, server_cli
from sqlalchemy import Engine

from app.cli import main
from app.services.site import sign_in

PASSWORD = "unit-admin-pass-1405"

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes; on Windows the profile's access list")


@pytest.fixture(autouse=True)
def _everyday_umask(fast_kdf: None):  # type: ignore[no-untyped-def]
    """The usual umask of a desktop session (files 0644 unless Sayyar says otherwise), and cheap password hashing
    (the flow is under test here, not argon2's cost)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _not_private(folder: Path) -> list[str]:
    wrong = []
    for path in [folder, *sorted(folder.rglob("*"))]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        if mode != want:
            wrong.append(f"{path.relative_to(folder.parent)} {mode:o}")
    return wrong


def test_a_laptops_data_folder_and_every_file_in_it_are_private(tmp_path: Path, central: Engine, live: LiveServer,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import app.logging_setup

    monkeypatch.setattr(app.logging_setup, "MAX_BYTES", 600)  # a few lines per log file: rotated many times
    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)
    monkeypatch.setenv("SAYYAR_NEW_PASSWORD", PASSWORD)
    folder = tmp_path / "zah2"
    me = ["--data-dir", str(folder), "--user", "zah.admin"]
    assert main(["--data-dir", str(folder), "setup", "--unit", "MHU-ZAH", "--device-code", "ZAH2",
                 "--admin", "zah.admin"]) == 0
    assert _not_private(folder) == []
    request, enrolment = folder / "zah2.request.json", folder / "zah2.enrolment.json"
    assert main([*me, "sync", "device-request", "--out", str(request)]) == 0
    assert server_cli(["enrol-device", "--db", str(central.url.database), "--request", str(request),
                 "--server-url", live.url, "--out", str(enrolment)]) == 0
    assert main([*me, "sync", "enrol", str(enrolment)]) == 0
    session = sign_in(folder, "zah.admin", PASSWORD)
    try:
        from app.services.users import add_user

        add_user(session.ctx, session.keystore, session.db_key, username="zah.nurse", full_name_en="Nurse",
                 full_name_fa="پرستار", role="clinician", password=PASSWORD)
        # While the database is open SQLite keeps its write-ahead log and shared memory beside it.
        assert {p.name for p in folder.iterdir()} >= {"sayyar.db-wal", "sayyar.db-shm"}
        assert _not_private(folder) == []
    finally:
        session.store.close()
    assert main([*me, "sync"]) == 0
    assert main([*me, "bundle", "export", "--out", str(folder / "outbox" / "zah2.sayyar")]) == 0
    assert main([*me, "backup", "--out", str(folder / "backups" / "zah2")]) == 0
    assert main([*me, "change-password"]) == 0  # the keystore written again
    from app.ui import prefs

    prefs.save(folder, prefs.load(folder))  # the app's own settings file
    logs = list((folder / "logs").iterdir())
    assert len(logs) > 1, "the log was never rotated"
    assert (folder / "backups" / "zah2.sayyarbackup").exists() and (folder / "outbox" / "zah2.sayyar").exists()
    assert _not_private(folder) == []
