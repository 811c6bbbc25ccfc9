"""The chart's notifiable cases (issue 16): each case with its classification and how it last moved, its results and
whether it was investigated; "Enter a test result…" (Ctrl+Shift+T, or Enter on a case) and "Case investigation…"; "Reclassify…" (Ctrl+Shift+K, app/ui/surveillance/reclassify.py).
Attached to the chart by ``attach`` and to the visit form by ``attach_to_visit`` (one call in each)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.security.roles import Action, can
from app.ui import i18n
from app.ui.ops import run_op
from app.ui.surveillance import reclassify
from app.ui.surveillance.common import classification, how_moved
from app.ui.widgets.bidi import BidiDelegate

RESULT_KEYS = "Ctrl+Shift+T"


def open_result_dialog(parent: QWidget, ctx: Any, cases: list[Any], case_id: str | None, on_saved: Any) -> Any:
    from app.ui.surveillance.result import TestResultDialog

    dialog = TestResultDialog(ctx, cases, parent, case_id=case_id)
    dialog.saved.connect(on_saved)
    dialog.open()
    return dialog


class CasesPanel(QGroupBox):
    def __init__(self, chart: Any, parent: QWidget) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Notifiable cases"))
        self.setObjectName("casesPanel")
        self.chart, self.ctx = chart, chart.ctx
        self.cases: list[Any] = []
        self.dialog: Any = None
        col = QVBoxLayout(self)
        headers = [self.tr("Seen"), self.tr("Disease"), self.tr("Classification"), self.tr("How it last moved"),
                   self.tr("Results"), self.tr("Investigation")]
        self.table = table = QTableWidget(0, len(headers), self)
        table.setObjectName("casesTable")
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setTabKeyNavigation(False)  # Tab leaves the table
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.setItemDelegate(BidiDelegate(table))
        table.setToolTip(self.tr("Enter on a case: enter a test result for it"))
        table.itemActivated.connect(lambda _item: self.enter_result())
        table.itemSelectionChanged.connect(self._selection_changed)
        col.addWidget(table)
        row = QHBoxLayout()
        allowed = can(self.ctx.role, Action.RECORD_VISIT)
        self.result_button = QPushButton(self.tr("Enter a test result…"), self)
        self.result_button.setObjectName("enterResult")
        self.result_button.setToolTip(self.tr("Enter a test result (%1)").replace("%1", RESULT_KEYS))
        self.result_button.clicked.connect(self.enter_result)
        self.result_button.setVisible(allowed)
        self.investigate_button = QPushButton(self.tr("Case investigation…"), self)
        self.investigate_button.setObjectName("investigateCase")
        self.investigate_button.setToolTip(self.tr("Malaria: travel, origin and household contacts"))
        self.investigate_button.clicked.connect(self.investigate)
        self.investigate_button.setVisible(allowed)
        self.reclassify_button = QPushButton(reclassify.button_text(), self)
        self.reclassify_button.setObjectName("reclassifyCase")
        self.reclassify_button.setToolTip(reclassify.button_tooltip())
        self.reclassify_button.clicked.connect(self.reclassify)
        self.reclassify_button.setVisible(allowed)
        row.addWidget(self.result_button)
        row.addWidget(self.investigate_button)
        row.addWidget(self.reclassify_button)
        row.addStretch(1)
        col.addLayout(row)
        shortcut = QShortcut(QKeySequence(RESULT_KEYS), chart)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda: self.enter_result() if self.result_button.isVisible() else None)
        again = QShortcut(QKeySequence(reclassify.RECLASSIFY_KEYS), chart)
        again.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        again.activated.connect(self.reclassify)
        self.setVisible(False)

    def reload(self) -> None:
        from app.services.test_results import case_views

        ctx, pid = self.ctx, self.chart.patient_id
        run_op(self, lambda: case_views(ctx, patient_id=pid), self._show)

    def _show(self, cases: list[Any]) -> None:
        keep = self.selected()
        self.cases = cases
        self.setVisible(bool(cases))
        self.table.setRowCount(len(cases))
        for r, c in enumerate(cases):
            results = i18n.joined(f"{i18n.pick(x.test_en, x.test_fa)}: {_outcome(x.outcome)}" for x in c.results)
            investigation = "—"
            if c.investigate:
                investigation = self.tr("done") if c.investigated else self.tr("to do")
            values = [i18n.show_date(c.reported_date), f"{i18n.pick(c.name_en, c.name_fa)} ({c.icd10})",
                      classification(c.classification), how_moved(c), results, investigation]
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, c.id)
                self.table.setItem(r, col, item)
        self.table.resizeColumnsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(min(len(cases), 4)))
        self.table.setFixedHeight(self.table.horizontalHeader().height() + rows + 2 * self.table.frameWidth() + 2)
        ids = [c.id for c in cases]
        if cases:
            self.table.setCurrentCell(ids.index(keep.id) if keep is not None and keep.id in ids else 0, 0)
        self._selection_changed()

    def selected(self) -> Any:
        row = self.table.currentRow()
        return self.cases[row] if 0 <= row < len(self.cases) else None

    def _selection_changed(self) -> None:
        case = self.selected()
        self.result_button.setEnabled(case is not None)
        self.investigate_button.setEnabled(case is not None and case.investigate)
        self.reclassify_button.setEnabled(case is not None)

    def enter_result(self) -> None:
        case = self.selected()
        if case is None or not self.result_button.isVisible():
            return
        self.dialog = open_result_dialog(self.chart, self.ctx, self.cases, case.id, lambda _c: self.reload())

    def investigate(self) -> None:
        case = self.selected()
        if case is None or not case.investigate:
            return
        from app.ui.surveillance.investigation import InvestigationDialog

        self.dialog = InvestigationDialog(self.ctx, case, self.chart)
        self.dialog.saved.connect(lambda _inv: self.reload())
        self.dialog.open()


    def reclassify(self) -> None:
        case = self.selected()
        if case is None or not self.reclassify_button.isVisible() or not self.isVisible():
            return
        self.dialog = reclassify.ReclassifyDialog(self.ctx, case, self.chart)
        self.dialog.saved.connect(lambda _case: self.reload())
        self.dialog.open()


def _outcome(code: str) -> str:
    from app.ui.surveillance.common import outcome

    return outcome(code)


def attach(chart: Any, column: QVBoxLayout) -> CasesPanel:
    """Put the panel on the chart, under the flags' banner, refreshed whenever the chart loads."""
    panel = CasesPanel(chart, column.parentWidget())
    column.insertWidget(2, panel)
    chart.loaded.connect(lambda _chart: panel.reload())
    chart.cases_panel = panel
    return panel


def attach_to_visit(form: Any, buttons: QBoxLayout) -> QPushButton:
    """A "Test results…" button (Ctrl+Shift+T) on the visit form, for the saved visit's notifiable cases."""
    button = QPushButton(QCoreApplication.translate("CasesPanel", "Test results…"), form)
    button.setObjectName("visitTestResults")
    button.setToolTip(QCoreApplication.translate("CasesPanel", "Enter a test result for this visit's notifiable cases (%1)").replace(
        "%1", RESULT_KEYS))
    button.setVisible(can(form.ctx.role, Action.RECORD_VISIT))
    button.setEnabled(bool(form.visit_id))
    buttons.addWidget(button)
    form.saved.connect(lambda _result: button.setEnabled(bool(form.visit_id)))

    def open_for_visit() -> None:
        if not (button.isVisible() and button.isEnabled() and form.visit_id):
            return
        from app.services.test_results import case_views

        ctx, visit_id = form.ctx, form.visit_id

        def show(cases: list[Any]) -> None:
            if not cases:
                form.say_status(QCoreApplication.translate(
                    "CasesPanel", "This visit records no notifiable disease, so it has no test result to enter."))
                return

            def saved(_case: Any) -> None:
                main = form.parent_main()
                index = main._find_tab(f"chart-{form.args['patient_id']}") if main is not None else -1
                if index >= 0:
                    main.tabs.widget(index).reload()

            form.results_dialog = open_result_dialog(form, ctx, cases, None, saved)

        run_op(form, lambda: case_views(ctx, visit_id=visit_id), show)

    button.clicked.connect(open_for_visit)
    shortcut = QShortcut(QKeySequence(RESULT_KEYS), form)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(open_for_visit)
    form.results_button = button
    return button
