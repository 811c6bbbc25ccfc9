"""Issue 17, item 6: the HQ page of likely duplicate patients across units — codes and reasons only, as
`sayyar hq duplicates`, never a name; a unit administrator sees only their unit's patients; a coordinator none."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.hq.access import Actor
from app.hq.web import get_actor, get_connection
from app.hq.workspace_web import router
from hq_helpers import add_patient, central_sqlite


def _client(tmp_path):  # type: ignore[no-untyped-def]
    engine = central_sqlite(str(tmp_path / "central.db"))
    with engine.begin() as conn:
        add_patient(conn, code="ZAH1-000001-1", registered_unit_id="u-zah", given_name_fa="محمد", given_name_latin="",
                    father_name_fa="غلام‌رسول", father_name_latin="", sex="male", birth_year=1980,
                    birth_estimated=True)
        add_patient(conn, code="TAY1-000001-1", registered_unit_id="u-tay", given_name_latin="Muhammad",
                    father_name_latin="Ghulam Rasool", sex="male", birth_year=1984, birth_estimated=True)
        add_patient(conn, code="TAY1-000002-1", registered_unit_id="u-tay", given_name_latin="Mohammed",
                    father_name_latin="Gholamrasul", sex="male", birth_year=1981, birth_estimated=True)
        add_patient(conn, code="TAY1-000003-1", registered_unit_id="u-tay", given_name_latin="Zainab",
                    father_name_latin="Karim", sex="female", birth_year=2001)
    app = FastAPI()
    app.include_router(router, prefix="/hq")
    app.state.engine = engine

    def connection():  # type: ignore[no-untyped-def]
        with engine.begin() as conn:
            yield conn

    who = {"actor": Actor("l.karimi", "headquarters")}
    app.dependency_overrides[get_connection] = connection
    app.dependency_overrides[get_actor] = lambda: who["actor"]
    client = TestClient(app)
    client.who = who  # type: ignore[attr-defined]
    return client, engine


def test_likely_duplicates_by_code_and_reason_never_names(tmp_path) -> None:
    c, engine = _client(tmp_path)
    first = c.get("/hq/duplicates")
    assert first.status_code == 200 and "ZAH1-000001-1" not in first.text  # nothing is worked out until asked
    page = c.get("/hq/duplicates?run=1")
    assert page.status_code == 200
    for code in ("ZAH1-000001-1", "TAY1-000001-1", "TAY1-000002-1"):
        assert code in page.text
    assert "3 likely duplicate pairs among 4 patients" in page.text and "given name" in page.text
    assert "Muhammad" not in page.text and "محمد" not in page.text and "Zainab" not in page.text
    across = c.get("/hq/duplicates?run=1&across=1")
    assert "2 likely duplicate pairs among 4 patients" in across.text
    c.who["actor"] = Actor("m.ahmadi", "headquarters", lang="fa")
    fa = c.get("/hq/duplicates?run=1")
    assert 'dir="rtl"' in fa.text and "۳ جفت" in fa.text and "نام" in fa.text
    # A unit administrator reviews their own unit only, whatever unit is asked for; a coordinator not at all.
    c.who["actor"] = Actor("r.noori", "unit_admin", unit_id="u-tay")
    own = c.get("/hq/duplicates?run=1&unit=u-zah")
    assert own.status_code == 200 and "ZAH1-000001-1" not in own.text and "TAY1-000002-1" in own.text
    c.who["actor"] = Actor("h.rigi", "coordinator", unit_id="u-tay")
    assert c.get("/hq/duplicates?run=1").status_code == 403
    engine.dispose()
