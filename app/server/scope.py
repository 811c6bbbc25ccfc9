"""What each laptop receives from the feed: its own unit's records, the patients referred to it and those it looked up
on demand (trust rules, docs/architecture.md), from the registry's ``feed_unit`` / ``feed_patient`` declarations.

- A record with a ``feed_unit`` column reaches the laptops of that unit (patients by their registered unit,
  households by theirs, staff accounts by theirs).
- A record with a ``feed_patient`` column reaches the laptops of units that hold that patient: the patient's own
  unit, a unit it was referred to (``srv_patient_scope`` kind ``referral``), a unit that looked it up (``lookup``).
  Identity documents (``identifies``) never go to a unit the patient was only referred to.
- A grant has its own feed position: the feed sends that unit the patient's records once when it passes it.
- A laptop enrolled without a unit receives reference data only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    exists,
    false,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from app.models.registry import REGISTRY, SyncedEntity
from app.server import models as m
from app.sync.protocol import ChangeEntry

REFERRAL, LOOKUP = "referral", "lookup"
# A patient's records, in the order a laptop stores them (parents first): what a grant or a look-up sends.
PATIENT_RECORDS = ("household", "patient", "identity_document", "referral", "immunisation_dose")


@dataclass(frozen=True)
class FeedScope:
    """The unit a device serves (None: enrolled without one, reference data only)."""

    unit_id: str | None


def visible(spec: SyncedEntity, table: Table, scope: FeedScope) -> ColumnElement[bool]:
    """The rows of ``spec`` that laptops of ``scope``'s unit receive."""
    if not (spec.feed_unit or spec.feed_patient):
        return true()
    unit = scope.unit_id
    if unit is None:
        return false()
    conds: list[ColumnElement[bool]] = []
    if spec.feed_unit:
        conds.append(table.c[spec.feed_unit] == unit)
    if spec.feed_patient:
        pid = table.c[spec.feed_patient]
        if spec.feed_patient != "id" or not spec.feed_unit:
            p = m.RECORDS["patient"].alias("scope_patient")
            conds.append(exists(select(p.c.id).where(p.c.id == pid, p.c.registered_unit_id == unit)))
        s = m.patient_scope
        kinds = (LOOKUP,) if spec.identifies else (REFERRAL, LOOKUP)
        conds.append(exists(select(s.c.patient_id).where(s.c.patient_id == pid, s.c.unit_id == unit,
                                                         s.c.kind.in_(kinds))))
    return or_(*conds)


def conflict_visible(scope: FeedScope) -> ColumnElement[bool]:
    """A conflict reaches the laptops that receive its record."""
    if scope.unit_id is None:
        return false()
    c = m.conflict
    conds: list[ColumnElement[bool]] = []
    for name, table in m.RECORDS.items():
        spec = REGISTRY[name]
        if spec.merges_fields:  # only shared records merge, and so only they have conflicts
            conds.append(and_(c.c.entity == name, exists(select(table.c.id).where(
                table.c.id == c.c.record_id, visible(spec, table, scope)))))
    return or_(*conds)


def grants_after(conn: Connection, scope: FeedScope, cursor: int, limit: int) -> list[Any]:
    if scope.unit_id is None:
        return []
    s = m.patient_scope
    return list(conn.execute(select(s).where(s.c.unit_id == scope.unit_id, s.c.srv_seq > cursor)
                             .order_by(s.c.srv_seq).limit(limit)).mappings())


def patient_records(conn: Connection, patient_id: str, kind: str) -> list[tuple[str, Any]]:
    """(entity, row) of one patient's records that a unit holding it as ``kind`` receives, parents first."""
    out: list[tuple[str, Any]] = []
    patient = conn.execute(select(m.RECORDS["patient"]).where(m.RECORDS["patient"].c.id == patient_id)).mappings() \
        .first()
    if patient is None:
        return out
    for name in PATIENT_RECORDS:
        spec = REGISTRY[name]
        if spec.identifies and kind != LOOKUP:
            continue
        table = m.RECORDS[name]
        if name == "household":
            if patient["household_id"] is None:
                continue
            where = table.c.id == patient["household_id"]
        else:
            where = table.c[spec.feed_patient or "patient_id"] == patient_id
        out.extend((name, r) for r in conn.execute(select(table).where(where).order_by(table.c.srv_seq)).mappings())
    return out


def grant(conn: Connection, patient_id: str, unit_id: str, kind: str, device_id: str, seq: int) -> int:
    """Let ``unit_id``'s laptops hold the patient, at feed position ``seq + 1`` when new (or widened from a referral
    to a look-up). Returns the last feed position used. The caller holds the feed counter's lock."""
    s = m.patient_scope
    have = conn.execute(select(s.c.kind).where(s.c.patient_id == patient_id, s.c.unit_id == unit_id)).scalar()
    if have == LOOKUP or have == kind:
        return seq
    now = datetime.now(timezone.utc)
    if have is None:
        conn.execute(insert(s).values(patient_id=patient_id, unit_id=unit_id, kind=kind, srv_seq=seq + 1,
                                      device_id=device_id, at=now))
    else:
        conn.execute(update(s).where(and_(s.c.patient_id == patient_id, s.c.unit_id == unit_id))
                     .values(kind=kind, srv_seq=seq + 1, device_id=device_id, at=now))
    return seq + 1


def grant_referred(conn: Connection, device_id: str, accepted: Iterable[tuple[ChangeEntry, dict[str, Any]]],
                   seq: int) -> int:
    """After a batch: the unit a referral sends a patient to holds that patient from now on. Returns the last feed
    position used."""
    wanted: dict[tuple[str, str], None] = {}
    facilities: dict[str, str | None] = {}
    f, p = m.RECORDS["facility"], m.RECORDS["patient"]
    for e, row in accepted:
        if e.entity != "referral" or row.get("deleted") or not row.get("to_facility_id"):
            continue
        fac = row["to_facility_id"]
        if fac not in facilities:
            facilities[fac] = conn.execute(select(f.c.unit_id).where(f.c.id == fac)).scalar()
        unit = facilities[fac]
        if unit is None:
            continue
        home = conn.execute(select(p.c.registered_unit_id).where(p.c.id == row["patient_id"])).scalar()
        if home != unit:
            wanted[(row["patient_id"], unit)] = None
    for patient_id, unit in wanted:
        seq = grant(conn, patient_id, unit, REFERRAL, device_id, seq)
    return seq


def next_position(conn: Connection) -> int:
    """Take the feed counter's lock (as every applier does first) and return its value."""
    c = m.counter
    return int(conn.execute(select(c.c.value).where(c.c.name == "feed").with_for_update()).scalar_one())


def set_position(conn: Connection, value: int) -> None:
    c = m.counter
    conn.execute(update(c).where(c.c.name == "feed").values(value=value))


class LookupRefused(Exception):
    """A look-up that returns nothing; ``code`` is machine-readable, the message one sentence."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


MIN_REASON = 10
# Look-ups a laptop may ask for in a day, found or not: a stolen token cannot walk through the patient numbers
# (codes are sequential per laptop). Far above a unit's real need; every one is in the audit anyway.
LOOKUPS_PER_DAY = 40


def lookup(conn: Connection, device: Any, *, patient_code: str, referral_number: str, reason: str,
           user_id: str) -> tuple[str, list[tuple[str, Any]], int]:
    """One patient of another unit for ``device``'s unit, by exact patient code or referral number, with a reason.
    Every request is written to ``srv_patient_lookup`` (the central audit), a refused one included: the caller
    commits even when this raises. Returns (patient id, its records, feed position) and grants the unit the patient,
    so later changes follow by the feed. The caller holds the feed counter's lock (``next_position``)."""
    kind = "patient_code" if patient_code.strip() else "referral_number"
    audit = {"at": datetime.now(timezone.utc), "device_id": device.device_id, "unit_id": device.unit_id,
             "user_id": user_id[:36] or None, "query_kind": kind, "reason": reason.strip()[:500]}

    def refuse(code: str, message: str, status: int = 400, patient_id: str | None = None) -> LookupRefused:
        conn.execute(insert(m.patient_lookup).values(**audit, patient_id=patient_id, outcome=code))
        return LookupRefused(code, message, status)

    since = audit["at"] - timedelta(days=1)
    lk = m.patient_lookup
    asked = conn.execute(select(func.count()).select_from(lk).where(lk.c.device_id == device.device_id,
                                                                     lk.c.at >= since)).scalar_one()
    if asked >= LOOKUPS_PER_DAY:
        raise refuse("too_many_lookups", f"This laptop has asked for {asked} patients of other units in the last 24 "
                                         "hours, the most allowed; headquarters can see every request. Try again "
                                         "tomorrow, or ask headquarters.", 429)
    if device.unit_id is None:
        raise refuse("no_unit", "This laptop was enrolled without a unit; enrol it again from its own request file "
                                "before looking up patients.", 403)
    if bool(patient_code.strip()) == bool(referral_number.strip()):
        raise refuse("bad_query", "Give either the patient's code or a referral number (exactly one) to look up.")
    if len(reason.strip()) < MIN_REASON:
        raise refuse("reason_missing", f"Say why this patient's record is needed (at least {MIN_REASON} "
                                       "characters); the reason is kept in the central audit.")
    p, r = m.RECORDS["patient"], m.RECORDS["referral"]
    if patient_code.strip():
        pid = conn.execute(select(p.c.id).where(p.c.code == patient_code.strip(), p.c.deleted.is_(False))) \
            .scalar()
    else:
        pid = conn.execute(select(r.c.patient_id).where(r.c.referral_number == referral_number.strip(),
                                                        r.c.deleted.is_(False))).scalar()
    if pid is None:
        raise refuse("not_found", "No patient with that code or referral number is held at the server; check the "
                                  "number on the person's card or slip.", 404)
    merged = conn.execute(select(p.c.merged_into_id).where(p.c.id == pid)).scalar()
    pid = merged or pid
    seq = grant(conn, pid, device.unit_id, LOOKUP, device.device_id, next_position(conn))
    set_position(conn, seq)
    conn.execute(insert(m.patient_lookup).values(**audit, patient_id=pid, outcome="granted"))
    return pid, patient_records(conn, pid, LOOKUP), seq
