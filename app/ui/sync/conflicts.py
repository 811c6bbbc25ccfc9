"""Conflicts a person resolves, in the Sync panel: each open conflict with its record, field, the value kept and the
one that lost, and for each who made it (person, laptop, unit, as the conflict record says) and when. "Keep" closes it; "Restore the other value" makes the lost value current
again as an ordinary edit. Either decision is recorded and travels to the server on the next round."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.security.roles import Action, can
from app.ui import i18n
from app.ui.ops import error_text, run_op
from app.ui.widgets.bidi import BidiDelegate

LIMIT = 500  # a short review list: conflicts are rare, and each is a decision for a person


def show_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return str(value)


def field_label(name: str) -> str:
    """The fields of shared records as the forms name them (anything else by its own name)."""
    return {"given_name_fa": QCoreApplication.translate("ConflictsView", "Given name (Persian)"),
            "given_name_latin": QCoreApplication.translate("ConflictsView", "Given name (Latin)"),
            "father_name_fa": QCoreApplication.translate("ConflictsView", "Father's name (Persian)"),
            "father_name_latin": QCoreApplication.translate("ConflictsView", "Father's name (Latin)"),
            "family_name_fa": QCoreApplication.translate("ConflictsView", "Family name (Persian)"),
            "family_name_latin": QCoreApplication.translate("ConflictsView", "Family name (Latin)"),
            "sex": QCoreApplication.translate("ConflictsView", "Sex"), "date_of_birth": QCoreApplication.translate("ConflictsView", "Date of birth"),
            "birth_year": QCoreApplication.translate("ConflictsView", "Birth year"), "nationality": QCoreApplication.translate("ConflictsView", "Nationality"),
            "legal_status": QCoreApplication.translate("ConflictsView", "Legal status"), "phone": QCoreApplication.translate("ConflictsView", "Phone"),
            "household_id": QCoreApplication.translate("ConflictsView", "Household"), "notes": QCoreApplication.translate("ConflictsView", "Notes"),
            "allergies": QCoreApplication.translate("ConflictsView", "Allergies")}.get(name, name)


def show_when(at: Any) -> str:
    return i18n.show_datetime(at) if at else "—"


def show_who(user: str, laptop: str, unit: str, here: bool) -> str:
    """Who made one side: the person, and on which laptop of which unit ("this laptop" when it is this one)."""
    # Not aliased as `tr`: pyside6-lupdate reads `tr("ConflictsView", text)` as QObject.tr(text, comment) and files
    # the context name as the text to translate.
    translate = QCoreApplication.translate
    person = user or translate("ConflictsView", "an unknown person")
    if here:
        text = translate("ConflictsView", "%1 on this laptop").replace("%1", person)
    elif laptop:
        text = translate("ConflictsView", "%1 on laptop %2").replace("%1", person).replace("%2", laptop)
    else:
        text = translate("ConflictsView", "%1 on another laptop").replace("%1", person)
    return text + (" (" + unit + ")" if unit else "")


class ConflictsView(QWidget):
    resolved = Signal()

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflicts")
        self.session, self.ctx = session, session.ctx
        self.rows: list[Any] = []
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel(self)
        self.heading.setObjectName("conflictsHeading")
        self.heading.setWordWrap(True)
        col.addWidget(self.heading)
        self.table = QTableWidget(0, 8, self)
        self.table.setObjectName("conflictTable")
        self.table.setHorizontalHeaderLabels([self.tr("Record"), self.tr("Field"), self.tr("Value kept"),
                                              self.tr("Kept: by"), self.tr("Kept: when"), self.tr("Value that lost"),
                                              self.tr("Lost: by"), self.tr("Lost: when")])
        self.table.setItemDelegate(BidiDelegate(self.table))  # a Latin name or phone keeps its order in Persian
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection)
        self.table.currentCellChanged.connect(lambda *_: self._selection())
        col.addWidget(self.table, 1)
        row = QHBoxLayout()
        allowed = can(self.ctx.role, Action.RESOLVE_CONFLICTS)
        self.keep = QPushButton(self.tr("Keep the value kept"), self)
        self.keep.setObjectName("keepValue")
        self.restore = QPushButton(self.tr("Restore the other value"), self)
        self.restore.setObjectName("restoreValue")
        for button, restore_lost in ((self.keep, False), (self.restore, True)):
            button.setEnabled(False)
            button.setVisible(allowed)
            button.clicked.connect(lambda _=False, r=restore_lost: self.resolve(r))
            row.addWidget(button)
        row.addStretch(1)
        col.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        from app.sync.status import conflicts_for_review

        store = self.session.store
        run_op(self, lambda: conflicts_for_review(store, limit=LIMIT), self._show)

    def _show(self, rows: list[Any]) -> None:
        self.rows = rows
        self.heading.setText(self.tr("Conflicts to review: %1. Two laptops changed the same field; the later change "
                                     "was kept and the other is shown here.").replace("%1", i18n.num(len(rows)))
                             if rows else self.tr("No conflicts to review."))
        self.table.setRowCount(len(rows))
        for r, c in enumerate(rows):
            values = (c.record_label, field_label(c.field), show_value(c.kept_value),
                      show_who(c.kept_user, c.kept_laptop, c.kept_unit, c.kept_here), show_when(c.kept_at),
                      show_value(c.lost_value), show_who(c.lost_user, c.lost_laptop, c.lost_unit, c.lost_here),
                      show_when(c.lost_at))
            for k, value in enumerate(values):
                self.table.setItem(r, k, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self._selection()

    def _selection(self) -> None:
        chosen = 0 <= self.table.currentRow() < len(self.rows)
        self.keep.setEnabled(chosen)
        self.restore.setEnabled(chosen)

    def resolve(self, restore_lost: bool) -> None:
        index = self.table.currentRow()
        if not 0 <= index < len(self.rows):
            return
        from app.sync.status import resolve_conflict

        ctx, conflict_id = self.ctx, self.rows[index].id
        run_op(self, lambda: resolve_conflict(ctx, conflict_id, restore_lost=restore_lost), self._done,
               lambda err: self.heading.setText(error_text(err)))

    def _done(self, _: object) -> None:
        self.resolved.emit()
        self.refresh()
