"""The patient chart: identity, documents, household, insurance cover, visits, referrals and flags."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.birth import show_birth_year
from app.security.roles import Action, can
from app.ui import i18n, labels
from app.ui.ops import run_op
from app.ui.widgets.bidi import BidiDelegate
from app.ui.widgets.forms import Banner
from app.ui.widgets.tables import fill_rows, small_table


def _table(parent: QWidget, headers: list[str], name: str) -> QTableWidget:
    # Small, fixed lists (a patient's visits): a QTableWidget is fine here.
    table = small_table(parent, headers, name, max_height=170)
    table.setItemDelegate(BidiDelegate(table))  # a Latin complaint or code keeps its order in Persian
    return table


_fill = fill_rows


class ChartView(QWidget):
    loaded = Signal(object)

    def __init__(self, session: Any, patient_id: str, main: Any) -> None:
        super().__init__(main)
        self.setObjectName("chartView")
        self.session, self.ctx, self.main = session, session.ctx, main
        self.patient_id = patient_id
        self.key = f"chart-{patient_id}"
        self.chart: Any = None
        self._shown_once = False
        outer = QVBoxLayout(self)
        self.header = QLabel(self.tr("Opening the chart…"), self)
        self.header.setObjectName("chartHeader")
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.header.setFont(font)
        outer.addWidget(self.header)
        self.flags = QLabel(self)
        self.flags.setObjectName("chartFlags")
        self.flags.setWordWrap(True)
        outer.addWidget(self.flags)
        self.notice = Banner("danger", self)
        self.notice.setObjectName("chartNotice")
        outer.addWidget(self.notice)

        actions = QHBoxLayout()
        self.visit_button = self._action(actions, self.tr("New visit"), "newVisit", self.new_visit,
                                         can(self.ctx.role, Action.RECORD_VISIT))
        self.member_button = self._action(actions, self.tr("Register a household member"), "addMember",
                                          self.add_member, can(self.ctx.role, Action.REGISTER_PATIENT))
        self.enrol_button = self._action(actions, self.tr("Enrol household in insurance"), "enrol", self.enrol,
                                         can(self.ctx.role, Action.ENROL_HOUSEHOLD))
        actions.addStretch(1)
        from app.ui.patients import chart_actions

        self.card_button = self._action(actions, self.tr("Print patient card"), "printCard",
                                        lambda: chart_actions.print_card(self, self.ctx, self.patient_id),
                                        can(self.ctx.role, Action.PRINT_PATIENT_CARD))
        self.duplicates_button = self._action(actions, self.tr("Possible duplicates…"), "checkDuplicates",
                                              lambda: chart_actions.check_duplicates(self), True)
        outer.addLayout(actions)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        inner = QWidget(scroll)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        col = QVBoxLayout(inner)

        identity = QGroupBox(self.tr("Identity"), inner)
        self.identity = QFormLayout(identity)
        col.addWidget(identity)
        self.cover = QLabel(inner)
        self.cover.setObjectName("coverLabel")
        box = QGroupBox(self.tr("Insurance cover"), inner)
        QVBoxLayout(box).addWidget(self.cover)
        col.addWidget(box)

        self.documents = _table(inner, [self.tr("Document"), self.tr("Number"), self.tr("Cycle / form")], "documents")
        self.household = _table(inner, [self.tr("Code"), self.tr("Name"), self.tr("Relationship")], "household")
        self.visits = _table(inner, [self.tr("Date"), self.tr("Complaint"), self.tr("Diagnoses"),
                                     self.tr("Follow-up")], "visits")
        self.referrals = _table(inner, [self.tr("Number"), self.tr("Date"), self.tr("To"), self.tr("Urgency"),
                                        self.tr("Status")], "referrals")
        for title, table in ((self.tr("Documents"), self.documents), (self.tr("Household"), self.household),
                             (self.tr("Visits"), self.visits), (self.tr("Referrals"), self.referrals)):
            box = QGroupBox(title, inner)
            QVBoxLayout(box).addWidget(table)
            col.addWidget(box)
            if table is self.referrals:
                self.reprint = QPushButton(self.tr("Print the selected referral slip again"), box)
                self.reprint.setObjectName("reprintReferral")
                self.reprint.clicked.connect(self._reprint)
                box.layout().addWidget(self.reprint)
                self.feedback = QPushButton(self.tr("Record the receiving facility's feedback…"), box)
                self.feedback.setObjectName("referralFeedbackButton")
                self.feedback.clicked.connect(self._feedback)
                self.feedback.setVisible(can(self.ctx.role, Action.RECORD_REFERRAL_FEEDBACK))
                box.layout().addWidget(self.feedback)
        self.household.itemActivated.connect(self._open_member)
        self.visits.itemActivated.connect(self._open_visit)  # Enter or a double click: the saved visit, read-only
        self.visits.setToolTip(self.tr("Enter or double-click opens the saved visit"))
        self.visit_button.setToolTip(self.tr("New visit (Ctrl+Shift+V)"))
        self.card_button.setToolTip(self.tr("Print patient card (Ctrl+P)"))  # Print on the chart prints the card
        from app.ui.immunisation.panel import attach  # issue 18: the vaccination panel, its own module

        attach(self, col)
        from app.ui.surveillance.panel import attach as attach_cases  # issue 16: cases, test results, investigation

        attach_cases(self, col)
        col.addStretch(1)
        self.reload()

    def _action(self, row: QHBoxLayout, text: str, name: str, slot: Any, allowed: bool) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        button.setVisible(allowed)
        button.setEnabled(False)
        row.addWidget(button)
        return button

    def reload(self) -> None:
        from app.services.chart import open_patient_chart

        ctx, pid = self.ctx, self.patient_id

        def load() -> Any:
            chart = open_patient_chart(ctx, pid)
            # Names of facilities for the referral list, resolved here so the GUI thread does no lookups.
            from app.services.reference import list_facilities

            chart.facility_names = {f.id: i18n.pick(f.name_en, f.name_fa) for f in list_facilities(ctx)}
            return chart

        run_op(self, load, self._show, None, self.tr("Opening the chart…"))

    def _show(self, chart: Any) -> None:
        self.chart = chart
        p = chart.patient
        name = " ".join(x for x in (i18n.pick(p.given_name_latin, p.given_name_fa),
                                    i18n.pick(p.family_name_latin, p.family_name_fa)) if x)
        self.title = f"{p.code} {name}"
        self.header.setText(i18n.para(self.title))
        tabs = self.main.tabs
        tabs.setTabText(tabs.indexOf(self), name or p.code)
        while self.identity.rowCount():
            self.identity.removeRow(0)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("legalStatus")
        self.reveal = QPushButton(self.tr("Show"), self)
        self.reveal.setObjectName("revealStatus")
        self.reveal.setFlat(True)
        self.reveal.clicked.connect(self._reveal_status)
        sex = labels.sex()
        dob = i18n.show_date(p.date_of_birth) if p.date_of_birth else (
            ("~" if p.birth_estimated else "") + i18n.num(show_birth_year(p.birth_year, "jalali" if i18n.is_rtl() else "gregorian")))
        rows = [(self.tr("Code"), p.code),
                (self.tr("Name (Persian)"), " ".join(x for x in (p.given_name_fa, p.family_name_fa) if x)),
                (self.tr("Name (Latin)"), " ".join(x for x in (p.given_name_latin, p.family_name_latin) if x)),
                (self.tr("Father's name"), " / ".join(x for x in (p.father_name_fa, p.father_name_latin) if x)),
                (self.tr("Sex"), sex.get(p.sex, p.sex)), (self.tr("Born"), dob),
                (self.tr("Nationality"), labels.nationality().get(p.nationality, p.nationality)),
                (self.tr("Phone"), i18n.num(p.phone))]
        for label, value in rows:
            self.identity.addRow(label, QLabel(i18n.para(value)))
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label)
        status_row.addWidget(self.reveal)
        status_row.addStretch(1)
        self.identity.addRow(self.tr("Legal status"), status_row)
        self._hide_status(p.legal_status == "undocumented")
        flags = [labels.flag(f) for f in chart.flags if f != "sensitive_status"]
        self.flags.setText(" · ".join(flags))
        self.notice.say(self.tr("Notifiable disease recorded in the last 30 days — check it was reported.")
                        if "notifiable_case_recent" in chart.flags else "")
        if chart.cover is not None:
            c = chart.cover
            self.cover.setText(self.tr("%1, paid by %2 — covered until %3").replace("%1", c.label(i18n.current_lang()))
                               .replace("%2", labels.payer().get(c.payer, c.payer))
                               .replace("%3", i18n.show_date(c.coverage_end, long=True)))
        else:
            self.cover.setText(self.tr("Not covered"))
        docs = labels.document_type()
        _fill(self.documents, [[docs.get(d.doc_type, d.doc_type), d.number, d.amayesh_cycle or d.tazkira_form]
                               for d in chart.documents])
        rel = labels.relationship()
        _fill(self.household, [[m.code, " ".join(x for x in (i18n.pick(m.given_name_latin, m.given_name_fa),
                                                                  i18n.pick(m.family_name_latin, m.family_name_fa))
                                                   if x), rel.get(m.relationship_to_head, "")]
                               for m in chart.household_members], [m.id for m in chart.household_members])
        _fill(self.visits, [[("⚠ " if v.urgent else "") + i18n.show_date(v.visit_date), v.complaint[:60],
                             i18n.joined(d.code for d in v.diagnoses if not d.deleted),
                             i18n.show_date(v.follow_up_date)] for v in chart.visits], [v.id for v in chart.visits])
        urg = labels.urgency()
        names = getattr(chart, "facility_names", {})
        _fill(self.referrals, [[r.referral_number, i18n.show_date(r.issued_at.date()),
                                names.get(r.to_facility_id, ""), urg.get(r.urgency, r.urgency),
                                labels.referral_status(r.status)] for r in chart.referrals],
              [r.id for r in chart.referrals])
        if chart.referrals:
            self.referrals.setCurrentCell(0, 0)
        self.reprint.setEnabled(bool(chart.referrals))
        self.feedback.setEnabled(bool(chart.referrals))
        for b in (self.visit_button, self.member_button, self.card_button, self.duplicates_button):
            b.setEnabled(True)
        self.member_button.setEnabled(chart.household is not None)
        self.enrol_button.setEnabled(chart.household is not None)
        if self.main.tabs.currentWidget() is self:
            # First load: the buttons were disabled until now, so the cursor goes to "New visit"; a reload
            # leaves it where the person put it.
            self.main.focus_current(opened=not self._shown_once)
        self._shown_once = True
        self.loaded.emit(chart)

    def first_field(self) -> QWidget | None:
        if self.visit_button.isVisible() and self.visit_button.isEnabled():
            return self.visit_button
        return None

    def _hide_status(self, sensitive: bool) -> None:
        # Undocumented status can expose a person to deportation: not shown on screen until asked for (docs/architecture.md, "Domain facts").
        p = self.chart.patient
        text = labels.legal_status().get(p.legal_status, p.legal_status)
        self.status_label.setText("••••••" if sensitive else text)
        self.status_label.setToolTip(self.tr("Sensitive — shown only when needed") if sensitive else "")
        self.reveal.setVisible(sensitive)

    def _reveal_status(self) -> None:
        self._hide_status(False)

    def _open_member(self, item: QTableWidgetItem) -> None:
        pid = self.household.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
        if pid and pid != self.patient_id:
            self.main.open_chart(pid)

    # ----- actions -----

    def _open_visit(self, item: QTableWidgetItem) -> None:
        visit_id = self.visits.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
        p = self.chart.patient
        if visit_id:
            self.main.open_form("visit", {"patient_id": p.id, "patient_label": self.title, "patient_sex": p.sex,
                                          **_birth_args(p), "visit_id": visit_id})

    def new_visit_from_keyboard(self) -> None:
        if self.chart is not None and self.visit_button.isVisible():
            self.new_visit()

    def print_from_keyboard(self) -> None:
        if self.card_button.isVisible() and self.card_button.isEnabled():
            self.card_button.click()

    def new_visit(self) -> None:
        p = self.chart.patient
        self.main.open_form("visit", {"patient_id": p.id, "patient_label": self.title, "patient_sex": p.sex,
                                      **_birth_args(p), "patient_allergies": getattr(p, "allergies", "") or ""})

    def add_member(self) -> None:
        h = self.chart.household
        self.main.open_form("register", {"household_id": h.id, "household_code": h.code})

    def enrol(self) -> None:
        h = self.chart.household
        self.main.open_form("enrol", {"household_id": h.id, "household_code": h.code,
                                      "head_patient_id": h.head_patient_id or self.patient_id})

    def _selected_referral(self) -> tuple[str, str] | None:
        row = self.referrals.currentRow()
        if row < 0 and self.referrals.rowCount():
            row = 0  # the newest referral, when none is selected
        if row < 0:
            return None
        item = self.referrals.item(row, 0)
        return item.data(Qt.ItemDataRole.UserRole), item.text()

    def _reprint(self) -> None:
        selected = self._selected_referral()
        if selected is None:
            return
        from app.ui.referrals.printing import print_referral

        print_referral(self, self.ctx, selected[0])  # the service marks every print after the first as a reprint

    def _feedback(self) -> None:
        selected = self._selected_referral()
        if selected is None:
            return
        from app.ui.referrals.feedback import FeedbackDialog

        self.feedback_dialog = FeedbackDialog(self.ctx, selected[0], selected[1], self)
        self.feedback_dialog.saved.connect(self.reload)
        self.feedback_dialog.open()


def _birth_args(p: Any) -> dict[str, Any]:
    """What the visit form needs of the birth to ask about pregnancy only at reproductive age (app.core.birth)."""
    return {"patient_birth_date": p.date_of_birth.isoformat() if p.date_of_birth else "",
            "patient_birth_year": p.birth_year or 0}
