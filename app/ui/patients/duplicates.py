"""Before saving a registration that looks like someone already registered: open one of them, or go on with a
reason (kept in the audit trail)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from app.ui import i18n, labels
from app.ui.widgets.forms import ErrorLabel


class DuplicateDialog(QDialog):
    OPEN, REGISTER = 1, 2

    def __init__(self, error: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicateDialog")
        self.setWindowTitle(self.tr("Possible duplicate"))
        self.choice = 0
        self.chosen_id: str | None = None
        self.reason_text = ""
        col = QVBoxLayout(self)
        message = QLabel(error.message(i18n.current_lang()), self)
        message.setWordWrap(True)
        col.addWidget(message)
        self.list = QListWidget(self)
        self.list.setObjectName("candidates")
        sex = labels.sex()
        for c in error.candidates:
            strength = self.tr("same document") if c.strong else self.tr("similar")
            text = self.tr("%1 — %2, father: %3, %4, born %5 (%6)").replace("%1", c.code) \
                .replace("%2", c.display_name).replace("%3", c.father_name).replace("%4", sex.get(c.sex, c.sex)) \
                .replace("%5", str(c.birth_year)).replace("%6", strength)
            item = QListWidgetItem(text, self.list)
            item.setData(256, c.patient_id)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _: self._open())
        col.addWidget(self.list)
        open_button = QPushButton(self.tr("Open the selected record instead"), self)
        open_button.setObjectName("openExisting")
        open_button.setDefault(True)
        open_button.clicked.connect(self._open)
        col.addWidget(open_button)
        col.addWidget(QLabel(self.tr("Or register a new record anyway — say why:"), self))
        self.reason = QLineEdit(self)
        self.reason.setObjectName("overrideReason")
        self.reason.setPlaceholderText(self.tr("e.g. different person: other father's name confirmed"))
        col.addWidget(self.reason)
        self.error = ErrorLabel(self)
        col.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        anyway = buttons.addButton(self.tr("Register anyway"), QDialogButtonBox.ButtonRole.AcceptRole)
        anyway.setObjectName("registerAnyway")
        anyway.clicked.connect(self._register)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.clicked.connect(self.reject)
        col.addWidget(buttons)
        self.resize(640, 380)

    def _open(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.choice, self.chosen_id = self.OPEN, item.data(256)
            self.accept()

    def _register(self) -> None:
        if not self.reason.text().strip():
            self.error.say(self.tr("A reason is needed to register a possible duplicate."))
            self.reason.setFocus()
            return
        self.choice, self.reason_text = self.REGISTER, self.reason.text().strip()
        self.accept()
