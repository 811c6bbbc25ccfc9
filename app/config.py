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
