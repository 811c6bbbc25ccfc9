"""The medicines table of the visit form: typed into like a spreadsheet, and never a keyboard trap.

Tab moves medicine → dose → quantity → time given and on to the next row; from the last cell it leaves the table for the next
field (Shift+Tab from the first cell leaves backwards). A cell still being typed into is committed before the form
reads the table, so Ctrl+S saves what the screen shows.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.ui.widgets.bidi import BidiDelegate

COLUMNS = 4


class MedicinesTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, COLUMNS, parent)
        self.setObjectName("medicines")
        self.setHorizontalHeaderLabels([QCoreApplication.translate("VisitForm", "Medicine"),
                                        QCoreApplication.translate("VisitForm", "Dose"),
                                        QCoreApplication.translate("VisitForm", "Quantity"),
                                        QCoreApplication.translate("VisitForm", "Time given (HH:MM)")])
        self.horizontalHeader().setStretchLastSection(True)
        self.setColumnWidth(0, 240)
        self.setColumnWidth(1, 200)
        self.setMaximumHeight(160)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.setItemDelegate(BidiDelegate(self))

    # ----- keyboard: no trap -----

    def _at_edge(self, forward: bool) -> bool:
        cur = self.currentIndex()
        if not cur.isValid():
            return True
        if forward:
            return cur.row() == self.rowCount() - 1 and cur.column() == COLUMNS - 1
        return cur.row() == 0 and cur.column() == 0

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        # Qt wraps from the last cell back to the first: that is what kept Tab inside the table for ever.
        if action == QAbstractItemView.CursorAction.MoveNext and self._at_edge(True):
            return QModelIndex()
        if action == QAbstractItemView.CursorAction.MovePrevious and self._at_edge(False):
            return QModelIndex()
        return super().moveCursor(action, modifiers)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        if self._at_edge(next):
            return QWidget.focusNextPrevChild(self, next)
        return super().focusNextPrevChild(next)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        forward = hint == QAbstractItemDelegate.EndEditHint.EditNextItem
        backward = hint == QAbstractItemDelegate.EndEditHint.EditPreviousItem
        if (forward or backward) and self._at_edge(forward):
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            QWidget.focusNextPrevChild(self, forward)  # Tab out of the last cell: on to the next field
            return
        super().closeEditor(editor, hint)

    # ----- what the form reads -----

    def commit_open_editor(self) -> None:
        """Write a cell still being typed into back to its item (Ctrl+S does not move the focus out of it)."""
        focus = QApplication.focusWidget()
        if focus is not None and focus is not self and self.isAncestorOf(focus):
            editor = focus
            while editor.parentWidget() is not None and editor.parentWidget() is not self.viewport():
                editor = editor.parentWidget()
            self.commitData(editor)

    def add_row(self, values: list[str] | None = None) -> None:
        row = self.rowCount()
        self.insertRow(row)
        for c, v in enumerate((values or [])[:COLUMNS] + [""] * (COLUMNS - len(values or []))):
            self.setItem(row, c, QTableWidgetItem(v))

    def rows(self) -> list[list[str]]:
        self.commit_open_editor()
        out = []
        for r in range(self.rowCount()):
            out.append([(self.item(r, c).text().strip() if self.item(r, c) else "") for c in range(COLUMNS)])
        return out

    def set_rows(self, rows: list[list[str]]) -> None:
        self.setRowCount(0)
        for row in rows:
            self.add_row(row)
