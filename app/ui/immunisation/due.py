"""Children due for vaccination at a facility on a day (the unit's next visit there), and the defaulters: the
coordinator's list, read from the local due table in one query."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui import i18n
from app.ui.ops import run_op
from app.ui.widgets.forms import DateField, ErrorLabel
from app.ui.widgets.tables import fill_rows


class DueListView(QWidget):
    kind = "due"

    def __init__(self, session: Any, args: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dueList")
        self.session, self.ctx, self.args = session, session.ctx, args
        self.key = "due"
        self.title = self.tr("Vaccinations due")
        self.main = parent
        self.rows: list[Any] = []
        col = QVBoxLayout(self)
        top = QHBoxLayout()
        self.facility = QComboBox(self)
        self.facility.setObjectName("dueFacility")
        self.facility.setMinimumWidth(280)
        self.day = DateField(self)
        self.day.setObjectName("dueDay")
        self.day.set_value(self.ctx.today())
        self.defaulters = QCheckBox(self.tr("Defaulters only (overdue)"), self)
        self.defaulters.setObjectName("dueDefaulters")
        show = QPushButton(self.tr("Show"), self)
        show.setObjectName("showDue")
        show.clicked.connect(self.load)
        self.day.returnPressed.connect(self.load)
        for w in (QLabel(self.tr("Facility"), self), self.facility, QLabel(self.tr("Visit day"), self), self.day,
                  self.defaulters, show):
            top.addWidget(w)
        top.addStretch(1)
        col.addLayout(top)
        self.error = ErrorLabel(self)
        col.addWidget(self.error)
        self.count = QLabel(self)
        self.count.setObjectName("dueCount")
        col.addWidget(self.count)
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("dueTable")
        self.table.setHorizontalHeaderLabels([self.tr("Code"), self.tr("Name"), self.tr("Father's name"),
                                              self.tr("Born"), self.tr("Due")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemActivated.connect(self._open)
        col.addWidget(self.table, 1)
        self._facilities()

    def _facilities(self) -> None:
        from app.services.reference import list_facilities

        ctx = self.ctx

        def show(facilities: list[Any]) -> None:
            from app.services.immunisation import NOT_SEEN

            for f in facilities:
                if f.unit_id == ctx.unit_id:
                    self.facility.addItem(i18n.pick(f.name_en, f.name_fa), f.id)
            # This unit's children seen at no facility yet (no visit, no dose given at one): on no facility's list.
            self.facility.addItem(self.tr("Not yet seen at a facility"), NOT_SEEN)
            if ctx.facility_id:
                self.facility.setCurrentIndex(max(0, self.facility.findData(ctx.facility_id)))
            self.load()

        run_op(self, lambda: list_facilities(ctx), show)

    def load(self) -> None:
        from app.services.immunisation import due_count, due_list

        if self.day.problem():
            self.error.say(self.day.problem())
            return
        ctx, fid, day, only = self.ctx, self.facility.currentData(), self.day.value(), self.defaulters.isChecked()
        if fid is None:
            return
        self.error.say("")
        run_op(self, lambda: (due_count(ctx, facility_id=fid, on=day, defaulters_only=only),
                              due_list(ctx, facility_id=fid, on=day, defaulters_only=only)), self._show)

    def _show(self, found: tuple[int, list[Any]]) -> None:
        from app.services.labels import label

        total, rows = found
        self.rows = rows
        lang = i18n.current_lang()
        self.count.setText(self.tr("%1 children").replace("%1", i18n.num(total)))
        join = "، ".join if lang == "fa" else ", ".join
        fill_rows(self.table, [
            [child.code, i18n.pick(child.given_name_latin, child.given_name_fa),
             i18n.pick(child.father_name_latin, child.father_name_fa), i18n.show_date(child.born),
             ("⚠ " if child.overdue else "") + f"{i18n.show_date(child.earliest_due)} — "
             + join(dict.fromkeys(label("vaccine", v, lang) for _, _, v, _ in child.doses))]
            for child in rows], [child.patient_id for child in rows])

    def _open(self, item: QTableWidgetItem) -> None:
        pid = self.table.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
        if pid and self.main is not None:
            self.main.open_chart(pid)
