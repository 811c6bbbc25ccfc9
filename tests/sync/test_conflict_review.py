"""Conflicts a person resolves (issue 13): the same conflict shown with both values, who and when, on the laptop (the
list behind the Sync panel and `sayyar sync conflicts`) and at headquarters (`sayyar hq conflicts`); restoring the
lost value on the laptop restores it everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import SAME_UNIT, LiveServer, enrol, make_laptop, patient_input
from sqlalchemy import Engine, select

from app.cli import main
from app.models import Patient, User
from app.server import models as m
from app.services.context import Ctx
from app.services.patients import register_patient, update_patient
from app.sync import status
from app.sync.client import run_sync_round


def test_conflict_shown_on_both_sides_and_restored_everywhere(tmp_path: Path, central: Engine, live: LiveServer,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    for lap in (a, b):
        enrol(central, lap)
    pid = register_patient(a.ctx, patient_input(1), override_reason="test").patient_id
    for lap in (a, b):
        run_sync_round(lap.store, lap.ctx, live.url, lap.token)
    update_patient(a.ctx, pid, {"phone": "09121111111"})
    # On B another person makes the change: the conflict must name each side's own author.
    with b.store.read() as s:
        other = s.scalars(select(User).where(User.unit_id == b.store.device.unit_id,
                                             User.id != b.ctx.user_id)).first()
        assert other is not None
        other_id, other_name = other.id, other.username
        a_name = s.get(User, a.ctx.user_id).username  # type: ignore[union-attr]
    b_ctx = Ctx(b.store, other_id, "clinician", unit_id=b.store.device.unit_id, lang="en")
    update_patient(b_ctx, pid, {"phone": "09122222222"})  # the later stamp wins
    for lap in (a, b, a):
        run_sync_round(lap.store, lap.ctx, live.url, lap.token)

    # On the laptop: the record by its code, the field, both values, when each was made.
    [c] = status.conflicts_for_review(a.store)
    with a.store.read() as s:
        code = s.get(Patient, pid).code  # type: ignore[union-attr]
    assert (c.record_label, c.field, c.kept_value, c.lost_value) == (code, "phone", "09122222222", "09121111111")
    assert c.kept_at is not None and c.lost_at is not None and c.lost_at <= c.kept_at
    # Who made each side, from the conflict record itself: the person, the laptop and its unit.
    assert (c.kept_user, c.kept_laptop, c.kept_unit) == (other_name, "B2", SAME_UNIT)
    assert (c.lost_user, c.lost_laptop, c.lost_unit) == (a_name, "A1", SAME_UNIT)
    assert c.lost_here and not c.kept_here  # A's own value lost

    # At headquarters, with a staff sign-in (the values are a patient's details).
    from app.hq.staff import set_staff

    set_staff(central, username="l.karimi", role="headquarters", password="hq-password-1405")
    monkeypatch.setenv("SAYYAR_PASSWORD", "hq-password-1405")
    assert main(["hq", "conflicts", "--db", str(tmp_path / "central.db")]) == 2  # who is asking?
    capsys.readouterr()
    assert main(["--user", "l.karimi", "hq", "conflicts", "--db", str(tmp_path / "central.db")]) == 0
    line = json.loads(capsys.readouterr().out.splitlines()[0])
    assert (line["kept_value"], line["lost_value"], line["kept_by"], line["lost_by"]) == (
        "09122222222", "09121111111", b.store.device.device_code, a.store.device.device_code)
    assert line["kept_at"] and line["lost_at"]
    assert (line["kept_user"], line["lost_user"], line["kept_unit"]) == (other_name, a_name, SAME_UNIT)

    # A person restores the lost value; it travels and wins everywhere; the conflict is closed on both sides.
    status.resolve_conflict(a.ctx, c.id, restore_lost=True)
    for lap in (a, b):
        run_sync_round(lap.store, lap.ctx, live.url, lap.token)
    with central.connect() as conn:
        phone = conn.execute(select(m.RECORDS["patient"].c.phone).where(m.RECORDS["patient"].c.id == pid)).scalar()
        assert conn.execute(select(m.conflict.c.status)).scalars().all() == ["resolved"]
    assert phone == "09121111111"
    with b.store.read() as s:
        assert s.get(Patient, pid).phone == "09121111111"  # type: ignore[union-attr]
    assert status.conflicts_for_review(a.store) == []
    a.close(), b.close()
