"""Per-user interface preferences, declared once, kept as a small JSON file in the data folder.

Only choices live here (language, last facility, last user name): never patient data.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.config import write_private

FILENAME = "ui-settings.json"
VERSION = 1


@dataclass
class UserPrefs:
    lang: str = "en"
    facility_id: str | None = None


@dataclass
class Prefs:
    version: int = VERSION
    last_username: str = ""
    last_lang: str = "en"
    # Minutes of inactivity before the session locks; the unit administrator may change it in the file.
    lock_minutes: float = 10.0
    # Background sync on an enrolled laptop; the unit administrator may turn it off in the Sync panel.
    auto_sync: bool = True
    # Days without a backup or a successful sync before the status bar and the Sync panel remind the unit
    # administrator; the unit administrator may change it in the file.
    remind_after_days: int = 7
    users: dict[str, UserPrefs] = field(default_factory=dict)

    def for_user(self, user_id: str) -> UserPrefs:
        return self.users.setdefault(user_id, UserPrefs(lang=self.last_lang))


def load(folder: Path) -> Prefs:
    try:
        raw = json.loads((folder / FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Prefs()
    users = {k: UserPrefs(**{f: v for f, v in u.items() if f in UserPrefs.__dataclass_fields__})
             for k, u in (raw.get("users") or {}).items() if isinstance(u, dict)}
    known = {k: v for k, v in raw.items() if k in Prefs.__dataclass_fields__ and k != "users"}
    return Prefs(**known, users=users)


def remind_after_days(folder: Path) -> int:
    """The reminder's N from the settings file; a value that is not a whole number of at least one day counts as
    the default, so a typo in the file never silences the reminder."""
    days = load(folder).remind_after_days
    return days if type(days) is int and days >= 1 else Prefs.remind_after_days


def save(folder: Path, prefs: Prefs) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (FILENAME + ".tmp")
    write_private(tmp, json.dumps(asdict(prefs), ensure_ascii=False, indent=1).encode("utf-8"))
    os.replace(tmp, folder / FILENAME)  # never a half-written settings file
