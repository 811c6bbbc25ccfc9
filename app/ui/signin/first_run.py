"""First run on a new laptop: the unit administrator, the device code and the unit; then the recovery key, once."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.reference import load_sample_site
from app.ui import i18n
from app.ui.widgets.forms import ErrorLabel


class FirstRunWindow(QWidget):
    submitted = Signal(dict)
    finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunWindow")
        self.setWindowTitle(self.tr("Sayyar — set up this laptop"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(30, 20, 30, 20)
        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages)

        page = QWidget(self)
        form = QFormLayout(page)
        intro = QLabel(self.tr("Sayyar is not set up on this laptop yet. The unit administrator creates the first "
                               "account; the database is encrypted with it."), page)
        intro.setWordWrap(True)
        form.addRow(intro)
        self.full_name = QLineEdit(page)
        self.full_name.setObjectName("fullName")
        self.username = QLineEdit(page)
        self.username.setObjectName("adminUsername")
        self.password = QLineEdit(page)
        self.password.setObjectName("adminPassword")
        self.password2 = QLineEdit(page)
        self.password2.setObjectName("adminPassword2")
        for field in (self.password, self.password2):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.device = QLineEdit(page)
        self.device.setObjectName("deviceCode")
        self.device.setMaxLength(8)
        self.device.setPlaceholderText(self.tr("e.g. ZAH1"))
        self._suggested = ""
        self.device.textEdited.connect(self._suggest_username)
        self.unit = QComboBox(page)
        self.unit.setObjectName("unit")
        for u in load_sample_site().units:
            self.unit.addItem(i18n.pick(u.name_en, u.name_fa), u.code)
        form.addRow(self.tr("Administrator's full name"), self.full_name)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Password again"), self.password2)
        form.addRow(self.tr("Device code"), self.device)
        form.addRow(self.tr("Unit (sample list)"), self.unit)
        self.error = ErrorLabel(page)
        self.error.setObjectName("firstRunError")
        form.addRow(self.error)
        self.create = QPushButton(self.tr("Set up"), page)
        self.create.setObjectName("setUpButton")
        self.create.clicked.connect(self._submit)
        form.addRow(self.create)
        self.pages.addWidget(page)

        page2 = QWidget(self)
        col = QVBoxLayout(page2)
        col.addWidget(QLabel(self.tr("Recovery key — shown only this once. Write it down and keep it locked away; "
                                     "it opens the database if every password is lost."), page2))
        self.key_label = QLabel(page2)
        self.key_label.setObjectName("recoveryKey")
        font = QFont("monospace")
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.key_label.setFont(font)
        self.key_label.setWordWrap(True)
        col.addWidget(self.key_label)
        self.confirm = QCheckBox(self.tr("I have written it down"), page2)
        self.confirm.setObjectName("writtenDown")
        col.addWidget(self.confirm)
        self.done = QPushButton(self.tr("Continue to sign in"), page2)
        self.done.setObjectName("continueButton")
        self.done.setEnabled(False)
        self.confirm.toggled.connect(self.done.setEnabled)
        self.done.clicked.connect(self._finish)
        col.addWidget(self.done)
        col.addStretch(1)
        self.pages.addWidget(page2)
        self.resize(620, 420)

    def _suggest_username(self, code: str) -> None:
        # User names are unique across all units once laptops sync: "zah1.admin" rather than every laptop's "admin".
        if self.username.text().strip() in ("", self._suggested):
            self._suggested = f"{code.strip().lower()}.admin" if code.strip() else ""
            self.username.setText(self._suggested)

    def _submit(self) -> None:
        if not all(f.text().strip() for f in (self.full_name, self.username, self.password, self.device)):
            self.error.say(self.tr("Fill in every field."))
            return
        if self.password.text() != self.password2.text():
            self.error.say(self.tr("The two passwords differ."))
            return
        self.error.say("")
        self.create.setEnabled(False)
        self.submitted.emit({"admin_full_name": self.full_name.text().strip(),
                             "admin_username": self.username.text().strip(), "admin_password": self.password.text(),
                             "device_code": self.device.text().strip().upper(), "unit_code": self.unit.currentData()})

    def fail(self, message: str) -> None:
        self.create.setEnabled(True)
        self.error.say(message)

    def show_recovery_key(self, key: str) -> None:
        self.password.clear()
        self.password2.clear()
        self.key_label.setText(key)
        self.pages.setCurrentIndex(1)

    def _finish(self) -> None:
        # The key leaves the screen and memory as soon as the administrator confirms.
        self.key_label.clear()
        self.finished.emit()
