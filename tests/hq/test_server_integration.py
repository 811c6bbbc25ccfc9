"""Through the sync server's real apply path: a case pushed in a batch raises its alert in that same transaction,
and the overview reads the server's bookkeeping (last sync, pending) through ``server_sync_info``."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import insert, select

from app.hq.hooks import after_changes_applied, touched
from app.hq.models import ensure_hq_schema, hq_alert
from app.hq.overview import device_status, server_sync_info

server_db = pytest.importorskip("app.server.db")
from app.models.payload import encode as compact_payload  # noqa: E402
from app.server import models as m  # noqa: E402
from app.server.apply import apply_changes  # noqa: E402
from app.server.devices import Device  # noqa: E402
from app.sync.protocol import ChangeEntry  # noqa: E402

DEVICE = str(uuid.uuid4())
NOW = datetime(2026, 11, 28, 8, 0, tzinfo=timezone.utc)


def _filler(column):  # type: ignore[no-untyped-def]
    """A value of the column's type for a NOT NULL column the test does not care about."""
    col_type = getattr(column.type, "impl", column.type)  # a TypeDecorator (UTC date-times) names its base type
    try:
        kind = col_type.python_type
    except NotImplementedError:
        return {}
    return {str: "", int: 0, bool: False, float: 0.0, date: date(2026, 11, 26), dict: {}, list: []}.get(
        kind, NOW)


def test_alert_in_the_same_batch_and_sync_info(tmp_path) -> None:
    engine = server_db.open_database(str(tmp_path / "central.db"))
    ensure_hq_schema(engine)
    unit_id, fac_id = str(uuid.uuid4()), str(uuid.uuid4())
    with engine.begin() as conn:
        base = {"created_at": NOW, "updated_at": NOW, "version": 1, "deleted": False, "srv_seq": 1}
        conn.execute(insert(m.RECORDS["unit"]).values(id=unit_id, code="MHU-ZAH", name_en="U", name_fa="و",
                                                      partner="", province_en="", province_fa="", **base))
        conn.execute(insert(m.RECORDS["facility"]).values(
            id=fac_id, code="F02", name_en="Shirabad", name_fa="شیرآباد", unit_id=unit_id, kind="health_centre",
            province_en="", province_fa="", district_en="Zahedan", district_fa="", active=True, **base))
    # The case's patient and visit are held centrally (a record pointing at one the server lacks is refused).
    patient_id, visit_id = str(uuid.uuid4()), str(uuid.uuid4())
    with engine.begin() as conn:
        for entity, rid, extra in (("patient", patient_id, {"code": "ZAH1-00001-8"}),
                                   ("visit", visit_id, {"patient_id": patient_id, "facility_id": fac_id})):
            t = m.RECORDS[entity]
            values = {c.key: _filler(c) for c in t.columns if not c.nullable}
            values.update(id=rid, device_id=DEVICE, hlc="1795000000000:00000:ZAH1", **base, **extra)
            conn.execute(insert(t).values(**values))
    table = m.RECORDS["surveillance_case"]
    case_id = str(uuid.uuid4())
    row = {c.key: None for c in table.columns}
    row.update(id=case_id, created_at=NOW, updated_at=NOW, device_id=DEVICE, version=1, deleted=False,
               hlc="1795000000000:00001:ZAH1", visit_id=visit_id, patient_id=patient_id,
               disease="cholera", icd10="A00.9", classification="suspected", onset_date=date(2026, 11, 26),
               reported_date=date(2026, 11, 26), facility_id=fac_id, unit_id=unit_id, immediate=True)
    payload = compact_payload(table, {k: v for k, v in row.items() if k not in ("srv_seq", "field_hlc")})
    entry = ChangeEntry(seq=1, entity="surveillance_case", record_id=case_id, op="insert", payload=payload,
                        hlc=row["hlc"])
    with engine.begin() as conn:
        result = apply_changes(conn, Device(DEVICE, "ZAH1", b"k" * 32), [entry], epoch=1,
                               batch_id=str(uuid.uuid4()))
        assert result.applied == 1, result.rejected
        # apply_changes itself ran the alert rules: the alert is there, in the batch's own transaction.
        alerts = conn.execute(select(hq_alert.c.disease, hq_alert.c.rule, hq_alert.c.week, hq_alert.c.facility_id)).all()
        assert [tuple(a) for a in alerts] == [("cholera", "single_case", "2026SatW47", fac_id)]
        # Running the hook again (e.g. the batch re-sent) raises nothing new.
        assert [a for a in after_changes_applied(conn, touched([entry], result.accepted_seqs)) if a.new] == []
    with engine.connect() as conn:
        assert len(conn.execute(select(hq_alert.c.id)).all()) == 1
        info = server_sync_info(conn)
        assert info[DEVICE].last_sync_at is not None and info[DEVICE].pending == 0
        (status,) = device_status(conn, server_sync_info)
        assert status.device_id == DEVICE and status.unit == "MHU-ZAH" and status.sync == info[DEVICE]
    engine.dispose()
