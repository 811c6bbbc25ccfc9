"""Which patients changed since the last duplicates review (issue 15; tables in app/models/duplicates.py).

The search index's one writer (``search_index.store_tokens``: the flush hook, sync apply and the bulk loader all
reach it for every patient a write touches) names the patients here, each with a stamp from the state row's
counter, so the next review compares only those and clears only what it compared. Before the first review nothing
is recorded: that review reads everyone anyway."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

STATE, DIRTY, PAIRS = "duplicate_review_state", "duplicate_dirty", "duplicate_pair"


def _has_tables(conn: Connection) -> bool:
    # Migrations older than 0012 write the search index too, before these tables exist.
    return conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (STATE,)).first() is not None


def mark_changed(conn: Connection, patient_ids: Iterable[str]) -> None:
    ids = list(dict.fromkeys(i for i in patient_ids if i))
    if not ids or not _has_tables(conn):
        return
    if conn.exec_driver_sql(f"UPDATE {STATE} SET dirty_seq = dirty_seq + 1 WHERE id = 1").rowcount == 0:
        return  # no review yet
    stamp = conn.exec_driver_sql(f"SELECT dirty_seq FROM {STATE} WHERE id = 1").scalar()
    conn.exec_driver_sql(f"INSERT INTO {DIRTY} (patient_id, stamp) VALUES (?, ?) "
                         f"ON CONFLICT (patient_id) DO UPDATE SET stamp = excluded.stamp", [(i, stamp) for i in ids])
