"""Headquarters' own tables on the central database: the site's settings, alerts, the cases behind each alert,
their history, and the export audit.

A separate ``MetaData``: these rows are made at headquarters and never travel to laptops, so they are not sync records.
``ensure_hq_schema`` is idempotent and also adds the few indexes the reports need on the record tables.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    Engine,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from app.models.base import NAMING, UTCDateTime

hq_metadata = MetaData(naming_convention=NAMING)

# One row per (rule, disease, facility, district, week): re-evaluating only updates counts. Empty strings, not NULL,
# in the key columns, because NULLs never collide in a unique constraint.
hq_alert = Table(
    "hq_alert", hq_metadata,
    Column("id", String(36), primary_key=True),
    Column("rule", String(30), nullable=False),
    Column("disease", String(20), nullable=False),
    Column("facility_id", String(36), nullable=False, default=""),
    Column("district", String(100), nullable=False, default=""),
    Column("week", String(12), nullable=False),
    Column("week_start", String(10), nullable=False),  # ISO date text: sorts and filters the same on both databases
    Column("unit_id", String(36), nullable=False, default=""),
    Column("case_count", Integer, nullable=False, default=0),
    Column("threshold", String(40), nullable=False, default=""),
    Column("status", String(10), nullable=False, default="raised"),
    Column("raised_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("verified_at", UTCDateTime),
    Column("verified_by", String(60)),
    Column("closed_at", UTCDateTime),
    Column("closed_by", String(60)),
    Column("notes", Text, nullable=False, default=""),
    # EWARS stages after verification (app.hq.lifecycle): risk assessment, response, outcome at closing.
    Column("risk_level", String(12), nullable=False, default="", server_default=""),
    Column("assessed_at", UTCDateTime),
    Column("assessed_by", String(60)),
    Column("response", Text, nullable=False, default="", server_default=""),
    Column("responded_at", UTCDateTime),
    Column("responded_by", String(60)),
    Column("outcome", String(30), nullable=False, default="", server_default=""),
    # When the earliest of its cases was recorded on the laptop: "case to alert" time is raised_at minus this.
    Column("first_case_at", UTCDateTime),
    UniqueConstraint("rule", "disease", "facility_id", "district", "week", name="uq_hq_alert_key"),
    Index("ix_hq_alert_status", "status", "week_start"),
)

# Which cases make up an alert: what the alert page lists, what keeps a re-evaluation (in another week convention,
# say) from raising a second alert for the same cases, and what closes an alert once all its cases are discarded.
hq_alert_case = Table(
    "hq_alert_case", hq_metadata,
    Column("alert_id", String(36), nullable=False),
    Column("case_id", String(36), nullable=False),
    PrimaryKeyConstraint("alert_id", "case_id", name="pk_hq_alert_case"),
    Index("ix_hq_alert_case_case", "case_id"),
)

# Versions of the notifiable-disease registry published at headquarters (app.hq.registry): the content as
# published, its hash, and headquarters' Ed25519 signature over it, which laptops check before using a version.
hq_registry_version = Table(
    "hq_registry_version", hq_metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("label", String(100), nullable=False),
    Column("content", JSON, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("signature", String(100), nullable=False),
    Column("key_id", String(20), nullable=False),
    Column("published_at", UTCDateTime, nullable=False),
    Column("published_by", String(60), nullable=False),
)

# The site's settings, set once at headquarters (``sayyar hq config``): the epi-week convention and malaria
# elimination mode. One row per key; the value is JSON.
hq_setting = Table(
    "hq_setting", hq_metadata,
    Column("key", String(40), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(60), nullable=False),
)

# Every status change, with who and why: the alert row keeps the latest state, this keeps the story.
hq_alert_event = Table(
    "hq_alert_event", hq_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", String(36), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(60), nullable=False),
    Column("from_status", String(10), nullable=False),
    Column("to_status", String(10), nullable=False),
    Column("note", Text, nullable=False, default=""),
)

# Immunisation coverage kept per child (app.hq.immunisation): what the schedule engine decides for each patient
# with a birth year, so the page is one grouped count. The sync apply hook re-assesses the children a batch touches
# (their patient row, doses or visits) in the batch's transaction; ``rebuild_coverage`` fills it from scratch. What
# depends on the day the page is asked for stays a comparison made then: ``born`` (a child born later is not counted),
# ``two_months`` (zero-dose counts from then), and ``last_dose_on`` (a dose dated after the page's day is not counted
# yet: such children are assessed by the engine at page time).
hq_child_coverage = Table(
    "hq_child_coverage", hq_metadata,
    Column("patient_id", String(36), primary_key=True),
    Column("cohort", Integer, nullable=False),  # patient.birth_year, what the page's cohort filter reads
    Column("born", Date, nullable=False),  # date of birth, else 1 July of the birth year (as coverage() estimates)
    Column("two_months", Date, nullable=False),
    Column("unit_id", String(36), nullable=False, default=""),  # registered unit (a coordinator's scope)
    Column("facility_id", String(36), nullable=False, default=""),  # last vaccinated at, else first seen at
    Column("last_dose_on", Date),  # the latest dated dose: the flags hold for any day from this one on
    Column("has_dtp", Boolean, nullable=False, default=False),
    *(Column(f"i{n}", Boolean, nullable=False, default=False) for n in range(9)),  # INDICATORS, in their order
    Index("ix_hq_child_coverage_cohort", "cohort", "unit_id", "facility_id"),
)

hq_audit = Table(
    "hq_audit", hq_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("user", String(60), nullable=False),
    Column("role", String(20), nullable=False),
    Column("action", String(30), nullable=False),
    Column("what", String(200), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("identities", Integer, nullable=False, default=0),
    Column("detail", JSON),
)

# Reports filter visits by date alone and the overview looks up each device's newest record; the record tables'
# own indexes (facility, date) do not serve those. The report indexes are *covering* (every column the weekly queries
# read), so a week's consultations, diagnoses and patients are read from the indexes alone: on a 4 GB SQLite file
# with a cold cache that is the difference between seconds and sub-second. IF NOT EXISTS works on both databases.
# The week index leads with the facility on SQLite (its planner skip-scans the record table's (facility, date) index
# for a date range; leading the same way makes that scan index-only) and with the date on PostgreSQL (no skip-scan).
_VISIT_WEEK = {
    "sqlite": "(facility_id, visit_date, visit_type, deleted, patient_id, id)",
    "default": "(visit_date, facility_id, visit_type, deleted, patient_id, id)",
}
_RECORD_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_hq_diag_visit ON visit_diagnosis (visit_id, deleted, code)",
    "CREATE INDEX IF NOT EXISTS ix_hq_patient_report ON patient "
    "(id, sex, birth_year, date_of_birth, legal_status, nationality)",
    "CREATE INDEX IF NOT EXISTS ix_hq_case_dates ON surveillance_case (reported_date)",
    "CREATE INDEX IF NOT EXISTS ix_hq_visit_device ON visit (device_id, hlc)",
    "CREATE INDEX IF NOT EXISTS ix_hq_case_device ON surveillance_case (device_id, hlc)",
    "CREATE INDEX IF NOT EXISTS ix_hq_patient_device ON patient (device_id, hlc)",
    "CREATE INDEX IF NOT EXISTS ix_hq_referral_device ON referral (device_id, hlc)",
    # The insurance page's enrolments by unit and payer: people covered counted from an index alone, and the
    # enrolments read in (unit, payer) order from one (issue 17: over 3,000,000 visits the page took ~350 ms).
    "CREATE INDEX IF NOT EXISTS ix_hq_member_count ON enrolment_member (enrolment_id, deleted)",
    "CREATE INDEX IF NOT EXISTS ix_hq_enrolment_payer ON enrolment "
    "(unit_id, payer, deleted, coverage_start, coverage_end, status, id)",
)


_LATER_ALERT_COLUMNS = ("risk_level", "assessed_at", "assessed_by", "response", "responded_at", "responded_by",
                        "outcome", "first_case_at")


def ensure_hq_schema(bind: Engine | Connection) -> None:
    """Create headquarters' tables and indexes if missing (the record tables must exist already)."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            ensure_hq_schema(conn)
        return
    hq_metadata.create_all(bind)
    from app.server.db import add_missing_columns

    # Alert tables made before the EWARS stages existed gain their columns in place.
    add_missing_columns(bind, "hq_alert", [hq_alert.c[name] for name in _LATER_ALERT_COLUMNS])
    cols = _VISIT_WEEK.get(bind.dialect.name, _VISIT_WEEK["default"])
    bind.execute(text(f"CREATE INDEX IF NOT EXISTS ix_hq_visit_week ON visit {cols}"))
    for ddl in _RECORD_INDEXES:
        bind.execute(text(ddl))
