"""What the chart does for issue 15: print the patient card (on demand; reprints are marked), and look for other
records of the same person."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from app.ui.ops import run_op


def print_card(parent: QWidget, ctx: Any, patient_id: str, size: str = "ID-1") -> None:
    from app.ui.referrals.printing import _preview

    def render() -> bytes:
        from app.services.patient_card import patient_card_pdf

        return patient_card_pdf(ctx, patient_id, size=size)  # type: ignore[arg-type]

    title = QCoreApplication.translate("printing", "Patient card")
    run_op(parent, render, lambda pdf: _preview(parent, pdf, title), None,
           QCoreApplication.translate("printing", "Preparing the patient card…"))


def check_duplicates(chart: Any) -> None:
    ctx, pid = chart.ctx, chart.patient_id
    code = chart.chart.patient.code if chart.chart is not None else ""

    def find() -> list[Any]:
        from app.services.duplicates import check_patient

        return check_patient(ctx, pid)

    def show(candidates: list[Any]) -> None:
        from app.ui.patients.duplicates import CandidatesDialog

        dialog = CandidatesDialog(ctx, pid, code, candidates, chart)
        chart.candidates_dialog = dialog
        dialog.finished.connect(lambda _: chart.reload())
        dialog.open()

    run_op(chart, find, show, None, QCoreApplication.translate("ChartView", "Looking for other records…"))


def offer_card(chart: Any) -> None:
    """Just registered: the card is offered at once, one click away (printing is the clinician's call: the printer
    may be off, or the person may not want a card)."""
    from app.security.roles import Action, can
    from app.ui.widgets.forms import Banner

    if not can(chart.ctx.role, Action.PRINT_PATIENT_CARD):
        return
    banner = Banner("info", chart)
    banner.setObjectName("cardBanner")
    banner.say(QCoreApplication.translate("ChartView", "Registered. Print the patient card now, so the next visit "
                                                       "starts with a scan."))
    button = banner.add_button(QCoreApplication.translate("ChartView", "Print patient card"), "printCardNow")

    def clicked() -> None:
        banner.say("")
        print_card(chart, chart.ctx, chart.patient_id)

    button.clicked.connect(clicked)
    chart.layout().insertWidget(3, banner)
    chart.card_banner = banner
