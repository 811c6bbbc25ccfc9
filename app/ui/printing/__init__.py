"""Showing, previewing and printing the PDFs made by app.printing."""

from app.ui.printing.preview import PdfPreviewDialog

__all__ = ["PdfPreviewDialog"]
