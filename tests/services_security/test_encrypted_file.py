"""End to end with the real argon2id defaults: after a realistic session none of the patients' names or document
numbers is readable in the database files, plain sqlite3 cannot open them, the wrong password fails, and the right
password or the recovery key opens them (through create_site / sign_in and the keystore)."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import db_path, keystore_path
from app.models import Patient
from app.security.keystore import Keystore, RecoveryKeyMistyped
from app.services.context import Ctx
from app.services.patients import register_patient
from app.services.printing import referral_slip_pdf
from app.services.referrals import refer_patient
from app.services.site import SignInFailed, create_site, sign_in
from app.services.users import add_user
from app.services.visits import record_visit
from app.store import Store, WrongDatabaseKey

from services.conftest import NOW, make_ctx, person
from services_security.conftest import hospital

ADMIN_PW = "admin-real-pass"
NURSE_PW = "nurse-real-pass"
PEOPLE = [
    dict(given_name_fa="زرغونه", given_name_latin="Zarghuna", father_name_fa="عبدالرحیم", father_name_latin="Abdulrahim",
         phone="0915 301 2284", documents=[{"doc_type": "amayesh_card", "number": "73019948212"}]),
    dict(given_name_fa="شکیلا", given_name_latin="Shakila", father_name_fa="محمدنبی", father_name_latin="Mohammadnabi",
         phone="0936 552 9017", documents=[{"doc_type": "passport", "number": "P40917736"}]),
    dict(given_name_fa="پلوشه", given_name_latin="Palwasha", father_name_fa="غلام‌سخی", father_name_latin="Ghulamsakhi",
         legal_status="undocumented", phone="", documents=[{"doc_type": "tazkira", "number": "1398-0104-55731"}]),
]
NEEDLES = [v for p in PEOPLE for k, v in p.items() if k.startswith(("given", "father"))] + \
    [d["number"] for p in PEOPLE for d in p["documents"]] + ["09153012284", "09365529017"]  # type: ignore[index]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, dict[str, bytes]]]:
    """One realistic session with the default (slow) key derivation, shared by the tests of this file. Returns the
    folder, the recovery key and the bytes of the database files while the store was still open."""
    folder = tmp_path_factory.mktemp("enc") / "site"
    recovery = create_site(folder, admin_username="admin", admin_password=ADMIN_PW, admin_full_name="Admin",
                           device_code="ZAH1", unit_code="MHU-ZAH", sample_staff=True)
    admin = sign_in(folder, "admin", ADMIN_PW)
    add_user(admin.ctx, admin.keystore, admin.db_key, username="nurse", full_name_en="Nurse", role="clinician",
             password=NURSE_PW)
    admin.store.close()
    session = sign_in(folder, "nurse", NURSE_PW)
    store = session.store
    facility = make_ctx(store, "clinician").facility_id
    nurse = Ctx(store, session.ctx.user_id, "clinician", unit_id=session.ctx.unit_id, facility_id=facility,
                clock=lambda: NOW)
    for data in PEOPLE:
        reg = register_patient(nurse, person(**data))
        visit = record_visit(nurse, {"patient_id": reg.patient_id, "complaint": "fever", "temperature_c": 38.5})
        ref = refer_patient(nurse, {"visit_id": visit.visit_id, "to_facility_id": hospital(store),
                                    "department": "internal_medicine", "reason": "persistent fever"})
        referral_slip_pdf(nurse, ref.referral_id)
    live = {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith("sayyar.db")}
    store.close()
    yield folder, recovery, live


def test_the_needle_search_would_find_them_in_plain_text() -> None:
    sample = "; ".join(NEEDLES[:2]).encode("utf-8") + "x".join(NEEDLES[-3:]).encode("utf-16-le")
    found = _needles_in(sample)
    assert {f"{n} (utf-8)" for n in NEEDLES[:2]} | {f"{n} (utf-16-le)" for n in NEEDLES[-3:]} <= set(found)


def _needles_in(data: bytes) -> list[str]:
    found = []
    for needle in NEEDLES:
        for enc in ("utf-8", "utf-16-le", "utf-16-be"):
            if needle.encode(enc) in data:
                found.append(f"{needle} ({enc})")
    return found


def test_no_patient_data_in_the_database_files(setup: tuple[Path, str, dict[str, bytes]]) -> None:
    folder, _, live = setup
    assert {"sayyar.db", "sayyar.db-wal"} <= set(live)  # the WAL held the session's writes while it ran
    # Every file the session left in the data folder (database, WAL, backups made before migrations, keystore).
    after = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert keystore_path(folder).name in after
    for name, data in [*live.items(), *after.items()]:
        assert _needles_in(data) == [], name
    assert not after["sayyar.db"].startswith(b"SQLite format 3")


def test_plain_sqlite_cannot_open_it(setup: tuple[Path, str, dict[str, bytes]]) -> None:
    conn = sqlite3.connect(db_path(setup[0]))
    try:
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def test_wrong_password_and_wrong_key_fail(setup: tuple[Path, str, dict[str, bytes]]) -> None:
    folder = setup[0]
    with pytest.raises(SignInFailed) as info:
        sign_in(folder, "nurse", "not-the-password")
    assert info.value.code == "WrongPassword" and info.value.message_fa
    with pytest.raises(WrongDatabaseKey):
        Store.open(db_path(folder), secrets.token_bytes(32))


def test_right_password_opens_it(setup: tuple[Path, str, dict[str, bytes]]) -> None:
    session = sign_in(setup[0], "nurse", NURSE_PW)
    try:
        with session.store.read() as s:
            names = {p.given_name_latin for p in s.query(Patient)}
        assert names == {"Zarghuna", "Shakila", "Palwasha"}
    finally:
        session.store.close()


def test_recovery_key_opens_it(setup: tuple[Path, str, dict[str, bytes]]) -> None:
    folder, recovery, _ = setup
    keystore = Keystore.load(keystore_path(folder))
    with pytest.raises(RecoveryKeyMistyped):
        keystore.unlock_with_recovery(recovery[:-1] + ("0" if recovery[-1] != "0" else "1"))
    key = keystore.unlock_with_recovery(recovery.lower())  # typed by hand, in lower case
    store = Store.open(db_path(folder), key)
    try:
        with store.read() as s:
            assert s.query(Patient).count() == 3
    finally:
        store.close()
