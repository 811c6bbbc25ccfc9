"""Replacing a broken laptop by its device code (issue 13): headquarters re-issues the unit's laptop identity without
a request file from the new laptop; the new laptop is set up from that file, takes over the old one's identity under
a new epoch (fresh patient numbers), and the old laptop's token stops working. Bad input gets a sentence. Everything
through the real command line against a real server on a loopback port."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FIELD_PASSWORD, LiveServer, laptop, register, server_cli, server_engine, setup_and_enrol
from sqlalchemy import select

from app.cli import main
from app.server import models as m
from app.services.site import sign_in
from app.sync.identity import identity

pytestmark = pytest.mark.usefixtures("fast_kdf")


def codes(engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
    patient = m.RECORDS["patient"]
    with engine.connect() as conn:
        return {str(i): str(c) for i, c in conn.execute(select(patient.c.id, patient.c.code))}


def test_a_broken_laptop_is_replaced_by_its_device_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SAYYAR_PASSWORD", FIELD_PASSWORD)
    monkeypatch.setenv("SAYYAR_NEW_PASSWORD", FIELD_PASSWORD)
    central = tmp_path / "central.db"
    engine = server_engine(str(central))
    with LiveServer(engine) as srv:
        assert setup_and_enrol(tmp_path, "zah", "MHU-ZAH", "ZAH2", "zah.admin", central, srv.url, capsys)[0] == 0
        assert setup_and_enrol(tmp_path, "tay", "MHU-TAY", "TAY1", "tay.admin", central, srv.url, capsys)[0] == 0
        old = tmp_path / "zah"
        before = register(old, "zah.admin", 2)
        assert main([*laptop(old, "zah.admin"), "sync"]) == 0
        session = sign_in(old, "zah.admin", FIELD_PASSWORD)
        old_device = identity(session.store).device_id
        session.store.close()
        capsys.readouterr()

        out = tmp_path / "zah2.replacement.json"

        def replace(unit: str = "MHU-ZAH", code: str = "ZAH2", admin: str = "zah2.admin", *extra: str) -> str:
            status = server_cli(
                [
                    "replace-device",
                    "--db",
                    str(central),
                    "--unit",
                    unit,
                    "--device-code",
                    code,
                    "--admin",
                    admin,
                    "--server-url",
                    srv.url,
                    "--out",
                    str(out),
                    *extra,
                ]
            )
            got = capsys.readouterr()
            assert "Traceback" not in got.err
            return f"{status} {got.out}{got.err}"

        # Bad input: each refused with a sentence saying what is wrong, and nothing changes.
        said = replace(code="ZAH9")
        assert said.startswith("2 ") and "No laptop ZAH9 is enrolled" in said
        said = replace(code="TAY1")
        assert said.startswith("2 ") and "TAY1 is a laptop of unit MHU-TAY, not MHU-ZAH" in said
        said = replace(admin="tay.admin")
        assert said.startswith("2 ") and "user name tay.admin is already used" in said
        assert not out.exists()
        assert main([*laptop(old, "zah.admin"), "sync"]) == 0  # the old laptop still works until it is replaced

        said = replace()
        assert said.startswith("0 ") and out.exists()
        said = replace()  # twice by mistake: the first file is still the one to use
        assert said.startswith("2 ") and "ZAH2 was already replaced" in said and "--again" in said

        # The old laptop (or whoever holds it) is refused from now on.
        assert main([*laptop(old, "zah.admin"), "sync"]) == 2
        assert "Traceback" not in capsys.readouterr().err

        # The new laptop is set up from the file alone: it is ZAH2, already enrolled, under a new epoch.
        new = tmp_path / "zah-new"
        assert main(["--data-dir", str(new), "setup", "--config", str(out), "--admin", "someone.else"]) == 2
        assert "zah2.admin" in capsys.readouterr().err and not (new / "keystore.json").exists()
        assert main(["--data-dir", str(new), "setup", "--config", str(out), "--admin", "zah2.admin"]) == 0
        assert "replaces ZAH2 and is already enrolled" in capsys.readouterr().out
        session = sign_in(new, "zah2.admin", FIELD_PASSWORD)
        ident = identity(session.store)
        session.store.close()
        assert (ident.device_id, ident.device_code) == (old_device, "ZAH2") and ident.epoch > 1 and ident.token
        after = register(new, "zah2.admin", 2)
        assert main([*laptop(new, "zah2.admin"), "sync"]) == 0
        held = codes(engine)
        assert set(before + after) <= set(held)
        assert len({held[p] for p in before + after}) == 4  # patient numbers never collide
        assert all(held[p].startswith(f"ZAH2E{ident.epoch}-") for p in after)

        assert server_cli(["devices", "--db", str(central)]) == 0
        listing = [line for line in capsys.readouterr().out.splitlines() if line.startswith("ZAH2")]
        assert len(listing) == 1 and "active" in listing[0] and f" {ident.epoch} " in listing[0]
        assert "replaced " in listing[0]
        assert replace("MHU-ZAH", "ZAH2", "zah3.admin").startswith("0 ")  # taken up: it may be replaced again
    engine.dispose()


def test_the_old_laptops_bundles_from_before_the_replacement_still_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bundle the broken laptop wrote before headquarters replaced it (in a coordinator's bag) is verified against
    the key it was signed with and imports, each change once; one the old laptop wrote after the replacement, or
    under an epoch it never had, is refused with a sentence and nothing of it is applied."""
    from app.hq.staff import set_staff

    monkeypatch.setenv("SAYYAR_PASSWORD", FIELD_PASSWORD)
    monkeypatch.setenv("SAYYAR_NEW_PASSWORD", FIELD_PASSWORD)
    central = tmp_path / "central.db"
    engine = server_engine(str(central))
    set_staff(engine, username="l.karimi", role="headquarters", password=FIELD_PASSWORD)
    hq = ["--user", "l.karimi", "hq", "import", "--db", str(central)]

    def hq_import(bundle: Path) -> tuple[int, str]:
        status = main([*hq, str(bundle)])
        got = capsys.readouterr()
        assert "Traceback" not in got.err
        return status, got.out + got.err

    with LiveServer(engine) as srv:
        assert setup_and_enrol(tmp_path, "zah", "MHU-ZAH", "ZAH2", "zah.admin", central, srv.url, capsys)[0] == 0
        old = tmp_path / "zah"
        synced = register(old, "zah.admin", 2)
        early = tmp_path / "early.sayyar"  # written, then the same changes went up online as well
        assert main([*laptop(old, "zah.admin"), "bundle", "export", "--out", str(early)]) == 0
        assert main([*laptop(old, "zah.admin"), "sync"]) == 0
        in_bag = register(old, "zah.admin", 2)  # never synced: the laptop broke
        bag = tmp_path / "bag.sayyar"
        assert main([*laptop(old, "zah.admin"), "bundle", "export", "--out", str(bag)]) == 0
        capsys.readouterr()

        out = tmp_path / "zah2.replacement.json"
        assert (
            server_cli(
                [
                    "replace-device",
                    "--db",
                    str(central),
                    "--unit",
                    "MHU-ZAH",
                    "--device-code",
                    "ZAH2",
                    "--admin",
                    "zah2.admin",
                    "--server-url",
                    srv.url,
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
        # The old laptop comes back to life after the replacement and writes another bundle with its old key.
        made_after = register(old, "zah.admin", 1)
        late = tmp_path / "late.sayyar"
        assert main([*laptop(old, "zah.admin"), "bundle", "export", "--out", str(late)]) == 0
        # ... and one under an epoch it never had (an offline new epoch), which only the replacement may use.
        assert main([*laptop(old, "zah.admin"), "sync", "new-epoch", "--offline"]) == 0
        other_epoch = tmp_path / "other-epoch.sayyar"
        assert main([*laptop(old, "zah.admin"), "bundle", "export", "--out", str(other_epoch)]) == 0
        capsys.readouterr()

        status, said = hq_import(early)  # everything in it is already held: nothing applied twice
        assert status == 0 and "applied 0" in said, said
        status, said = hq_import(bag)
        assert status == 0 and "rejected 0" in said and "applied 0" not in said, said
        status, said = hq_import(bag)
        assert status == 0 and "already imported" in said
        status, said = hq_import(late)
        assert status != 0 and "superseded_key" in said and "after it was replaced" in said, said
        status, said = hq_import(other_epoch)
        assert status != 0 and "superseded_key" in said and "only the replacement laptop has" in said, said

        held = codes(engine)
        assert set(synced + in_bag) <= set(held) and not set(made_after) & set(held)
        patient = m.RECORDS["patient"]
        with engine.connect() as conn:
            ids = list(conn.execute(select(patient.c.id)).scalars())
            assert len(ids) == len(set(ids)) == 4
            [kept] = conn.execute(select(m.device_key.c.superseded_at, m.device_key.c.before_epoch)).all()
            assert kept.before_epoch > 1 and kept.superseded_at is not None

        # The new laptop's own bundles verify with its new key, as before.
        new = tmp_path / "zah-new"
        assert main(["--data-dir", str(new), "setup", "--config", str(out), "--admin", "zah2.admin"]) == 0
        register(new, "zah2.admin", 1)
        fresh = tmp_path / "fresh.sayyar"
        assert main([*laptop(new, "zah2.admin"), "bundle", "export", "--out", str(fresh)]) == 0
        capsys.readouterr()
        status, said = hq_import(fresh)
        assert status == 0 and "rejected 0" in said, said
        assert len(codes(engine)) == 5
    engine.dispose()
