"""PostgreSQL tests skip on a developer's machine without it, but FAIL where it must be there: CI sets
SAYYAR_REQUIRE_POSTGRES=1 (.ci/run), so a missing or broken PostgreSQL can never pass as "skipped"."""

from __future__ import annotations

import os

import pytest


def postgres_missing(reason: str) -> None:
    if os.environ.get("SAYYAR_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here (SAYYAR_REQUIRE_POSTGRES=1) but {reason}", pytrace=False)
    pytest.skip(reason)
