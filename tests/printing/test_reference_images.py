"""Compare page 1 renderings against reviewed reference images.

The references in reference/ were rendered with ``pdftoppm -r 100`` and looked at by a person. A small blur before
comparing absorbs antialiasing and font-hinting differences between poppler versions; moving a block, adding a line or
changing the urgency banner changes the mean difference several times over the threshold.
To accept an intended layout change, re-render with SAYYAR_UPDATE_PRINT_REFERENCES=1, look at the PNGs, commit them.
"""

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat

from app.printing import render_referral_slip, render_roster
from pdf_tools import render_png
from print_samples import options, roster, slip_en, slip_fa

REFERENCE_DIR = Path(__file__).parent / "reference"
DPI = 100
# Mean absolute grey-level difference (0-255) after a 1.5 px box blur. Calibrated: identical layout with different
# renderers/hinting ~<1; one extra wrapped line ~6; urgency banner changed ~15; a 1 px shift of the whole page ~4.
THRESHOLD = 2.5

CASES = {
    "slip-en": lambda: render_referral_slip(slip_en(), options()),
    "slip-fa": lambda: render_referral_slip(slip_fa(), options("fa", "persian", reprint_count=2)),
    "roster-en": lambda: render_roster(roster(40), options()),
    "roster-fa": lambda: render_roster(roster(40, "fa"), options("fa", "persian")),
}


def difference(a: Image.Image, b: Image.Image) -> float:
    blur = ImageFilter.BoxBlur(1.5)
    return ImageStat.Stat(ImageChops.difference(a.filter(blur), b.filter(blur))).mean[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_page_one_matches_reviewed_reference(name):
    image = render_png(CASES[name](), DPI)[0].convert("L")
    path = REFERENCE_DIR / f"{name}.png"
    if os.environ.get("SAYYAR_UPDATE_PRINT_REFERENCES") == "1":
        REFERENCE_DIR.mkdir(exist_ok=True)
        image.save(path, optimize=True)
        pytest.skip(f"reference {path.name} rewritten; review it before committing")
    with Image.open(path) as ref:
        reference = ref.convert("L")
    assert image.size == reference.size
    score = difference(image, reference)
    assert score < THRESHOLD, f"{name}: mean difference {score:.2f} (threshold {THRESHOLD}); layout changed?"


def test_comparison_catches_a_layout_change():
    # Guard the guard: one more wrapped line in the findings must fail the comparison.
    longer = slip_en(findings=slip_en().findings + " More text here to wrap the line once more, please.")
    a = render_png(render_referral_slip(slip_en(), options()), DPI)[0].convert("L")
    b = render_png(render_referral_slip(longer, options()), DPI)[0].convert("L")
    assert difference(a, b) > THRESHOLD
