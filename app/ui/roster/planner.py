"""The coordinator's day plan: facility, staff on duty, patients (follow-ups due come pre-filled), then print."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.security.roles import Action, can
from app.ui import i18n, labels
from app.ui.ops import run_op, show_error
from app.ui.referrals.printing import print_roster
from app.ui.widgets.forms import DateField, ErrorLabel
from app.ui.widgets.formtab import FormTab, set_combo

ID = Qt.ItemDataRole.UserRole
DUE_SHOWN = 50  # children due listed on the plan (the count says how many in all; the due list pages the rest)


def _patient_text(row: Any, reason: str = "") -> str:
    name = " ".join(x for x in (row.given_name, row.family_name) if x)
    return f"{row.code}  {name} — {reason}" if reason else f"{row.code}  {name}"


class RosterPlanner(FormTab):
    kind = "roster"

    def __init__(self, session: Any, args: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(session, args, "", parent)
        self.set_title(self.tr("Day plan"))
        self.setObjectName("rosterPlanner")
        self.can_plan = can(self.ctx.role, Action.PLAN_ROSTER)
        top = QHBoxLayout()
        self.day = DateField(self)
        self.day.setObjectName("rosterDay")
        self.day.set_value(date.today())
        self.facility = QComboBox(self)
        self.facility.setObjectName("rosterFacility")
        self.facility.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.facility.setMinimumWidth(280)
        load = QPushButton(self.tr("Show the plan"), self)
        load.setObjectName("loadRoster")
        load.clicked.connect(self.load)
        self.day.returnPressed.connect(self.load)
        for w in (QLabel(self.tr("Day"), self), self.day, QLabel(self.tr("Facility"), self), self.facility, load):
            top.addWidget(w)
        top.addStretch(1)
        self.body.addLayout(top)
        self.day_error = ErrorLabel(self)
        self.body.addWidget(self.day_error)
        self.errors.bind("day", self.day, self.day_error)

        grid = QGridLayout()
        staff_box = QGroupBox(self.tr("Staff on duty"), self)
        self.staff = QListWidget(staff_box)
        self.staff.setObjectName("rosterStaff")
        self.staff.itemChanged.connect(self.autosaver.touch)
        QVBoxLayout(staff_box).addWidget(self.staff)
        staff_error = ErrorLabel(staff_box)
        staff_box.layout().addWidget(staff_error)
        self.errors.bind("staff", self.staff, staff_error)
        grid.addWidget(staff_box, 0, 0)

        patients_box = QGroupBox(self.tr("Patients expected (follow-ups due are added for you)"), self)
        col = QVBoxLayout(patients_box)
        self.patients = QListWidget(patients_box)
        self.patients.setObjectName("rosterPatients")
        col.addWidget(self.patients)
        remove = QPushButton(self.tr("Remove selected patient"), patients_box)
        remove.clicked.connect(lambda: (self.patients.takeItem(self.patients.currentRow()), self.autosaver.touch()))
        col.addWidget(remove)
        add_row = QHBoxLayout()
        self.find = QLineEdit(patients_box)
        self.find.setObjectName("rosterFind")
        self.find.setPlaceholderText(self.tr("Find a patient to add"))
        self.find.returnPressed.connect(self._find)
        add_row.addWidget(self.find)
        col.addLayout(add_row)
        self.found = QListWidget(patients_box)
        self.found.setObjectName("rosterFound")
        self.found.setMaximumHeight(110)
        self.found.itemActivated.connect(self._add_found)
        col.addWidget(self.found)
        grid.addWidget(patients_box, 0, 1)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(0, 1)
        self.body.addLayout(grid, 1)
        self.body.addWidget(self._due_box())
        self.note = QLineEdit(self)
        self.note.setObjectName("siteNote")
        self.note.setPlaceholderText(self.tr("Note for the site (where the unit parks, water, security…)"))
        self.body.addWidget(self.note)
        self.watch(self.note, self.facility)

        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save the plan"), self)
        self.save_button.setObjectName("saveRoster")
        self.save_button.clicked.connect(self.save)
        self.save_button.setVisible(self.can_plan)
        self.print_button = QPushButton(self.tr("Print the roster"), self)
        self.print_button.setObjectName("printRoster")
        self.print_button.clicked.connect(self.print_roster)
        self.print_button.setVisible(can(self.ctx.role, Action.PRINT_ROSTER))
        self.status = QLabel(self)
        self.status.setObjectName("rosterStatus")
        for w in (self.save_button, self.print_button, self.status):
            row.addWidget(w)
        row.addStretch(1)
        self.body.addLayout(row)
        self._pending_state: dict[str, Any] | None = None
        self._choices()

    def _due_box(self) -> QGroupBox:
        """Children due for vaccination at this site on the day (the due table), to add to the plan."""
        box = QGroupBox(self.tr("Vaccinations due at this site on the day"), self)
        col = QVBoxLayout(box)
        self.due_summary = QLabel(box)
        self.due_summary.setObjectName("rosterDueSummary")
        col.addWidget(self.due_summary)
        self.due = QListWidget(box)
        self.due.setObjectName("rosterDue")
        self.due.setMaximumHeight(120)
        self.due.itemActivated.connect(self._add_due)
        col.addWidget(self.due)
        add = QPushButton(self.tr("Add the children due to the plan"), box)
        add.setObjectName("addDueChildren")
        add.clicked.connect(lambda: [self._add_due(self.due.item(i)) for i in range(self.due.count())])
        add.setVisible(self.can_plan)
        col.addWidget(add)
        return box

    def _load_due(self, day: date, fid: str) -> None:
        from app.services.immunisation import due_count, due_list

        ctx = self.ctx

        def read() -> Any:
            return (due_count(ctx, facility_id=fid, on=day), due_count(ctx, facility_id=fid, defaulters_only=True),
                    due_list(ctx, facility_id=fid, on=day, limit=DUE_SHOWN))

        run_op(self, read, self._show_due)

    def _show_due(self, found: Any) -> None:
        from app.services.labels import label

        total, overdue, children = found
        lang = i18n.current_lang()
        self.due_summary.setText(self.tr("Children due for vaccination: %1 (%2 overdue today); the first %3, "
                                         "most overdue first:").replace("%1", i18n.num(total))
                                 .replace("%2", i18n.num(overdue)).replace("%3", i18n.num(len(children)))
                                 if total else self.tr("No child is due for vaccination here on this day."))
        self.due.clear()
        for c in children:
            what = ("، " if lang == "fa" else ", ").join(dict.fromkeys(label("vaccine", v, lang)
                                                                       for _, _, v, _ in c.doses))
            name = i18n.pick(c.given_name_latin, c.given_name_fa)
            item = QListWidgetItem(f"{'⚠ ' if c.overdue else ''}{c.code} — {name} — {what}", self.due)
            item.setData(ID, c.patient_id)
            item.setData(ID + 1, self.tr("vaccination due: %1").replace("%1", what)[:200])
            item.setData(ID + 2, (c.code, name))

    def _add_due(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        pid = item.data(ID)
        if any(self.patients.item(i).data(ID) == pid for i in range(self.patients.count())):
            return
        code, name = item.data(ID + 2)
        line = QListWidgetItem(f"{code} — {name} — {item.data(ID + 1)}", self.patients)
        line.setData(ID, pid)
        line.setData(ID + 1, item.data(ID + 1))
        self.autosaver.touch()

    def _choices(self) -> None:
        ctx = self.ctx

        def load() -> Any:
            from app.services.reference import list_facilities, list_users

            return ([(f.id, i18n.pick(f.name_en, f.name_fa)) for f in list_facilities(ctx, unit_id=ctx.unit_id)],
                    [(u.id, i18n.pick(u.full_name_en, u.full_name_fa) or u.username, u.role)
                     for u in list_users(ctx, unit_id=ctx.unit_id)])

        def fill(result: Any) -> None:
            facilities, users = result
            self.autosaver.paused = True
            for fid, name in facilities:
                self.facility.addItem(name, fid)
            set_combo(self.facility, self.ctx.facility_id)
            for uid, name, role in users:
                item = QListWidgetItem(f"{name} ({labels.role(role)})", self.staff)
                item.setData(ID, uid)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            self.autosaver.paused = False
            if self._pending_state:
                self.restore(self._pending_state)
            else:
                self.load()

        run_op(self, load, fill)

    def load(self) -> None:
        if self.day.problem():
            self.day_error.say(self.day.problem())
            return
        self.day_error.say("")
        from app.services.roster import roster_for_day

        ctx, day, fid = self.ctx, self.day.value() or date.today(), self.facility.currentData()
        if not fid:
            return
        run_op(self, lambda: roster_for_day(ctx, day, fid), self._show, None, self.tr("Loading the plan…"))
        self._load_due(day, fid)

    def _show(self, view: Any) -> None:
        self.autosaver.paused = True
        on_duty = {u.id for u, _ in view.staff}
        for i in range(self.staff.count()):
            item = self.staff.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(ID) in on_duty else Qt.CheckState.Unchecked)
        self.patients.clear()
        for line in view.lines:
            reason = line.reason if line.source == "planned" else self.tr("follow-up due: %1").replace("%1",
                                                                                                     line.reason[:40])
            item = QListWidgetItem(_patient_text(line.patient, reason), self.patients)
            item.setData(ID, line.patient.id)
            item.setData(ID + 1, line.reason[:200])
        self.note.setText(view.site_note)
        self.status.setText(self.tr("Saved plan") if view.roster_id else self.tr("Not planned yet"))
        self.autosaver.paused = False

    def _find(self) -> None:
        from app.services.patient_search import find_patients

        ctx, text = self.ctx, self.find.text()
        run_op(self, lambda: find_patients(ctx, text, limit=20), self._found)

    def _found(self, rows: list[Any]) -> None:
        self.found.clear()
        for r in rows:
            item = QListWidgetItem(_patient_text(r), self.found)
            item.setData(ID, r.id)
        if rows:
            self.found.setCurrentRow(0)
            self.found.setFocus()

    def _add_found(self, item: QListWidgetItem) -> None:
        pid = item.data(ID)
        if any(self.patients.item(i).data(ID) == pid for i in range(self.patients.count())):
            return
        new = QListWidgetItem(item.text(), self.patients)
        new.setData(ID, pid)
        new.setData(ID + 1, "")
        self.autosaver.touch()

    def state(self) -> dict[str, Any]:
        return {"day": self.day.text(), "facility": self.facility.currentData(), "note": self.note.text(),
                "staff": [self.staff.item(i).data(ID) for i in range(self.staff.count())
                          if self.staff.item(i).checkState() == Qt.CheckState.Checked],
                "patients": [[self.patients.item(i).data(ID), self.patients.item(i).text(),
                              self.patients.item(i).data(ID + 1) or ""] for i in range(self.patients.count())]}

    def restore(self, state: dict[str, Any]) -> None:
        if self.facility.count() == 0:
            self._pending_state = state
            return
        self.day.setText(state.get("day", ""))
        set_combo(self.facility, state.get("facility"))
        self.note.setText(state.get("note", ""))
        wanted = set(state.get("staff", []))
        for i in range(self.staff.count()):
            item = self.staff.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(ID) in wanted else Qt.CheckState.Unchecked)
        self.patients.clear()
        for pid, text, reason in state.get("patients", []):
            item = QListWidgetItem(text, self.patients)
            item.setData(ID, pid)
            item.setData(ID + 1, reason)

    def save(self) -> None:
        from app.services.roster import plan_roster

        if self.day.problem():
            self.day_error.say(self.day.problem())
            return
        s = self.state()
        data = {"facility_id": s["facility"], "day": self.day.value(), "site_note": s["note"],
                "staff": [{"user_id": uid} for uid in s["staff"]],
                "patients": [{"patient_id": pid, "reason": reason} for pid, _, reason in s["patients"]]}
        ctx = self.ctx
        self.errors.clear()
        run_op(self, lambda: plan_roster(ctx, data), self._saved, self._failed, self.tr("Saving the plan…"))

    def _saved(self, roster_id: str) -> None:
        self.autosaver.discard()
        self.status.setText(self.tr("Plan saved."))

    def _failed(self, err: BaseException) -> None:
        from app.services.errors import ValidationFailed

        if isinstance(err, ValidationFailed):
            self.errors.show(err.errors)
        else:
            show_error(self, err)

    def print_roster(self) -> None:
        if self.day.problem() or not self.facility.currentData():
            return
        print_roster(self, self.ctx, self.day.value() or date.today(), self.facility.currentData())
