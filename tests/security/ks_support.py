"""Shared constants for the keystore tests (imported by the test modules and conftest)."""

from __future__ import annotations

from datetime import datetime, timezone

from app.security.keystore import KdfParams

# Deliberately cheap argon2id so the suite stays fast; the defaults are exercised once in
# test_keystore.py::test_default_parameters_work and timed in bench/bench_signin.py.
FAST = KdfParams(time_cost=1, memory_cost=64, parallelism=1)
T0 = datetime(2026, 3, 21, 8, 0, tzinfo=timezone.utc)
ADMIN_PW = "admin-pass-1"
CLIN_PW = "clinician-pw"
