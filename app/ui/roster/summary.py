"""A day's summary for the coordinator: visits by sex and age band, referrals, notifiable cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.dates import AGE_BANDS
from app.ui import i18n, labels
from app.ui.ops import run_op
from app.ui.widgets.forms import DateField, ErrorLabel


class DaySummaryView(QWidget):
    kind = "summary"

    def __init__(self, session: Any, args: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("daySummary")
        self.session, self.ctx, self.args = session, session.ctx, args
        self.key = "summary"
        self.title = self.tr("Day summary")
        col = QVBoxLayout(self)
        top = QHBoxLayout()
        self.day = DateField(self)
        self.day.setObjectName("summaryDay")
        self.day.set_value(date.today())
        self.facility = QComboBox(self)
        self.facility.setObjectName("summaryFacility")
        self.facility.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.facility.setMinimumWidth(280)
        self.facility.addItem(self.tr("All facilities of the unit"), None)
        show = QPushButton(self.tr("Show"), self)
        show.setObjectName("showSummary")
        show.clicked.connect(self.load)
        self.day.returnPressed.connect(self.load)
        for w in (QLabel(self.tr("Day"), self), self.day, QLabel(self.tr("Facility"), self), self.facility, show):
            top.addWidget(w)
        top.addStretch(1)
        col.addLayout(top)
        self.error = ErrorLabel(self)
        col.addWidget(self.error)
        self.totals = QLabel(self)
        self.totals.setObjectName("summaryTotals")
        col.addWidget(self.totals)
        self.table = QTableWidget(2, len(AGE_BANDS) + 1, self)
        self.table.setObjectName("summaryTable")
        self.table.setHorizontalHeaderLabels([*(labels.age_band(b) for b in AGE_BANDS), self.tr("Total")])
        from PySide6.QtWidgets import QHeaderView

        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        sex = labels.sex()
        self.table.setVerticalHeaderLabels([sex["female"], sex["male"]])
        self.table.setMaximumHeight(110)
        col.addWidget(self.table)
        self.cases = QLabel(self)
        self.cases.setObjectName("summaryCases")
        self.cases.setWordWrap(True)
        col.addWidget(self.cases)
        col.addStretch(1)
        self._facilities()

    def _facilities(self) -> None:
        ctx = self.ctx

        def load() -> list[tuple[str, str]]:
            from app.services.reference import list_facilities

            return [(f.id, i18n.pick(f.name_en, f.name_fa)) for f in list_facilities(ctx, unit_id=ctx.unit_id)]

        def fill(rows: list[tuple[str, str]]) -> None:
            for fid, name in rows:
                self.facility.addItem(name, fid)
            self.load()

        run_op(self, load, fill)

    def load(self) -> None:
        if self.day.problem():
            self.error.say(self.day.problem())
            return
        self.error.say("")
        from app.services.roster import day_summary

        ctx, day, fid = self.ctx, self.day.value() or date.today(), self.facility.currentData()
        run_op(self, lambda: day_summary(ctx, day, fid), self._show, None, self.tr("Counting…"))

    def _show(self, s: Any) -> None:
        self.summary = s
        self.totals.setText(self.tr("%1 visits (%2 new patients), %3 referrals").replace("%1", i18n.num(s.visits))
                            .replace("%2", i18n.num(s.new_patients)).replace("%3", i18n.num(s.referrals)))
        for r, sex in enumerate(("female", "male")):
            total = 0
            for c, band in enumerate(AGE_BANDS):
                n = s.by_sex_band.get((sex, band), 0)
                total += n
                self.table.setItem(r, c, QTableWidgetItem(i18n.num(n)))
            self.table.setItem(r, len(AGE_BANDS), QTableWidgetItem(i18n.num(total)))
        if s.notifiable:
            lines = [f"{labels.disease(d)} ({labels.certainty(c)})" + (" — " + self.tr("immediate") if imm else "")
                     for d, c, imm in s.notifiable]
            self.cases.setText(self.tr("Notifiable cases: %1").replace("%1", i18n.joined(lines, ";")))
            self.cases.setStyleSheet("color: #b3261e; font-weight: bold;")
        else:
            self.cases.setText(self.tr("No notifiable cases."))
            self.cases.setStyleSheet("")
