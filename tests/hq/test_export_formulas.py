"""Issue 12, item 8 re-checked (session 8): the line list downloaded from the real server (uvicorn on a loopback
port), CSV and XLSX, with values a spreadsheet might compute. The one CSV/XLSX writer is app/hq/exports.py (the
/hq download, its malaria variant and `sayyar hq export linelist`); DHIS2 files are JSON, the other lists pages.

Evidence (LibreOffice 7.4 Calc, headless CSV import with "Evaluate formulas" on, read back with openpyxl): "=1+1"
is a formula; " =1+1" (a leading space) is one too once "Remove spaces" is ticked; NBSP, RLM, LRM, ZWSP, BOM or an
ideographic space before "=" stay text, as do "-2+3" and "@SUM(1;1)" in that version (Excel computes those)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import httpx
import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
from helpers import LiveServer  # noqa: E402
from hq_helpers import add_case, add_patient, add_site, add_visit, central_sqlite  # noqa: E402

from app.hq.exports import safe_cell  # noqa: E402
from app.hq.staff import set_staff  # noqa: E402

ATTACKS = ["=cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "+1+1", " =1+1", "   -2+3", "\t=1+1", "\r=1+1",
           "\u00a0=1+1", "\u200f=1+1", "\u200e+1", "\u200b@SUM(1)", "\ufeff=1+1", "\u3000=1+1", "\uff1d1+1",
           "\u200f \uff0b1"]
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _significant(text: str) -> str:
    return text.lstrip("".join(c for c in set(text) if c.isspace() or unicodedata.category(c) == "Cf"))


def test_no_exported_cell_can_be_read_as_a_formula(tmp_path: Path) -> None:
    engine = central_sqlite(str(tmp_path / "central.db"))
    with engine.begin() as conn:
        site = add_site(conn)
        for i in range(0, len(ATTACKS), 2):
            p = add_patient(conn, given_name_latin=ATTACKS[i], father_name_latin=ATTACKS[i + 1] if i + 1 <
                            len(ATTACKS) else "Ghulam")
            add_visit(conn, p, site["F02"], date(2026, 11, 24))
            add_case(conn, "measles", site["F02"], date(2026, 11, 24), patient=p)
    set_staff(engine, username="l.karimi", role="headquarters", password="right-password")
    with LiveServer(engine) as srv, httpx.Client(base_url=srv.url, auth=("l.karimi", "right-password")) as http:
        files = {fmt: http.post("/hq/exports/linelist", data={"format": fmt, "identities": "1"})
                 for fmt in ("csv", "xlsx")}
    for resp in files.values():
        assert resp.status_code == 200 and resp.headers["cache-control"] == "no-store"
    rows = list(csv.reader(io.StringIO(files["csv"].content.decode("utf-8-sig"))))
    cells = [c for row in rows[1:] for c in row]
    for value in ATTACKS:
        assert value in cells or "'" + value in cells, value
    # A protected cell starts with the apostrophe; nothing else starts with a formula sign past spaces and marks.
    assert [c for c in cells if _significant(c).startswith(FORMULA)] == []
    ws = openpyxl.load_workbook(io.BytesIO(files["xlsx"].content)).active
    values = [c for row in ws.iter_rows() for c in row]
    assert not [c.value for c in values if c.data_type == "f"]
    assert "=cmd|' /C calc'!A0" in {c.value for c in values}  # a string cell, shown exactly as typed
    if shutil.which("soffice"):  # the spreadsheet itself, where installed: no cell of the CSV is computed
        _libreoffice_reads_no_formula(tmp_path, files["csv"].content)
    engine.dispose()


def _libreoffice_reads_no_formula(tmp_path: Path, data: bytes) -> None:
    source = tmp_path / "cases.csv"
    source.write_bytes(data)
    # comma, double quote, UTF-8, from line 1, standard columns, default language, quoted fields not forced to text,
    # special numbers detected, (export options), remove spaces ON, (sheet), evaluate formulas ON.
    options = "Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,true,-1,true"
    profile = tmp_path / "lo-profile"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", f"--infilter={options}",
                           "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(source)],
                          capture_output=True, timeout=180)
    out = tmp_path / "lo" / "cases.xlsx"
    if not out.exists():
        pytest.skip(f"LibreOffice did not convert the file: {done.stderr[-200:]!r}")
    ws = openpyxl.load_workbook(out).active
    assert not [c.value for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_safe_cell_looks_past_spaces_and_invisible_marks() -> None:
    for value in ATTACKS:
        assert safe_cell(value) == "'" + value, value
    for value in ("Fatemeh", "\u200fفاطمه", " Zahra", "2026-11-24", "", 12, -2, None):
        assert safe_cell(value) == value, value
