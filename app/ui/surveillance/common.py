"""What the surveillance screens share: coded values in the user's language, and a dialog that saves with Ctrl+S,
shows every error beside its field and puts the cursor in its first field."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui import i18n
from app.ui.widgets.bidi import BidiDelegate
from app.ui.widgets.forms import ErrorLabel, FieldErrors


def label(kind: str, code: str) -> str:
    from app.services.labels import label as service_label

    return service_label(kind, code, i18n.current_lang())


def classification(code: str) -> str:
    return label("certainty", code)


def outcome(code: str) -> str:
    return label("test_outcome", code)


def moved(disease: str, before: str, after: str) -> str:
    """'Malaria: suspected → confirmed' (arrow reversed in Persian reading order by the bidi step, not by us)."""
    return QCoreApplication.translate("Surveillance", "%1: %2 → %3").replace("%1", disease).replace(
        "%2", classification(before)).replace("%3", classification(after))


class SurveillanceDialog(QDialog):
    """Rows of (label, field, inline error); Ctrl+S saves (the window's Save action does not reach a dialog)."""

    def __init__(self, ctx: Any, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.general = ErrorLabel(self)
        self.general.setObjectName("dialogError")
        self.errors = FieldErrors(self.general)
        self.labels: dict[str, str] = {}
        self.order: list[QWidget] = []
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.setContext(Qt.ShortcutContext.WindowShortcut)
        save.activated.connect(self.save_from_keyboard)

    def row(self, fieldname: str, text: str, widget: QWidget, form: QFormLayout | None = None) -> ErrorLabel:
        """A labelled field with its error line under it, bound to the service's field name."""
        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(widget)
        error = ErrorLabel(box)
        error.setObjectName(f"error_{fieldname}")
        col.addWidget(error)
        (form or self.form).addRow(text, box)
        self.errors.bind(fieldname, widget, error)
        self.labels[fieldname] = text
        self.order.append(widget)
        return error

    def problem(self, fieldname: str, text: str) -> Any:
        from app.services.errors import FieldError

        named = QCoreApplication.translate("Surveillance", "%1: %2").replace(
            "%1", self.labels.get(fieldname, fieldname)).replace("%2", text)
        return FieldError(fieldname, "ui", named, named)

    def chain_tabs(self, widgets: list[QWidget]) -> None:
        for a, b in zip(widgets, widgets[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def show_problems(self, problems: list[Any]) -> None:
        """Every error beside its field, the first focused, and a line saying why nothing was saved."""
        first = self.errors.show(problems)
        count = len(problems)
        why = (QCoreApplication.translate("Surveillance", "Not saved: one field needs attention.") if count == 1 else
               QCoreApplication.translate("Surveillance", "Not saved: %1 fields need attention.").replace(
                   "%1", i18n.num(count)))
        loose = self.general.text()
        self.general.say(why + ("\n" + loose if loose else ""))
        if first is not None:
            first.setFocus()

    def failed(self, err: BaseException) -> None:
        from app.services.errors import ValidationFailed
        from app.ui.ops import error_text

        self.save_button.setEnabled(True)
        if isinstance(err, ValidationFailed):
            self.show_problems(err.errors)
        else:
            self.errors.show([])
            self.general.say(error_text(err))

    def save_from_keyboard(self) -> None:
        button = getattr(self, "save_button", None)
        if button is not None and button.isEnabled() and button.isVisible():
            button.click()

    def save(self) -> None:
        """Each dialog saves its own record (the base has none)."""

    def add_history(self, name: str, headers: list[str], caption: str, height: int) -> QTableWidget:
        """The read-only table under the form that lists what already happened to the case; Tab leaves it."""
        table = QTableWidget(0, len(headers), self)
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.setMaximumHeight(height)
        table.setItemDelegate(BidiDelegate(table))
        table.setTabKeyNavigation(False)
        self.outer.addWidget(QLabel(caption, self))
        self.outer.addWidget(table)
        return table

    def add_buttons(self, save_text: str, save_tip: str, save_name: str, close_name: str) -> None:
        """Save (Ctrl+S, never the default button: Enter in a field must not save half a form) and Close."""
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(save_text, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setObjectName(save_name)
        self.save_button.setToolTip(save_tip)
        self.save_button.setAutoDefault(False)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName(close_name)
        self.close_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.outer.addWidget(buttons)


def how_moved(case: Any) -> str:
    """Why the case is where it is, in the reader's language: the result that moved it ("Malaria RDT: positive,
    2026-12-01"), else the stored reason (the service keeps English words for its own steps)."""
    by_result = [r for r in case.results if r.applied and r.applied == case.classification]
    if by_result:
        r = by_result[-1]
        text = QCoreApplication.translate("Surveillance", "%1: %2 (%3)")
        return text.replace("%1", i18n.pick(r.test_en, r.test_fa)).replace("%2", outcome(r.outcome)).replace(
            "%3", i18n.show_date(r.result_date))
    reason = case.reason or ""
    if reason == "recorded at the visit":
        return QCoreApplication.translate("Surveillance", "recorded at the visit")
    if reason == "reclassified":
        return QCoreApplication.translate("Surveillance", "reclassified")
    for start in ("diagnosis corrected: ", "diagnosis corrected ("):
        if reason.startswith(start):
            text = QCoreApplication.translate("Surveillance", "diagnosis corrected: %1")
            return text.replace("%1", reason.split(": ", 1)[-1])
    return reason
