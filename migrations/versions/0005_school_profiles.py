"""School profiles (学校概况, 对口 feeder) and enrollment plans (招生计划), both reviewable content.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

from enroll.core.db import UTCDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enrollment_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('classes', sa.Integer(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('first_published_at', UTCDateTime(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_enrollment_plans_district_id_districts')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_enrollment_plans_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_plans')),
    sa.UniqueConstraint('school_id', 'year', name='uq_enrollment_plans_school_id_year')
    )
    with op.batch_alter_table('enrollment_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_plans_district_id'), ['district_id'], unique=False)

    op.create_table('school_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('email', sa.String(length=120), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=False),
    sa.Column('consult_hours', sa.String(length=100), nullable=False),
    sa.Column('students', sa.Integer(), nullable=True),
    sa.Column('classes', sa.Integer(), nullable=True),
    sa.Column('teachers', sa.Integer(), nullable=True),
    sa.Column('site_area', sa.Integer(), nullable=True),
    sa.Column('facilities', sa.Text(), nullable=False),
    sa.Column('feeder_school_id', sa.Integer(), nullable=True),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('first_published_at', UTCDateTime(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_school_profiles_district_id_districts')),
    sa.ForeignKeyConstraint(['feeder_school_id'], ['schools.id'], name=op.f('fk_school_profiles_feeder_school_id_schools')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_school_profiles_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_profiles')),
    sa.UniqueConstraint('school_id', name=op.f('uq_school_profiles_school_id'))
    )
    with op.batch_alter_table('school_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_profiles_district_id'), ['district_id'], unique=False)



def downgrade():
    with op.batch_alter_table('school_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_profiles_district_id'))

    op.drop_table('school_profiles')
    with op.batch_alter_table('enrollment_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_plans_district_id'))

    op.drop_table('enrollment_plans')
