import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from app.printing import render_referral_slip, render_roster  # noqa: E402
from app.ui.printing import preview  # noqa: E402
from app.ui.printing.preview import PdfPreviewDialog  # noqa: E402
from print_samples import options, roster, slip_en  # noqa: E402


@pytest.fixture
def slip_pdf() -> bytes:
    return render_referral_slip(slip_en(), options())


def test_opens_with_one_rendered_page(qtbot, slip_pdf):
    dialog = PdfPreviewDialog(slip_pdf, "Referral ZAH-1405-000123")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Referral ZAH-1405-000123"
    assert dialog.page_count == 1
    pixmap = dialog.page_labels[0].pixmap()
    assert not pixmap.isNull()
    # A5 portrait at preview resolution.
    assert pixmap.height() > pixmap.width() > 400


def test_multi_page_document_shows_every_page(qtbot):
    dialog = PdfPreviewDialog(render_roster(roster(60), options()), "Roster")
    qtbot.addWidget(dialog)
    assert dialog.page_count == len(dialog.page_labels) >= 3


def test_save_as_pdf_writes_the_bytes(qtbot, slip_pdf, tmp_path, monkeypatch):
    class FakeFileDialog:
        @staticmethod
        def getSaveFileName(*args, **kwargs):
            return str(tmp_path / "slip"), "PDF files (*.pdf)"

    monkeypatch.setattr(preview, "QFileDialog", FakeFileDialog)
    dialog = PdfPreviewDialog(slip_pdf, "Referral")
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "slip.pdf").read_bytes() == slip_pdf


def test_cancelled_save_writes_nothing(qtbot, slip_pdf, tmp_path, monkeypatch):
    class FakeFileDialog:
        @staticmethod
        def getSaveFileName(*args, **kwargs):
            return "", ""

    monkeypatch.setattr(preview, "QFileDialog", FakeFileDialog)
    dialog = PdfPreviewDialog(slip_pdf, "Referral")
    qtbot.addWidget(dialog)
    assert dialog.save_pdf() is None
    assert list(tmp_path.iterdir()) == []


def test_without_a_printer_the_user_is_told_and_offered_to_save(qtbot, slip_pdf, tmp_path, monkeypatch):
    asked: list[tuple] = []

    class NoPrinters:
        @staticmethod
        def availablePrinters():
            return []

    class FakeBox(QMessageBox):
        @staticmethod
        def question(*args, **kwargs):
            asked.append(args)
            return QMessageBox.StandardButton.Yes

    class FakeFileDialog:
        @staticmethod
        def getSaveFileName(*args, **kwargs):
            return str(tmp_path / "saved.pdf"), ""

    monkeypatch.setattr(preview, "QPrinterInfo", NoPrinters)
    monkeypatch.setattr(preview, "QMessageBox", FakeBox)
    monkeypatch.setattr(preview, "QFileDialog", FakeFileDialog)
    dialog = PdfPreviewDialog(slip_pdf, "Referral")
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    title, message = asked[0][1], asked[0][2]
    assert title == "No printer"
    assert "No printer is installed" in message and "PDF" in message
    assert (tmp_path / "saved.pdf").read_bytes() == slip_pdf


def test_print_to_a_pdf_printer_draws_every_page(qtbot, slip_pdf, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    dialog = PdfPreviewDialog(slip_pdf, "Referral")
    qtbot.addWidget(dialog)
    assert dialog.print_to(printer)
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF")


def test_printing_package_never_imports_qt():
    import subprocess
    import sys

    code = ("import sys, app.printing, app.printing.referral_slip, app.printing.roster; "
            "sys.exit(any(m.startswith('PySide6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
