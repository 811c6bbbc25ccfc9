"""One writer for synced rows: the ORM hook and the bulk loader stamp and log the same way, and nothing else may
write a synced table through the store."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select, text, update

from app.models import REGISTRY, ChangeLog, Patient, Unit
from app.models.registry import Policy, Writer, entities
from app.store import Store
from app.store.changes import UnloggedWrite
from app.store.search_index import index_tokens

CREATED = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def _patient(pid: str, code: str) -> dict:
    return dict(id=pid, code=code, given_name_fa="فاطمه", given_name_latin="Fatemeh", father_name_latin="Ali",
                sex="female", birth_year=1990, nationality="afghan", legal_status="amayesh", phone="0912 555 0101",
                consent_date=date(2026, 3, 1), created_at=CREATED, notes="")


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "w.db", device_code="T1")
    yield s
    s.close()


def _entries(store: Store) -> list[dict]:
    with store.read() as s:
        rows = s.execute(select(ChangeLog).order_by(ChangeLog.seq)).scalars().all()
        return [dict(entity=r.entity, op=r.op, device_id=r.device_id, epoch=r.epoch, user_id=r.user_id,
                     state=r.state, priority=r.priority,
                     payload={k: v for k, v in r.payload.items() if k not in ("id", "hlc", "code")},
                     stamp_matches=r.payload["hlc"] == r.hlc) for r in rows]


def test_bulk_loaded_and_orm_written_records_give_identical_change_log_entries(tmp_path):
    orm = Store.open(tmp_path / "orm.db", device_code="T1")
    bulk = Store.open(tmp_path / "bulk.db", device_code="T1")
    try:
        # Same device identity, so device ids in payloads compare equal.
        with bulk.write(None) as s:
            s.execute(text("UPDATE device_state SET device_id = :d"), {"d": orm.device.device_id})
        bulk.refresh_device()
        with orm.write("user-1") as s:
            s.add(Patient(**_patient("p-orm", "T1-00001-8")))
        with bulk.bulk("user-1") as w:
            w.add("patient", _patient("p-bulk", "T1-00001-8"))
        a, b = _entries(orm), _entries(bulk)
        assert a == b and a[0]["stamp_matches"]
        with orm.read() as s1, bulk.read() as s2:
            tokens = lambda s, pid: sorted(index_tokens(s.connection(), pid))  # noqa: E731
            assert tokens(s1, "p-orm") == tokens(s2, "p-bulk") != []
            # Each token row is there too, under the patient's index number.
            for s in (s1, s2):
                rows = s.connection().exec_driver_sql(
                    "SELECT count(*) FROM patient_search t JOIN patient_search_patient e ON e.n = t.n").scalar()
                assert rows == len(tokens(s1, "p-orm"))
            r1, r2 = s1.get(Patient, "p-orm"), s2.get(Patient, "p-bulk")
            for col in Patient.__table__.columns.keys():
                if col not in ("id", "hlc"):
                    assert getattr(r1, col) == getattr(r2, col), col
    finally:
        orm.close()
        bulk.close()


def test_a_core_statement_on_a_synced_table_inside_a_write_is_refused(store):
    with store.write("u") as s:
        s.add(Unit(id="u1", code="U1", name_en="a", name_fa="b"))
    with pytest.raises(UnloggedWrite), store.write("u") as s:
        s.execute(update(Unit).where(Unit.id == "u1").values(name_en="changed quietly"))
    with pytest.raises(UnloggedWrite), store.write("u") as s:
        s.connection().exec_driver_sql("UPDATE unit SET name_en = 'raw' WHERE id = 'u1'")
    with pytest.raises(UnloggedWrite), store.bulk() as w:
        w.conn.exec_driver_sql("UPDATE unit SET name_en = 'raw' WHERE id = 'u1'")
    with store.read() as s:
        assert s.get(Unit, "u1").name_en == "a"
        assert s.scalar(select(ChangeLog.op).order_by(ChangeLog.seq.desc())) == "insert"


def test_an_orm_edit_after_a_flush_is_still_logged_and_core_writes_stay_refused(store):
    with store.write("u") as s:
        s.add(Unit(id="u1", code="U1", name_en="a", name_fa="b"))
        s.flush()
        with pytest.raises(UnloggedWrite):
            s.connection().exec_driver_sql("UPDATE unit SET name_en = 'raw' WHERE id = 'u1'")


def test_every_synced_model_is_declared_once_and_consistently():
    from app.models.base import SyncMixin

    declared = [e.name for e in entities()]
    assert len(declared) == len(set(declared)) == len(REGISTRY)
    assert {m.__tablename__ for m in SyncMixin.__subclasses__()} == set(REGISTRY)
    for e in entities():
        if e.policy is Policy.REFERENCE:
            assert e.writers == {Writer.HEADQUARTERS}
