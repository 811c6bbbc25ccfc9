"""Sign-in: user name and password, then today's facility. The language chosen here applies at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui import i18n
from app.ui.widgets.forms import ErrorLabel


class SignInWindow(QWidget):
    """Emits ``credentials(username, password)``; the controller answers with ``ask_facility`` or ``fail``."""

    credentials = Signal(str, str)
    facility_chosen = Signal(str)
    language_changed = Signal(str)
    recover_requested = Signal()

    def __init__(self, *, username: str = "", switching: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInWindow")
        self.setWindowTitle(self.tr("Sayyar — sign in"))
        self.lang_touched = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 30, 40, 30)

        top = QHBoxLayout()
        title = QLabel(self.tr("Sayyar"), self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        top.addStretch(1)
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current_lang())))
        self.language.currentIndexChanged.connect(self._language_picked)
        top.addWidget(QLabel(self.tr("Language"), self))
        top.addWidget(self.language)
        outer.addLayout(top)
        subtitle = QLabel(self.tr("Mobile health unit records — works without a network"), self)
        outer.addWidget(subtitle)
        if switching:
            note = QLabel(self.tr("Switching user: everyone's saved and queued work stays on this laptop."), self)
            note.setWordWrap(True)
            outer.addWidget(note)

        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages, 1)

        # Page 1: who you are.
        page = QWidget(self)
        form = QFormLayout(page)
        self.username = QLineEdit(username, page)
        self.username.setObjectName("username")
        self.password = QLineEdit(page)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        self.error = ErrorLabel(page)
        self.error.setObjectName("signInError")
        form.addRow(self.error)
        self.sign_in = QPushButton(self.tr("Sign in"), page)
        self.sign_in.setObjectName("signInButton")
        self.sign_in.setDefault(True)
        self.sign_in.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.username.returnPressed.connect(self.password.setFocus)
        form.addRow(self.sign_in)
        self.forgot = QPushButton(self.tr("Every password lost? Open with the recovery key…"), page)
        self.forgot.setObjectName("recoverButton")
        self.forgot.setFlat(True)
        self.forgot.clicked.connect(self.recover_requested.emit)
        form.addRow(self.forgot)
        self.pages.addWidget(page)

        # Page 2: where you work today.
        page2 = QWidget(self)
        form2 = QFormLayout(page2)
        self.greeting = QLabel(page2)
        form2.addRow(self.greeting)
        self.facility = QComboBox(page2)
        self.facility.setObjectName("facility")
        form2.addRow(self.tr("Today's facility"), self.facility)
        self.go = QPushButton(self.tr("Start the day"), page2)
        self.go.setObjectName("startButton")
        self.go.setDefault(True)
        self.go.clicked.connect(lambda: self.facility_chosen.emit(self.facility.currentData() or ""))
        form2.addRow(self.go)
        self.pages.addWidget(page2)

        (self.password if username else self.username).setFocus()
        self.resize(560, 340)

    def _language_picked(self) -> None:
        self.lang_touched = True
        self.language_changed.emit(self.language.currentData())

    def _submit(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.error.say(self.tr("Enter your user name and password."))
            return
        self.error.say("")
        self.sign_in.setEnabled(False)
        self.credentials.emit(self.username.text().strip(), self.password.text())

    def fail(self, message: str) -> None:
        self.sign_in.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        self.error.say(message)

    def ask_facility(self, name: str, facilities: list[tuple[str, str]], preferred: str | None) -> None:
        """``facilities``: (id, label) of the unit's facilities; the one used last time comes preselected."""
        self.password.clear()
        self.greeting.setText(self.tr("Welcome, %1. Where are you working today?").replace("%1", name))
        self.facility.clear()
        for fid, label in facilities:
            self.facility.addItem(label, fid)
        if preferred:
            self.facility.setCurrentIndex(max(0, self.facility.findData(preferred)))
        self.pages.setCurrentIndex(1)
        self.facility.setFocus()
        self.go.setEnabled(bool(facilities))
        if not facilities:
            self.greeting.setText(self.tr("No facility is configured for your unit. Ask the unit administrator."))

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.pages.currentIndex() == 1 and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.go.click()
            return
        super().keyPressEvent(event)
