"""Every ``sayyar hq`` command signs in (issue 12, "role checks everywhere they matter"): through the real command
line, each is run without a user, with a wrong password and by every staff role. A refusal is a sentence (status 2,
no traceback) and leaves the central database exactly as it was (every table's row count and checksum); the right
account gets the work done. Before this, ``hq duplicates``, ``hq alerts``, ``hq immunisation --rebuild``,
``hq registry show``, ``hq config`` and ``hq staff`` asked for no one, and ``hq report`` only when --user was given.
The central server's device commands (``sayyar server devices|enrol-device|revoke-device|laptop-config|
replace-device``) are tried the same way: they needed the database's credentials only, so anyone holding them could
enrol a laptop of their own or revoke every unit's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from db_snapshot import changed_tables, table_checksums
from hq_helpers import add_case, add_patient, add_site
from sqlalchemy import Engine, select

from app.cli import main
from app.hq import staff as staff_mod
from app.hq.models import hq_audit
from app.server.db import open_database

PASSWORD = "staff-pass-1405"
NEW_PASSWORD = "new-account-1405"
COORD, UNIT_ADMIN, HQ, ADMIN = "h.rigi", "z.sarani", "l.karimi", "s.admin"
WRONG, NOBODY = "wrong password", "no --user"


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is under test here, not argon2's cost."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(staff_mod, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    monkeypatch.setenv("SAYYAR_NEW_PASSWORD", NEW_PASSWORD)


@dataclass
class World:
    db: Path
    units: tuple[str, str]  # (MHU-ZAH's id: the coordinator's and unit administrator's unit, MHU-TAY's id)
    tmp: Path

    def engine(self) -> Engine:
        return open_database(str(self.db))


def _world(tmp_path: Path) -> World:
    db = tmp_path / "central.db"
    engine = open_database(str(db))
    with engine.begin() as conn:
        site = add_site(conn)
        zah, tay = site["F02"]["unit_id"], site["F17"]["unit_id"]
        # Likely duplicates: two in Zahedan, one in Taybad (names never printed).
        add_patient(conn, code="ZAH1-000001-1", registered_unit_id=zah, given_name_latin="Muhammad",
                    father_name_latin="Ghulam Rasool", sex="male", birth_year=1984, birth_estimated=True)
        add_patient(conn, code="ZAH1-000002-1", registered_unit_id=zah, given_name_latin="Mohammed",
                    father_name_latin="Gholamrasul", sex="male", birth_year=1981, birth_estimated=True)
        add_patient(conn, code="TAY1-000001-1", registered_unit_id=tay, given_name_latin="Mohammad",
                    father_name_latin="Ghulam Rasul", sex="male", birth_year=1982, birth_estimated=True)
        add_patient(conn, code="ZAH1-000003-1", registered_unit_id=zah, date_of_birth=date(2025, 5, 1),
                    birth_year=2025)  # a child: the coverage table has a row to rebuild
        add_case(conn, "measles", site["F02"], date(2026, 11, 24))  # an alert to raise
    for name, role, unit, admin in ((COORD, "coordinator", zah, None), (UNIT_ADMIN, "unit_admin", zah, None),
                                    (HQ, "headquarters", None, None), (ADMIN, "headquarters", None, True)):
        staff_mod.set_staff(engine, username=name, role=role, password=PASSWORD, unit_id=unit, admin=admin)
    engine.dispose()
    open_database(str(db)).dispose()  # opening builds the coverage table of the children written straight in
    return World(db, (zah, tay), tmp_path)


def _device_key() -> str:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def _with_laptops(world: World) -> World:
    """Three enrolled laptops: ZAH7 of Zahedan's unit, TAY7 of Taybad's, ZAH8 enrolled without a unit (one to
    replace)."""
    import uuid

    from app.server import devices

    engine = world.engine()
    with engine.begin() as conn:
        for code, unit in (("ZAH7", world.units[0]), ("TAY7", world.units[1]), ("ZAH8", None)):
            devices.enrol_device(conn, device_id=str(uuid.uuid4()), device_code=code, public_key=_device_key(),
                                 unit_id=unit)
    engine.dispose()
    return world


def _run(world: World, who: str, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("SAYYAR_PASSWORD", "not-the-password" if who == WRONG else PASSWORD)
    user = [] if who == NOBODY else ["--user", HQ if who == WRONG else who]
    return main([*user, *argv, "--db", str(world.db)])


def _argv(command: str, world: World) -> list[str]:
    return {
        "duplicates": ["hq", "duplicates"],
        "alerts": ["hq", "alerts"],
        "immunisation": ["hq", "immunisation", "--rebuild"],
        "report": ["hq", "report", "--week", "2026W47", "--out", str(world.tmp / "week.pdf")],
        "registry show": ["hq", "registry", "show"],
        "config": ["hq", "config"],
        "staff": ["hq", "staff", "--username", "new.coord", "--role", "coordinator", "--unit-id", world.units[0]],
        # Already signed in before issue 12's last round: tried again, so they stay so.
        "conflicts": ["hq", "conflicts"],
        "export dhis2": ["hq", "export", "dhis2", "--week", "2026W47", "--out", str(world.tmp / "d.json")],
        "export linelist": ["hq", "export", "linelist", "--out", str(world.tmp / "l.csv")],
        "reference": ["hq", "reference", "facility", "F05", "active", "off"],
        "import": ["hq", "import", str(world.tmp / "none.sayyar")],
        "server devices": ["server", "devices"],
        "server rejected": ["server", "devices", "--rejected", "ZAH7"],
        "server enrol-device": ["server", "enrol-device", "--device-id", "5b0e51c2-8d4f-4a53-9d57-2f1c3f7a9e01",
                                "--device-code", "ZAH9", "--public-key", _device_key(),
                                "--out", str(world.tmp / "enrol.json")],
        "server revoke-device": ["server", "revoke-device", "--device-code", "TAY7"],
        "server laptop-config": ["server", "laptop-config", "--unit", "MHU-ZAH", "--device-code", "ZAH5",
                                 "--out", str(world.tmp / "zah5.config.json")],
        "server replace-device": ["server", "replace-device", "--unit", "MHU-ZAH", "--device-code", "ZAH8",
                                  "--admin", "zah8.admin2", "--again", "--out", str(world.tmp / "zah8.json")],
    }[command]


ANY_STAFF = {COORD, UNIT_ADMIN, HQ, ADMIN}
# Who may run each command, as the /hq pages decide for the same information (app/cli/hq.py's docstring).
ALLOWED: dict[str, set[str]] = {
    "duplicates": {UNIT_ADMIN, HQ, ADMIN},  # the Duplicates page: Action.REVIEW_DUPLICATES
    "alerts": {HQ, ADMIN}, "immunisation": {HQ, ADMIN},
    "report": ANY_STAFF, "registry show": ANY_STAFF, "config": ANY_STAFF,
    "staff": {ADMIN},  # the Staff page's rule: a headquarters staff administrator
    "conflicts": {HQ, ADMIN}, "export dhis2": ANY_STAFF, "export linelist": ANY_STAFF, "reference": {HQ, ADMIN},
    "import": {HQ, ADMIN},
    # The device list and a laptop's refusals: any staff account, scoped like the reporting board; which laptops
    # may write to the central database: headquarters (Action.MANAGE_DEVICES).
    "server devices": ANY_STAFF, "server rejected": ANY_STAFF,
    "server enrol-device": {HQ, ADMIN}, "server revoke-device": {HQ, ADMIN}, "server laptop-config": {HQ, ADMIN},
    "server replace-device": {HQ, ADMIN},
}
SERVER = ["server devices", "server rejected", "server enrol-device", "server revoke-device",
          "server laptop-config", "server replace-device"]
WRITTEN = ("week.pdf", "d.json", "enrol.json", "zah5.config.json", "zah8.json")
NEW = ["duplicates", "alerts", "immunisation", "report", "registry show", "config", "staff"]
ALREADY = ["conflicts", "export dhis2", "export linelist", "reference", "import"]


def _matrix(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> World:
    world = _world(tmp_path)
    if command.startswith("server"):
        _with_laptops(world)
    argv = _argv(command, world)
    engine = world.engine()
    refused = [NOBODY, WRONG, *sorted(ANY_STAFF - ALLOWED[command])]
    for who in refused:
        before = table_checksums(engine)
        capsys.readouterr()
        status = _run(world, who, argv, monkeypatch)
        said = capsys.readouterr()
        assert status == 2, (command, who, status, said.out[-300:])
        assert said.err.startswith("sayyar: ") and "Traceback" not in said.err and "unexpected" not in said.err, \
            (command, who, said.err)
        expected = "--user" if who == NOBODY else "wrong name or password" if who == WRONG else "may not"
        assert expected in said.err, (command, who, said.err)
        assert table_checksums(engine) == before, (command, who, changed_tables(before, table_checksums(engine)))
        assert not any((world.tmp / name).exists() for name in WRITTEN), (command, who)
    for n, who in enumerate(sorted(ALLOWED[command])):
        capsys.readouterr()
        status = _run(world, who, argv, monkeypatch)
        said = capsys.readouterr()
        assert not any(w in said.err for w in ("--user", "wrong name", "may not")), (command, who, said.err)
        # Signed in, the work is done; a missing bundle has its own sentence, a reference change made once
        # already is refused the second time as changing nothing, and a replacement's administrator name once used
        # is refused for the next one.
        assert status == 0 or command == "import" or (command in ("reference", "server replace-device") and n), \
            (command, who, said.err)
    engine.dispose()
    return world


@pytest.mark.parametrize("command", NEW)
def test_each_command_refuses_anyone_not_signed_in_with_the_right_role(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _matrix(command, tmp_path, monkeypatch, capsys)


@pytest.mark.parametrize("command", SERVER)
def test_the_servers_device_commands_sign_in_and_check_the_role(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _matrix(command, tmp_path, monkeypatch, capsys)


def test_device_changes_are_audited_in_the_staff_members_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    world = _with_laptops(_world(tmp_path))
    for command in ("server enrol-device", "server laptop-config", "server replace-device", "server revoke-device"):
        assert _run(world, HQ, _argv(command, world), monkeypatch) == 0, capsys.readouterr().err
    engine = world.engine()
    with engine.connect() as conn:
        rows = [(r.user, r.role, r.action, r.what) for r in
                conn.execute(select(hq_audit).where(hq_audit.c.action.like("device_%")).order_by(hq_audit.c.id))]
    engine.dispose()
    assert rows == [(HQ, "headquarters", "device_enrol", "ZAH9"), (HQ, "headquarters", "device_config", "ZAH5"),
                    (HQ, "headquarters", "device_replace", "ZAH8"), (HQ, "headquarters", "device_revoke", "TAY7")]


def test_a_coordinator_sees_their_own_units_laptops_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    world = _with_laptops(_world(tmp_path))
    capsys.readouterr()
    assert _run(world, HQ, ["server", "devices"], monkeypatch) == 0
    every = capsys.readouterr().out
    assert all(code in every for code in ("ZAH7", "TAY7", "ZAH8"))
    assert _run(world, COORD, ["server", "devices"], monkeypatch) == 0
    own = capsys.readouterr().out
    assert "ZAH7" in own and "TAY7" not in own and "ZAH8" not in own
    # Another unit's laptop is told as not enrolled, as the board's page answers "no such page".
    assert _run(world, COORD, ["server", "devices", "--rejected", "TAY7"], monkeypatch) == 2
    assert "no laptop TAY7 is enrolled" in capsys.readouterr().err
    assert _run(world, HQ, ["server", "devices", "--rejected", "TAY7"], monkeypatch) == 0
    assert "refused nothing from TAY7" in capsys.readouterr().out


@pytest.mark.parametrize("command", ALREADY)
def test_the_commands_that_signed_in_already_still_do(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _matrix(command, tmp_path, monkeypatch, capsys)


def test_a_unit_administrator_sees_their_own_units_duplicates_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    world = _world(tmp_path)
    capsys.readouterr()
    assert _run(world, HQ, ["hq", "duplicates"], monkeypatch) == 0
    every = capsys.readouterr().out
    assert "TAY1-000001-1" in every and "ZAH1-000002-1" in every and "Muhammad" not in every
    assert _run(world, UNIT_ADMIN, ["hq", "duplicates"], monkeypatch) == 0
    lines = capsys.readouterr().out.splitlines()
    pairs = [json.loads(line) for line in lines[:-1]]
    assert [(p["keep"], p["merge"]) for p in pairs] == [("ZAH1-000001-1", "ZAH1-000002-1")]
    assert "TAY1" not in "\n".join(lines)
    assert _run(world, UNIT_ADMIN, ["hq", "duplicates", "--unit-id", world.units[1]], monkeypatch) == 2
    assert "own unit" in capsys.readouterr().err
    assert _run(world, HQ, ["hq", "duplicates", "--unit-id", world.units[1]], monkeypatch) == 0
    assert "0 likely duplicate pair(s) among 1 patient(s)" in capsys.readouterr().out


def test_a_coordinators_report_covers_their_unit_and_needs_the_password(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The report without --user used to be the whole site's, for anyone holding the database."""
    world = _world(tmp_path)
    out = world.tmp / "week.pdf"
    assert _run(world, NOBODY, ["hq", "report", "--week", "2026W47", "--out", str(out)], monkeypatch) == 2
    assert not out.exists()
    assert _run(world, COORD, ["hq", "report", "--week", "2026W47", "--out", str(out)], monkeypatch) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_the_first_administrator_is_made_without_a_sign_in_and_only_then(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A new central database has no account to sign in with: whoever holds the database makes the first one, and
    it must be a headquarters staff administrator; from then on only a signed-in administrator makes accounts."""
    db = tmp_path / "central.db"
    engine = open_database(str(db))
    world = World(db, ("u1", "u2"), tmp_path)
    before = table_checksums(engine)
    for argv in (["hq", "staff", "--username", "first"],  # no --admin: nobody could make the next account
                 ["hq", "staff", "--username", "first", "--role", "coordinator", "--unit-id", "u1"]):
        assert _run(world, NOBODY, argv, monkeypatch) == 2
        assert "--admin" in capsys.readouterr().err
        assert table_checksums(engine) == before, changed_tables(before, table_checksums(engine))
    assert _run(world, NOBODY, ["hq", "staff", "--username", "S.Admin", "--admin"], monkeypatch) == 0
    assert "staff administrator" in capsys.readouterr().out
    with engine.connect() as conn:
        assert [(r.user, r.action, r.what) for r in conn.execute(select(hq_audit))] == \
               [("s.admin", "staff_first_admin", "s.admin")]
    # Now a sign-in is needed: none, a wrong password, the new account's password typed as the admin's own.
    before = table_checksums(engine)
    make = ["hq", "staff", "--username", "l.karimi"]
    assert _run(world, NOBODY, make, monkeypatch) == 2
    assert "--user" in capsys.readouterr().err
    assert _run(world, WRONG, make, monkeypatch) == 2  # (as l.karimi, who does not exist yet)
    assert "wrong name or password" in capsys.readouterr().err
    monkeypatch.setenv("SAYYAR_PASSWORD", PASSWORD)
    assert main(["--user", "s.admin", *make, "--db", str(db)]) == 2
    assert table_checksums(engine) == before, changed_tables(before, table_checksums(engine))
    monkeypatch.setenv("SAYYAR_PASSWORD", NEW_PASSWORD)
    assert main(["--user", "s.admin", *make, "--db", str(db)]) == 0
    # The administrator cannot leave the staff list without one by moving themself out of headquarters.
    assert main(["--user", "s.admin", "hq", "staff", "--username", "s.admin", "--role", "coordinator", "--unit-id",
                 "u1", "--db", str(db)]) == 2
    assert "own account" in capsys.readouterr().err
    with engine.connect() as conn:
        assert [(r.user, r.action, r.what) for r in conn.execute(select(hq_audit).order_by(hq_audit.c.id))] == \
               [("s.admin", "staff_first_admin", "s.admin"), ("s.admin", "staff_create", "l.karimi")]
    engine.dispose()


def test_accounts_older_than_administrators_get_one_without_a_sign_in_but_keep_their_passwords(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A central database whose accounts were made before the administrator flag has none: the first
    administrator is made as on a new database, but an existing account is never changed without a sign-in (its
    password would be replaced by whoever typed its name)."""
    world = _world(tmp_path)
    engine = world.engine()
    with engine.begin() as conn:
        conn.execute(staff_mod.hq_staff.update().values(admin=False))
    before = table_checksums(engine)
    assert _run(world, NOBODY, ["hq", "staff", "--username", HQ, "--admin"], monkeypatch) == 2
    assert "already exists" in capsys.readouterr().err
    assert table_checksums(engine) == before, changed_tables(before, table_checksums(engine))
    assert _run(world, NOBODY, ["hq", "staff", "--username", "new.admin", "--admin"], monkeypatch) == 0
    assert _run(world, NOBODY, ["hq", "staff", "--username", "another", "--admin"], monkeypatch) == 2
    engine.dispose()
