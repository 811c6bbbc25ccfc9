"""Locking after inactivity. The lock covers the window without closing anything, so forms stay as they were."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.ui.widgets.forms import ErrorLabel

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
             QEvent.Type.TouchBegin}


class IdleWatcher(QObject):
    """Application-wide event filter: notes the time of the last key or mouse use; ``idle`` fires after the limit.

    Only a timestamp is written per event (no timer restarts), so watching costs nothing while people type.
    """

    idle = Signal()

    def __init__(self, seconds: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seconds = seconds
        self.last = time.monotonic()
        self.armed = False
        self._check = QTimer(self)
        self._check.setInterval(int(max(0.05, min(5.0, seconds / 4)) * 1000))
        self._check.timeout.connect(self._tick)
        self._check.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _ACTIVITY:
            self.last = time.monotonic()
        return False

    def arm(self, on: bool) -> None:
        self.armed = on
        self.last = time.monotonic()

    def _tick(self) -> None:
        if self.armed and time.monotonic() - self.last >= self.seconds:
            self.armed = False
            self.idle.emit()


class LockPage(QWidget):
    unlock = Signal(str)
    switch_user = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockPage")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget(self)
        box.setMaximumWidth(460)
        form = QFormLayout(box)
        title = QLabel(self.tr("Locked. %1's work is kept exactly as it was.").replace("%1", name), box)
        title.setWordWrap(True)
        form.addRow(title)
        self.password = QLineEdit(box)
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self._submit)
        form.addRow(self.tr("Password"), self.password)
        self.error = ErrorLabel(box)
        form.addRow(self.error)
        row = QHBoxLayout()
        self.unlock_button = QPushButton(self.tr("Unlock"), box)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.clicked.connect(self._submit)
        other = QPushButton(self.tr("Switch user"), box)
        other.setObjectName("switchUserButton")
        other.clicked.connect(self.switch_user)
        row.addWidget(self.unlock_button)
        row.addWidget(other)
        form.addRow(row)
        center = QHBoxLayout()
        center.addStretch(1)
        center.addWidget(box)
        center.addStretch(1)
        outer.addLayout(center)
        outer.addStretch(2)

    def _submit(self) -> None:
        if self.password.text():
            self.unlock_button.setEnabled(False)
            self.unlock.emit(self.password.text())

    def reset(self, message: str = "") -> None:
        self.unlock_button.setEnabled(True)
        self.password.clear()
        self.error.say(message)
        self.password.setFocus()
