"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28

Patients, households, documents, visits, referrals, enrolments, rosters, reference data, change log.
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_log',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('epoch', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('op', sa.String(length=10), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_change_log')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_log_record_id'), ['record_id'], unique=False)
        batch_op.create_index('ix_change_log_state', ['state', 'seq'], unique=False)

    op.create_table('department',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_fa', sa.String(length=200), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('code', name=op.f('uq_department_code'))
    )
    op.create_table('diagnosis',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('label_en', sa.String(length=300), nullable=False),
    sa.Column('label_fa', sa.String(length=300), nullable=False),
    sa.Column('notifiable', sa.String(length=20), nullable=True),
    sa.Column('search_text', sa.String(length=700), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagnosis')),
    sa.UniqueConstraint('code', name=op.f('uq_diagnosis_code'))
    )
    with op.batch_alter_table('diagnosis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnosis_notifiable'), ['notifiable'], unique=False)

    op.create_table('patient_search',
    sa.Column('token', sa.String(length=100), nullable=False),
    sa.Column('patient_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('token', 'patient_id', name=op.f('pk_patient_search')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('patient_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_search_patient_id'), ['patient_id'], unique=False)

    op.create_table('unit',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_fa', sa.String(length=200), nullable=False),
    sa.Column('partner', sa.String(length=100), nullable=False),
    sa.Column('province_en', sa.String(length=100), nullable=False),
    sa.Column('province_fa', sa.String(length=100), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code'))
    )
    op.create_table('device_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('device_code', sa.String(length=12), nullable=False),
    sa.Column('epoch', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('last_hlc', sa.String(length=40), nullable=False),
    sa.Column('next_patient_number', sa.Integer(), nullable=False),
    sa.Column('next_household_number', sa.Integer(), nullable=False),
    sa.Column('next_referral_number', sa.Integer(), nullable=False),
    sa.Column('acked_seq', sa.Integer(), nullable=False),
    sa.Column('feed_cursor', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_device_state_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_state'))
    )
    op.create_table('facility',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_fa', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('province_en', sa.String(length=100), nullable=False),
    sa.Column('province_fa', sa.String(length=100), nullable=False),
    sa.Column('district_en', sa.String(length=100), nullable=False),
    sa.Column('district_fa', sa.String(length=100), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_facility_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facility')),
    sa.UniqueConstraint('code', name=op.f('uq_facility_code'))
    )
    with op.batch_alter_table('facility', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facility_unit_id'), ['unit_id'], unique=False)

    op.create_table('household',
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('head_patient_id', sa.String(length=36), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_household_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household')),
    sa.UniqueConstraint('code', name=op.f('uq_household_code'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_head_patient_id'), ['head_patient_id'], unique=False)

    op.create_table('user_account',
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('full_name_en', sa.String(length=200), nullable=False),
    sa.Column('full_name_fa', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_user_account_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    op.create_table('patient',
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('given_name_fa', sa.String(length=100), nullable=False),
    sa.Column('given_name_latin', sa.String(length=100), nullable=False),
    sa.Column('father_name_fa', sa.String(length=100), nullable=False),
    sa.Column('father_name_latin', sa.String(length=100), nullable=False),
    sa.Column('grandfather_name_fa', sa.String(length=100), nullable=False),
    sa.Column('grandfather_name_latin', sa.String(length=100), nullable=False),
    sa.Column('family_name_fa', sa.String(length=100), nullable=False),
    sa.Column('family_name_latin', sa.String(length=100), nullable=False),
    sa.Column('sex', sa.String(length=10), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=False),
    sa.Column('birth_estimated', sa.Boolean(), nullable=False),
    sa.Column('nationality', sa.String(length=20), nullable=False),
    sa.Column('legal_status', sa.String(length=30), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('consent_date', sa.Date(), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=True),
    sa.Column('relationship_to_head', sa.String(length=20), nullable=False),
    sa.Column('registered_unit_id', sa.String(length=36), nullable=True),
    sa.Column('notes', sa.String(length=1000), nullable=False),
    sa.Column('given_key_fa', sa.String(length=100), nullable=False),
    sa.Column('father_key_fa', sa.String(length=100), nullable=False),
    sa.Column('given_key_latin', sa.String(length=100), nullable=False),
    sa.Column('father_key_latin', sa.String(length=100), nullable=False),
    sa.Column('merged_into_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_patient_household_id_household')),
    sa.ForeignKeyConstraint(['registered_unit_id'], ['unit.id'], name=op.f('fk_patient_registered_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient')),
    sa.UniqueConstraint('code', name=op.f('uq_patient_code'))
    )
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.create_index('ix_patient_dup_fa', ['given_key_fa', 'father_key_fa'], unique=False)
        batch_op.create_index('ix_patient_dup_latin', ['given_key_latin', 'father_key_latin'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index('ix_patient_phone', ['phone'], unique=False)
        batch_op.create_index('ix_patient_updated', ['updated_at'], unique=False)

    op.create_table('roster_day',
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('facility_id', sa.String(length=36), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('site_note', sa.String(length=300), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_roster_day_facility_id_facility')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_roster_day_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_day'))
    )
    with op.batch_alter_table('roster_day', schema=None) as batch_op:
        batch_op.create_index('ix_roster_day_unit_day', ['unit_id', 'day'], unique=False)

    op.create_table('enrolment',
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('head_patient_id', sa.String(length=36), nullable=False),
    sa.Column('scheme', sa.String(length=30), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('payer', sa.String(length=20), nullable=False),
    sa.Column('premium_irr', sa.Integer(), nullable=False),
    sa.Column('voucher_number', sa.String(length=40), nullable=False),
    sa.Column('document_used', sa.String(length=30), nullable=False),
    sa.Column('enrolment_date', sa.Date(), nullable=False),
    sa.Column('coverage_start', sa.Date(), nullable=False),
    sa.Column('coverage_end', sa.Date(), nullable=False),
    sa.Column('pishkhan_centre', sa.String(length=200), nullable=False),
    sa.Column('confirmation_number', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['head_patient_id'], ['patient.id'], name=op.f('fk_enrolment_head_patient_id_patient')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_enrolment_household_id_household')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_enrolment_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment'))
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_coverage_end'), ['coverage_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_household_id'), ['household_id'], unique=False)

    op.create_table('identity_document',
    sa.Column('patient_id', sa.String(length=36), nullable=False),
    sa.Column('doc_type', sa.String(length=30), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('number_key', sa.String(length=60), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('amayesh_cycle', sa.String(length=20), nullable=False),
    sa.Column('tazkira_form', sa.String(length=20), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_identity_document_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_document'))
    )
    with op.batch_alter_table('identity_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_document_number_key'), ['number_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_document_patient_id'), ['patient_id'], unique=False)

    op.create_table('roster_patient',
    sa.Column('roster_id', sa.String(length=36), nullable=False),
    sa.Column('patient_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_roster_patient_patient_id_patient')),
    sa.ForeignKeyConstraint(['roster_id'], ['roster_day.id'], name=op.f('fk_roster_patient_roster_id_roster_day')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_patient'))
    )
    with op.batch_alter_table('roster_patient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_patient_roster_id'), ['roster_id'], unique=False)

    op.create_table('roster_staff',
    sa.Column('roster_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('duty', sa.String(length=40), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['roster_id'], ['roster_day.id'], name=op.f('fk_roster_staff_roster_id_roster_day')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_roster_staff_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_staff'))
    )
    with op.batch_alter_table('roster_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_staff_roster_id'), ['roster_id'], unique=False)

    op.create_table('visit',
    sa.Column('patient_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('facility_id', sa.String(length=36), nullable=True),
    sa.Column('clinician_id', sa.String(length=36), nullable=True),
    sa.Column('visit_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('visit_type', sa.String(length=12), nullable=False),
    sa.Column('complaint', sa.Text(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('temperature_c', sa.Float(), nullable=True),
    sa.Column('systolic', sa.Integer(), nullable=True),
    sa.Column('diastolic', sa.Integer(), nullable=True),
    sa.Column('pulse', sa.Integer(), nullable=True),
    sa.Column('resp_rate', sa.Integer(), nullable=True),
    sa.Column('spo2', sa.Integer(), nullable=True),
    sa.Column('weight_kg', sa.Float(), nullable=True),
    sa.Column('height_cm', sa.Float(), nullable=True),
    sa.Column('muac_mm', sa.Integer(), nullable=True),
    sa.Column('pregnant', sa.Boolean(), nullable=True),
    sa.Column('treatment', sa.Text(), nullable=False),
    sa.Column('medicines', sa.JSON(), nullable=False),
    sa.Column('follow_up_date', sa.Date(), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
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
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_visit_facility_id_facility')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_visit_patient_id_patient')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_visit_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_facility_date', ['facility_id', 'visit_date'], unique=False)
        batch_op.create_index('ix_visit_follow_up', ['follow_up_date'], unique=False)
        batch_op.create_index('ix_visit_patient', ['patient_id', 'visit_at'], unique=False)

    op.create_table('enrolment_member',
    sa.Column('enrolment_id', sa.String(length=36), nullable=False),
    sa.Column('patient_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_enrolment_member_enrolment_id_enrolment')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_enrolment_member_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_member'))
    )
    with op.batch_alter_table('enrolment_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_member_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index('ix_enrolment_member_patient', ['patient_id'], unique=False)

    op.create_table('referral',
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('patient_id', sa.String(length=36), nullable=False),
    sa.Column('from_facility_id', sa.String(length=36), nullable=True),
    sa.Column('to_facility_id', sa.String(length=36), nullable=False),
    sa.Column('department', sa.String(length=40), nullable=False),
    sa.Column('urgency', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('treatment_given', sa.Text(), nullable=False),
    sa.Column('insurance_snapshot', sa.JSON(), nullable=True),
    sa.Column('referral_number', sa.String(length=30), nullable=False),
    sa.Column('short_code', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('issued_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('feedback_date_seen', sa.Date(), nullable=True),
    sa.Column('feedback_findings', sa.Text(), nullable=False),
    sa.Column('feedback_outcome', sa.String(length=30), nullable=False),
    sa.Column('feedback_advice', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['from_facility_id'], ['facility.id'], name=op.f('fk_referral_from_facility_id_facility')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_referral_patient_id_patient')),
    sa.ForeignKeyConstraint(['to_facility_id'], ['facility.id'], name=op.f('fk_referral_to_facility_id_facility')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_referral_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral')),
    sa.UniqueConstraint('referral_number', name=op.f('uq_referral_referral_number'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_short_code'), ['short_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_visit_id'), ['visit_id'], unique=False)

    op.create_table('surveillance_case',
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('patient_id', sa.String(length=36), nullable=False),
    sa.Column('disease', sa.String(length=20), nullable=False),
    sa.Column('icd10', sa.String(length=10), nullable=False),
    sa.Column('classification', sa.String(length=12), nullable=False),
    sa.Column('onset_date', sa.Date(), nullable=True),
    sa.Column('reported_date', sa.Date(), nullable=False),
    sa.Column('facility_id', sa.String(length=36), nullable=True),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('immediate', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_surveillance_case_facility_id_facility')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_surveillance_case_patient_id_patient')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_surveillance_case_unit_id_unit')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_surveillance_case_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveillance_case'))
    )
    with op.batch_alter_table('surveillance_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveillance_case_disease'), ['disease'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveillance_case_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_diagnosis',
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('certainty', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_diagnosis_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_diagnosis'))
    )
    with op.batch_alter_table('visit_diagnosis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_diagnosis_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_diagnosis_visit_id'), ['visit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('visit_diagnosis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_diagnosis_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_diagnosis_code'))

    op.drop_table('visit_diagnosis')
    with op.batch_alter_table('surveillance_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveillance_case_visit_id'))
        batch_op.drop_index(batch_op.f('ix_surveillance_case_disease'))

    op.drop_table('surveillance_case')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_visit_id'))
        batch_op.drop_index(batch_op.f('ix_referral_short_code'))
        batch_op.drop_index(batch_op.f('ix_referral_patient_id'))

    op.drop_table('referral')
    with op.batch_alter_table('enrolment_member', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolment_member_patient')
        batch_op.drop_index(batch_op.f('ix_enrolment_member_enrolment_id'))

    op.drop_table('enrolment_member')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_patient')
        batch_op.drop_index('ix_visit_follow_up')
        batch_op.drop_index('ix_visit_facility_date')

    op.drop_table('visit')
    with op.batch_alter_table('roster_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_staff_roster_id'))

    op.drop_table('roster_staff')
    with op.batch_alter_table('roster_patient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_patient_roster_id'))

    op.drop_table('roster_patient')
    with op.batch_alter_table('identity_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_document_patient_id'))
        batch_op.drop_index(batch_op.f('ix_identity_document_number_key'))

    op.drop_table('identity_document')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_household_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_coverage_end'))

    op.drop_table('enrolment')
    with op.batch_alter_table('roster_day', schema=None) as batch_op:
        batch_op.drop_index('ix_roster_day_unit_day')

    op.drop_table('roster_day')
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.drop_index('ix_patient_updated')
        batch_op.drop_index('ix_patient_phone')
        batch_op.drop_index(batch_op.f('ix_patient_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_patient_household_id'))
        batch_op.drop_index('ix_patient_dup_latin')
        batch_op.drop_index('ix_patient_dup_fa')

    op.drop_table('patient')
    op.drop_table('user_account')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_head_patient_id'))

    op.drop_table('household')
    with op.batch_alter_table('facility', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facility_unit_id'))

    op.drop_table('facility')
    op.drop_table('device_state')
    op.drop_table('unit')
    with op.batch_alter_table('patient_search', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_search_patient_id'))

    op.drop_table('patient_search')
    with op.batch_alter_table('diagnosis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagnosis_notifiable'))

    op.drop_table('diagnosis')
    op.drop_table('department')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index('ix_change_log_state')
        batch_op.drop_index(batch_op.f('ix_change_log_record_id'))

    op.drop_table('change_log')
