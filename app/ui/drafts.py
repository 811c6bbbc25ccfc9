"""Drafts: every open form is saved on each change (debounced), so nothing typed is lost to a closed window, a lock,
a user switch or a crash. Drafts hold patient data, so they are sealed (AES-GCM) under a key derived from the
database key (``Store.drafts_key``) and kept in the private data folder (``<data>/drafts/<user_id>/<form>.draft``,
folder 0700, files 0600 on POSIX); they are deleted when the form is saved or discarded (trust rules,
docs/architecture.md). Only an unencrypted database (tests) has unsealed drafts."""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from PySide6.QtCore import QObject, QTimer

from app.config import make_private, write_private

SAVE_DELAY_MS = 400


@dataclass
class Draft:
    key: str
    kind: str
    args: dict[str, Any]
    title: str
    saved_at: float
    state: dict[str, Any]


_MAGIC = b"SYD1"


class DraftStore:
    def __init__(self, data_dir: Path, user_id: str, key: bytes | None = None) -> None:
        self.folder = data_dir / "drafts" / user_id
        self.user_id = user_id
        self.key = key

    def _path(self, key: str) -> Path:
        return self.folder / (re.sub(r"[^A-Za-z0-9_.-]", "_", key) + ".draft")

    def _seal(self, data: bytes) -> bytes:
        if self.key is None:
            return data
        nonce = secrets.token_bytes(12)
        return _MAGIC + nonce + AESGCM(self.key).encrypt(nonce, data, self.user_id.encode("utf-8"))

    def _open(self, blob: bytes) -> bytes:
        if self.key is None:
            return blob
        if not blob.startswith(_MAGIC):
            raise ValueError("not a sealed draft")
        nonce, sealed = blob[4:16], blob[16:]
        return AESGCM(self.key).decrypt(nonce, sealed, self.user_id.encode("utf-8"))

    def save(self, draft: Draft) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        make_private(self.folder.parent)
        make_private(self.folder)
        path = self._path(draft.key)
        tmp = path.with_suffix(".tmp")
        data = self._seal(json.dumps(draft.__dict__, ensure_ascii=False).encode("utf-8"))
        write_private(tmp, data)
        os.replace(tmp, path)

    def load(self, key: str) -> Draft | None:
        try:
            return Draft(**json.loads(self._open(self._path(key).read_bytes()).decode("utf-8")))
        except (OSError, ValueError, TypeError, InvalidTag):
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def all(self) -> list[Draft]:
        if not self.folder.exists():
            return []
        for old in self.folder.glob("*.json"):  # drafts an earlier version left in clear
            old.unlink(missing_ok=True)
        found = [self.load(p.stem) for p in sorted(self.folder.glob("*.draft"))]
        return [d for d in found if d is not None]


class Autosaver(QObject):
    """Debounces a form's changes into a draft. ``touch()`` on every edit; ``flush()`` before the form goes away."""

    def __init__(self, store: DraftStore, key: str, kind: str, args: dict[str, Any], title: str,
                 get_state: Callable[[], dict[str, Any]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.key, self.kind, self.args, self.title = store, key, kind, args, title
        self.get_state = get_state
        self.paused = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)

        self.dirty = False

    def touch(self, *_: object) -> None:
        if not self.paused:
            self.dirty = True
            self._timer.start()

    def flush(self) -> None:
        self._timer.stop()
        if self.paused or not self.dirty:
            return
        self.dirty = False
        self.store.save(Draft(self.key, self.kind, self.args, self.title, time.time(), self.get_state()))

    def discard(self) -> None:
        self._timer.stop()
        self.dirty = False
        self.store.delete(self.key)
