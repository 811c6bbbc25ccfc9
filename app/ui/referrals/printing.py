"""Turning a referral or a day's roster into a PDF (``app.services.printing``) and showing the preview.

The printing service arrives in a separate change; until it is importable the Print buttons say so plainly.
"""

from __future__ import annotations

import inspect
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.ui.ops import run_op


def _service(name: str) -> Any:
    try:
        from app.services import printing
    except ImportError:
        return None
    return getattr(printing, name, None)


def printing_available() -> bool:
    return _service("referral_slip_pdf") is not None


def _not_available(parent: QWidget) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, QCoreApplication.translate("printing", "Printing"),
                      QCoreApplication.translate("printing", "Printing is not available in this build of Sayyar. "
                                                             "The record is saved; print it later from the chart."),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("printingUnavailable")
    box.open()


def _preview(parent: QWidget, pdf: bytes, title: str) -> None:
    from app.ui.printing import PdfPreviewDialog

    dialog = PdfPreviewDialog(pdf, title, parent)
    dialog.setObjectName("pdfPreview")
    parent.last_preview = dialog  # type: ignore[attr-defined]  # tests and the window keep a handle on it
    dialog.open()


def _call(fn: Any, *args: Any, **maybe: Any) -> Any:
    accepted = inspect.signature(fn).parameters
    return fn(*args, **{k: v for k, v in maybe.items() if k in accepted})


def print_referral(parent: QWidget, ctx: Any, referral_id: str, *, reprint: bool = False) -> None:
    fn = _service("referral_slip_pdf")
    if fn is None:
        _not_available(parent)
        return
    title = QCoreApplication.translate("printing", "Referral slip")
    run_op(parent, lambda: _call(fn, ctx, referral_id, reprint=reprint), lambda pdf: _preview(parent, pdf, title),
           None, QCoreApplication.translate("printing", "Preparing the referral slip…"))


def print_roster(parent: QWidget, ctx: Any, day: date, facility_id: str) -> None:
    fn = _service("roster_pdf")
    if fn is None:
        _not_available(parent)
        return
    title = QCoreApplication.translate("printing", "Day roster")
    run_op(parent, lambda: fn(ctx, day, facility_id), lambda pdf: _preview(parent, pdf, title), None,
           QCoreApplication.translate("printing", "Preparing the roster…"))
