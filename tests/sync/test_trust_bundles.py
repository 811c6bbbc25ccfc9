"""Trust boundaries through the hand-carried way in (issue #12, holes 1 and 2): a laptop whose owner has its
database key writes forged entries into its own change log, and its real exporter signs them into a bundle. At
headquarters, by `sayyar hq import` and by the upload page, each forged record is refused with its code and reason
in the signed receipt, the laptop's honest records apply, and no other row of the central database changes
(per-table count and checksum).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    Laptop,
    LiveServer,
    central_checksums,
    central_row,
    enrol,
    hq_signed_in,
    make_activity,
    make_laptop,
)
from sqlalchemy import Engine, select

from app.cli import main
from app.hq.staff import set_staff
from app.models import ChangeLog
from app.server import models as m
from app.sync.bundle import export_bundle
from app.sync.client import run_sync_round
from app.sync.protocol import SignedReceipt
from app.sync.records import row_to_payload

PASSWORD = "hq-officer-1405"


def _forge(lap: Laptop, entity: str, row: dict[str, Any], *, op: str, **changes: Any) -> int:
    """A change-log entry the laptop's services would never write, stored as its owner with SQL tools could."""
    payload = row_to_payload(entity, {**row, **changes})
    payload["version"] = int(row["version"]) + 1
    payload["hlc"] = f"{int(payload['hlc'].split(':')[0]) + 1000:013d}:00000:attacker"
    with lap.store.write(lap.ctx.user_id) as s:
        entry = ChangeLog(device_id=lap.device_id, epoch=lap.store.device.epoch, entity=entity, record_id=row["id"],
                          op=op, payload=payload, hlc=payload["hlc"], user_id=lap.ctx.user_id,
                          created_at=datetime.now(timezone.utc), state="queued", version=payload["version"])
        s.add(entry)
        s.flush()
        return int(entry.seq)


def _import_by_cli(central_db: Path, bundle: Path, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch) -> tuple[SignedReceipt, str]:
    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)
    capsys.readouterr()
    assert main(["--user", "l.karimi", "hq", "import", "--db", str(central_db), str(bundle)]) == 0
    out = capsys.readouterr().out
    receipt = SignedReceipt.model_validate_json(Path(str(bundle) + ".receipt.json").read_text(encoding="utf-8"))
    return receipt, out


def _import_by_page(central: Engine, bundle: Path) -> tuple[SignedReceipt, str]:
    c = hq_signed_in(central, "l.karimi", PASSWORD)
    try:
        form = c.get("/hq/import", headers={"accept": "text/html"}).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        page = c.post("/hq/import", data={"csrf": csrf},
                      files={"bundle": (bundle.name, bundle.read_bytes(), "application/octet-stream")})
        assert page.status_code == 200, page.text
        bundle_id = re.search(r'/hq/import/([0-9a-f-]+)/receipt', page.text).group(1)  # type: ignore[union-attr]
        kept = c.get(f"/hq/import/{bundle_id}/receipt")
        assert kept.status_code == 200
        return SignedReceipt.model_validate(json.loads(kept.text)), page.text
    finally:
        c.__exit__(None, None, None)


@pytest.mark.parametrize("way", ["cli", "page"])
def test_a_signed_bundle_cannot_write_as_another_device_or_rewrite_audit_or_reference_data(
        tmp_path: Path, central: Engine, live: LiveServer, way: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    set_staff(central, username="l.karimi", role="headquarters", password=PASSWORD)
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2")
    for lap in (a, b):
        enrol(central, lap, live.url)
        make_activity(lap, 4)
        run_sync_round(lap.store, lap.ctx, live.url, lap.token)
    before = central_checksums(central)

    clinician = central_row(central, "user_account", role="clinician", unit_id=b.store.device.unit_id)
    malaria = central_row(central, "diagnosis", code="B54")
    facility = central_row(central, "facility", unit_id=b.store.device.unit_id)
    a_visit = central_row(central, "visit", device_id=a.device_id)
    a_audit = central_row(central, "audit_entry", device_id=a.device_id)
    b_audit = central_row(central, "audit_entry", device_id=b.device_id)
    make_activity(b, 3)  # B's own new records, honest: they must apply
    expected = {
        _forge(b, "user_account", clinician, op="update", role="unit_admin"): "headquarters_only",
        _forge(b, "diagnosis", malaria, op="update", notifiable=None): "headquarters_only",
        _forge(b, "facility", facility, op="delete", deleted=True): "headquarters_only",
        # Records claiming to come from laptop A: a new visit and audit entry, and A's audit entry tombstoned.
        _forge(b, "visit", {**a_visit, "id": str(uuid.uuid4()), "version": 0}, op="insert"): "not_owner",
        _forge(b, "audit_entry", {**a_audit, "id": str(uuid.uuid4()), "version": 0}, op="insert"): "not_owner",
        _forge(b, "audit_entry", a_audit, op="update", deleted=True): "not_owner",
        # B's own audit entry: insert-only, never rewritten or tombstoned.
        _forge(b, "audit_entry", b_audit, op="update", action="printed"): "append_only",
        _forge(b, "audit_entry", b_audit, op="delete", deleted=True): "append_only",
    }
    summary = export_bundle(b.store, b.coord, tmp_path / "b2.sayyar")
    cl = ChangeLog.__table__
    with b.store.read() as s:
        sent = s.execute(select(cl.c.seq, cl.c.record_id).where(cl.c.seq.between(summary.seq_from, summary.seq_to),
                                                                cl.c.epoch == b.store.device.epoch)).all()
    honest = {record_id for seq, record_id in sent if seq not in expected}
    assert len(sent) == summary.count and honest

    if way == "cli":
        signed, shown = _import_by_cli(Path(str(central.url.database)), summary.path, capsys, monkeypatch)
    else:
        signed, shown = _import_by_page(central, summary.path)
    receipt = signed.receipt
    refused = {r.seq: r for r in receipt.rejected}
    assert {seq: r.code for seq, r in refused.items()} == expected, receipt.rejected
    assert all(r.reason.strip() for r in refused.values())
    for seq, code in expected.items():  # what the operator is shown names each refused change and why
        assert re.search(rf"\b{seq}\b", shown), seq
        if way == "cli":
            assert f"{seq}: {code}" in shown
    assert receipt.applied + receipt.duplicates + receipt.stale == summary.count - len(expected)

    with central.connect() as conn:
        held = {r.id for t in m.RECORDS.values() for r in conn.execute(select(t.c.id).where(t.c.id.in_(honest)))}
    assert held == honest, "the laptop's honest records did not all arrive"
    assert central_checksums(central, without=honest) == before, "a refused record changed the central database"
    a.close()
    b.close()
