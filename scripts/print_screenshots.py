"""Pictures of the printed paper for the documentation: a referral slip and a daily roster in English and Persian,
with mixed-direction text (a Latin dose inside a Persian medicine line, a brand name inside Persian, numbers, a long
Persian name that wraps), rendered to PDF and then to PNG with pdftoppm at 110 dpi, into docs/screenshots/.

Run:  .venv/bin/python scripts/print_screenshots.py   (needs pdftoppm, from poppler-utils)
Fictitious people only (tests/printing/print_samples.py); look at every picture before committing it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "printing"))  # the fictitious sample data shared with the tests

from print_samples import options, roster, slip_en, slip_fa  # noqa: E402

from app.printing import MedicineLine, RosterPatientLine, render_referral_slip, render_roster  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
DPI = 110
LONG_NAME = "سیده فاطمه‌الزهرا عبدالرحیم‌زاده قندهاری"


def papers() -> dict[str, bytes]:
    fa_medicines = [
        MedicineLine(name="آموکسی‌سیلین Amoxil", dose="2 x 500 mg", quantity="20", time="09:30"),
        MedicineLine(name="Paracetamol", dose="500 mg هر ۶ ساعت", quantity="10"),
        MedicineLine(name="شربت ORS", dose="1 ساشه بعد از هر بار اسهال", quantity="5"),
    ]
    en_medicines = [
        MedicineLine(name="Amoxicillin", dose="2 x 500 mg", quantity="20", time="09:30"),
        MedicineLine(name="ORS", dose="1 sachet after each loose stool", quantity="5"),
    ]
    slip_fa_data = slip_fa(
        patient_name=LONG_NAME,
        medicines=fa_medicines,
        treatment_given="قرص Amoxil (آموکسی‌سیلین) 2 x 500 mg روزانه به مدت 7 روز",
    )
    fa_roster = roster(12, "fa")
    first = RosterPatientLine(
        code="ZAH1-00012-3",
        name=LONG_NAME,
        father_name="عبدالرحیم",
        sex="female",
        age_years=34,
        phone="09151234567",
        reason="پیگیری Amoxil 2 x 500 mg و فشار خون 140/90",
        due_date=date(2026, 11, 28),
        notes="شربت ORS 1 ساشه",
    )
    fa_roster = fa_roster.model_copy(
        update={
            "patients": [first, *fa_roster.patients],
            "site_note": "ساعت 8:30 در مسجد جامع؛ کارت Amayesh همراه باشد",
        }
    )
    en_roster = roster(12).model_copy(update={"site_note": "8:30 at the Friday mosque; bring Amayesh cards"})
    return {
        "referral-slip-en": render_referral_slip(slip_en(medicines=en_medicines), options()),
        "referral-slip-fa": render_referral_slip(slip_fa_data, options("fa", "persian")),
        "roster-en": render_roster(en_roster, options()),
        "roster-fa": render_roster(fa_roster, options("fa", "persian")),
    }


def main() -> int:
    if not shutil.which("pdftoppm"):
        print("pdftoppm (poppler-utils) is needed", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, pdf in papers().items():
            src = Path(tmp) / f"{name}.pdf"
            src.write_bytes(pdf)
            subprocess.run(
                ["pdftoppm", "-r", str(DPI), "-png", "-f", "1", "-l", "1", "-singlefile", str(src), str(OUT / name)],
                check=True,
            )
            print(f"docs/screenshots/{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
