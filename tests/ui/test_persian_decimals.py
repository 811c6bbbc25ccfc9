"""Issue 14: on a Persian screen the vital signs showed "." for the decimal point (۳۷.۵) where Persian writes the
decimal separator "٫" (U+066B), and "/" (37/5, as written by hand) was refused. Typed with any of ".", "٫", "/"
or a comma, a decimal vital now shows as ۳۷٫۵, is stored as 37.5, and shows so again on the saved visit; the
referral slip prints it with "٫" too."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select
from ui_helpers import chart_of_new_patient, new_visit_by_keys, press, type_here, type_text, wait_ops

from app.models import Visit

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def test_persian_decimal_vitals_typed_shown_stored_and_shown_again(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("m.shahraki", lang="fa")
    chart = chart_of_new_patient(qtbot, main)
    visit = new_visit_by_keys(qtbot, main)
    type_here("سرفه")
    edits = visit.vitals.edits
    type_text(edits["temperature_c"], "37/5")  # a slash, as written by hand
    type_text(edits["weight_kg"], "۱۲٫۵")  # a Persian keyboard's decimal separator
    type_text(edits["height_cm"], "87.5")  # the numeric keypad's point
    assert edits["temperature_c"].text() == "۳۷٫۵"
    assert edits["weight_kg"].text() == "۱۲٫۵"
    assert edits["height_cm"].text() == "۸۷٫۵"
    assert not any(visit.vitals.notes[n].text() for n in ("temperature_c", "weight_kg", "height_cm"))
    assert visit.vitals.values()["temperature_c"] == 37.5
    assert "." not in edits["temperature_c"].placeholderText()
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: visit.visit_id is not None, timeout=10000)
    wait_ops(qtbot)
    with main.ctx.store.read() as s:
        v = s.scalars(select(Visit).where(Visit.id == visit.visit_id)).one()
        assert (v.temperature_c, v.weight_kg, v.height_cm) == (37.5, 12.5, 87.5)
    main.tabs.setCurrentWidget(chart)
    qtbot.waitUntil(lambda: chart.visits.rowCount() == 1, timeout=10000)
    main.close_tab(main.tabs.indexOf(visit))
    chart._open_visit(chart.visits.item(0, 0))  # as a double-click on the chart's visit opens it
    qtbot.waitUntil(lambda: getattr(main.tabs.currentWidget(), "saved_visit", None) is not None, timeout=10000)
    again = main.tabs.currentWidget()
    wait_ops(qtbot)
    shown = {n: again.vitals.edits[n].text() for n in ("temperature_c", "weight_kg", "height_cm")}
    assert shown == {"temperature_c": "۳۷٫۵", "weight_kg": "۱۲٫۵", "height_cm": "۸۷٫۵"}, shown


def test_the_slip_prints_persian_decimals_and_a_half_centimetre() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "printing"))
    from print_samples import slip_fa

    from app.printing.slip_values import vitals_text

    text = vitals_text(slip_fa(temperature_c=37.5, weight_kg=12.5, height_cm=75.5), "fa", "persian")
    assert "۳۷٫۵" in text and "۱۲٫۵" in text and "۷۵٫۵" in text and "." not in text, text
