"""immunisation

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Vaccination records, adverse events after immunisation, campaigns and their tallies (synced, owned by the device
that recorded them), and the local derived table of what each child has due (issue 18), filled for every child
already on the laptop by 0010.
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('immunisation_due',
    sa.Column('patient_id', sa.String(length=36), nullable=False),
    sa.Column('series', sa.String(length=12), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('until_date', sa.Date(), nullable=False),
    sa.Column('facility_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('patient_id', 'series', name=op.f('pk_immunisation_due'))
    )
    with op.batch_alter_table('immunisation_due', schema=None) as batch_op:
        batch_op.create_index('ix_immunisation_due_facility', ['facility_id', 'due_date'], unique=False)

    op.create_table('campaign',
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('vaccine', sa.String(length=12), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('min_age_months', sa.Integer(), nullable=False),
    sa.Column('max_age_months', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('facility_id', sa.String(length=36), nullable=True),
    sa.Column('site', sa.String(length=200), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_campaign_facility_id_facility')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_campaign_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign'))
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_code'), ['code'], unique=False)

    op.create_table('campaign_tally',
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=False),
    sa.Column('sex', sa.String(length=10), nullable=False),
    sa.Column('nationality', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('zero_dose', sa.Boolean(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_tally_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_campaign_tally_facility_id_facility')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_tally'))
    )
    with op.batch_alter_table('campaign_tally', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_tally_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_campaign_tally_day', ['campaign_id', 'day'], unique=False)

    op.create_table('immunisation_dose',
    sa.Column('patient_id', sa.String(length=36), nullable=False),
    sa.Column('vaccine', sa.String(length=12), nullable=False),
    sa.Column('dose_number', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=True),
    sa.Column('batch', sa.String(length=40), nullable=False),
    sa.Column('expiry', sa.Date(), nullable=True),
    sa.Column('site', sa.String(length=20), nullable=False),
    sa.Column('given_by', sa.String(length=36), nullable=True),
    sa.Column('given_by_name', sa.String(length=100), nullable=False),
    sa.Column('place', sa.String(length=10), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('facility_id', sa.String(length=36), nullable=True),
    sa.Column('country', sa.String(length=40), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=True),
    sa.Column('correction_reason', sa.String(length=300), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_immunisation_dose_facility_id_facility')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_immunisation_dose_patient_id_patient')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_immunisation_dose_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_immunisation_dose'))
    )
    with op.batch_alter_table('immunisation_dose', schema=None) as batch_op:
        batch_op.create_index('ix_immunisation_dose_facility', ['facility_id', 'given_on'], unique=False)
        batch_op.create_index('ix_immunisation_dose_patient', ['patient_id', 'given_on'], unique=False)

    op.create_table('adverse_event',
    sa.Column('patient_id', sa.String(length=36), nullable=False),
    sa.Column('dose_id', sa.String(length=36), nullable=True),
    sa.Column('vaccine', sa.String(length=12), nullable=False),
    sa.Column('onset_date', sa.Date(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('reaction', sa.String(length=300), nullable=False),
    sa.Column('serious', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('facility_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['dose_id'], ['immunisation_dose.id'], name=op.f('fk_adverse_event_dose_id_immunisation_dose')),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_adverse_event_facility_id_facility')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_adverse_event_patient_id_patient')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_adverse_event_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adverse_event'))
    )
    with op.batch_alter_table('adverse_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adverse_event_patient_id'), ['patient_id'], unique=False)

    # The due table is filled by 0010, which gives it its final columns (the table is derived data).


def downgrade() -> None:
    with op.batch_alter_table('adverse_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adverse_event_patient_id'))

    op.drop_table('adverse_event')
    with op.batch_alter_table('immunisation_dose', schema=None) as batch_op:
        batch_op.drop_index('ix_immunisation_dose_patient')
        batch_op.drop_index('ix_immunisation_dose_facility')

    op.drop_table('immunisation_dose')
    with op.batch_alter_table('campaign_tally', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_tally_day')
        batch_op.drop_index(batch_op.f('ix_campaign_tally_campaign_id'))

    op.drop_table('campaign_tally')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_code'))

    op.drop_table('campaign')
    with op.batch_alter_table('immunisation_due', schema=None) as batch_op:
        batch_op.drop_index('ix_immunisation_due_facility')

    op.drop_table('immunisation_due')
