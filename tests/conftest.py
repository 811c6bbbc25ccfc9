import os

# Qt must never look for a display in tests; set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from hypothesis import settings

# Property and fuzz tests are replayable: the same examples on every run (seeded from each test's name), and a
# failure prints the blob that reproduces it (@reproduce_failure). SAYYAR_HYPOTHESIS=explore draws new examples;
# hypothesis then prints the seed of a failing run (pytest --hypothesis-seed=N replays it).
settings.register_profile("replayable", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, database=None, print_blob=True)
settings.load_profile(os.environ.get("SAYYAR_HYPOTHESIS", "replayable"))


@pytest.fixture(autouse=True)
def _private_default_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run without --data-dir (server, hq) still configure logging in the default data folder: keep that
    folder inside the test's temporary directory, never in the user's profile."""
    if "SAYYAR_DATA_DIR" not in os.environ:
        monkeypatch.setenv("SAYYAR_DATA_DIR", str(tmp_path_factory.mktemp("default-data")))
