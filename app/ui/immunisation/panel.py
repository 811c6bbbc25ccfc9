"""The chart's vaccination panel: what the person has, what to give today, what is next; record a dose; print the
card. Attached to the chart by ``attach`` (one call in app/ui/patients/chart.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.security.roles import Action, can
from app.ui import i18n
from app.ui.ops import run_op
from app.ui.widgets.forms import DateField, ErrorLabel, FieldErrors, field_rows, vaccine_choice
from app.ui.widgets.tables import fill_rows, small_table


def _table(parent: QWidget, headers: list[str], name: str) -> QTableWidget:
    return small_table(parent, headers, name)  # a person's few doses: a small fixed list


_fill = fill_rows


def _label(kind: str, code: str) -> str:
    from app.services.labels import label

    return label(kind, code, i18n.current_lang())


def _vaccine(code: str) -> str:
    return _label("vaccine", code)


def _series_name(sid: str) -> str:
    from app.core.immunisation import load_schedule

    return load_schedule().series_by_id(sid).name(i18n.current_lang())


def _join(items: list[str]) -> str:
    return ("، " if i18n.current_lang() == "fa" else ", ").join(items)


def _doses(doses: Any) -> str:
    """(series, dose number) pairs as the series table names them: "DTP 1, Hib 1"."""
    return _join([f"{_series_name(sid)} {i18n.num(slot)}" for sid, slot in doses])


def give_today_text(st: Any) -> str:
    give = [_vaccine(g.vaccine) for g in st.give_today]
    return i18n.para(QCoreApplication.translate("ImmunisationPanel", "Give today: %1").replace("%1", _join(give))) \
        if give else ""


def waiting_text(st: Any) -> str:
    """The doses due that wait for the day their combination vaccine is valid for every series it counts for
    (ChildStatus.waiting): without this line they would be missing from "give today" with no word of why."""
    lines = []
    for w in st.waiting:
        if w.valid_from is not None:
            text = QCoreApplication.translate("ImmunisationPanel", "%1 wait until %2 (%3)").replace(
                "%2", i18n.show_date(w.valid_from, long=True))
        else:
            text = QCoreApplication.translate("ImmunisationPanel", "%1 wait: %3 is not valid for this person")
        lines.append(i18n.para(text.replace("%3", _vaccine(w.vaccine)).replace("%1", _doses(w.doses))))
    return "\n".join(lines)


def summary_text(st: Any, birth_estimated: bool) -> str:
    overall = _label("immunisation_state", st.overall)
    text = QCoreApplication.translate("ImmunisationPanel", "Status: %1").replace("%1", overall)
    if st.next_due is not None:
        text += " · " + QCoreApplication.translate("ImmunisationPanel", "next dose due %1").replace(
            "%1", i18n.show_date(st.next_due, long=True))
    if birth_estimated:
        text += " · " + QCoreApplication.translate("ImmunisationPanel", "birth date estimated")
    return i18n.para(text)


class ImmunisationPanel(QGroupBox):
    def __init__(self, chart: Any, parent: QWidget) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Vaccinations"))
        self.setObjectName("immunisationPanel")
        self.chart, self.ctx = chart, chart.ctx
        self.view: Any = None
        col = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("immunisationSummary")
        self.summary.setWordWrap(True)
        col.addWidget(self.summary)
        self.waiting = QLabel(self)
        self.waiting.setObjectName("immWaiting")
        self.waiting.setWordWrap(True)
        col.addWidget(self.waiting)
        self.today = QLabel(self)
        self.today.setObjectName("giveToday")
        self.today.setWordWrap(True)
        font = self.today.font()
        font.setBold(True)
        self.today.setFont(font)
        col.addWidget(self.today)
        self.series = _table(self, [self.tr("Vaccine"), self.tr("Doses counted"), self.tr("Next dose"), self.tr("Due")], "immSeries")
        self.doses = _table(self, [self.tr("Date"), self.tr("Vaccine"), self.tr("Dose"), self.tr("Source"), self.tr("Batch"), self.tr("Where")],
                            "immDoses")
        col.addWidget(self.series)
        col.addWidget(self.doses)
        row = QHBoxLayout()
        self.record = QPushButton(self.tr("Record a dose…"), self)
        self.record.setObjectName("recordDose")
        self.record.clicked.connect(self.open_dialog)
        self.record.setVisible(can(self.ctx.role, Action.RECORD_IMMUNISATION))
        self.print_card = QPushButton(self.tr("Print vaccination card"), self)
        self.print_card.setObjectName("printVaccinationCard")
        self.print_card.clicked.connect(self._print)
        self.print_card.setVisible(can(self.ctx.role, Action.PRINT_VACCINATION_CARD))
        self.aefi = QPushButton(self.tr("Adverse event…"), self)
        self.aefi.setObjectName("recordAefi")
        self.aefi.setToolTip(self.tr("An adverse event following immunisation: reported at once"))
        self.aefi.clicked.connect(self.open_aefi)
        self.aefi.setVisible(can(self.ctx.role, Action.RECORD_IMMUNISATION))
        self.aefi_summary = QLabel(self)
        self.aefi_summary.setObjectName("aefiSummary")
        row.addWidget(self.record)
        row.addWidget(self.aefi)
        row.addWidget(self.print_card)
        row.addWidget(self.aefi_summary)
        row.addStretch(1)
        col.addLayout(row)
        self.dialog: DoseDialog | None = None

    def reload(self) -> None:
        from app.services.immunisation import immunisation_status

        ctx, pid = self.ctx, self.chart.patient_id
        run_op(self, lambda: immunisation_status(ctx, pid), self._show)

    def _show(self, view: Any) -> None:
        self.view = view
        events, serious = view.adverse_events
        self.aefi_summary.setText(self.tr("Adverse events: %1 (serious: %2)").replace("%1", i18n.num(events))
                                  .replace("%2", i18n.num(serious)) if events else "")
        st = view.status
        if st is None:
            self.summary.setText(self.tr("No birth date or year: the schedule cannot be worked out."))
            self.today.setText("")
            self.waiting.setText("")
            return
        self.summary.setText(summary_text(st, view.birth_estimated))
        self.waiting.setText(waiting_text(st))
        self.today.setText(give_today_text(st))
        rows = []
        for s in st.series:
            if not s.eligible:
                continue
            counted = sum(1 for x in s.slots if x.state == "given")
            needed = sum(1 for x in s.slots if x.state != "skipped")
            nxt = s.next
            if s.complete:
                nxt_text, due_text = _label("immunisation_state", "complete"), ""
            elif nxt is None:
                nxt_text, due_text = "", ""
            else:
                nxt_text = f"{i18n.num(nxt.slot)} · {_vaccine(nxt.vaccine)} · {_label('immunisation_state', nxt.state)}"
                due_text = i18n.show_date(nxt.due) if nxt.state != "aged_out" else ""
            rows.append([_series_name(s.series), f"{i18n.num(counted)}/{i18n.num(needed)}", nxt_text, due_text])
        _fill(self.series, rows)
        not_counted = {n.dose.record_id for n in st.not_counted}
        _fill(self.doses, [[i18n.show_date(d.given_on) if d.given_on else self.tr("date unknown"),
                            _vaccine(d.vaccine) + (" ⚠ " + self.tr("not counted (too early)") if d.id in not_counted
                                                   else ""),
                            i18n.num(d.dose_number) if d.dose_number is not None else "",
                            _label("dose_source", d.source), d.batch,
                            d.country if d.place == "abroad" else _label("dose_place", d.place)]
                           for d in view.doses], [d.id for d in view.doses])

    def open_dialog(self) -> None:
        first = self.view.status.give_today[0].vaccine if self.view and self.view.status and \
            self.view.status.give_today else None
        self.dialog = DoseDialog(self.ctx, self.chart.patient_id, first, self)
        self.dialog.saved.connect(lambda _: self.reload())
        self.dialog.open()

    def open_aefi(self) -> None:
        from app.ui.immunisation.adverse import AdverseEventDialog

        doses = self.view.doses if self.view is not None else []
        self.aefi_dialog = AdverseEventDialog(self.ctx, self.chart.patient_id, doses, self)
        self.aefi_dialog.saved.connect(lambda _: self.reload())
        self.aefi_dialog.open()

    def _print(self) -> None:
        from app.ui.referrals.printing import _preview

        ctx, pid = self.ctx, self.chart.patient_id

        def render() -> bytes:
            from app.services.vaccination_card import vaccination_card_pdf

            return vaccination_card_pdf(ctx, pid)

        title = QCoreApplication.translate("printing", "Vaccination card")
        run_op(self, render, lambda pdf: _preview(self, pdf, title), None,
               QCoreApplication.translate("printing", "Preparing the vaccination card…"))


class DoseDialog(QDialog):
    """One dose: given here (batch, expiry, site), seen on a card, or the caregiver's word (date may be unknown)."""

    saved = Signal(object)

    def __init__(self, ctx: Any, patient_id: str, vaccine: str | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("doseDialog")
        self.setWindowTitle(self.tr("Record a dose"))
        self.ctx, self.patient_id = ctx, patient_id
        from app.services.labels import choices

        lang = i18n.current_lang()
        form = QFormLayout(self)
        self.general = ErrorLabel(self)
        self.errors = FieldErrors(self.general)
        self.vaccine = vaccine_choice(self, "doseVaccine")
        if vaccine:
            self.vaccine.setCurrentIndex(self.vaccine.findData(vaccine))
        self.source = QComboBox(self)
        self.source.setObjectName("doseSource")
        for value, text in choices("dose_source", lang):
            self.source.addItem(text, value)
        self.given_on = DateField(self)
        self.given_on.setObjectName("doseDate")
        self.given_on.set_value(ctx.today())
        self.batch = QLineEdit(self)
        self.batch.setObjectName("doseBatch")
        self.expiry = DateField(self)
        self.expiry.setObjectName("doseExpiry")
        self.site = QComboBox(self)
        self.site.setObjectName("doseSite")
        for value, text in choices("dose_site", lang):
            if value:
                self.site.addItem(text, value)
        self.place = QComboBox(self)
        self.place.setObjectName("dosePlace")
        for value, text in choices("dose_place", lang):
            self.place.addItem(text, value)
        self.country = QLineEdit(self)
        self.country.setObjectName("doseCountry")
        self.given_by = QLineEdit(self)
        self.given_by.setObjectName("doseGivenBy")
        # A dose given in a campaign round counts for the round (its vaccine, days and target ages are checked).
        self.campaign = QComboBox(self)
        self.campaign.setObjectName("doseCampaign")
        self.campaigns: list[tuple[str, str, str]] = []  # (id, vaccine, label) of the rounds running today
        self.vaccine.currentIndexChanged.connect(self._route)
        self.vaccine.currentIndexChanged.connect(self._fill_campaigns)
        self.source.currentIndexChanged.connect(self._source_changed)
        rows = [("vaccine", self.tr("Vaccine"), self.vaccine), ("source", self.tr("Source"), self.source),
                ("campaign_id", self.tr("Campaign"), self.campaign),
                ("given_on", self.tr("Date given"), self.given_on), ("batch", self.tr("Batch number"), self.batch),
                ("expiry", self.tr("Expiry date"), self.expiry), ("site", self.tr("Site"), self.site),
                ("place", self.tr("Where given"), self.place), ("country", self.tr("Country"), self.country),
                ("given_by_name", self.tr("Given by (as on the card)"), self.given_by)]
        self.rows: dict[str, QWidget] = field_rows(form, self.errors, rows)
        form.addRow(self.general)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveDose")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._route()
        self._fill_campaigns()
        self._source_changed()
        self._load_campaigns()

    def _load_campaigns(self) -> None:
        from app.services.campaigns import active_campaigns

        ctx = self.ctx

        def running() -> list[tuple[str, str, str]]:
            today = ctx.today()
            return [(c.id, c.vaccine, f"{c.code} — {c.name}") for c in active_campaigns(ctx) if c.start_date <= today]

        def show(found: list[tuple[str, str, str]]) -> None:
            self.campaigns = found
            self._fill_campaigns()

        run_op(self, running, show, lambda _err: None)  # without the list the dose is routine, as before

    def _fill_campaigns(self) -> None:
        chosen = self.campaign.currentData()
        self.campaign.clear()
        self.campaign.addItem(self.tr("Routine (not a campaign)"), None)
        for cid, vaccine, label in self.campaigns:
            if vaccine == self.vaccine.currentData():
                self.campaign.addItem(label, cid)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(chosen)) if chosen else 0)
        self._source_changed()

    def _route(self) -> None:
        from app.core.immunisation import load_schedule

        code = self.vaccine.currentData()
        if code and load_schedule().vaccines[code].route == "oral":
            self.site.setCurrentIndex(self.site.findData("oral"))
        elif self.site.currentData() == "oral":
            self.site.setCurrentIndex(0)

    def _source_changed(self) -> None:
        here = self.source.currentData() == "given"
        for name in ("batch", "expiry", "site"):
            self.rows[name].setEnabled(here)
        self.rows["campaign_id"].setEnabled(here and self.campaign.count() > 1)
        self.rows["place"].setEnabled(not here)
        self.rows["given_by_name"].setEnabled(not here)
        if not here and self.place.currentData() == "unit":
            self.place.setCurrentIndex(self.place.findData("abroad"))
        self.rows["country"].setEnabled(not here)

    def save(self) -> None:

        problems = [(name, field.problem()) for name, field in (("given_on", self.given_on),
                                                                 ("expiry", self.expiry)) if field.problem()]
        if problems:
            self.general.say("\n".join(p for _, p in problems))
            return
        here = self.source.currentData() == "given"
        data: dict[str, Any] = {"patient_id": self.patient_id, "vaccine": self.vaccine.currentData(),
                                "source": self.source.currentData(), "given_on": self.given_on.value()}
        if here:
            data.update(batch=self.batch.text(), expiry=self.expiry.value(), site=self.site.currentData(),
                        campaign_id=self.campaign.currentData())
        else:
            data.update(place=self.place.currentData(), country=self.country.text(),
                        given_by_name=self.given_by.text())
        ctx = self.ctx

        def done(result: Any) -> None:
            self.result_ = result
            self.saved.emit(result)
            self.accept()


        from app.services.immunisation import record_dose

        self.errors.clear()
        run_op(self, lambda: record_dose(ctx, data), done, self.errors.show_failure)


def attach(chart: Any, column: QVBoxLayout) -> ImmunisationPanel:
    """Put the panel on the chart, above the visits, and refresh it whenever the chart loads."""
    panel = ImmunisationPanel(chart, column.parentWidget())
    column.insertWidget(2, panel)
    chart.loaded.connect(lambda _chart: panel.reload())
    chart.immunisation = panel
    return panel


