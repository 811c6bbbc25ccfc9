"""Turning a referral or a day's roster into a PDF (``app.services.printing``) and showing the preview."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from app.ui.ops import run_op


def _preview(parent: QWidget, pdf: bytes, title: str) -> None:
    from app.ui.printing import PdfPreviewDialog

    dialog = PdfPreviewDialog(pdf, title, parent)
    dialog.setObjectName("pdfPreview")
    parent.last_preview = dialog  # type: ignore[attr-defined]  # tests and the window keep a handle on it
    dialog.open()


def print_referral(parent: QWidget, ctx: Any, referral_id: str) -> None:
    """The service marks every print after the first as a reprint, whoever asks."""
    from app.services.printing import referral_slip_pdf

    title = QCoreApplication.translate("printing", "Referral slip")
    run_op(parent, lambda: referral_slip_pdf(ctx, referral_id), lambda pdf: _preview(parent, pdf, title), None,
           QCoreApplication.translate("printing", "Preparing the referral slip…"))


def print_roster(parent: QWidget, ctx: Any, day: date, facility_id: str) -> None:
    from app.services.printing import roster_pdf

    title = QCoreApplication.translate("printing", "Day roster")
    run_op(parent, lambda: roster_pdf(ctx, day, facility_id), lambda pdf: _preview(parent, pdf, title), None,
           QCoreApplication.translate("printing", "Preparing the roster…"))
