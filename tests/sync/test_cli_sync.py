"""The sync commands as an operator uses them, through ``app.cli.main``: enrolment, a sync round, a bundle carried
to headquarters, its receipt, the status (a real encrypted site and a live server on loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import LiveServer, server_cli, server_engine
from sqlalchemy import func, select

from app.cli import main
from app.models import AuditEntry
from app.server import models as m
from app.services.site import DEMO_PASSWORD, create_site, sign_in


def test_enrol_sync_bundle_receipt_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    site, central_db = tmp_path / "site", tmp_path / "central.db"
    create_site(site, admin_username="admin", admin_password=DEMO_PASSWORD, admin_full_name="Admin",
                device_code="ZAH1", unit_code="MHU-ZAH")
    monkeypatch.setenv("SAYYAR_PASSWORD", DEMO_PASSWORD)
    laptop = ["--data-dir", str(site), "--user", "admin"]
    engine = server_engine(str(central_db))
    with LiveServer(engine) as srv:
        assert main([*laptop, "sync", "device-request", "--out", str(tmp_path / "req.json")]) == 0
        assert server_cli(["enrol-device", "--db", str(central_db), "--request", str(tmp_path / "req.json"),
                     "--server-url", srv.url, "--out", str(tmp_path / "enrolment.json")]) == 0
        assert main([*laptop, "sync", "enrol", str(tmp_path / "enrolment.json")]) == 0
        assert main([*laptop, "sync"]) == 0
        assert "quarantined 0" in capsys.readouterr().out
        session = sign_in(site, "admin", DEMO_PASSWORD)
        with session.store.write(session.ctx.user_id) as s:
            for i in range(5):
                s.add(AuditEntry(user_id=session.ctx.user_id, action="viewed", entity="patient", record_id=f"p{i}"))
        session.store.close()
        bundle = tmp_path / "zah1.sayyar"
        assert main([*laptop, "bundle", "export", "--out", str(bundle)]) == 0
        assert main(["hq", "import", "--db", str(central_db), str(bundle)]) == 2  # who is importing?
        assert "--user" in capsys.readouterr().err
        from app.hq.staff import set_staff

        set_staff(engine, username="l.karimi", role="headquarters", password=DEMO_PASSWORD)
        hq = ["--user", "l.karimi", "hq", "import", "--db", str(central_db)]
        assert main([*hq, str(bundle)]) == 0
        out = capsys.readouterr().out
        assert "applied 6" in out and "OK" in out  # the 5 entries and the audit of the export itself
        assert main([*hq, str(bundle)]) == 0
        assert "already imported" in capsys.readouterr().out
        assert main([*laptop, "bundle", "receipt", str(bundle) + ".receipt.json"]) == 0
        assert "6 change(s) acknowledged" in capsys.readouterr().out
        assert main([*laptop, "sync", "status"]) == 0
        status = capsys.readouterr().out
        assert "queued 0" in status and "sent 0" in status and "quarantined 0" in status
        assert main([*hq, str(tmp_path / "req.json")]) == 1
        assert "REFUSED" in capsys.readouterr().out
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.RECORDS["audit_entry"])).scalar_one() == 6  # and the export itself
