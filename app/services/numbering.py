"""Per-laptop counters for human-readable numbers (patient codes, households, referral numbers)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.core.codes import numbered_code
from app.models import DeviceState


def next_code(session: Session, counter: str, *, suffix: str = "") -> str:
    """Take the next number of ``counter`` inside the caller's write transaction, so a rolled-back write
    gives its number back."""
    col = getattr(DeviceState, counter)
    number = int(session.execute(update(DeviceState).values({counter: col + 1}).returning(col - 1)).scalar_one())
    code = session.get(DeviceState, 1).device_code  # type: ignore[union-attr]
    return numbered_code(code + suffix, number)
