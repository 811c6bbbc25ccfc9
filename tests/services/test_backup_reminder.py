"""The reminder when a laptop's records have been safe nowhere else for N days (issue 13): no backup and no
successful sync since then; N is the unit administrator's setting in the laptop's settings file (default 7)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.services.backup import _remember_backup, backup_reminder
from app.store import Store
from app.sync import identity
from app.ui import prefs


def test_reminded_after_n_days_without_backup_or_sync(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    start = datetime.now(timezone.utc)
    assert backup_reminder(store, folder, now=start + timedelta(days=6)) is None
    assert backup_reminder(store, folder, now=start + timedelta(days=8)) == 8  # never backed up nor synced
    _remember_backup(folder, start + timedelta(days=6), "zah.sayyarbackup")
    assert backup_reminder(store, folder, now=start + timedelta(days=8)) is None
    assert backup_reminder(store, folder, now=start + timedelta(days=14)) == 8
    assert backup_reminder(store, folder, days=10, now=start + timedelta(days=14)) is None
    never_backed_up = tmp_path / "other"
    never_backed_up.mkdir()
    identity.ensure_keys(store)
    identity.record_attempt(store, error=None)  # a successful sync counts as safe as a backup
    synced = datetime.now(timezone.utc)
    assert backup_reminder(store, never_backed_up, now=synced + timedelta(days=6, hours=23)) is None
    identity.record_attempt(store, error="the server could not be reached")  # a failed one does not
    assert backup_reminder(store, never_backed_up, now=synced + timedelta(days=7, hours=1)) == 7


def test_the_administrator_sets_n_in_the_settings_file(tmp_path: Path) -> None:
    assert prefs.remind_after_days(tmp_path) == 7
    saved = prefs.load(tmp_path)
    saved.remind_after_days = 3
    prefs.save(tmp_path, saved)
    assert prefs.remind_after_days(tmp_path) == 3
    for bad in (0, -2, "ten", 2.5, None):
        raw = json.loads((tmp_path / prefs.FILENAME).read_text(encoding="utf-8"))
        raw["remind_after_days"] = bad
        (tmp_path / prefs.FILENAME).write_text(json.dumps(raw), encoding="utf-8")
        assert prefs.remind_after_days(tmp_path) == 7, bad  # a typo never silences the reminder
