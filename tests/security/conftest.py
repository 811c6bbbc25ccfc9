from __future__ import annotations

from pathlib import Path

import pytest

from app.security.keystore import Keystore
from ks_support import ADMIN_PW, FAST


@pytest.fixture
def ks_path(tmp_path: Path) -> Path:
    return tmp_path / "keystore.json"


@pytest.fixture
def created(ks_path: Path) -> tuple[Keystore, bytes, str]:
    return Keystore.create(
        ks_path, user_id="u-admin", username="Admin", password=ADMIN_PW, role="unit_admin", kdf_params=FAST
    )


@pytest.fixture
def ks(created: tuple[Keystore, bytes, str]) -> Keystore:
    return created[0]


@pytest.fixture
def db_key(created: tuple[Keystore, bytes, str]) -> bytes:
    return created[1]


@pytest.fixture
def recovery(created: tuple[Keystore, bytes, str]) -> str:
    return created[2]
