"""A real encrypted SQLite file with the sample site, and a signed-in context per role, for each test."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import Facility, User
from app.services.context import Ctx
from app.services.reference import seed_reference
from app.store import Store

NOW = datetime(2026, 11, 28, 8, 30, tzinfo=timezone.utc)
TODAY = date(2026, 11, 28)


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "sayyar.db", secrets.token_bytes(32), device_code="ZAH1")
    seed_reference(s, unit_code="MHU-ZAH")
    yield s
    s.close()


def make_ctx(store: Store, role: str, lang: str = "en") -> Ctx:
    with store.read() as session:
        user = session.scalars(select(User).where(User.role == role)).first()
        facility = session.scalars(select(Facility).where(Facility.unit_id == store.device.unit_id,
                                                          Facility.kind != "hospital")).first()
        assert user is not None and facility is not None
        return Ctx(store, user.id, role, unit_id=store.device.unit_id, facility_id=facility.id, lang=lang,
                   clock=lambda: NOW)


@pytest.fixture
def clinician(store: Store) -> Ctx:
    return make_ctx(store, "clinician")


@pytest.fixture
def coordinator(store: Store) -> Ctx:
    return make_ctx(store, "coordinator")


def person(**over: object) -> dict[str, object]:
    base: dict[str, object] = dict(
        given_name_fa="فاطمه", given_name_latin="Fatemeh", father_name_fa="غلام", father_name_latin="Ghulam",
        sex="female", birth_year=1995, birth_estimated=True, nationality="afghan", legal_status="amayesh",
        phone="0915 123 4567", consent_date=TODAY,
        documents=[{"doc_type": "amayesh_card", "number": "12345678901", "amayesh_cycle": "Amayesh 18"}],
    )
    base.update(over)
    return base
