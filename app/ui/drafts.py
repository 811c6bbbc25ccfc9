"""Drafts: every open form is saved as JSON on each change (debounced), so nothing typed is lost to a closed
window, a lock, a user switch or a crash. Drafts may hold patient data, so they stay inside the data folder
(``<data>/drafts/<user_id>/<form>.json``) and are deleted when the form is saved or discarded."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer

SAVE_DELAY_MS = 400


@dataclass
class Draft:
    key: str
    kind: str
    args: dict[str, Any]
    title: str
    saved_at: float
    state: dict[str, Any]


class DraftStore:
    def __init__(self, data_dir: Path, user_id: str) -> None:
        self.folder = data_dir / "drafts" / user_id

    def _path(self, key: str) -> Path:
        return self.folder / (re.sub(r"[^A-Za-z0-9_.-]", "_", key) + ".json")

    def save(self, draft: Draft) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(draft.key)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(draft.__dict__, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def load(self, key: str) -> Draft | None:
        try:
            return Draft(**json.loads(self._path(key).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def all(self) -> list[Draft]:
        if not self.folder.exists():
            return []
        found = [self.load(p.stem) for p in sorted(self.folder.glob("*.json"))]
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
