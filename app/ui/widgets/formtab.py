"""Base of every form that can hold unsaved typing: draft autosave, the "restore draft?" strip, inline errors."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui import i18n
from app.ui.drafts import Autosaver, Draft
from app.ui.widgets.forms import Banner, ErrorLabel, FieldErrors


class FormTab(QWidget):
    """Subclasses build their fields into ``self.body`` and implement ``state``/``restore``; ``watch`` each field."""

    kind = "form"
    key_fields: tuple[str, ...] = ()  # which args tell two forms of this kind apart (and name the draft file)
    saved = Signal(object)
    title_changed = Signal(str)

    def __init__(self, session: Any, args: dict[str, Any], title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ctx = session.ctx
        self.args = args
        self.title = title
        self.key = self.kind + "".join(f"-{args[k]}" for k in self.key_fields if args.get(k))
        self.autosaver = Autosaver(session.drafts, self.key, self.kind, args, title, self.state, self)
        outer = QVBoxLayout(self)
        self.draft_banner = Banner("warn", self)
        self.draft_banner.setObjectName("draftBanner")
        restore = self.draft_banner.add_button(self.tr("Restore"), "restoreDraft")
        discard = self.draft_banner.add_button(self.tr("Discard"), "discardDraft")
        restore.clicked.connect(self.restore_draft)
        discard.clicked.connect(self.discard_draft)
        outer.addWidget(self.draft_banner)
        self.general_error = ErrorLabel(self)
        self.general_error.setObjectName("formError")
        self.errors = FieldErrors(self.general_error)
        self.body = QVBoxLayout()
        outer.addLayout(self.body, 1)
        outer.addWidget(self.general_error)
        self._draft: Draft | None = None
        self.touched = False  # the person changed a watched field (or restored a draft) since the form opened
        self.said = ""  # the last status line this form wrote

    def save_from_keyboard(self) -> None:
        """Ctrl+S (the window's Save action) on whichever form is in front."""
        button = getattr(self, "save_button", None)
        if button is not None and button.isEnabled() and button.isVisible():
            button.click()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Esc closes the form as its tab's close button does (typing kept as a draft, offered next time). It comes
        here only when no field used it first: a cell editor, a list of suggestions or a calendar closes on Esc."""
        if event.key() != Qt.Key.Key_Escape or event.modifiers() != Qt.KeyboardModifier.NoModifier:
            super().keyPressEvent(event)
            return
        event.accept()
        window = self.window()
        tabs = getattr(window, "tabs", None)
        if tabs is not None and hasattr(window, "close_tab") and tabs.indexOf(self) > 0:
            window.close_tab(tabs.indexOf(self))

    def first_field(self) -> QWidget | None:
        """The widget the cursor goes to when the form comes to the front (subclasses may name theirs)."""
        return default_first_field(self)

    def say_status(self, text: str) -> None:
        """A line in the window's status bar: why Save did nothing, or that it worked."""
        window = self.window()
        bar = getattr(window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 15000)
            self.said = text  # the window takes it down when this form leaves the front (MainWindow._front_changed)

    def show_problems(self, problems: list[Any]) -> None:
        """Why Save did nothing, in one pass (issue 14): every problem beside its field, the first of them on the
        screen (in Tab order, whatever order the checks found them in) scrolled to and focused, and the status
        line and the line under the form say how many fields need attention. Shared by every form so a refused
        save reads the same everywhere."""
        shown_first = self.errors.show(problems)
        count = len(problems)
        why = (QCoreApplication.translate("FormTab", "Not saved: one field needs attention.") if count == 1 else
               QCoreApplication.translate("FormTab", "Not saved: %1 fields need attention.").replace(
                   "%1", i18n.num(count)))
        loose = self.general_error.text()  # errors no field could take stay under the reason
        self.general_error.say(why + ("\n" + loose if loose else ""))
        self.say_status(why)
        first = self._first_invalid() or shown_first
        if first is None:
            return
        w = first.parentWidget()
        while w is not None and w is not self and not isinstance(w, QScrollArea):
            w = w.parentWidget()
        if isinstance(w, QScrollArea):
            w.ensureWidgetVisible(first)
        first.setFocus()

    def _first_invalid(self) -> QWidget | None:
        """The first field marked invalid in Tab order (the order a person reads and walks the form)."""
        w = self.nextInFocusChain()
        while w is not None and w is not self:
            if self.isAncestorOf(w) and w.property("invalid") and w.isVisible() and w.isEnabled():
                return w
            w = w.nextInFocusChain()
        return None

    # ----- drafts -----

    def rekey(self, key: str) -> None:
        """The form now stands for another record (a visit just saved, a saved one opened): its tab and its draft
        are found under the new key."""
        self.key = key
        self.autosaver.key = key

    def set_title(self, title: str) -> None:
        self.title = title
        self.autosaver.title = title

    def check_draft(self, auto_restore: bool = False) -> None:
        """Offer back what was typed before a close, a crash or a language switch."""
        draft = self.session.drafts.load(self.key)
        if draft is None:
            return
        self._draft = draft
        if auto_restore:
            self.restore_draft()
            return
        when = time.strftime("%H:%M", time.localtime(draft.saved_at))
        self.draft_banner.say(self.tr("Unsaved typing from %1 was kept for this form.").replace("%1", when))

    def restore_draft(self) -> None:
        if self._draft is not None:
            self.autosaver.paused = True
            try:
                self.restore(self._draft.state)
            finally:
                self.autosaver.paused = False
            self._draft = None
            self.touched = True
        self.draft_banner.say("")

    def discard_draft(self) -> None:
        self._draft = None
        self.autosaver.discard()
        self.draft_banner.say("")

    def watch(self, *widgets: QWidget) -> None:
        for w in widgets:
            if isinstance(w, QLineEdit):
                w.textChanged.connect(self.autosaver.touch)
                w.textChanged.connect(self._note_touched)
            elif isinstance(w, QPlainTextEdit):
                w.textChanged.connect(self.autosaver.touch)
                w.textChanged.connect(self._note_touched)
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(self.autosaver.touch)
                w.currentIndexChanged.connect(self._note_touched)
            elif isinstance(w, QCheckBox):
                w.toggled.connect(self.autosaver.touch)
                w.toggled.connect(self._note_touched)

    def _note_touched(self, *_: object) -> None:
        if not self.autosaver.paused:
            self.touched = True

    def finished_ok(self, result: object) -> None:
        """Saved: the draft is no longer needed (it may hold patient data)."""
        self.autosaver.discard()
        self.autosaver.paused = True  # a saved form is a record now, not a draft
        self.saved.emit(result)

    # ----- for subclasses -----

    def state(self) -> dict[str, Any]:
        return {}

    def restore(self, state: dict[str, Any]) -> None:
        pass


def combo_value(combo: QComboBox) -> Any:
    return combo.currentData()


def set_combo(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


INPUTS = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QAbstractButton)


def default_first_field(widget: QWidget) -> QWidget | None:
    """The field a screen asked for while it was being built (it could not take the focus while hidden), else its
    first enabled input in Tab order."""
    asked = widget.focusWidget()
    if asked is not None and asked is not widget and asked.isVisible() and asked.isEnabled():
        return asked
    w = widget.nextInFocusChain()
    while w is not None and w is not widget:
        if widget.isAncestorOf(w) and isinstance(w, INPUTS) and w.isVisible() and w.isEnabled():
            return w
        w = w.nextInFocusChain()
    return None
