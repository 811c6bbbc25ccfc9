"""Reclassifying a notifiable case by hand (issue 16): suspected → probable → confirmed, or discarded (and reopened),
with a reason; the screen offers only the moves the service allows and shows how the case moved so far (when, who,
from → to, why). The service checks the role: its refusal is shown as a sentence.

Keyboard: the cursor starts in the new classification, Tab goes to the reason, Ctrl+S saves, Esc closes. Every
problem is shown beside its field at once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QTableWidgetItem,
    QWidget,
)

from app.ui import i18n
from app.ui.ops import run_op
from app.ui.surveillance.common import SurveillanceDialog, classification, how_moved
from app.ui.surveillance.result import case_title

RECLASSIFY_KEYS = "Ctrl+Shift+K"


def button_text() -> str:
    return QCoreApplication.translate("ReclassifyDialog", "Reclassify…")


def button_tooltip() -> str:
    return QCoreApplication.translate("ReclassifyDialog", "Reclassify the selected case: confirmed, discarded… with a reason (%1)").replace("%1", RECLASSIFY_KEYS)


class ReclassifyDialog(SurveillanceDialog):
    saved = Signal(object)

    def __init__(self, ctx: Any, case: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        from app.services.cases import allowed_moves

        self.setObjectName("reclassifyDialog")
        self.setWindowTitle(self.tr("Reclassify case"))
        self.setMinimumWidth(640)
        self.case = case
        self.result: Any = None
        title = QLabel(case_title(case), self)
        title.setObjectName("reclassifyCase")
        title.setWordWrap(True)
        self.outer.addWidget(title)
        self.to = QComboBox(self)
        self.to.setObjectName("reclassifyTo")
        self.to.addItem(self.tr("— choose —"), "")
        for code in allowed_moves(case.classification):
            self.to.addItem(classification(code), code)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reclassifyReason")
        self.reason.setMaxLength(300)
        self.reason.setPlaceholderText(self.tr("e.g. RDT and blood film negative"))
        self.row("classification", self.tr("New classification"), self.to)
        self.row("reason", self.tr("Reason"), self.reason)  # the service calls it classification_reason
        self.outer.addLayout(self.form)
        self.outer.addWidget(self.general)
        self.history = self.add_history("reclassifyHistory", [self.tr("When"), self.tr("Who"),
                                                              self.tr("Classification"), self.tr("Why")],
                                        self.tr("How this case moved"), 150)
        self.add_buttons(self.tr("Save classification"), self.tr("Save classification (Ctrl+S)"), "saveClassification",
                         "closeReclassify")
        self.chain_tabs([self.to, self.reason, self.history, self.save_button, self.close_button])
        self.load_history()

    def load_history(self) -> None:
        from app.services.cases import case_history

        ctx, case_id = self.ctx, self.case.id
        run_op(self, lambda: case_history(ctx, case_id), self._show_history, self.failed)

    def _show_history(self, moves: list[Any]) -> None:
        self.history.setRowCount(len(moves))
        for r, m in enumerate(moves):
            step = classification(m.to) if not m.frm else i18n.para(
                self.tr("%1 → %2").replace("%1", classification(m.frm)).replace("%2", classification(m.to)))
            why = how_moved(_Reason(m.reason)) if m.reason in ("recorded at the visit", "reclassified") else m.reason
            for c, value in enumerate((i18n.show_date(m.at.date()), m.user_name or "—", step, why)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.history.setItem(r, c, item)
        for c in range(3):  # "Why" takes the rest of the width (its full text in the tooltip)
            self.history.resizeColumnToContents(c)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.to.setFocus()

    def save(self) -> None:
        self.errors.clear()
        problems = []
        if not self.to.currentData():
            problems.append(self.problem("classification", self.tr("choose the case's new classification.")))
        if not self.reason.text().strip():
            problems.append(self.problem("reason", self.tr("say why the case is reclassified.")))
        if problems:
            self.show_problems(problems)
            return
        ctx, case_id = self.ctx, self.case.id
        data = {"classification": self.to.currentData(), "reason": self.reason.text()}
        self.save_button.setEnabled(False)

        def work() -> Any:
            from app.services.cases import classify_case
            from app.services.test_results import case_view

            classify_case(ctx, case_id, data)
            return case_view(ctx, case_id)

        run_op(self, work, self._saved, self.failed, self.tr("Saving the classification…"))

    def _saved(self, case: Any) -> None:
        self.result = case
        self.saved.emit(case)
        self.accept()


class _Reason:
    """how_moved() reads a case's results and reason; a history step has only a reason."""

    results: tuple[Any, ...] = ()

    def __init__(self, reason: str) -> None:
        self.reason = reason
