import os

# Qt must never look for a display in tests; set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def _private_default_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run without --data-dir (server, hq) still configure logging in the default data folder: keep that
    folder inside the test's temporary directory, never in the user's profile."""
    if "SAYYAR_DATA_DIR" not in os.environ:
        monkeypatch.setenv("SAYYAR_DATA_DIR", str(tmp_path_factory.mktemp("default-data")))
