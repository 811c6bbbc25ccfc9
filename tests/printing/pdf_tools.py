"""Helpers for reading back the PDFs we make: text lines, logical Persian, page images."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pdfplumber
from PIL import Image

ZWNJ = "\u200c"


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def page_texts(pdf: bytes) -> list[str]:
    """Plain text per page, spaces normalised (no-break spaces become spaces)."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [squash(page.extract_text() or "") for page in doc.pages]


def squash(text: str) -> str:
    text = text.replace("\u00a0", " ")
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())


def visual_lines(pdf: bytes, page_no: int = 0, bbox: tuple[float, float, float, float] | None = None) -> list[str]:
    """Lines as drawn: characters left to right (visual order), presentation forms as stored in the PDF."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[page_no]
        if bbox is not None:
            page = page.crop(bbox)
        lines = page.extract_text_lines(layout=False, strip=True)
        return [squash(line["text"]) for line in lines]


def logical_rtl(line: str) -> str:
    """Undo visual order for a right-to-left line of Persian text.

    Extraction gives glyphs left to right in presentation forms. Reverse the glyph sequence first (a lam-alef
    ligature is one glyph standing for two letters), then NFKC folds presentation forms back to plain letters.
    ZWNJ is dropped: it has no width, so its extracted position is arbitrary.
    """
    return unicodedata.normalize("NFKC", line[::-1]).replace(ZWNJ, "")


_NUMBER = re.compile(r"[0-9\u06f0-\u06f9]+(?:[/.:,][0-9\u06f0-\u06f9]+)*")


def logical_rtl_numbers(line: str) -> str:
    """``logical_rtl``, with each number read left to right again: digits run left to right inside right-to-left
    text (1405/09/07 is drawn so), so reversing the line reverses them too."""
    return _NUMBER.sub(lambda m: m.group(0)[::-1], logical_rtl(line))


def render_png(pdf: bytes, dpi: int, first_page: int = 1, last_page: int = 1) -> list[Image.Image]:
    if not shutil.which("pdftoppm"):
        import pytest

        pytest.skip("pdftoppm (poppler-utils) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(first_page), "-l", str(last_page), str(src),
                        str(Path(tmp) / "page")], check=True, capture_output=True)
        images = []
        for path in sorted(Path(tmp).glob("page-*.png")):
            with Image.open(path) as im:
                images.append(im.convert("RGB"))
        return images


def rtl_reading_tokens(line: str) -> list[str]:
    """A right-to-left line as a Persian reader meets its words: the visual line's words from right to left, each
    Persian word back in logical letters. A Latin run reads left to right inside, so it comes out reversed word by
    word ("mg", "500", "x", "2"); a digit comes out next to the word it is drawn beside."""
    words = [w for w in line.split(" ") if w]
    return [logical_rtl(w) if any(unicodedata.bidirectional(ch) in ("AL", "R") for ch in w) else w
            for w in reversed(words)]
