"""The log file is not encrypted, so it must never hold what identifies a patient: a whole clinic flow at DEBUG,
plus careless log calls and a database error carrying the patient's data, leave no name, phone or document number
in the file."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from app.logging_setup import (
    QUIET_LOGGERS, PersonalDataFilter, configure_logging, log_path, redact_text,
)
from app.services.chart import open_patient_chart
from app.services.context import Ctx
from app.services.errors import DuplicateSuspected
from app.services.patient_search import find_patients
from app.services.patients import register_patient
from app.services.printing import referral_slip_pdf, roster_pdf
from app.services.referrals import refer_patient
from app.services.roster import plan_roster
from app.services.site import SignInFailed, SiteSession, sign_in
from app.services.users import add_user
from app.services.visits import record_visit

from services.conftest import NOW, TODAY, make_ctx, person
from services_security.conftest import hospital

NURSE_PW = "nurse-secret-77"
PATIENT = dict(given_name_fa="گلالی", given_name_latin="Gulalai", father_name_fa="نورالله", father_name_latin="Noorullah",
               family_name_fa="صافی", family_name_latin="Safi", phone="0915 482 7731", sex="female",
               birth_year=1991, notes="lives behind the brick kiln",
               documents=[{"doc_type": "amayesh_card", "number": "58204417365", "amayesh_cycle": "Amayesh 18"},
                          {"doc_type": "passport", "number": "P88123457"}])
SECRETS = ["گلالی", "Gulalai", "نورالله", "Noorullah", "صافی", "Safi", "0915 482 7731", "09154827731", "4827731",
           "58204417365", "P88123457", "88123457", "brick kiln", NURSE_PW]


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[Path]:
    previous_hook = sys.excepthook
    path = configure_logging(tmp_path / "data", level=logging.DEBUG)
    yield path
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_sayyar", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.WARNING)
    for name in (*QUIET_LOGGERS, "sqlalchemy.engine"):
        logging.getLogger(name).setLevel(logging.NOTSET)
    logging.captureWarnings(False)
    sys.excepthook = previous_hook


def _all_log_text(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(path.parent.glob(f"{path.name}*")))


def test_full_clinic_flow_at_debug_leaves_no_patient_data_in_the_log(site: SiteSession, logs: Path) -> None:
    folder = site.store.path.parent
    facility = make_ctx(site.store, "clinician").facility_id
    add_user(site.ctx, site.keystore, site.db_key, username="nurse.g", full_name_en="Nurse G",
             role="clinician", password=NURSE_PW)
    with pytest.raises(SignInFailed):
        sign_in(folder, "nurse.g", "wrong-" + NURSE_PW)
    nurse_session = sign_in(folder, "nurse.g", NURSE_PW, facility_id=facility)
    nurse = Ctx(nurse_session.store, nurse_session.ctx.user_id, "clinician", unit_id=nurse_session.ctx.unit_id,
                facility_id=facility, clock=lambda: NOW)
    try:
        reg = register_patient(nurse, person(**PATIENT))
        with pytest.raises(DuplicateSuspected):
            register_patient(nurse, person(**PATIENT))
        assert find_patients(nurse, "Gulalai") and find_patients(nurse, "58204417")
        visit = record_visit(nurse, {"patient_id": reg.patient_id, "complaint": "cough for three weeks",
                                     "temperature_c": 38.4, "diagnoses": [{"code": "J06.9"}]})
        referral = refer_patient(nurse, {"visit_id": visit.visit_id, "to_facility_id": hospital(nurse.store),
                                         "department": "internal_medicine", "reason": "suspected TB"})
        assert referral_slip_pdf(nurse, referral.referral_id).startswith(b"%PDF")
        open_patient_chart(nurse, reg.patient_id)
        coord = make_ctx(nurse.store, "coordinator")
        plan_roster(coord, {"facility_id": facility, "day": TODAY, "staff": [{"user_id": nurse.user_id}],
                            "patients": [{"patient_id": reg.patient_id, "reason": "TB follow-up"}]})
        assert roster_pdf(coord, TODAY, facility).startswith(b"%PDF")  # type: ignore[arg-type]

        # Careless code must not defeat it either: a name and a phone passed as arguments, SQLAlchemy's own
        # statement logging switched on, and a database error whose text carries the row's values.
        careless = logging.getLogger("app.services.careless")
        careless.info("registered %s (%s), phone %s", "Gulalai", "گلالی صافی", "0915 482 7731")
        careless.debug("payload %r", {"given_name_latin": "Gulalai", "documents": ["58204417365"]})
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
        find_patients(nurse, "Noorullah")
        try:
            with nurse.store.write(nurse.user_id) as s:
                s.execute(text("INSERT INTO sync_base (entity, record_id, hlc, payload) VALUES (:e, :r, :h, :p)"),
                          {"e": "patient", "r": "Gulalai", "h": "Safi 58204417365", "p": None})
        except Exception:
            careless.exception("insert failed")
    finally:
        nurse_session.store.close()

    written = _all_log_text(logs)
    assert "insert failed" in written and "IntegrityError" in written  # the log is still useful...
    assert "registered [redacted]" in written
    for secret in SECRETS:  # ...and holds none of it
        assert secret not in written, secret


def test_log_file_lives_in_the_data_folder(tmp_path: Path, logs: Path) -> None:
    assert logs == log_path(tmp_path / "data") == tmp_path / "data" / "logs" / "sayyar.log"
    logging.getLogger("app").warning("started device=%s", "ZAH1")
    assert "started device=ZAH1" in _all_log_text(logs)
    if os.name == "posix":
        assert logs.parent.stat().st_mode & 0o077 == 0  # nobody else on the laptop can read the logs


def test_uncaught_exceptions_are_logged_redacted(tmp_path: Path, logs: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)  # the plain console hook, not pytest-qt's
    configure_logging(tmp_path / "data", level=logging.DEBUG)
    try:
        raise ValueError("cannot parse 'Gulalai' with phone 0915 482 7731")
    except ValueError as err:
        sys.excepthook(type(err), err, err.__traceback__)
    written = _all_log_text(logs)
    assert "uncaught ValueError" in written and "ValueError: cannot parse" in written
    assert "Gulalai" not in written and "482 7731" not in written
    assert "Gulalai" in capsys.readouterr().err  # the console hook still shows the developer everything


@pytest.mark.parametrize(("raw", "expected"), [
    ("phone 0915 123 4567", "phone [number]"),
    ("national code 068-415-9414", "national code [number]"),
    ("tazkira 1399-0101-12345", "tazkira [number]"),
    ("name فاطمه غلام رسول done", "name [fa] done"),
    ("digits ۰۹۱۵۱۲۳۴۵۶۷", "digits [number]"),
    ("mail someone@example.org", "mail [email]"),
    ("value 'Fatemeh' kept 'register_patient'", "value '[redacted]' kept 'register_patient'"),
    ("record 3f2a9c10-1234-4abc-8def-0123456789ab", "record 3f2a9c10-1234-4abc-8def-0123456789ab"),
    ("[SQL: SELECT 1]\n[parameters: ('Fatemeh', '0915')]", "[SQL: SELECT 1]\n[parameters: redacted]"),
    ("batch applied=120 rejected=3", "batch applied=120 rejected=3"),
])
def test_redaction_rules(raw: str, expected: str) -> None:
    assert redact_text(raw) == expected


@pytest.mark.parametrize(("arg", "kept"), [
    ("Fatemeh", False), ("Abdul-Rahman", False), ("Fatemeh Ahmadi", False), ("P01234567", False),
    ("KeystoreWriteError", True), ("OSError", True), ("app.services.users", True), ("ZAH1", True),
    ("3f2a9c10-1234-4abc-8def-0123456789ab", True), (42, True), (None, True),
])
def test_arguments_are_kept_only_when_id_like(arg: object, kept: bool) -> None:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "value=%s", (arg,), None)
    PersonalDataFilter().filter(record)
    assert (record.getMessage() == f"value={arg}") is kept


def test_program_words_pass_and_anything_else_is_refused() -> None:
    from app.logging_setup import Word

    record = logging.LogRecord("sayyar.test", logging.WARNING, __file__, 1, "dropped %s %s", (Word("patient"), "Safi"),
                               None)
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "dropped patient [redacted]"
    with pytest.raises(ValueError):
        Word("Gulalai Safi")
    assert Word.of("Gulalai") == "other" and Word.of("visit", {"visit"}) == "visit" and Word.of("x", {"y"}) == "other"
