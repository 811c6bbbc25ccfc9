"""Before saving a registration that looks like someone already registered: open one of them, or go on with a
reason (kept in the audit trail)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.birth import show_birth_year
from app.ui import i18n, labels
from app.ui.widgets.forms import ErrorLabel


def born(year: int) -> int:
    """A birth year as the screen's calendar counts it (Solar Hijri in Persian)."""
    return show_birth_year(year, "jalali" if i18n.calendar() == "jalali" else "gregorian")


def fill_candidates(widget: QListWidget, candidates: list[Any]) -> None:
    """One line per candidate (code, name, father, sex, birth year), and why it looks like the same person."""
    from app.services.duplicates import reasons_text

    sex = labels.sex()
    for c in candidates:
        strength = QCoreApplication.translate("DuplicateDialog", "same document") if c.strong \
            else QCoreApplication.translate("DuplicateDialog", "similar")
        text = QCoreApplication.translate("DuplicateDialog", "%1 — %2, father: %3, %4, born %5 (%6)").replace("%1", c.code) \
            .replace("%2", c.display_name).replace("%3", c.father_name).replace("%4", sex.get(c.sex, c.sex)) \
            .replace("%5", i18n.num(born(c.birth_year))).replace("%6", strength)
        why = reasons_text(c.reasons, i18n.current_lang())
        item = QListWidgetItem(f"{text}\n    {why}" if why else text, widget)
        item.setToolTip(why)
        item.setData(256, c.patient_id)
    widget.setCurrentRow(0)


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
        fill_candidates(self.list, error.candidates)
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
        # Enter here means "register anyway with this reason", never the dialog's default "open the other record".
        self.reason.returnPressed.connect(self._register)
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

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.reason.hasFocus() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # already handled by returnPressed; the default button must not fire too
            return
        super().keyPressEvent(event)

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


class CandidatesDialog(QDialog):
    """On demand, from a chart: who else might this person be? Open one, merge it into this record, or mark it as
    someone else."""

    def __init__(self, ctx: Any, patient_id: str, code: str, candidates: list[Any], parent: Any) -> None:
        super().__init__(parent)
        from app.security.roles import Action, can

        self.setObjectName("candidatesDialog")
        self.setWindowTitle(self.tr("Possible duplicates of %1").replace("%1", code))
        self.ctx, self.patient_id, self.main = ctx, patient_id, parent.main
        col = QVBoxLayout(self)
        if not candidates:
            col.addWidget(QLabel(self.tr("No other record looks like this person."), self))
        self.list = QListWidget(self)
        self.list.setObjectName("candidates")
        fill_candidates(self.list, candidates)
        self.list.setVisible(bool(candidates))
        col.addWidget(self.list)
        self.error = ErrorLabel(self)
        col.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        for text, name, slot, allowed in (
                (self.tr("Open the selected record"), "openCandidate", self._open, can(ctx.role, Action.VIEW_PATIENT)),
                (self.tr("Merge it into this record"), "mergeCandidate", self._merge,
                 can(ctx.role, Action.MERGE_PATIENTS)),
                (self.tr("Not the same person"), "dismissCandidate", self._dismiss,
                 can(ctx.role, Action.REVIEW_DUPLICATES))):
            if allowed and candidates:
                b = buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
                b.setObjectName(name)
                b.clicked.connect(slot)
        buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        col.addWidget(buttons)
        self.resize(640, 340)

    def _selected(self) -> str | None:
        item = self.list.currentItem()
        return item.data(256) if item is not None else None

    def _open(self) -> None:
        pid = self._selected()
        if pid:
            self.accept()
            self.main.open_chart(pid)

    def _run(self, work: Any, done_text: str) -> None:
        from app.ui.ops import error_text, run_op

        def done(_: Any) -> None:
            row = self.list.currentRow()
            self.list.takeItem(row)
            self.error.say(done_text)

        run_op(self, work, done, lambda err: self.error.say(error_text(err)))

    def _merge(self) -> None:
        pid, ctx, keep = self._selected(), self.ctx, self.patient_id
        if pid:
            from app.services.patients import merge_patients

            self._run(lambda: merge_patients(ctx, keep_id=keep, merge_id=pid), self.tr("Merged into this record."))

    def _dismiss(self) -> None:
        pid, ctx, me = self._selected(), self.ctx, self.patient_id
        if pid:
            from app.services.duplicates import mark_not_duplicate

            self._run(lambda: mark_not_duplicate(ctx, me, pid, "checked from the chart"),
                      self.tr("Marked as a different person."))
