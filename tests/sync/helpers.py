"""Laptops, activity and a real server on a loopback port for the sync tests."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine, func, select

from app.cli import main
from app.models import ChangeLog, User
from app.server import devices
from app.server.app import create_app
from app.server.db import open_database
from app.services.context import Ctx
from app.services.patients import register_patient
from app.services.reference import seed_reference
from app.services.referrals import refer_patient
from app.services.site import sign_in
from app.services.visits import record_visit
from app.store import Store
from app.sync import identity

UNITS = {"A1": "MHU-ZAH", "B2": "MHU-MSH", "C3": "MHU-BIR"}


@dataclass
class Laptop:
    store: Store
    ctx: Ctx
    coord: Ctx
    token: str = ""

    @property
    def device_id(self) -> str:
        return self.store.device.device_id

    def close(self) -> None:
        self.store.close()


@contextmanager
def server_process(db_url: str, data_dir: Path, workers: int = 2) -> Iterator[str]:
    """``sayyar server --workers N`` as a real process on a free loopback port, until it answers its health check;
    yields its address. Stopped afterwards, and what it printed must hold no traceback."""
    import httpx

    port = free_port()
    env = {**os.environ, "SAYYAR_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "app", "server", "--db", db_url, "--port", str(port),
                             "--workers", str(workers)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else "server exited"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            out = proc.communicate(timeout=20)[0].decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            proc.kill()
            out = ""
    assert "Traceback" not in out, out[-3000:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Laptops are SQLCipher-encrypted, as in the field (one raw key for every test laptop; each test's files are its own).
LAPTOP_KEY = hashlib.sha256(b"sayyar sync test laptop").digest()


# A second laptop of laptop A1's unit: laptops hold their own unit's patients (trust rules), so tests of two laptops
# editing the same patient put both in one unit; across units a patient travels by referral or look-up
# (tests/sync/test_feed_scope.py).
SAME_UNIT = "MHU-ZAH"


def make_laptop(folder: Path, code: str, *, wall_ms: Any = None, unit: str | None = None) -> Laptop:
    store = Store.open(folder / f"{code}.db", LAPTOP_KEY, device_code=code)
    if wall_ms is not None:
        from app.store.clock import HybridClock

        store.clock = HybridClock(store.device.device_id, store.clock.last, wall_ms=wall_ms)
    units = _units()
    seed_reference(store, unit_code=unit or units.get(code, "MHU-ZAH"))
    with store.read() as s:
        user = s.scalars(select(User).where(User.role == "clinician", User.unit_id == store.device.unit_id)).first()
        if user is None:
            user = s.scalars(select(User).where(User.role == "clinician")).first()
        assert user is not None
    ctx = Ctx(store, user.id, "clinician", unit_id=store.device.unit_id, lang="en")
    # Bundles are a coordinator's job (roles.py); the coordinator's id is not checked against users here.
    coord = Ctx(store, user.id, "coordinator", unit_id=store.device.unit_id, lang="en")
    return Laptop(store, ctx, coord)


def _units() -> dict[str, str]:
    from app.core.reference import load_sample_site

    codes = [u.code for u in load_sample_site().units]
    return {k: (v if v in codes else codes[i % len(codes)]) for i, (k, v) in enumerate(UNITS.items())}


def enrol(engine: Engine, laptop: Laptop, url: str = "") -> str:
    request = identity.device_request(laptop.store)
    with engine.begin() as conn:
        enrolment = devices.enrol_device(conn, device_id=request.device_id, device_code=request.device_code,
                                         public_key=request.public_key, server_url=url,
                                         unit_id=request.unit_id)
    admin = Ctx(laptop.store, laptop.ctx.user_id, "unit_admin", unit_id=laptop.store.device.unit_id, lang="en")
    identity.load_enrolment(laptop.store, enrolment, actor=admin)
    laptop.token = enrolment.token
    return enrolment.token


_counter = [0]


def patient_input(i: int) -> dict[str, Any]:
    _counter[0] += 1
    n = _counter[0]
    return {
        "given_name_latin": f"Given{n}", "father_name_latin": f"Father{n}", "family_name_latin": f"Fam{i}",
        "given_name_fa": "", "father_name_fa": "", "sex": "female" if n % 2 else "male", "birth_year": 1980 + n % 30,
        "nationality": "afghan", "legal_status": "amayesh", "consent_date": date(2026, 1, 5).isoformat(),
        "phone": f"0912{n:07d}"[:11], "new_household": n % 3 == 0, "documents": [],
    }


def facility_of(laptop: Laptop) -> str:
    from app.models import Facility

    with laptop.store.read() as s:
        return s.scalars(select(Facility.id).order_by(Facility.code)).first()  # type: ignore[return-value]


def make_activity(laptop: Laptop, changes: int) -> dict[str, list[str]]:
    """Real services until the laptop has ``changes`` more change-log entries: patients, visits (some notifiable,
    which opens a surveillance case), referrals."""
    made: dict[str, list[str]] = {"patient": [], "visit": [], "referral": []}
    start = count_entries(laptop.store)
    fac = facility_of(laptop)
    i = 0
    while count_entries(laptop.store) - start < changes:
        i += 1
        reg = register_patient(laptop.ctx, patient_input(i), override_reason="sync test")
        made["patient"].append(reg.patient_id)
        dx = [{"code": "A00"}] if i % 7 == 0 else []
        visit = record_visit(laptop.ctx, {"patient_id": reg.patient_id, "facility_id": fac, "complaint": "cough",
                                          "diagnoses": dx})
        made["visit"].append(visit.visit_id)
        if i % 5 == 0:
            ref = refer_patient(laptop.ctx, {"visit_id": visit.visit_id, "to_facility_id": fac,
                                             "department": _department(laptop), "reason": "review"})
            made["referral"].append(ref.referral_id)
    return made


def _department(laptop: Laptop) -> str:
    from app.models import Department

    with laptop.store.read() as s:
        return s.scalars(select(Department.code).order_by(Department.code)).first()  # type: ignore[return-value]


def count_entries(store: Store, state: str | None = None) -> int:
    """Change-log entries (in ``state``), the packed acknowledged ones included."""
    from app.sync.status import sync_status

    counts = sync_status(store).counts
    return sum(counts.values()) if state is None else counts.get(state, 0)


class LiveServer:
    """The real FastAPI app under uvicorn on a loopback port, in a thread."""

    def __init__(self, engine: Engine, port: int | None = None, **kw: Any) -> None:
        from app.server.guard import Throttle

        self.engine = engine
        # Failure delays and lockouts cost seconds: tests that are not about them get a quick, lenient throttle
        # (tests/sync/test_server_guard.py tries the real one).
        kw.setdefault("throttle", Throttle(per_client=10**6, per_account=10**6, base_delay_s=0.001,
                                           max_delay_s=0.01))
        self.app = create_app(engine=engine, **kw)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def server_engine(url: str) -> Engine:
    return open_database(url)


def hq_import(engine: Engine, path: Path):  # type: ignore[no-untyped-def]
    from app.server.hq_import import import_bundle_bytes

    return import_bundle_bytes(engine, path.read_bytes())


def write_receipt(outcome: Any, path: Path) -> Path:
    path.write_text(outcome.receipt.model_dump_json(), encoding="utf-8")
    return path


def assert_exactly_once(engine: Engine, laptops: list[Laptop]) -> None:
    """Every record each laptop made is in the central database once, in the laptop's latest version, and every
    change-log entry was received once."""
    from app.models.registry import Policy, entities
    from app.server import models as m
    from app.sync.outbox import archived_counts

    total_entries = 0
    for lap in laptops:
        with lap.store.read() as s:
            states = dict(s.execute(select(ChangeLog.state, func.count()).group_by(ChangeLog.state)).all())
            packed = sum(archived_counts(s).values())
            if packed:
                states["acked"] = states.get("acked", 0) + packed
            assert set(states) <= {"acked"}, f"{lap.store.device.device_code}: not all acknowledged: {states}"
            total_entries += sum(states.values())
            with engine.connect() as conn:
                for spec in entities():
                    if spec.policy is Policy.REFERENCE:
                        continue
                    entity, table = spec.name, spec.table
                    local = dict(s.execute(select(table.c.id, table.c.version).where(
                        table.c.device_id == lap.device_id)).all())
                    central_t = m.RECORDS[entity]
                    central = dict(conn.execute(select(central_t.c.id, central_t.c.version).where(
                        central_t.c.device_id == lap.device_id)).all())
                    assert set(central) == set(local), f"{entity}: central and laptop differ"
                    if spec.owned_by_device:
                        assert central == local, f"{entity}: versions differ"
    with engine.connect() as conn:
        received = conn.execute(select(func.count()).select_from(m.received)).scalar_one()
        rejected = conn.execute(select(func.count()).select_from(m.rejected)).scalar_one()
    assert rejected == 0
    assert received == total_entries


def hq_signed_in(engine: Engine, user: str, password: str) -> Any:
    """A browser-like client of the headquarters pages, signed in through the real form (entered: the caller
    leaves it with ``__exit__``)."""
    import re

    from fastapi.testclient import TestClient

    c = TestClient(create_app(engine=engine))
    c.__enter__()
    form = c.get("/hq/sign-in", headers={"accept": "text/html"}).text
    pre = re.search(r'name="pre" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    assert c.post("/hq/sign-in", data={"pre": pre, "username": user, "password": password},
                  follow_redirects=False).status_code == 303
    return c


# The central server's device commands sign in as headquarters staff (app/cli/common.py, signed_in_staff): tests run them as
# one headquarters staff administrator, made in the central database the first time it is needed.
HQ_DEVICES_USER = "hq.devices"
HQ_DEVICES_PW = "hq-devices-pass-1405"


def ensure_hq_devices_admin(db: str | Path) -> None:
    """``hq.devices``, a headquarters staff administrator, in the central database ``db`` (a path or URL)."""
    from app.hq.staff import ensure_staff_table, find_staff, has_administrator, set_staff

    engine = open_database(str(db))
    try:
        ensure_staff_table(engine)
        with engine.connect() as conn:
            if find_staff(conn, HQ_DEVICES_USER) is not None:
                return
            first = not has_administrator(conn)
        set_staff(engine, username=HQ_DEVICES_USER, role="headquarters", password=HQ_DEVICES_PW, admin=True,
                  first=first)
    finally:
        engine.dispose()


def server_cli(argv: list[str], *, user: str = HQ_DEVICES_USER, password: str = HQ_DEVICES_PW) -> int:
    """``sayyar server <argv>`` signed in as ``user`` (by default the tests' headquarters administrator, made in the
    database named by ``--db`` if missing); $SAYYAR_PASSWORD is the account's only for this call."""
    import os

    if user == HQ_DEVICES_USER:
        ensure_hq_devices_admin(argv[argv.index("--db") + 1])
    before = os.environ.get("SAYYAR_PASSWORD")
    os.environ["SAYYAR_PASSWORD"] = password
    try:
        return main(["--user", user, "server", *argv])
    finally:
        if before is None:
            os.environ.pop("SAYYAR_PASSWORD", None)
        else:
            os.environ["SAYYAR_PASSWORD"] = before


# A unit's laptops driven through the command line (tests/sync/test_field_laptops.py, test_replace_laptop.py).
FIELD_PASSWORD = "unit-admin-pass-1405"


def laptop(folder: Path, user: str = "admin") -> list[str]:
    return ["--data-dir", str(folder), "--user", user]


def setup_and_enrol(tmp_path: Path, name: str, unit: str, code: str, admin: str, central: Path, url: str,
                    capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    folder = tmp_path / name
    assert main(["--data-dir", str(folder), "setup", "--unit", unit, "--device-code", code, "--admin", admin]) == 0
    out = capsys.readouterr().out
    recovery = out.split("Recovery key")[1].splitlines()[1].strip()
    req, enrolment = tmp_path / f"{name}.request.json", tmp_path / f"{name}.enrolment.json"
    assert main([*laptop(folder, admin), "sync", "device-request", "--out", str(req)]) == 0
    status = server_cli(["enrol-device", "--db", str(central), "--request", str(req), "--server-url", url,
                         "--out", str(enrolment)])
    if status != 0:
        return status, recovery
    assert main([*laptop(folder, admin), "sync", "enrol", str(enrolment)]) == 0
    assert main([*laptop(folder, admin), "sync"]) == 0
    return 0, recovery


def register(folder: Path, admin: str, n: int, **extra: object) -> list[str]:
    """Patients registered on the laptop by a clinician of its unit (the services, as the app would)."""
    session = sign_in(folder, admin, FIELD_PASSWORD)
    try:
        ctx = Ctx(session.store, session.ctx.user_id, "clinician", unit_id=session.ctx.unit_id, lang="en")
        return [register_patient(ctx, {**patient_input(i), **extra}, override_reason="field test").patient_id
                for i in range(n)]
    finally:
        session.store.close()


def central_checksums(engine: Engine, *, without: frozenset[str] | set[str] = frozenset()) -> dict[str, tuple[int, str]]:
    """Per synced table of the central database: how many rows and a checksum of them all (``without`` those ids:
    the records a test expects to arrive)."""
    from app.server import models as m

    out = {}
    with engine.connect() as conn:
        for name, table in m.RECORDS.items():
            rows = [r for r in conn.execute(select(table).order_by(table.c.id)).all() if r.id not in without]
            out[name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return out


def central_row(engine: Engine, entity: str, **where: Any) -> dict[str, Any]:
    """The first central row of ``entity`` matching ``where``."""
    from app.server import models as m

    table = m.RECORDS[entity]
    with engine.connect() as conn:
        row = conn.execute(select(table).where(*[table.c[k] == v for k, v in where.items()])).mappings().first()
    assert row is not None, (entity, where)
    return dict(row)


SITE_ADMIN_PW = "admin-pass-1"
SITE_STAFF_PW = "nurse-pass-1"


def enrolled_site(tmp_path: Path, url: str, central_db: Path, monkeypatch: Any,
                  staff: tuple[str, ...] = ("nurse", "midwife")) -> Path:
    """A real data folder (keystore, SQLCipher file) with its administrator and clinicians ``staff``, enrolled with
    the server at ``url`` through the command line and synced once (its staff records reach headquarters)."""
    from app.services.site import create_site
    from app.services.users import add_user

    site = tmp_path / "site"
    create_site(site, admin_username="admin", admin_password=SITE_ADMIN_PW, admin_full_name="Admin",
                device_code="ZAH1", unit_code="MHU-ZAH")
    admin = sign_in(site, "admin", SITE_ADMIN_PW)
    try:
        for name in staff:
            add_user(admin.ctx, admin.keystore, admin.db_key, username=name, full_name_en=name.title(),
                     role="clinician", password=SITE_STAFF_PW)
    finally:
        admin.store.close()
    monkeypatch.setenv("SAYYAR_PASSWORD", SITE_ADMIN_PW)
    laptop = ["--data-dir", str(site), "--user", "admin"]
    assert main([*laptop, "sync", "device-request", "--out", str(tmp_path / "req.json")]) == 0
    assert server_cli(["enrol-device", "--db", str(central_db), "--request", str(tmp_path / "req.json"),
                       "--server-url", url, "--out", str(tmp_path / "enrolment.json")]) == 0
    assert main([*laptop, "sync", "enrol", str(tmp_path / "enrolment.json")]) == 0
    assert main([*laptop, "sync"]) == 0
    return site
