"""The unit's likely duplicate patients, for the unit administrator (or a clinician): merge each pair, or mark the
two as different people so the pair is not offered again."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.security.roles import Action, can
from app.ui import i18n, labels
from app.ui.ops import run_op


class DuplicatesReview(QWidget):
    kind = "duplicates"

    def __init__(self, session: Any, args: dict[str, Any], main: Any = None) -> None:
        super().__init__(main)
        self.setObjectName("duplicatesReview")
        self.session, self.ctx, self.args, self.main = session, session.ctx, args, main
        self.key = "duplicates"
        self.title = self.tr("Possible duplicates")
        self.rows: list[Any] = []
        col = QVBoxLayout(self)
        intro = QLabel(self.tr("Patients who may have been registered twice, most likely first. Merge a pair into one "
                               "record, or mark the two as different people."), self)
        intro.setWordWrap(True)
        col.addWidget(intro)
        top = QHBoxLayout()
        self.find_button = QPushButton(self.tr("Look for duplicates"), self)
        self.find_button.setObjectName("findDuplicates")
        self.find_button.clicked.connect(self.load)
        top.addWidget(self.find_button)
        self.status = QLabel(self)
        self.status.setObjectName("duplicatesStatus")
        top.addWidget(self.status, 1)
        col.addLayout(top)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("duplicatePairs")
        self.table.setHorizontalHeaderLabels([self.tr("Score"), self.tr("Record kept"), self.tr("Record merged into it"),
                                              self.tr("Why they look alike")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(True)
        col.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.swap_button = self._button(actions, self.tr("Keep the other record"), "swapPair", self.swap)
        self.merge_button = self._button(actions, self.tr("Merge the pair"), "mergePair", self.merge,
                                         can(self.ctx.role, Action.MERGE_PATIENTS))
        self.dismiss_button = self._button(actions, self.tr("Not the same person"), "notDuplicate", self.dismiss)
        self.open_buttons = [self._button(actions, self.tr("Open the kept record"), "openKept", lambda: self._open(0),
                                          can(self.ctx.role, Action.VIEW_PATIENT)),
                             self._button(actions, self.tr("Open the other record"), "openOther",
                                          lambda: self._open(1), can(self.ctx.role, Action.VIEW_PATIENT))]
        actions.addStretch(1)
        col.addLayout(actions)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._selection_changed()

    def _button(self, row: QHBoxLayout, text: str, name: str, slot: Any, visible: bool = True) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        button.setVisible(visible)
        row.addWidget(button)
        return button

    # ----- loading -----

    def load(self) -> None:
        ctx = self.ctx
        self.find_button.setEnabled(False)
        self.status.setText(self.tr("Comparing every patient of the unit…"))

        def fetch() -> list[Any]:
            from app.services.duplicates import duplicate_review

            return duplicate_review(ctx)

        def shown(rows: list[Any]) -> None:
            self.find_button.setEnabled(True)
            self.rows = rows
            self._fill()
            self.status.setText(self.tr("%1 likely pairs").replace("%1", i18n.num(len(rows))) if rows
                                else self.tr("No likely duplicates found."))

        def failed(err: BaseException) -> None:
            from app.ui.ops import error_text

            self.find_button.setEnabled(True)
            self.status.setText(error_text(err))

        run_op(self, fetch, shown, failed, self.tr("Looking for duplicates…"))

    def _person(self, code: str, name: str, father: str, year: int) -> str:
        return self.tr("%1 — %2, father: %3, born %4").replace("%1", code).replace("%2", name) \
            .replace("%3", father).replace("%4", i18n.num(year))

    def _fill(self) -> None:
        from app.services.duplicates import reasons_text

        lang = i18n.current_lang()
        sex = labels.sex()
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            score = i18n.num(int(round(row.points))) + (" ★" if row.strong else "")
            values = [score, self._person(row.keep_code, row.keep_name, row.keep_father, row.keep_year),
                      self._person(row.merge_code, row.merge_name, row.merge_father, row.merge_year),
                      f"{sex.get(row.sex, row.sex)} — {reasons_text(row.reasons, lang)}"]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, r)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        if self.rows:
            self.table.selectRow(0)

    def _current(self) -> Any:
        items = self.table.selectedItems()
        return self.rows[items[0].data(Qt.ItemDataRole.UserRole)] if items else None

    def _selection_changed(self) -> None:
        selected = self._current() is not None
        for button in (self.swap_button, self.merge_button, self.dismiss_button, *self.open_buttons):
            button.setEnabled(selected)

    # ----- acting on a pair -----

    def swap(self) -> None:
        row = self._current()
        if row is None:
            return
        from dataclasses import replace

        swapped = replace(row, keep_id=row.merge_id, merge_id=row.keep_id, keep_code=row.merge_code,
                          merge_code=row.keep_code, keep_name=row.merge_name, merge_name=row.keep_name,
                          keep_father=row.merge_father, merge_father=row.keep_father, keep_year=row.merge_year,
                          merge_year=row.keep_year)
        index = self.rows.index(row)
        self.rows[index] = swapped
        self._fill()
        self.table.selectRow(index)

    def merge(self) -> None:
        row = self._current()
        if row is None:
            return
        question = self.tr("Merge %1 into %2? Visits, referrals and documents of %1 move to %2, and %1 is kept only "
                           "as a pointer to %2.").replace("%1", row.merge_code).replace("%2", row.keep_code)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Merge the pair"), question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmMerge")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.confirm_box = box
        box.finished.connect(lambda result: self._merge(row) if result == QMessageBox.StandardButton.Yes else None)
        box.open()

    def _merge(self, row: Any) -> None:
        ctx = self.ctx

        def work() -> int:
            from app.services.patients import merge_patients

            return merge_patients(ctx, keep_id=row.keep_id, merge_id=row.merge_id)

        def merged(moved: int) -> None:
            self._drop(row, merged=True)
            self.status.setText(self.tr("%1 merged into %2 (%3 records moved).").replace("%1", row.merge_code)
                                .replace("%2", row.keep_code).replace("%3", i18n.num(moved)))

        run_op(self, work, merged, self._failed, self.tr("Merging…"))

    def dismiss(self) -> None:
        row = self._current()
        if row is None:
            return
        note, ok = QInputDialog.getText(self, self.tr("Not the same person"),
                                        self.tr("What shows they are different people? (kept in the audit trail)"))
        if ok:
            self.dismiss_pair(row, note)

    def dismiss_pair(self, row: Any, note: str) -> None:
        ctx = self.ctx

        def work() -> None:
            from app.services.duplicates import mark_not_duplicate

            mark_not_duplicate(ctx, row.keep_id, row.merge_id, note)

        def done(_: Any) -> None:
            self._drop(row, merged=False)
            self.status.setText(self.tr("Marked as different people: %1 and %2.").replace("%1", row.keep_code)
                                .replace("%2", row.merge_code))

        run_op(self, work, done, self._failed)

    def _drop(self, row: Any, *, merged: bool) -> None:
        # The same record may sit in several pairs: a merged-away one leaves them all.
        gone = {row.merge_id} if merged else set()
        self.rows = [r for r in self.rows if r is not row and not ({r.keep_id, r.merge_id} & gone)]
        self._fill()

    def _failed(self, err: BaseException) -> None:
        from app.ui.ops import show_error

        show_error(self, err)

    def _open(self, which: int) -> None:
        row = self._current()
        if row is not None and self.main is not None:
            self.main.open_chart(row.keep_id if which == 0 else row.merge_id)
