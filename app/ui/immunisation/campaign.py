"""Campaign mode: count children at a crossing in two or three keystrokes each, no patient record needed.

Keys (English or Persian keyboard): an age band 1, 2 or 3, then the sex F or M (Persian ز or م): the child is
counted as vaccinated. Before the band, R (ر) marks a refusal, A (غ) an absent child, Z (ص) a child never
vaccinated before. Backspace takes back the last count. Nationality stays as chosen until changed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui import i18n
from app.ui.ops import run_op
from app.ui.widgets.forms import DateField, ErrorLabel

BANDS = {"1": "0-11m", "2": "12-59m", "3": "5-14y", "۱": "0-11m", "۲": "12-59m", "۳": "5-14y"}
SEXES = {"f": "female", "m": "male", "ز": "female", "م": "male"}
PREFIXES = {"r": "refused", "a": "absent", "z": "zero", "ر": "refused", "غ": "absent", "ص": "zero"}


def _label(kind: str, code: str) -> str:
    from app.services.labels import label

    return label(kind, code, i18n.current_lang())


class TallyKeys(QLineEdit):
    """Reads the tally keys; emits (age band, sex, outcome, zero_dose) for each child, and ``undo``."""

    child = Signal(str, str, str, bool)
    undo = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tallyKeys")
        self.setReadOnly(True)
        self.prefix = ""
        self.band = ""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Backspace:
            if self.prefix or self.band:
                self.prefix = self.band = ""
            else:
                self.undo.emit()
            self._echo()
            return
        ch = event.text().lower()
        if not ch:
            super().keyPressEvent(event)
            return
        if not self.band and ch in PREFIXES:
            self.prefix = PREFIXES[ch]
        elif ch in BANDS:
            self.band = BANDS[ch]
        elif self.band and ch in SEXES:
            outcome = self.prefix if self.prefix in ("refused", "absent") else "vaccinated"
            self.child.emit(self.band, SEXES[ch], outcome, self.prefix == "zero")
            self.prefix = self.band = ""
        self._echo()

    def _echo(self) -> None:
        parts = [x for x in (_label("campaign_outcome", self.prefix) if self.prefix in ("refused", "absent") else "",
                             self.tr("never vaccinated") if self.prefix == "zero" else "",
                             _label("campaign_band", self.band) if self.band else "") if x]
        self.setText(" · ".join(parts))


class CampaignView(QWidget):
    kind = "campaign"

    def __init__(self, session: Any, args: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("campaignView")
        self.session, self.ctx, self.args = session, session.ctx, args
        self.key = "campaign"
        self.title = self.tr("Campaign tally")
        self.last: tuple[str, str, str, bool] | None = None
        self.report: Any = None
        col = QVBoxLayout(self)
        top = QHBoxLayout()
        self.campaign = QComboBox(self)
        self.campaign.setObjectName("campaignChoice")
        self.campaign.setMinimumWidth(300)
        self.campaign.currentIndexChanged.connect(self.refresh)
        self.nationality = QComboBox(self)
        self.nationality.setObjectName("tallyNationality")
        from app.services.labels import choices

        for value, text in choices("nationality", i18n.current_lang()):
            self.nationality.addItem(text, value)
        self.print_button = QPushButton(self.tr("Print the day's report"), self)
        self.print_button.setObjectName("printCampaignDay")
        self.print_button.clicked.connect(self._print)
        for w in (QLabel(self.tr("Campaign"), self), self.campaign, QLabel(self.tr("Nationality"), self),
                  self.nationality, self.print_button):
            top.addWidget(w)
        top.addStretch(1)
        col.addLayout(top)
        self.help = QLabel(self.tr("Type the age band — 1: 0–11 months, 2: 12–59 months, 3: 5–14 years — then the "
                                   "sex, F or M (ز / م). Before the band: R (ر) refused, A (غ) absent, Z (ص) never "
                                   "vaccinated before. Backspace takes back the last child."), self)
        self.help.setWordWrap(True)
        col.addWidget(self.help)
        self.keys = TallyKeys(self)
        font = self.keys.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        self.keys.setFont(font)
        self.keys.child.connect(self._count)
        self.keys.undo.connect(self._undo)
        col.addWidget(self.keys)
        self.last_label = QLabel(self)
        self.last_label.setObjectName("lastCounted")
        col.addWidget(self.last_label)
        self.error = ErrorLabel(self)
        col.addWidget(self.error)
        self.totals = QLabel(self)
        self.totals.setObjectName("campaignTotals")
        col.addWidget(self.totals)
        self.table = QTableWidget(3, 3, self)
        self.table.setObjectName("campaignTable")
        self.table.setHorizontalHeaderLabels([_label("sex", "female"), _label("sex", "male"), self.tr("Total")])
        self.table.setVerticalHeaderLabels([_label("campaign_band", b) for b in ("0-11m", "12-59m", "5-14y")])
        self.table.setMaximumHeight(140)
        col.addWidget(self.table)
        col.addWidget(self._start_box())
        col.addStretch(1)
        self.load_campaigns()

    def _start_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Start a campaign"), self)
        form = QFormLayout(box)
        self.new_code = QLineEdit(box)
        self.new_code.setObjectName("campaignCode")
        self.new_name = QLineEdit(box)
        self.new_name.setObjectName("campaignName")
        self.new_vaccine = QComboBox(box)
        self.new_vaccine.setObjectName("campaignVaccine")
        from app.core.immunisation import load_schedule

        for code, v in load_schedule().vaccines.items():
            self.new_vaccine.addItem(v.name(i18n.current_lang()), code)
        self.new_vaccine.setCurrentIndex(self.new_vaccine.findData("bopv"))
        self.new_start, self.new_end = DateField(box), DateField(box)
        self.new_start.set_value(self.ctx.today())
        self.new_end.set_value(self.ctx.today())
        self.new_site = QLineEdit(box)
        self.new_site.setObjectName("campaignSite")
        # The target ages: a child outside them is not counted (the service refuses it and says why).
        self.new_min_age, self.new_max_age = QLineEdit("0", box), QLineEdit("59", box)
        self.new_min_age.setObjectName("campaignMinAge")
        self.new_max_age.setObjectName("campaignMaxAge")
        from PySide6.QtGui import QIntValidator

        ages = QHBoxLayout()
        for w in (self.new_min_age, self.new_max_age):
            w.setValidator(QIntValidator(0, 180, w))
            w.setMaximumWidth(80)
        for w in (self.new_min_age, QLabel(self.tr("to"), box), self.new_max_age, QLabel(self.tr("months"), box)):
            ages.addWidget(w)
        ages.addStretch(1)
        start = QPushButton(self.tr("Start"), box)
        start.setObjectName("startCampaign")
        start.clicked.connect(self._start)
        for text, w in ((self.tr("Round code"), self.new_code), (self.tr("Name"), self.new_name),
                        (self.tr("Vaccine"), self.new_vaccine), (self.tr("First day"), self.new_start),
                        (self.tr("Last day"), self.new_end), (self.tr("Site"), self.new_site)):
            form.addRow(text, w)
        form.addRow(self.tr("Target ages"), ages)
        form.addRow(start)
        return box

    def load_campaigns(self, select: str | None = None) -> None:
        from app.services.campaigns import active_campaigns

        ctx = self.ctx

        def show(campaigns: list[Any]) -> None:
            self.campaign.blockSignals(True)
            self.campaign.clear()
            for c in campaigns:
                self.campaign.addItem(f"{c.code} — {c.name}", c.id)
            if select:
                self.campaign.setCurrentIndex(self.campaign.findData(select))
            self.campaign.blockSignals(False)
            self.refresh()
            self.keys.setFocus()

        run_op(self, lambda: active_campaigns(ctx), show)

    def _start(self) -> None:
        from app.services.campaigns import start_campaign

        try:
            first, last = self.new_start.value(), self.new_end.value()
        except ValueError:
            self.error.say(self.new_start.problem() or self.new_end.problem())
            return
        data = {"code": self.new_code.text(), "name": self.new_name.text(), "vaccine": self.new_vaccine.currentData(),
                "start_date": first, "end_date": last, "site": self.new_site.text(),
                "min_age_months": self.new_min_age.text() or "0", "max_age_months": self.new_max_age.text() or "59"}
        ctx = self.ctx
        self.error.say("")
        run_op(self, lambda: start_campaign(ctx, data), lambda cid: self.load_campaigns(cid), self._failed)

    def _failed(self, err: BaseException) -> None:
        message = getattr(err, "message", None)
        self.error.say(message(i18n.current_lang()) if callable(message) else str(err))

    def _count(self, band: str, sex: str, outcome: str, zero: bool, delta: int = 1) -> None:
        from app.services.campaigns import TallyKey, tally_child

        cid = self.campaign.currentData()
        if not cid:
            self.error.say(self.tr("Start a campaign or choose one first."))
            return
        key = TallyKey(age_band=band, sex=sex, nationality=self.nationality.currentData(),  # type: ignore[arg-type]
                       outcome=outcome, zero_dose=zero)  # type: ignore[arg-type]
        ctx = self.ctx
        text = " · ".join([_label("campaign_band", band), _label("sex", sex), _label("campaign_outcome", outcome)])
        self.error.say("")

        def counted(_n: int) -> None:
            if delta > 0:  # only a count that was taken can be taken back
                self.last = (band, sex, outcome, zero)
            self.last_label.setText((self.tr("Counted: %1") if delta > 0 else self.tr("Taken back: %1"))
                                    .replace("%1", text))
            self.refresh()

        run_op(self, lambda: tally_child(ctx, campaign_id=cid, key=key, delta=delta), counted, self._failed)

    def _undo(self) -> None:
        if self.last is not None:
            band, sex, outcome, zero = self.last
            self.last = None
            self._count(band, sex, outcome, zero, delta=-1)

    def refresh(self) -> None:
        from app.services.campaigns import campaign_report

        cid = self.campaign.currentData()
        if not cid:
            return
        ctx = self.ctx
        run_op(self, lambda: campaign_report(ctx, cid, day=ctx.today()), self._show)

    def _show(self, report: Any) -> None:
        self.report = report
        for r, band in enumerate(("0-11m", "12-59m", "5-14y")):
            row = [report.cells.get((band, s, "vaccinated"), 0) for s in ("female", "male")]
            for c, n in enumerate([*row, sum(row)]):
                self.table.setItem(r, c, QTableWidgetItem(i18n.num(n)))
        b = report.by_outcome
        self.totals.setText(i18n.para(
            self.tr("Today: %1 vaccinated (%2 never vaccinated before), %3 refused, %4 absent")
            .replace("%1", i18n.num(b.get("vaccinated", 0))).replace("%2", i18n.num(report.zero_dose))
            .replace("%3", i18n.num(b.get("refused", 0))).replace("%4", i18n.num(b.get("absent", 0)))))

    def _print(self) -> None:
        from app.ui.referrals.printing import _preview

        cid = self.campaign.currentData()
        if not cid:
            return
        ctx = self.ctx
        day = ctx.today()

        def render() -> bytes:
            from app.services.campaigns import campaign_day_pdf

            return campaign_day_pdf(ctx, cid, day=day, lang=i18n.current_lang())

        run_op(self, render, lambda pdf: _preview(self, pdf, self.tr("Campaign day report")), self._failed)


