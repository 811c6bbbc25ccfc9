"""Entering a test result for a surveillance case (issue 16): at the visit (an RDT done by the unit) or days later,
when the laboratory or the receiving facility sends it back. The screen shows how the case's classification moved
("Malaria: suspected → confirmed") and the results recorded so far.

Keyboard: the cursor starts in the first field (the case when the visit has several, else the test), Tab follows
the screen from top to bottom, Ctrl+S saves, Esc closes. Every problem is shown beside its field at once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QTableWidgetItem,
    QWidget,
)

from app.ui import i18n
from app.ui.ops import run_op
from app.ui.surveillance.common import SurveillanceDialog, classification, how_moved, moved, outcome
from app.ui.widgets.forms import Banner, DateField


def case_title(case: Any) -> str:
    """'Malaria (B54) — suspected, seen 2026-12-01'."""
    comma = "، " if i18n.current_lang() == "fa" else ", "
    return i18n.para(f"{i18n.pick(case.name_en, case.name_fa)} ({case.icd10}) — {classification(case.classification)}"
                     f"{comma}{i18n.show_date(case.reported_date)}")


class TestResultDialog(SurveillanceDialog):
    __test__ = False  # not a pytest class
    saved = Signal(object)

    def __init__(self, ctx: Any, cases: list[Any], parent: QWidget | None = None, *, case_id: str | None = None
                 ) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("testResultDialog")
        self.setWindowTitle(self.tr("Test result"))
        self.setMinimumWidth(560)
        self.cases = list(cases)
        self.result: Any = None
        self.moved_banner = Banner("info", self)
        self.moved_banner.setObjectName("classificationMoved")
        self.outer.addWidget(self.moved_banner)
        self.case = QComboBox(self)
        self.case.setObjectName("resultCase")
        for c in self.cases:
            self.case.addItem(case_title(c), c.id)
        self.status = QLabel(self)
        self.status.setObjectName("caseStatus")
        self.status.setWordWrap(True)
        self.test = QComboBox(self)
        self.test.setObjectName("resultTest")
        self.subtype = QComboBox(self)
        self.subtype.setObjectName("resultSubtype")
        self.outcome = QComboBox(self)
        self.outcome.setObjectName("resultOutcome")
        self.outcome.addItem(self.tr("— choose —"), "")
        for code in ("positive", "negative", "indeterminate"):
            self.outcome.addItem(outcome(code), code)
        self.sample_date = DateField(self)
        self.sample_date.setObjectName("sampleDate")
        self.result_date = DateField(self)
        self.result_date.setObjectName("resultDate")
        self.result_date.set_value(ctx.today())
        self.lab = QLineEdit(self)
        self.lab.setObjectName("resultLab")
        self.lab.setPlaceholderText(self.tr("e.g. Zabol health centre laboratory"))
        self.note = QLineEdit(self)
        self.note.setObjectName("resultNote")
        self.row("case", self.tr("Case"), self.case)
        self.form.addRow("", self.status)
        self.row("test", self.tr("Test"), self.test)
        self.subtype_error = self.row("subtype", self.tr("Result type (species)"), self.subtype)
        self.row("outcome", self.tr("Result"), self.outcome)
        self.row("sample_date", self.tr("Sample taken on"), self.sample_date)
        self.row("result_date", self.tr("Result date"), self.result_date)
        self.row("lab", self.tr("Laboratory or facility"), self.lab)
        self.row("note", self.tr("Note"), self.note)
        self.outer.addLayout(self.form)
        self.outer.addWidget(self.general)
        self.history = self.add_history("resultHistory", [self.tr("Result date"), self.tr("Test"), self.tr("Result"),
                                                          self.tr("What it did")],
                                        self.tr("Results recorded for this case"), 130)
        self.add_buttons(self.tr("Save result"), self.tr("Save result (Ctrl+S)"), "saveResult", "closeResult")
        self.chain_tabs([self.case, self.test, self.subtype, self.outcome, self.sample_date, self.result_date,
                         self.lab, self.note, self.save_button, self.close_button])
        self.case.currentIndexChanged.connect(self._case_changed)
        self.test.currentIndexChanged.connect(self._test_changed)
        self.case_chosen = bool(case_id) or len(self.cases) < 2  # the cursor starts on the test then
        if case_id:
            self.case.setCurrentIndex(max(0, self.case.findData(case_id)))
        self.case.setEnabled(len(self.cases) > 1)
        self._case_changed()

    # ----- fields follow the case and the test -----

    def current_case(self) -> Any:
        index = self.case.currentIndex()
        return self.cases[index] if 0 <= index < len(self.cases) else None

    def _case_changed(self) -> None:
        case = self.current_case()
        self.test.blockSignals(True)
        self.test.clear()
        for t in (case.tests if case else ()):
            self.test.addItem(i18n.pick(t.name_en, t.name_fa), t.key)
        self.test.blockSignals(False)
        self._test_changed()
        self._show_case(case)

    def _test_changed(self) -> None:
        case = self.current_case()
        key = self.test.currentData()
        choice = next((t for t in (case.tests if case else ()) if t.key == key), None)
        self.subtype.clear()
        self.subtype.addItem(self.tr("— not given —"), "")
        for code, en, fa in (choice.subtypes if choice else ()):
            self.subtype.addItem(i18n.pick(en, fa), code)
        has = bool(choice and choice.subtypes)
        self.subtype.setEnabled(has)
        self.form.setRowVisible(self.subtype.parentWidget(), has)

    def _show_case(self, case: Any) -> None:
        if case is None:
            self.status.setText(self.tr("This visit has no notifiable case, so there is no result to enter."))
            self.save_button.setEnabled(False)
            return
        text = self.tr("Now %1").replace("%1", classification(case.classification))
        if how_moved(case):
            text += " — " + how_moved(case)
        self.status.setText(i18n.para(text))
        if not case.tests:
            self.status.setText(i18n.para(text + "\n" + self.tr(
                "No test on the disease list decides this disease; reclassify the case instead.")))
        self.save_button.setEnabled(bool(case.tests))
        self.history.setRowCount(len(case.results))
        for r, res in enumerate(case.results):
            subtype = dict((k, i18n.pick(en, fa)) for t in case.tests for k, en, fa in t.subtypes).get(res.subtype, "")
            did = classification(res.applied) if res.applied else self.tr("no change")
            for c, value in enumerate((i18n.show_date(res.result_date), i18n.pick(res.test_en, res.test_fa),
                                       outcome(res.outcome) + (f" ({subtype})" if subtype else ""), did)):
                self.history.setItem(r, c, QTableWidgetItem(value))
        self.history.resizeColumnsToContents()

    def first_field(self) -> QWidget:
        return self.test if self.case_chosen or not self.case.isEnabled() else self.case

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.first_field().setFocus()

    # ----- saving -----

    def _problems(self) -> list[Any]:
        problems = []
        if not self.outcome.currentData():
            problems.append(self.problem("outcome", self.tr("choose positive, negative or indeterminate.")))
        for name, edit, required in (("sample_date", self.sample_date, False),
                                     ("result_date", self.result_date, True)):
            if edit.problem():
                problems.append(self.problem(name, edit.problem()))
            elif required and edit.value() is None:
                problems.append(self.problem(name, self.tr("enter the day the result came.")))
        return problems

    def save(self) -> None:
        self.errors.clear()
        problems = self._problems()
        if problems:
            self.show_problems(problems)
            return
        case = self.current_case()
        data = {"test": self.test.currentData(), "subtype": self.subtype.currentData() or "",
                "outcome": self.outcome.currentData(), "sample_date": self.sample_date.value(),
                "result_date": self.result_date.value(), "lab": self.lab.text(), "note": self.note.text()}
        ctx, case_id, before = self.ctx, case.id, case.classification
        self.save_button.setEnabled(False)

        def work() -> Any:
            from app.services.test_results import case_view, record_result

            stored = record_result(ctx, case_id, data)
            return stored.applied, case_view(ctx, case_id)

        run_op(self, work, lambda done: self._saved(before, *done), self.failed, self.tr("Saving the result…"))

    def _saved(self, before: str, applied: str, case: Any) -> None:
        self.cases[self.case.currentIndex()] = case
        self.result = case
        self.case.setItemText(self.case.currentIndex(), case_title(case))
        name = i18n.pick(case.name_en, case.name_fa)
        if applied and applied != before:
            self.moved_banner.say(self.tr("Result saved. %1").replace("%1", moved(name, before, applied)))
        else:
            self.moved_banner.say(self.tr("Result saved. %1 stays %2: this result does not change it.")
                                  .replace("%1", name).replace("%2", classification(case.classification)))
        self._show_case(case)
        for w in (self.outcome,):
            w.setCurrentIndex(0)
        self.sample_date.clear()
        self.lab.clear()
        self.note.clear()
        self.saved.emit(case)
        self.test.setFocus()  # another result, or Esc to close
