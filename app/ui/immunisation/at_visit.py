"""A child's vaccinations at the visit (issue 18, "shown at the visit"): a child seen for diarrhoea is told, in the
visit form, what to give today, what is overdue, what waits, or that they are up to date. Attached to the visit form
by ``attach_to_visit`` (one call in app/ui/visits/form.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.security.roles import Action, can
from app.ui import i18n
from app.ui.immunisation.panel import DoseDialog, _doses, give_today_text, summary_text, waiting_text
from app.ui.ops import run_op

RECORD_KEYS = "Ctrl+Shift+I"


def in_schedule(view: Any, today: date) -> bool:
    """Whether the person is under the age limit of a series of the schedule they are eligible for (a child, or a
    woman of Td age): an adult outside the schedule is shown nothing."""
    from app.core.immunisation import load_schedule

    if view.status is None or view.born is None:
        return False
    sched = load_schedule()
    return any(s.eligible and today < sched.series_by_id(s.series).max_age.after(view.born)
               for s in view.status.series)


class VisitImmunisation(QFrame):
    """One line (or a few) above the visit: filled in when the status is ready, never delaying the form. Its button
    takes no Tab focus, so the visit's keys are the same as without it; Ctrl+Shift+I records a dose."""

    def __init__(self, form: Any, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("visitImmunisation")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.form, self.ctx, self.patient_id = form, form.ctx, form.args["patient_id"]
        self.view: Any = None
        self.dialog: DoseDialog | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        self.text = QLabel(self)
        self.text.setObjectName("visitImmunisationText")
        self.text.setWordWrap(True)
        font = self.text.font()
        font.setBold(True)
        self.text.setFont(font)
        row.addWidget(self.text, 1)
        self.record = QPushButton(self.tr("Record a dose…"), self)
        self.record.setObjectName("visitRecordDose")
        self.record.setToolTip(self.tr("Record a vaccine dose for this person (%1)").replace("%1", RECORD_KEYS))
        self.record.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # not in the Tab chain: the visit's keys stay as they are
        self.record.clicked.connect(self.open_dialog)
        self.may_record = can(self.ctx.role, Action.RECORD_IMMUNISATION)
        self.record.setVisible(self.may_record)
        row.addWidget(self.record)
        self.setVisible(False)
        shortcut = QShortcut(QKeySequence(RECORD_KEYS), form)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.open_dialog)

    def reload(self) -> None:
        from app.services.immunisation import immunisation_status

        ctx, pid = self.ctx, self.patient_id

        def work() -> tuple[Any, bool]:
            view = immunisation_status(ctx, pid)
            return view, in_schedule(view, ctx.today())

        # Without the status the visit is recorded as before: a failure here must not interrupt it with a box.
        run_op(self, work, self._show, lambda _err: None)

    def _show(self, result: tuple[Any, bool]) -> None:
        view, shown = result
        self.view = view
        if not shown:
            self.setVisible(False)
            return
        st = view.status
        lines = [summary_text(st, view.birth_estimated)]
        overdue = [(s.series, s.next.slot) for s in st.series if s.next is not None and s.next.state == "overdue"]
        if overdue:
            lines.append(i18n.para(self.tr("Overdue: %1").replace("%1", _doses(overdue))))
        lines += [t for t in (give_today_text(st), waiting_text(st)) if t]
        self.text.setText("\n".join(lines))
        self.setVisible(True)

    def open_dialog(self) -> None:
        if not (self.may_record and self.isVisible()):
            return
        st = self.view.status if self.view is not None else None
        first = st.give_today[0].vaccine if st is not None and st.give_today else None
        self.dialog = DoseDialog(self.ctx, self.patient_id, first, self)
        self.dialog.saved.connect(lambda _: self._recorded())
        self.dialog.open()

    def _recorded(self) -> None:
        self.reload()
        main = self.form.parent_main()
        index = main._find_tab(f"chart-{self.patient_id}") if main is not None else -1
        if index >= 0:  # the chart behind the visit shows the new dose too
            main.tabs.widget(index).reload()


def attach_to_visit(form: Any, body: Any) -> VisitImmunisation:
    """Put the line at the top of the visit form (under the notifiable-disease banner) and start filling it in."""
    box = VisitImmunisation(form, form)
    body.insertWidget(body.indexOf(form.alarm) + 1, box)
    box.reload()
    return box
