"""Headquarters changes reference data (issue #12): `sayyar hq reference` writes a staff account's role, a facility's
active flag or a diagnosis's notifiable disease centrally; the feed carries it signed with headquarters' key; the
laptop applies it at its next sync through the real server on a loopback port. Only headquarters may, with its
password; every change is audited; a refusal is one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import LiveServer, enrol, make_laptop
from sqlalchemy import Engine, select

from app.cli import main
from app.hq.models import hq_audit
from app.hq.staff import set_staff
from app.models import Diagnosis, Facility, User
from app.sync.client import run_sync_round

PASSWORD = "hq-staff-pass-1"


def test_headquarters_changes_reference_data_and_the_laptop_applies_it(
        tmp_path: Path, central: Engine, live: LiveServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    run_sync_round(a.store, a.ctx, live.url, a.token)  # the laptop's seeded reference data reaches headquarters
    with a.store.read() as s:
        nurse = s.scalars(select(User).where(User.role == "clinician", User.unit_id == a.store.device.unit_id)
                          .order_by(User.username)).first()
        facility = s.scalars(select(Facility).where(Facility.unit_id == a.store.device.unit_id)
                             .order_by(Facility.code)).first()
        assert nurse is not None and facility is not None and facility.active
        assert s.scalars(select(Diagnosis.notifiable).where(Diagnosis.code == "B54")).one() == "malaria"
        names = (nurse.username, facility.code)
    set_staff(central, username="l.karimi", role="headquarters", password=PASSWORD)
    set_staff(central, username="h.coord", role="coordinator", password=PASSWORD, unit_id=a.store.device.unit_id)
    db = str(tmp_path / "central.db")
    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)

    # Not headquarters, a wrong password, an unknown field value: refused with a sentence, nothing changed.
    assert main(["--user", "h.coord", "hq", "reference", "--db", db, "diagnosis", "B54", "notifiable", "none"]) == 2
    assert "headquarters only" in capsys.readouterr().err
    assert main(["--user", "l.karimi", "hq", "reference", "--db", db, "staff", names[0], "role", "boss"]) == 2
    assert "is not a role" in capsys.readouterr().err
    monkeypatch.setenv("SAYYAR_PASSWORD", "wrong-password-9")
    assert main(["--user", "l.karimi", "hq", "reference", "--db", db, "facility", names[1], "active", "off"]) == 2
    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)

    for argv in (["diagnosis", "B54", "notifiable", "none"], ["facility", names[1], "active", "off"],
                 ["staff", names[0], "role", "coordinator"]):
        assert main(["--user", "l.karimi", "hq", "reference", "--db", db, *argv]) == 0, capsys.readouterr().err
    assert "laptops apply it at their next sync" in capsys.readouterr().out
    with central.connect() as conn:
        audit = conn.execute(select(hq_audit.c.user, hq_audit.c.action, hq_audit.c.what, hq_audit.c.detail)
                             .where(hq_audit.c.action == "reference_change").order_by(hq_audit.c.id)).all()
    assert [(r.user, r.what) for r in audit] == [("l.karimi", "diagnosis.notifiable"), ("l.karimi", "facility.active"),
                                                 ("l.karimi", "user_account.role")]
    assert audit[0].detail == {"record": "B54", "from": "malaria", "to": None}

    run_sync_round(a.store, a.ctx, live.url, a.token)
    with a.store.read() as s:
        assert s.scalars(select(Diagnosis.notifiable).where(Diagnosis.code == "B54")).one() is None
        assert s.scalars(select(Facility.active).where(Facility.code == names[1])).one() is False
        assert s.scalars(select(User.role).where(User.username == names[0])).one() == "coordinator"
    a.close()
