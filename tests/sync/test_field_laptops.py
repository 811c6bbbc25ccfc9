"""A unit's laptops from the command line (issue 13): set up with ``sayyar setup`` only, enrolled, synced; a colliding
device code refused; a laptop backed up, restored on another data folder and synced without losing or duplicating a
record; the recovery key opening a laptop whose passwords are all lost; devices listed and revoked by code.
Real encrypted laptops and the real server on a loopback port."""

from __future__ import annotations

import zipfile
from pathlib import Path

import httpx
import pytest
from helpers import (
    FIELD_PASSWORD,
    LiveServer,
    count_entries,
    enrol,
    laptop,
    make_activity,
    make_laptop,
    register,
    server_cli,
    server_engine,
    setup_and_enrol,
)
from sqlalchemy import Engine, func, select

from app.cli import main
from app.models import IdentityDocument, Patient, User
from app.server import models as m
from app.services.site import sign_in

PASSWORD = FIELD_PASSWORD
NEW_PASSWORD = "a-new-admin-pass-1405"


pytestmark = pytest.mark.usefixtures("fast_kdf")


def central_patients(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return list(conn.execute(select(m.RECORDS["patient"].c.id)).scalars())


def test_set_up_enrol_back_up_restore_recover(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)
    monkeypatch.setenv("SAYYAR_NEW_PASSWORD", PASSWORD)
    central = tmp_path / "central.db"
    engine = server_engine(str(central))
    with LiveServer(engine) as srv:
        # Two laptops of two units, set up and enrolled with the command line only.
        status, zah_recovery = setup_and_enrol(tmp_path, "zah", "MHU-ZAH", "ZAH2", "zah.admin", central, srv.url,
                                               capsys)
        assert status == 0
        status, recovery = setup_and_enrol(tmp_path, "tay", "MHU-TAY", "TAY1", "tay.admin", central, srv.url, capsys)
        assert status == 0
        # A third laptop with a device code already in use is refused, with a sentence.
        assert setup_and_enrol(tmp_path, "dup", "MHU-CHB", "ZAH2", "chb.admin", central, srv.url, capsys)[0] == 2
        err = capsys.readouterr().err
        assert "device code ZAH2 is already used by another laptop" in err and "Traceback" not in err
        # An unknown unit is refused before anything is made.
        assert main(["--data-dir", str(tmp_path / "x"), "setup", "--unit", "MHU-NOPE", "--device-code", "X1",
                     "--admin", "x"]) == 2
        assert "MHU-ZAH" in capsys.readouterr().err and not (tmp_path / "x" / "keystore.json").exists()

        zah = tmp_path / "zah"
        before = register(zah, "zah.admin", 3)
        assert main([*laptop(zah, "zah.admin"), "sync"]) == 0
        # The backup is taken; then two more patients are made and sent; then the laptop is lost.
        # still queued when the backup is taken; the old laptop sends it
        pending = register(zah, "zah.admin", 1, given_name_fa="زرمینه", father_name_fa="غلام‌سخی",
                           documents=[{"doc_type": "passport", "number": "R7319925"}])
        backup = tmp_path / "usb" / "zah2"
        assert main([*laptop(zah, "zah.admin"), "backup", "--out", str(backup)]) == 0
        backup = backup.with_name("zah2.sayyarbackup")
        assert "opens only with the recovery key" in capsys.readouterr().out
        after = register(zah, "zah.admin", 2)
        assert main([*laptop(zah, "zah.admin"), "sync"]) == 0
        unsent = register(zah, "zah.admin", 1)  # made after the last sync: lost with the laptop
        with engine.connect() as conn:
            received_before = conn.execute(select(func.count()).select_from(m.received)).scalar_one()

        # Nothing a patient could be recognised by is in the file as bytes.
        data = backup.read_bytes()
        with zipfile.ZipFile(backup) as zf:
            assert set(zf.namelist()) == {"manifest.json", "sayyar.db", "keystore.json"}
            keystore_doc = zf.read("keystore.json").decode()
        session = sign_in(zah, "zah.admin", PASSWORD)
        with session.store.read() as s:
            people = list(s.scalars(select(Patient)))
            numbers = list(s.scalars(select(IdentityDocument.number)))
        session.store.close()
        assert "R7319925" in numbers and any(p.given_name_fa == "زرمینه" for p in people)
        for p in people:
            for value in (p.given_name_latin, p.father_name_latin, p.family_name_latin, p.given_name_fa,
                          p.father_name_fa, p.phone):
                if value:
                    assert value.encode() not in data
        for number in numbers:
            assert number.encode() not in data
        assert "unit_admin" in keystore_doc and "clinician" not in keystore_doc

        # Restored on a new laptop, with the recovery key; it continues under a new epoch and syncs.
        new = tmp_path / "new-laptop"
        monkeypatch.setenv("SAYYAR_RECOVERY_KEY", recovery)
        assert main(["--data-dir", str(new), "restore", str(backup), "--recovery-key"]) == 2  # not this laptop's key
        assert not (new / "sayyar.db").exists()
        # With this laptop's own recovery key it opens (a laptop whose every administrator is gone), on a spare
        # folder that is never synced; the one carried on below is opened by an administrator's password.
        monkeypatch.setenv("SAYYAR_RECOVERY_KEY", zah_recovery)
        spare = tmp_path / "spare-laptop"
        capsys.readouterr()
        assert main(["--data-dir", str(spare), "restore", str(backup), "--recovery-key"]) == 0
        assert "epoch" in capsys.readouterr().out
        opened = sign_in(spare, "zah.admin", PASSWORD)
        with opened.store.read() as s:
            assert set(s.scalars(select(Patient.id))) == {p.id for p in people} - set(after) - set(unsent)
        opened.store.close()
        monkeypatch.delenv("SAYYAR_RECOVERY_KEY")
        capsys.readouterr()
        assert main([*laptop(new, "zah.admin"), "restore", str(backup)]) == 0
        assert "epoch" in capsys.readouterr().out
        # The lost laptop is revoked (a thief's copy of its token stops working); the restored one gets a new token,
        # deliberately.
        assert server_cli(["revoke-device", "--db", str(central), "--device-code", "ZAH2"]) == 0
        assert main([*laptop(new, "zah.admin"), "sync"]) == 2
        req, enrolment = tmp_path / "new.request.json", tmp_path / "new.enrolment.json"
        assert main([*laptop(new, "zah.admin"), "sync", "device-request", "--out", str(req)]) == 0
        capsys.readouterr()
        assert server_cli(["enrol-device", "--db", str(central), "--request", str(req), "--out",
                     str(enrolment)]) == 2
        assert "--re-enrol" in capsys.readouterr().err
        assert server_cli(["enrol-device", "--db", str(central), "--request", str(req), "--re-enrol",
                     "--server-url", srv.url, "--out", str(enrolment)]) == 0
        assert main([*laptop(new, "zah.admin"), "sync", "enrol", str(enrolment)]) == 0
        assert main([*laptop(new, "zah.admin"), "sync"]) == 0
        assert main([*laptop(zah, "zah.admin"), "sync"]) == 2  # the old laptop's token is refused
        later = register(new, "zah.admin", 2)
        assert main([*laptop(new, "zah.admin"), "sync"]) == 0
        held = central_patients(engine)
        assert sorted(held) == sorted(before + pending + after + later)  # exactly what reached it, once each
        assert not set(unsent) & set(held)
        with engine.connect() as conn:  # the queued patient came again under the new epoch: held as a duplicate
            outcomes = dict(conn.execute(select(m.received.c.outcome, func.count()).where(
                m.received.c.record_id == pending[0], m.received.c.entity == "patient")
                .group_by(m.received.c.outcome)).all())
            assert conn.execute(select(func.count()).select_from(m.received)).scalar_one() > received_before
        assert sum(outcomes.values()) == 2 and set(outcomes) <= {"held", "applied", "stale"}
        session = sign_in(new, "zah.admin", PASSWORD)
        with session.store.read() as s:
            codes = list(s.scalars(select(Patient.code).where(Patient.id.in_(later))))
            assert int(s.scalar(select(func.count()).select_from(Patient).where(Patient.id.in_(before))) or 0) == 3
        session.store.close()
        assert all(int(c.split("-")[1]) >= 10000 for c in codes)  # a fresh number range

        # Devices at the server: every laptop with its epoch (the restored one is in a new epoch).
        capsys.readouterr()
        assert server_cli(["devices", "--db", str(central)]) == 0
        listing = capsys.readouterr().out.splitlines()
        zah_line = next(line for line in listing if line.startswith("ZAH2"))
        assert "active" in zah_line and zah_line.split()[1] == "MHU-ZAH" and int(zah_line.split()[2]) > 1
        assert any(line.startswith("TAY1") for line in listing)

    # Every password lost: the recovery key sets the administrator's, and is replaced.
    tay = tmp_path / "tay"
    monkeypatch.setenv("SAYYAR_RECOVERY_KEY", recovery)
    monkeypatch.setenv("SAYYAR_NEW_PASSWORD", NEW_PASSWORD)
    capsys.readouterr()
    assert main([*laptop(tay, "tay.admin"), "recover"]) == 0
    out = capsys.readouterr().out
    new_key = out.strip().splitlines()[-1].strip()
    assert new_key != recovery
    session = sign_in(tay, "tay.admin", NEW_PASSWORD)
    with session.store.read() as s:
        assert s.scalar(select(User.role).where(User.username == "tay.admin")) == "unit_admin"
    session.store.close()
    assert main([*laptop(tay, "tay.admin"), "recover"]) == 2  # the typed key no longer works
    engine.dispose()


def test_headquarters_set_up_order_on_a_brand_new_postgresql_database(pg_url: str, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The first headquarters command on an empty database makes the central schema (before, `hq staff` failed on
    it), and the next command finds it."""
    monkeypatch.setenv("SAYYAR_NEW_PASSWORD", "hq-password-1405")
    monkeypatch.setenv("SAYYAR_PASSWORD", "hq-password-1405")
    # The first account needs no sign-in (there is none yet) and is the staff administrator who makes the others.
    assert main(["hq", "staff", "--db", pg_url, "--username", "l.karimi", "--admin"]) == 0
    assert main(["--user", "l.karimi", "hq", "conflicts", "--db", pg_url]) == 0
    assert "0 open conflict(s)" in capsys.readouterr().out


def test_bundles_awaiting_receipt_are_listed_and_warned_about(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from app.hq.staff import set_staff

    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)
    monkeypatch.setenv("SAYYAR_NEW_PASSWORD", PASSWORD)
    central = tmp_path / "central.db"
    engine = server_engine(str(central))
    folder = tmp_path / "zah"
    lap = laptop(folder, "zah.admin")
    assert main(["--data-dir", str(folder), "setup", "--unit", "MHU-ZAH", "--device-code", "ZAH3",
                 "--admin", "zah.admin"]) == 0
    assert main([*lap, "sync", "device-request", "--out", str(tmp_path / "r.json")]) == 0
    assert server_cli(["enrol-device", "--db", str(central), "--request", str(tmp_path / "r.json"), "--out",
                 str(tmp_path / "e.json")]) == 0
    assert main([*lap, "sync", "enrol", str(tmp_path / "e.json")]) == 0
    register(folder, "zah.admin", 2)
    assert main([*lap, "bundle", "export", "--out", str(tmp_path / "one.sayyar")]) == 0
    capsys.readouterr()
    register(folder, "zah.admin", 1)
    assert main([*lap, "bundle", "export", "--out", str(tmp_path / "two.sayyar")]) == 0
    err = capsys.readouterr().err
    assert "one.sayyar" in err and "never receipted" in err
    assert main([*lap, "bundle", "pending"]) == 0
    out = capsys.readouterr().out
    assert "one.sayyar" in out and "two.sayyar" in out and "2 bundle(s) awaiting a receipt" in out
    set_staff(engine, username="l.karimi", role="headquarters", password=PASSWORD)
    assert main(["--user", "l.karimi", "hq", "import", "--db", str(central), str(tmp_path / "two.sayyar")]) == 0
    assert main([*lap, "bundle", "receipt", str(tmp_path / "two.sayyar.receipt.json")]) == 0
    capsys.readouterr()
    assert main([*lap, "bundle", "pending"]) == 0
    assert "0 bundle(s) awaiting a receipt" in capsys.readouterr().out
    engine.dispose()


def test_two_laptops_cannot_enrol_the_same_administrator_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A user name signs in on every laptop its record reaches: a second laptop whose administrator has a name
    another laptop already uses (synced or only enrolled) is refused at enrolment, with a sentence."""
    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)
    monkeypatch.setenv("SAYYAR_NEW_PASSWORD", PASSWORD)
    central = tmp_path / "central.db"
    engine = server_engine(str(central))
    with LiveServer(engine) as srv:
        # zah.admin's laptop synced: its account is at the server.
        assert setup_and_enrol(tmp_path, "zah", "MHU-ZAH", "ZAH2", "zah.admin", central, srv.url, capsys)[0] == 0
        capsys.readouterr()
        assert setup_and_enrol(tmp_path, "tay", "MHU-TAY", "TAY1", "ZAH.Admin", central, srv.url, capsys)[0] == 2
        err = capsys.readouterr().err
        assert "user name ZAH.Admin is already used" in err and "Traceback" not in err
        # Only enrolled, not yet synced: the name is taken all the same.
        folder = tmp_path / "chb"
        assert main(["--data-dir", str(folder), "setup", "--unit", "MHU-CHB", "--device-code", "CHB1",
                     "--admin", "chb.admin"]) == 0
        assert main([*laptop(folder, "chb.admin"), "sync", "device-request", "--out", str(tmp_path / "c.json")]) == 0
        assert server_cli(["enrol-device", "--db", str(central), "--request", str(tmp_path / "c.json")]) == 0
        capsys.readouterr()
        assert setup_and_enrol(tmp_path, "chb2", "MHU-CHB", "CHB2", "chb.admin", central, srv.url, capsys)[0] == 2
        assert "user name chb.admin is already used by laptop CHB1" in capsys.readouterr().err
        assert not (tmp_path / "chb2.enrolment.json").exists()
        # The same laptop enrolled again (a new token) keeps its own name.
        assert server_cli(["enrol-device", "--db", str(central), "--request", str(tmp_path / "c.json")]) == 0
    engine.dispose()


class _UploadCut(httpx.HTTPTransport):
    """A network that lets small requests through and drops every upload (a proxy refusing large bodies)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/changes":
            raise httpx.ConnectError("upload cut")
        return super().handle_request(request)


def test_server_devices_shows_what_each_laptop_holds(tmp_path: Path, central: Engine, live: LiveServer,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """`sayyar server devices` shows each laptop's queued, rejected-on-the-laptop and parked counts as the laptop
    told them at its last contact: a laptop whose uploads never get through is visible at headquarters."""
    from app.models import SyncParked
    from app.sync.client import SyncError, run_sync_round

    a = make_laptop(tmp_path, "A1")
    enrol(central, a, live.url)
    make_activity(a, 5)
    run_sync_round(a.store, a.ctx, live.url, a.token)
    made = make_activity(a, 7)
    queued = count_entries(a.store, "queued")
    assert queued >= 7 and made
    with a.store.write(None, applying_remote=True) as s:
        s.add(SyncParked(entity="visit", record_id="waiting-1", version=1, hlc="0000000000001:00000:x", payload={},
                          reason="waiting"))
    with pytest.raises(SyncError):
        run_sync_round(a.store, a.ctx, live.url, a.token, transport=_UploadCut())
    capsys.readouterr()
    assert server_cli(["devices", "--db", str(central.url.database)]) == 0
    out = capsys.readouterr().out.splitlines()
    header = out[0].split()
    assert "queued" in header and "parked" in header
    line = next(x for x in out if x.startswith("A1")).split()
    assert int(line[header.index("queued")]) == queued and int(line[header.index("parked")]) == 1
    unit = m.RECORDS["unit"]
    with central.connect() as conn:
        unit_code = conn.execute(select(unit.c.code).join(m.device, m.device.c.unit_id == unit.c.id)
                                 .where(m.device.c.device_code == "A1")).scalar_one()
    assert line[header.index("unit")] == unit_code  # which unit's laptop it is, by the unit's code
    # After a round that got through, the server knows the queue is empty.
    run_sync_round(a.store, a.ctx, live.url, a.token)
    assert server_cli(["devices", "--db", str(central.url.database)]) == 0
    out = capsys.readouterr().out.splitlines()
    line = next(x for x in out if x.startswith("A1")).split()
    assert int(line[header.index("queued")]) == 0
    a.close()


def test_set_up_from_headquarters_configuration_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """`sayyar server laptop-config` then `sayyar setup --config`: the unit, device code, server address and HQ keys
    come from the file; the laptop enrols and syncs without `--server`. A wrong file is a sentence."""
    from app.models import SyncIdentity

    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)
    monkeypatch.setenv("SAYYAR_NEW_PASSWORD", PASSWORD)
    central = tmp_path / "central.db"
    engine = server_engine(str(central))
    with LiveServer(engine) as srv:
        config = tmp_path / "chb3.config.json"
        assert server_cli(["laptop-config", "--db", str(central), "--unit", "MHU-CHB", "--device-code", "chb3",
                     "--server-url", srv.url, "--out", str(config)]) == 0
        folder = tmp_path / "chb3"
        (tmp_path / "junk.json").write_text("[1, 2", encoding="utf-8")
        assert main(["--data-dir", str(folder), "setup", "--config", str(tmp_path / "junk.json"), "--admin",
                     "chb3.admin"]) == 2
        assert "junk.json is not a headquarters configuration file" in capsys.readouterr().err
        assert main(["--data-dir", str(folder), "setup", "--config", str(config), "--admin", "chb3.admin"]) == 0
        assert "unit MHU-CHB, laptop CHB3" in capsys.readouterr().out
        session = sign_in(folder, "chb3.admin", PASSWORD)
        with session.store.read() as s:
            ident = s.get(SyncIdentity, 1)
            assert ident is not None and ident.server_url == srv.url and ident.hq_box_public and not ident.token
        session.store.close()
        req, enrolment = tmp_path / "chb3.request.json", tmp_path / "chb3.enrolment.json"
        assert main([*laptop(folder, "chb3.admin"), "sync", "device-request", "--out", str(req)]) == 0
        assert server_cli(["enrol-device", "--db", str(central), "--request", str(req), "--out",
                     str(enrolment)]) == 0
        assert main([*laptop(folder, "chb3.admin"), "sync", "enrol", str(enrolment)]) == 0
        assert main([*laptop(folder, "chb3.admin"), "sync"]) == 0
        capsys.readouterr()
        assert server_cli(["laptop-config", "--db", str(central), "--unit", "MHU-CHB", "--device-code", "CHB3",
                     "--out", str(tmp_path / "again.json")]) == 2
        assert "CHB3 is already used" in capsys.readouterr().err
    engine.dispose()
