"""The duplicates review list kept between reviews (issue 15): local and derived, never synced, like the search
index. ``duplicate_pair`` holds every likely pair the last review found (dismissals are applied when the list is
read); ``duplicate_dirty`` names the patients written since (the search index's writer records them); the one row
of ``duplicate_review_state`` says a complete review exists, so the next one compares only the changed patients."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class DuplicateReviewPair(Base):
    __tablename__ = "duplicate_pair"

    a_id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a_id < b_id
    b_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    points: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str] = mapped_column(String(300), default="")  # "given:script,father:exact,..."
    strong: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_duplicate_pair_b", "b_id"),)


class DuplicateDirty(Base):
    __tablename__ = "duplicate_dirty"

    patient_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # When it was written, from the state row's counter: a review clears only what it compared.
    stamp: Mapped[int] = mapped_column(Integer, default=0)


class DuplicateReviewState(Base):
    __tablename__ = "duplicate_review_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)  # the pairs of a complete review are stored
    dirty_seq: Mapped[int] = mapped_column(Integer, default=0)
