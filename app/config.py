"""Where Sayyar keeps its files. ``--data-dir`` beats ``SAYYAR_DATA_DIR`` beats the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

DB_FILENAME = "sayyar.db"
KEYSTORE_FILENAME = "keystore.json"


def data_dir(explicit: str | Path | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("SAYYAR_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir("Sayyar", "IOM"))


def db_path(folder: Path) -> Path:
    return folder / DB_FILENAME


def keystore_path(folder: Path) -> Path:
    return folder / KEYSTORE_FILENAME


def make_private(path: Path) -> None:
    """Only this user may open ``path`` (a folder or a file of the data folder), on every system Sayyar runs on.

    POSIX: mode 0700 for folders, 0600 for files (new files in a 0700 folder are out of others' reach too).
    Windows: nothing to do: the data folder lives in the user's profile (%LOCALAPPDATA%), whose access list already
    admits only that user, SYSTEM and administrators, and files inherit it. Best effort everywhere: a folder on a
    FAT USB stick has no permissions to set.
    """
    if os.name == "nt":
        return
    try:
        path.chmod(0o700 if path.is_dir() else 0o600)
    except OSError:
        pass


def private_opener(path: str, flags: int) -> int:
    """For ``open(path, mode, opener=private_opener)`` when a file is written in pieces: a new file is created
    readable by this user only (POSIX mode 0600), never briefly readable by others. A file that already existed keeps
    its mode: call :func:`make_private` on it too."""
    return os.open(path, flags, 0o600)


def write_private(path: Path, data: bytes) -> None:
    """Write a file that holds a secret (an enrolment's token): created readable by this user only, never briefly
    readable by others (POSIX mode 0600 from the start; Windows: the folder's access list)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    make_private(path)
