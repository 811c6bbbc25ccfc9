"""Guarantee 2 of docs/architecture.md: a record and its change-log entry are committed together or not at all."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ChangeLog, Household, Unit
from app.store import Store
from app.store.changes import UnloggedWrite, WriteOutsideTransaction
from app.store.clock import HybridClock, parse_hlc


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "s.db", device_code="T1")
    yield s
    s.close()


def count(store: Store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_each_write_appends_stamped_entries(store):
    with store.write("user-1") as s:
        u = Unit(code="U1", name_en="Unit", name_fa="واحد")
        s.add(u)
    with store.write("user-2") as s:
        s.get(Unit, u.id).name_en = "Unit one"
    with store.read() as s:
        entries = s.scalars(select(ChangeLog).order_by(ChangeLog.seq)).all()
        unit = s.get(Unit, u.id)
    assert [(e.op, e.user_id, e.record_id) for e in entries] == [("insert", "user-1", u.id), ("update", "user-2", u.id)]
    assert entries[0].seq < entries[1].seq and entries[0].hlc < entries[1].hlc
    assert entries[1].payload["name_en"] == "Unit one" and entries[1].payload["version"] == 2
    assert (unit.version, unit.created_by, unit.updated_by, unit.device_id) == (2, "user-1", "user-2",
                                                                                store.device.device_id)
    assert unit.hlc == entries[1].hlc


def test_failed_write_leaves_neither_record_nor_entry(store):
    with pytest.raises(RuntimeError), store.write("u") as s:
        s.add(Unit(code="U1", name_en="a", name_fa="b"))
        s.flush()  # the entry is written inside the transaction...
        raise RuntimeError("power cut")  # ...and rolled back with it
    assert count(store, Unit) == 0 and count(store, ChangeLog) == 0


def test_constraint_failure_rolls_back_everything(store):
    with store.write("u") as s:
        s.add(Unit(code="U1", name_en="a", name_fa="b"))
    with pytest.raises(Exception), store.write("u") as s:
        s.add(Unit(code="U2", name_en="a", name_fa="b"))
        s.add(Unit(code="U1", name_en="dup", name_fa="b"))  # unique code violated at commit
    assert count(store, Unit) == 1 and count(store, ChangeLog) == 1


def test_foreign_keys_are_enforced(store):
    with pytest.raises(Exception), store.write("u") as s:
        s.add(Household(code="H1", unit_id="no-such-unit"))
    assert count(store, ChangeLog) == 0


def test_records_are_never_deleted_and_never_written_outside_the_store(store):
    with store.write("u") as s:
        u = Unit(code="U1", name_en="a", name_fa="b")
        s.add(u)
    with pytest.raises(WriteOutsideTransaction), store.write("u") as s:
        s.delete(s.get(Unit, u.id))
    with store.write("u") as s:
        s.get(Unit, u.id).deleted = True
    with store.read() as s:
        assert s.scalars(select(ChangeLog.op).order_by(ChangeLog.seq)).all() == ["insert", "delete"]
    rogue = Session(store.write_engine)
    rogue.add(Unit(code="U9", name_en="a", name_fa="b"))
    with pytest.raises(UnloggedWrite):  # a plain session on the store's engine is not a way around the change log
        rogue.commit()
    rogue.close()
    with store.read() as s, pytest.raises(WriteOutsideTransaction):
        s.add(Unit(code="U8", name_en="a", name_fa="b"))
        s.flush()


def test_sequence_numbers_are_never_reused(store):
    with store.write("u") as s:
        s.add(Unit(code="U1", name_en="a", name_fa="b"))
    with store.bulk() as w:
        w.conn.exec_driver_sql("DELETE FROM change_log")
    with store.write("u") as s:
        s.add(Unit(code="U2", name_en="a", name_fa="b"))
    with store.read() as s:
        assert s.scalars(select(ChangeLog.seq)).all() == [2]


def test_clock_survives_reopen_and_a_clock_set_back(tmp_path):
    store = Store.open(tmp_path / "c.db", device_code="T1")
    with store.write("u") as s:
        s.add(Unit(code="U1", name_en="a", name_fa="b"))
    last = store.clock.last
    store.close()
    store = Store.open(tmp_path / "c.db")
    store.clock._wall_ms = lambda: 1_000  # the laptop's clock went back to 1970
    with store.write("u") as s:
        s.add(Unit(code="U2", name_en="a", name_fa="b"))
    with store.read() as s:
        stamps = s.scalars(select(ChangeLog.hlc).order_by(ChangeLog.seq)).all()
    assert stamps[0] == last and stamps[1] > stamps[0]
    store.close()


@given(st.lists(st.tuples(st.sampled_from(["tick", "observe"]), st.integers(0, 10**13 - 1000), st.integers(0, 50)),
                max_size=60))
def test_hybrid_clock_is_monotonic_whatever_the_wall_clock(events):
    wall = [0]
    clock = HybridClock("node1", wall_ms=lambda: wall[0])
    issued = []
    for kind, ms, counter in events:
        wall[0] = ms
        if kind == "tick":
            issued.append(clock.tick())
        else:
            remote = f"{ms:013d}:{counter:05d}:remote"
            clock.observe(remote)
            stamp = clock.tick()
            assert parse_hlc(stamp)[:2] > parse_hlc(remote)[:2]
            issued.append(stamp)
    assert issued == sorted(issued) and len(set(issued)) == len(issued)
