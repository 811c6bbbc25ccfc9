"""A writer killed with SIGKILL at random moments never leaves a record without its change-log entry, or the
reverse, and never a damaged file."""

from __future__ import annotations

import os
import random
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.models import SYNCED_MODELS, User
from app.services.context import Ctx
from app.services.patients import register_patient
from app.services.reference import seed_reference
from app.store import Store

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")


def check_consistent(store: Store) -> int:
    with store.read() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []
        logged = {}
        for entity, record_id, version in s.execute(text(
                "SELECT entity, record_id, json_extract(payload, '$.version') FROM change_log ORDER BY seq")):
            logged[(entity, record_id)] = version
        records = {}
        for table in SYNCED_MODELS:
            for record_id, version in s.execute(text(f"SELECT id, version FROM {table}")):
                records[(table, record_id)] = version
    assert records == logged  # every record has its latest entry, every entry its record
    return sum(1 for (t, _) in records if t == "visit")


def test_killed_writer_never_leaves_half_a_write(tmp_path):
    key = secrets.token_bytes(32)
    path = tmp_path / "crash.db"
    store = Store.open(path, key, device_code="CR1")
    seed_reference(store, unit_code="MHU-ZAH")
    with store.read() as s:
        uid = s.scalars(select(User.id).where(User.role == "clinician")).first()
    for name in ("Ahmad", "Zahra", "Karim"):
        register_patient(Ctx(store, uid, "clinician"), {
            "given_name_latin": name, "father_name_latin": "Rahim", "sex": "male" if name != "Zahra" else "female",
            "birth_year": 1990, "nationality": "afghan", "legal_status": "headcount", "consent_date": "2026-01-01"})
    store.close()
    rng = random.Random(20261128)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    visits = 0
    for _ in range(12):
        child = subprocess.Popen([sys.executable, str(CHILD), str(path), key.hex()], stdout=subprocess.PIPE, env=env,
                                 cwd=ROOT)
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.05, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait()
        store = Store.open(path, key)
        now = check_consistent(store)
        store.close()
        assert now >= visits
        visits = now
    assert visits > 12  # the child really was writing when it was killed
