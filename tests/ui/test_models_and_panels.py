"""Custom models pass Qt's model checks; the patient list pages lazily; search drops stale results; Sync panel."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.models import new_id
from app.services.site import DEMO_PASSWORD, sign_in
from ui_helpers import Driver, type_text, wait_ops


def _bulk_patients(store, n: int) -> None:  # type: ignore[no-untyped-def]
    # Through the bulk writer, as demo data is: stamped, logged and indexed like any registration.
    with store.bulk() as w:
        for i in range(n):
            w.add("patient", dict(id=new_id(), code=f"T-{i:05d}", given_name_latin=f"Person{i}",
                                  father_name_latin="Test", sex="female" if i % 2 else "male",
                                  birth_year=1980 + i % 40, nationality="afghan", legal_status="amayesh",
                                  consent_date=date(2026, 1, 1)))


def test_patient_model_passes_modeltester_and_loads_pages(qtbot, qtmodeltester, demo_dir):  # type: ignore[no-untyped-def]
    from app.services.patient_search import search_patient_ids
    from app.ui.patients.model import PAGE, PatientTableModel

    site = sign_in(demo_dir, "m.shahraki", DEMO_PASSWORD)
    try:
        _bulk_patients(site.store, 250)
        model = PatientTableModel(SimpleNamespace(store=site.store, ctx=site.ctx))
        with site.store.read() as s:
            model.set_ids(search_patient_ids(s, "test", limit=None))
        assert model.rowCount() == 250
        assert model.data(model.index(0, 0)) == "…"  # not loaded yet: the GUI thread never waits
        qtbot.waitUntil(lambda: 0 in model.pages, timeout=5000)
        assert model.data(model.index(0, 0)).startswith("T-")
        assert 2 not in model.pages  # only what was looked at
        model.data(model.index(2 * PAGE + 5, 1))
        qtbot.waitUntil(lambda: 2 in model.pages, timeout=5000)
        qtmodeltester.check(model)
        wait_ops(qtbot)
    finally:
        site.store.close()


def test_search_as_you_type_shows_only_the_newest_query(qtbot, demo_dir):  # type: ignore[no-untyped-def]
    site = sign_in(demo_dir, "m.shahraki", DEMO_PASSWORD)
    _bulk_patients(site.store, 120)
    site.store.close()
    d = Driver(qtbot, demo_dir)
    try:
        main = d.sign_in("m.shahraki")
        search = main.search
        wait_ops(qtbot)
        assert search.model.rowCount() == 120
        type_text(search.query, "person11")  # each key restarts the debounce; one search runs at the end
        qtbot.waitUntil(lambda: search.model.rowCount() == 11, timeout=5000)  # person11, person110..119
        search.query.clear()
        type_text(search.query, "person7")
        qtbot.waitUntil(lambda: not search._debounce.isActive() and not search._inflight, timeout=5000)
        assert search.query.text() == "person7" and search.model.rowCount() == 11
        qtbot.waitUntil(lambda: 0 in search.model.pages, timeout=5000)
        assert all("Person7" in search.model.data(search.model.index(r, 1)) for r in range(11))
        # Enter opens the first patient's chart straight from the search box.
        qtbot.keyClick(search.query, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: main.tabs.currentWidget().objectName() == "chartView", timeout=5000)
        wait_ops(qtbot)
    finally:
        d.close()


def test_sync_panel_counts_and_plain_answer_without_a_server(qtbot, driver):  # type: ignore[no-untyped-def]
    main = driver.sign_in("h.rigi")
    qtbot.waitUntil(lambda: main.sync_status.status is not None, timeout=5000)
    assert "queued" in main.sync_status.text()
    qtbot.mouseClick(main.sync_status, Qt.MouseButton.LeftButton)
    panel = main.tabs.currentWidget()
    assert panel.objectName() == "syncPanel"
    wait_ops(qtbot)
    assert panel.table.rowCount() > 0
    queued = sum(int(panel.table.item(r, 1).text()) for r in range(panel.table.rowCount()))
    assert queued == panel.status.queued == main.sync_status.status.queued
    qtbot.mouseClick(panel.findChild(QPushButton, "sync_now"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.message.text() not in ("", "Working…"), timeout=10000)
    assert "not enrolled" in panel.message.text()


def test_first_run_setup_shows_recovery_key_once(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    d = Driver(qtbot, tmp_path / "new")
    try:
        window = d.ctl.first_run
        assert window is not None and d.ctl.signin is None
        type_text(window.full_name, "Zahra Sarani")
        type_text(window.username, "site.admin")
        type_text(window.password, "a-long-password-1")
        type_text(window.password2, "a-long-password-2")
        type_text(window.device, "zah9")
        qtbot.mouseClick(window.create, Qt.MouseButton.LeftButton)
        assert "differ" in window.error.text()
        window.password2.clear()
        type_text(window.password2, "a-long-password-1")
        qtbot.mouseClick(window.create, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=20000)
        assert len(window.key_label.text()) > 20
        assert not window.done.isEnabled()
        window.confirm.setChecked(True)
        with qtbot.waitSignal(d.ctl.signin_shown, timeout=5000):
            qtbot.mouseClick(window.done, Qt.MouseButton.LeftButton)
        assert d.ctl.first_run is None
        main = d.sign_in("site.admin", password="a-long-password-1")
        assert main.ctx.role == "unit_admin"
    finally:
        d.close()


def test_clicking_a_column_header_sorts_in_sql(qtbot, demo_dir):  # type: ignore[no-untyped-def]
    site = sign_in(demo_dir, "m.shahraki", DEMO_PASSWORD)
    _bulk_patients(site.store, 30)
    site.store.close()
    d = Driver(qtbot, demo_dir)
    try:
        main = d.sign_in("m.shahraki")
        search = main.search
        type_text(search.query, "test")
        qtbot.waitUntil(lambda: search.model.rowCount() == 30 and not search._inflight, timeout=5000)
        header = search.table.horizontalHeader()
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(header, 0))
        qtbot.waitUntil(lambda: search.model.sort_key == "code" and not search._inflight, timeout=5000)
        qtbot.waitUntil(lambda: 0 in search.model.pages, timeout=5000)
        codes = [search.model.data(search.model.index(r, 0)) for r in range(30)]
        assert codes == sorted(codes) and codes[0] == "T-00000"
        search.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        qtbot.waitUntil(lambda: search.model.sort_descending and not search._inflight, timeout=5000)
        qtbot.waitUntil(lambda: 0 in search.model.pages, timeout=5000)
        assert search.model.data(search.model.index(0, 0)) == "T-00029"
        wait_ops(qtbot)
    finally:
        d.close()


def _section_centre(header, section):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint

    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    return QPoint(x, header.height() // 2)


def test_first_run_suggests_a_username_unique_to_the_laptop(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    d = Driver(qtbot, tmp_path / "new")
    try:
        window = d.ctl.first_run
        type_text(window.device, "tay2")
        assert window.username.text() == "tay2.admin"  # not a bare "admin" that every laptop would share
        window.username.clear()
        type_text(window.username, "r.akbari")
        type_text(window.device, "x")
        assert window.username.text() == "r.akbari"  # a name the person typed is never replaced
    finally:
        d.close()
