"""Reference data that comes down from headquarters: units, facilities, departments, diagnoses, staff."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, SyncMixin, UTCDateTime


class Unit(SyncMixin, Base):
    __tablename__ = "unit"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_fa: Mapped[str] = mapped_column(String(200))
    partner: Mapped[str] = mapped_column(String(100), default="")
    province_en: Mapped[str] = mapped_column(String(100), default="")
    province_fa: Mapped[str] = mapped_column(String(100), default="")


class Facility(SyncMixin, Base):
    __tablename__ = "facility"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_fa: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="health_post")
    province_en: Mapped[str] = mapped_column(String(100), default="")
    province_fa: Mapped[str] = mapped_column(String(100), default="")
    district_en: Mapped[str] = mapped_column(String(100), default="")
    district_fa: Mapped[str] = mapped_column(String(100), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Department(SyncMixin, Base):
    __tablename__ = "department"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_fa: Mapped[str] = mapped_column(String(200))


class Diagnosis(SyncMixin, Base):
    __tablename__ = "diagnosis"

    code: Mapped[str] = mapped_column(String(10), unique=True)
    label_en: Mapped[str] = mapped_column(String(300))
    label_fa: Mapped[str] = mapped_column(String(300))
    notifiable: Mapped[str | None] = mapped_column(String(20), index=True)
    search_text: Mapped[str] = mapped_column(String(700), default="")


class User(SyncMixin, Base):
    """A member of staff. Passwords never live here: the keystore beside the database holds them."""

    __tablename__ = "user_account"

    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name_en: Mapped[str] = mapped_column(String(200))
    full_name_fa: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    language: Mapped[str] = mapped_column(String(5), default="fa")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DiseaseList(SyncMixin, Base):
    """A notifiable-disease registry version published and signed by headquarters (app.hq.registry); laptops
    receive it by the feed and use the newest whose signature checks (app.services.diseases)."""

    __tablename__ = "disease_registry"

    list_version: Mapped[int] = mapped_column(Integer, unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(120))  # base64 Ed25519 over app.core.diseases.signed_bytes
    key_id: Mapped[str] = mapped_column(String(40), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
