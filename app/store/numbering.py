"""Per-laptop counters for human-readable numbers (patient codes, households, referral numbers).

A number is the laptop's code, its epoch when past the first (``ZAH1E7-00001-3``: a restored or copied laptop
numbers in a range of its own, so codes never collide with what its other copy made) and a counter. A number already
held here (a restored laptop whose counter came from its backup, then received its later records back) is skipped.
"""

from __future__ import annotations

from sqlalchemy import Column, select, update
from sqlalchemy.orm import Session

from app.core.codes import numbered_code
from app.models import DeviceState, Household, Patient, Referral

# counter column -> the unique column its numbers go into
NUMBERED: dict[str, Column[str]] = {
    "next_patient_number": Patient.__table__.c.code,  # type: ignore[attr-defined]
    "next_household_number": Household.__table__.c.code,  # type: ignore[attr-defined]
    "next_referral_number": Referral.__table__.c.referral_number,  # type: ignore[attr-defined]
}
SUFFIX = {"next_patient_number": "", "next_household_number": "H", "next_referral_number": "R"}


def prefix(device_code: str, epoch: int) -> str:
    return device_code if epoch <= 1 else f"{device_code}E{epoch}"


def next_code(session: Session, counter: str, *, suffix: str | None = None) -> str:
    """Take the next free number of ``counter`` inside the caller's write transaction, so a rolled-back write
    gives its number back."""
    col = getattr(DeviceState, counter)
    state = session.get(DeviceState, 1)
    assert state is not None
    head = prefix(state.device_code, state.epoch) + (SUFFIX.get(counter, "") if suffix is None else suffix)
    target = NUMBERED.get(counter)
    with session.no_autoflush:
        while True:
            number = int(session.execute(update(DeviceState).values({counter: col + 1})
                                         .returning(col - 1)).scalar_one())
            code = numbered_code(head, number)
            if target is None or session.execute(select(target).where(target == code)).first() is None:
                return code
