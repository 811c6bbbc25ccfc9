"""The same Core statements on PostgreSQL: report figures, alerts (ON CONFLICT path), DHIS2. Own database per run."""

from __future__ import annotations

from datetime import date

import jsonschema
import pytest
from sqlalchemy import create_engine, select

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
from postgres_required import fresh_database

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg():
    with fresh_database("sayyar_hq_test") as url:
        engine = create_engine(url)
        try:
            central_metadata().create_all(engine)
            ensure_hq_schema(engine)
            with engine.begin() as conn:
                generate(conn, visits=4000, end=date(2026, 11, 29), years=2, seed=3)
            yield engine
        finally:
            engine.dispose()


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


def test_the_hook_raises_what_evaluating_everything_raises_on_postgres(pg) -> None:
    """The hook's way (only the groups a batch touched; arrays for the look-ups, unnest for the links) against
    evaluating everything, on the same rows: the same alerts, counts and cases (test_alert_scope.py on SQLite)."""
    from datetime import timedelta

    from sqlalchemy import insert, update

    from app.hq.hooks import after_changes_applied
    from hq_helpers import row
    from test_alert_scope import state

    with pg.connect() as conn:
        trans = conn.begin()
        evaluate_alerts(conn)
        held = conn.execute(select(hq_alert.c.disease, hq_alert.c.facility_id, hq_alert.c.week_start)
                            .where(hq_alert.c.facility_id != "").order_by(hq_alert.c.week_start)).all()
        facs = [f for f in t.facilities(conn).values() if f.district_en]
        zahedan = [f for f in facs if f.district_en == facs[0].district_en][:2]
        day = date(2026, 11, 22)
        new = [row("surveillance_case", visit_id="v-none", patient_id="no-patient", disease=disease, icd10="X",
                   classification="suspected", onset_date=on, reported_date=on, facility_id=f.id, unit_id=f.unit_id)
               for disease, f, on in [("dengue", zahedan[0], day), ("dengue", zahedan[-1], day),
                                      ("dengue", zahedan[0], day + timedelta(days=1)), ("cholera", facs[-1], day),
                                      *[(d, next(x for x in facs if x.id == fid), date.fromisoformat(ws))
                                        for d, fid, ws in held[-2:]]]]  # two join alerts held already
        conn.execute(insert(t.case_t), new)
        discarded = conn.execute(select(t.case_t.c.id).where(t.case_t.c.disease == held[0].disease)
                                 .order_by(t.case_t.c.id).limit(1)).scalar_one()
        conn.execute(update(t.case_t).where(t.case_t.c.id == discarded).values(classification="discarded"))
        ids = [r["id"] for r in new] + [discarded]
        savepoint = conn.begin_nested()
        raised = after_changes_applied(conn, {"surveillance_case": ids})
        scoped = state(conn)
        savepoint.rollback()
        everything = [a for a in evaluate_alerts(conn, touched_cases=ids) if a.new]
        assert raised and sorted(a.key for a in raised) == sorted(a.key for a in everything)
        assert scoped == state(conn)
        trans.rollback()
