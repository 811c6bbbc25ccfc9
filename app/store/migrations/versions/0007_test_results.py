"""test results, case investigations, disease registry versions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Issue 16: test results recorded for a surveillance case (at the visit or received back later) that confirm or
discard it by the registry's rule; the case-investigation form (malaria: travel, origin, household contacts); and
the notifiable-disease registry versions headquarters publishes, which arrive by the feed. For the referral slip:
the patient's known allergies and the weeks of a pregnancy.
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _sync_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("hlc", sa.String(length=40), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    ]


def upgrade() -> None:
    # Referral slip content (issue 16, item 7): known allergies, weeks of pregnancy.
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("allergies", sa.String(length=500), nullable=False, server_default=""))
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pregnancy_weeks", sa.Integer(), nullable=True))
    op.create_table(
        "disease_registry",
        sa.Column("list_version", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=120), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("published_at", app.models.base.UTCDateTime(), nullable=True),
        *_sync_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disease_registry")),
        sa.UniqueConstraint("list_version", name=op.f("uq_disease_registry_list_version")),
    )
    op.create_table(
        "test_result",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("patient_id", sa.String(length=36), nullable=False),
        sa.Column("test", sa.String(length=30), nullable=False),
        sa.Column("subtype", sa.String(length=30), nullable=False),
        sa.Column("outcome", sa.String(length=14), nullable=False),
        sa.Column("sample_date", sa.Date(), nullable=True),
        sa.Column("result_date", sa.Date(), nullable=False),
        sa.Column("lab", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("applied", sa.String(length=12), nullable=False),
        *_sync_columns(),
        sa.ForeignKeyConstraint(["case_id"], ["surveillance_case.id"], name=op.f("fk_test_result_case_id_surveillance_case")),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_test_result_patient_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_test_result")),
    )
    with op.batch_alter_table("test_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_test_result_case_id"), ["case_id"], unique=False)
    op.create_table(
        "case_investigation",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("patient_id", sa.String(length=36), nullable=False),
        sa.Column("investigated_on", sa.Date(), nullable=False),
        sa.Column("travelled", sa.Boolean(), nullable=True),
        sa.Column("places", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(length=12), nullable=False),
        sa.Column("contacts_tested", sa.Integer(), nullable=False),
        sa.Column("contacts_positive", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_sync_columns(),
        sa.ForeignKeyConstraint(["case_id"], ["surveillance_case.id"],
                                name=op.f("fk_case_investigation_case_id_surveillance_case")),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_case_investigation_patient_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_investigation")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_investigation_case_id")),
    )


def downgrade() -> None:
    op.drop_table("case_investigation")
    with op.batch_alter_table("test_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_result_case_id"))
    op.drop_table("test_result")
    op.drop_table("disease_registry")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("pregnancy_weeks")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_column("allergies")
