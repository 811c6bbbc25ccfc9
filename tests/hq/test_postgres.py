"""The same Core statements on PostgreSQL: report figures, alerts (ON CONFLICT path), DHIS2. Own database per run."""

from __future__ import annotations

import os
import uuid
from datetime import date

import jsonschema
import pytest
from sqlalchemy import create_engine, select, text

from app.hq import tables as t
from app.hq.access import Actor
from app.hq.alerts import evaluate_alerts
from app.hq.dhis2 import schema
from app.hq.exports import export_dhis2
from app.hq.models import ensure_hq_schema, hq_alert
from app.hq.overview import device_status
from app.hq.report_data import build_weekly_report
from app.hq.synthetic import central_metadata, generate
from app.hq.weeks import Week
from test_report import independent
from postgres_required import postgres_missing

pytestmark = pytest.mark.postgres
SERVER = os.environ.get("SAYYAR_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
ADMIN = f"{SERVER}/postgres"


@pytest.fixture(scope="module")
def pg():
    try:
        admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as c:
            c.execute(text("select 1"))
    except Exception as err:  # noqa: BLE001
        postgres_missing(f"PostgreSQL is not reachable ({type(err).__name__})")
    name = f"sayyar_hq_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(f"{SERVER}/{name}")
    try:
        central_metadata().create_all(engine)
        ensure_hq_schema(engine)
        with engine.begin() as conn:
            generate(conn, visits=4000, end=date(2026, 11, 29), years=2, seed=3)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_report_matches_plain_python_on_postgres(pg) -> None:
    with pg.connect() as conn:
        for week in (Week(2026, 48), Week(2026, 40, 5)):
            report = build_weekly_report(conn, week)
            exp = independent(conn, week)
            assert report.cube == exp["cube"] and report.total() > 0
            assert [(c, n) for c, _, n in report.top_diagnoses] == exp["top"]
            assert report.referrals == exp["refs"] and report.cases == exp["cases"]
            assert report.curves == exp["curves"]


def test_alerts_idempotent_on_postgres(pg) -> None:
    with pg.begin() as conn:
        first = evaluate_alerts(conn)
        second = evaluate_alerts(conn)
        assert first and [a.id for a in first] == [a.id for a in second] and not any(a.new for a in second)
        assert conn.execute(select(hq_alert.c.id)).all().__len__() == len(first)


def test_dhis2_and_devices_on_postgres(pg) -> None:
    with pg.begin() as conn:
        jsonschema.validate(export_dhis2(conn, Actor("l.karimi", "headquarters"), Week(2026, 48)).payload, schema())
        devices = device_status(conn)
        assert len(devices) == 6 and all(d.unit and d.last_record_at for d in devices)
        assert conn.execute(select(t.visit.c.id).limit(1)).first() is not None


def test_the_paged_pages_queries_equal_a_recount_on_postgres(pg) -> None:
    """Issue 17: the alert desk's pages and counts, the epidemic curves counted in SQL, enrolments by payer and the
    renewal list's pages, against plain Python over the raw rows (the same check runs on SQLite)."""
    from test_long_lists import check_against_a_recount

    with pg.connect() as conn, conn.begin():
        check_against_a_recount(conn)
        conn.rollback()
