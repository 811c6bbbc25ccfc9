import os
import sys

# Qt must never look for a display in tests; set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from hypothesis import HealthCheck, settings

# Property and fuzz tests are replayable: the same examples on every run (seeded from each test's name), and a
# failure prints the blob that reproduces it (@reproduce_failure). SAYYAR_HYPOTHESIS=explore draws new examples;
# hypothesis then prints the seed of a failing run (pytest --hypothesis-seed=N replays it).
# Tests check behaviour, not speed (bench/ does): hypothesis's too-slow check only measures how loaded the machine is.
_CALM = {"suppress_health_check": [HealthCheck.too_slow], "deadline": None}
settings.register_profile("replayable", derandomize=True, database=None, print_blob=True, **_CALM)
settings.register_profile("explore", derandomize=False, database=None, print_blob=True, **_CALM)
settings.load_profile(os.environ.get("SAYYAR_HYPOTHESIS", "replayable"))


@pytest.fixture(autouse=True)
def _private_default_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run without --data-dir (server, hq) still configure logging in the default data folder: keep that
    folder inside the test's temporary directory, never in the user's profile."""
    if "SAYYAR_DATA_DIR" not in os.environ:
        monkeypatch.setenv("SAYYAR_DATA_DIR", str(tmp_path_factory.mktemp("default-data")))


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap password hashing for tests of a flow, not of argon2's cost (tests/security checks the production
    parameters; bench/bench_signin.py times them): each sign-in would otherwise cost ~0.4 s."""
    from app.security.keystore import KdfParams
    from app.security.keystore import store as ks_store

    monkeypatch.setattr(ks_store, "DEFAULT_KDF_PARAMS", KdfParams(time_cost=1, memory_cost=64, parallelism=1))


# A wait's timeout only says when to give up on something that should happen: on a slow or busy machine (CI shares
# two cores with other work) the same steps take several times longer, and a fixed 10 s turns a pass into a flake.
# Every qtbot wait gives up WAIT_SCALE times later; a passing test takes no longer.
WAIT_SCALE = float(os.environ.get("SAYYAR_WAIT_SCALE", "3"))


def _scale_qtbot_waits() -> None:
    import functools

    from pytestqt.qtbot import QtBot

    def scaled(method):  # type: ignore[no-untyped-def]
        @functools.wraps(method)
        def wait(self, *args, timeout: int = 5000, **kwargs):  # type: ignore[no-untyped-def]
            return method(self, *args, timeout=int(timeout * WAIT_SCALE) if timeout and timeout > 0 else timeout, **kwargs)

        return wait

    for name in ("waitUntil", "waitSignal", "waitSignals", "waitCallback", "waitExposed", "waitActive"):
        setattr(QtBot, name, scaled(getattr(QtBot, name)))


_scale_qtbot_waits()


# PySide6 can abort the interpreter while it finalises (its last garbage collection frees Qt wrappers, and a
# refcount slip in the binding kills the process: "Fatal Python error: bool_dealloc", exit code 134) after every
# test has passed and the summary is printed; which set of tests leaves such objects behind varies. The session's
# result is decided by then: the process leaves with it, without that final collection.
_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if _EXIT_STATUS and "PySide6.QtCore" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS[-1])
