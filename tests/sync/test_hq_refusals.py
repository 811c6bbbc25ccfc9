"""Issue 12, hole 1 (the last part): every refusal is quarantined with its reason and visible at headquarters. A
laptop's online changes that the real server refuses are listed, with why, on the reporting board's page for that
laptop (in the account's language, record ids only, scoped like the board) and by `sayyar server devices --rejected`.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from helpers import LiveServer, enrol, hq_signed_in, make_laptop, patient_input, server_cli
from sqlalchemy import Engine, insert, select

from app.hq.staff import set_staff
from app.models import Diagnosis, Patient
from app.server import models as m
from app.services.patients import register_patient
from app.sync.client import run_sync_round
from app.sync.records import row_to_payload

PASSWORD = "refusals-1405-hq"
HTML = {"accept": "text/html"}
NAME_IN_A_DATE = "Ahmad Karimi"


def _signed_in(engine: Engine, user: str) -> TestClient:
    return hq_signed_in(engine, user, PASSWORD)  # type: ignore[no-any-return]


def _page(engine: Engine, user: str, path: str) -> httpx.Response:
    c = _signed_in(engine, user)
    try:
        return c.get(path, headers=HTML)
    finally:
        c.__exit__(None, None, None)


def test_headquarters_sees_why_a_laptops_changes_were_refused(tmp_path: Path, central: Engine, live: LiveServer,
                                                              capsys) -> None:  # type: ignore[no-untyped-def]
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2")
    for lap in (a, b):
        enrol(central, lap, live.url)
    run_sync_round(a.store, a.ctx, live.url, a.token)  # the reference lists it was seeded with: nothing of its own
    # On the laptop, someone renames malaria: reference data, headquarters' to change. The round sends it; the
    # server refuses it and the laptop quarantines it.
    with a.store.write(a.ctx.user_id) as s:
        malaria = s.scalars(select(Diagnosis).where(Diagnosis.code == "B54")).one()
        malaria.label_en = "Not malaria"
        malaria_id = malaria.id
    report = run_sync_round(a.store, a.ctx, live.url, a.token)
    assert report.quarantined == 1, report
    # A patient whose date of birth holds a name (a laptop's bug, or a crafted request): refused as invalid.
    pid = register_patient(a.ctx, patient_input(1), override_reason="test").patient_id
    with a.store.read() as s:
        patient = s.get(Patient, pid)
        assert patient is not None
        given = patient.given_name_latin
        row = {c.key: getattr(patient, c.key) for c in Patient.__table__.columns}  # type: ignore[attr-defined]
    payload = {**row_to_payload("patient", row), "date_of_birth": NAME_IN_A_DATE}
    body = {"device_id": a.device_id, "epoch": a.store.device.epoch, "batch_id": str(uuid.uuid4()),
            "entries": [{"seq": 10_000, "entity": "patient", "record_id": pid, "op": "insert", "payload": payload,
                         "hlc": payload["hlc"], "changed": None}]}
    ack = httpx.post(f"{live.url}/v1/changes", json=body, headers={"Authorization": f"Bearer {a.token}"}).json()
    assert [r["code"] for r in ack["rejected"]] == ["invalid"], ack

    unit_a = a.store.device.unit_id
    set_staff(central, username="l.karimi", role="headquarters", password=PASSWORD)
    set_staff(central, username="s.rahimi", role="headquarters", password=PASSWORD, language="fa")
    set_staff(central, username="h.rigi", role="coordinator", password=PASSWORD, unit_id=unit_a)
    set_staff(central, username="m.ahmadi", role="coordinator", password=PASSWORD, unit_id=b.store.device.unit_id)
    href = "/hq/board/A1/rejected"

    board = _page(central, "l.karimi", "/hq/board")
    assert board.status_code == 200 and f'<a href="{href}">2</a>' in board.text
    en = _page(central, "l.karimi", href)
    assert en.status_code == 200, en.text[:500]
    html = en.text
    assert "Refused changes from A1" in html
    assert "only headquarters may change this" in html  # the kind, in the account's language
    assert "diagnosis is reference data: only headquarters changes it" in html  # and the server's sentence
    assert "Diagnosis" in html and malaria_id in html
    assert "not a valid record" in html and "patient.date_of_birth" in html and pid in html and "Patient" in html
    # The newest first: the patient's refusal came after the diagnosis's.
    assert html.index(pid) < html.index(malaria_id)
    # Record ids only: no value the laptop sent, no name.
    for value in (NAME_IN_A_DATE, given, "Not malaria"):
        assert value not in html, value

    fa = _page(central, "s.rahimi", href)
    assert fa.status_code == 200 and 'dir="rtl"' in fa.text
    assert "فقط ستاد می‌تواند این را تغییر دهد" in fa.text and "تشخیص" in fa.text and "رکورد معتبر نیست" in fa.text
    assert "diagnosis is reference data: only headquarters changes it" in fa.text  # the server's sentence beside it

    # The laptop's own unit's coordinator sees it (on the board, although the laptop has no accepted record of its
    # own); another unit's coordinator does not, not even by its address.
    own = _page(central, "h.rigi", "/hq/board")
    assert f'href="{href}"' in own.text
    assert "only headquarters may change this" in _page(central, "h.rigi", href).text
    other = _page(central, "m.ahmadi", href)
    assert other.status_code == 404 and "only headquarters may change this" not in other.text
    assert "<strong>A1</strong>" not in _page(central, "m.ahmadi", "/hq/board").text
    assert "<strong>A1</strong>" in own.text
    assert _page(central, "l.karimi", "/hq/board/NOPE/rejected").status_code == 404

    # The command line prints the same list.
    db = str(tmp_path / "central.db")
    capsys.readouterr()
    assert server_cli(["devices", "--db", db, "--rejected", "A1"]) == 0
    out = capsys.readouterr().out
    assert "2 changes refused from A1" in out
    line = next(x for x in out.splitlines() if malaria_id in x)
    assert "Diagnosis" in line and "only headquarters may change this: diagnosis is reference data" in line
    assert out.index(pid) < out.index(malaria_id) and NAME_IN_A_DATE not in out
    assert server_cli(["devices", "--db", db, "--rejected", "A1", "--lang", "fa"]) == 0
    assert "فقط ستاد می‌تواند این را تغییر دهد" in capsys.readouterr().out
    assert server_cli(["devices", "--db", db, "--rejected", "B2"]) == 0
    assert "refused nothing from B2" in capsys.readouterr().out
    assert server_cli(["devices", "--db", db, "--rejected", "ZZ9"]) != 0
    a.close()
    b.close()


def test_a_long_list_of_refusals_is_paged_newest_first(tmp_path: Path, central: Engine) -> None:
    lap = make_laptop(tmp_path, "A1")
    enrol(central, lap)
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    rows = [{"device_id": lap.device_id, "epoch": 1, "seq": i, "entity": "visit", "record_id": f"rec-{i:04d}",
             "reason": f"parent_missing: visit rec-{i:04d} points at patient p-{i}, which the server does not hold",
             "batch_id": "b1", "at": start + timedelta(minutes=i)} for i in range(1, 106)]
    # The isolated fallback's sentence, stored without its code.
    rows[0]["reason"] = "the server could not apply this record (KeyError); it is kept for review"
    with central.begin() as conn:
        conn.execute(insert(m.rejected), rows)
    set_staff(central, username="l.karimi", role="headquarters", password=PASSWORD)
    c = _signed_in(central, "l.karimi")
    try:
        first = c.get("/hq/board/A1/rejected", headers=HTML).text
        assert "Showing 1–100 of 105" in first and 'rel="next"' in first
        assert first.index("rec-0105") < first.index("rec-0104") and "rec-0005" not in first
        assert "its parent record is not here yet" in first
        last = c.get("/hq/board/A1/rejected?page=2", headers=HTML).text
        assert "Showing 101–105 of 105" in last and "rec-0006" not in last
        assert last.index("rec-0005") < last.index("rec-0001")
        assert "(KeyError)" in last and ">refused<" in last
    finally:
        c.__exit__(None, None, None)
    lap.close()
