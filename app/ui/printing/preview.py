"""Preview a PDF and send it to a printer or a file.

All QtPrintSupport use stays in this module. Pages are rasterised with pypdfium2 (Qt's own PDF module is not in
PySide6-Essentials); for printing they are rendered again at the printer's resolution, capped to keep memory sane.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("sayyar.ui.printing.preview")

PREVIEW_DPI = 96
MAX_PRINT_DPI = 300


def render_pages(pdf_bytes: bytes, dpi: float) -> list[QImage]:
    """Every page of the PDF as an RGB QImage at ``dpi``."""
    doc = pdfium.PdfDocument(pdf_bytes)
    images: list[QImage] = []
    try:
        for index in range(len(doc)):
            page = doc[index]
            bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True)  # rev_byteorder: RGB, as QImage wants it
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
            images.append(image.copy())  # detach from pdfium's buffer before it is freed
            page.close()
    finally:
        doc.close()
    return images


class PdfPreviewDialog(QDialog):
    def __init__(self, pdf_bytes: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pdf = bytes(pdf_bytes)
        self._title = title
        self.setWindowTitle(title)
        self.resize(720, 860)

        self._images = render_pages(self._pdf, PREVIEW_DPI)
        pages = QWidget()
        pages_layout = QVBoxLayout(pages)
        pages_layout.setSpacing(12)
        self.page_labels: list[QLabel] = []
        for number, image in enumerate(self._images, start=1):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setAccessibleName(self.tr("Page %n", "", number))
            label.setStyleSheet("border: 1px solid #999; background: white;")
            pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(label)
        scroll = QScrollArea()
        scroll.setWidget(pages)
        scroll.setWidgetResizable(True)
        scroll.setStyleSheet("QScrollArea { background: #666; }")

        self.print_button = QPushButton(self.tr("Print…"))
        self.save_button = QPushButton(self.tr("Save as PDF…"))
        self.close_button = QPushButton(self.tr("Close"))
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)
        self.print_button.setDefault(True)

        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("%n page(s)", "", len(self._images))))
        buttons.addStretch(1)
        for button in (self.print_button, self.save_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    @property
    def page_count(self) -> int:
        return len(self._images)

    # --- saving ----------------------------------------------------------------------------------------------------
    def save_pdf(self) -> Path | None:
        suggested = str(Path.home() / f"{_safe_filename(self._title)}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save as PDF"), suggested, self.tr("PDF files (*.pdf)"))
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            target.write_bytes(self._pdf)
        except OSError as exc:
            # The error text is about the file system (disk full, no permission), not about the patient.
            QMessageBox.warning(self, self.tr("Could not save"),
                                self.tr("The PDF could not be saved: %1").replace("%1", exc.strerror or str(exc)))
            return None
        return target

    # --- printing --------------------------------------------------------------------------------------------------
    def print_document(self) -> bool:
        if not QPrinterInfo.availablePrinters():
            answer = QMessageBox.question(
                self, self.tr("No printer"),
                self.tr("No printer is installed on this computer.\n\n"
                        "Do you want to save the document as a PDF file instead? "
                        "You can print it later from another computer."),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
            if answer == QMessageBox.StandardButton.Yes:
                self.save_pdf()
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._title)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Draw every page, scaled to fit the printer's printable area with its aspect ratio kept."""
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        images = render_pages(self._pdf, dpi)
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, self.tr("Printing failed"),
                                self.tr("The printer could not be started. Check that it is switched on and try again."))
            return False
        try:
            for index, image in enumerate(images):
                if index and not printer.newPage():
                    raise RuntimeError("printer refused a new page")
                # Painter coordinates start at the printable area's corner (QPrinter is not in full-page mode).
                area = printer.pageLayout().paintRectPixels(printer.resolution())
                size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                target = QRect((area.width() - size.width()) // 2, 0, size.width(), size.height())
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawImage(target, image)
        except RuntimeError:
            log.warning("printing stopped: the printer refused a new page")
            QMessageBox.warning(self, self.tr("Printing failed"), self.tr("The printer stopped before all pages were sent."))
            return False
        finally:
            painter.end()
        return True


def _safe_filename(title: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in " -_." else "_" for ch in title).strip()
    return keep or "document"
