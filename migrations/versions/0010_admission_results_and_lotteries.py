"""Admission results (aggregates and expiring lists), verifiable lotteries, and the own-result rate limit.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

from enroll.core.db import UTCDateTime

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rate_limits',
    sa.Column('bucket', sa.String(length=120), nullable=False),
    sa.Column('window_start', UTCDateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('bucket', name=op.f('pk_rate_limits'))
    )

    op.create_table('admission_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('routes', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('list_count', sa.Integer(), nullable=False),
    sa.Column('list_public', sa.Boolean(), nullable=False),
    sa.Column('notice_until', sa.Date(), nullable=True),
    sa.Column('public_until', UTCDateTime(), nullable=True),
    sa.Column('list_purged_at', UTCDateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('first_published_at', UTCDateTime(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_admission_results_district_id_districts')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_admission_results_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admission_results')),
    sa.UniqueConstraint('school_id', 'year', name='uq_admission_results_school_id_year')
    )
    with op.batch_alter_table('admission_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admission_results_district_id'), ['district_id'], unique=False)

    op.create_table('lotteries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('draw_at', UTCDateTime(), nullable=True),
    sa.Column('applicants', sa.JSON(), nullable=False),
    sa.Column('list_hash', sa.String(length=64), nullable=False),
    sa.Column('commitment', sa.String(length=64), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=True),
    sa.Column('draw_order', sa.JSON(), nullable=False),
    sa.Column('public_until', UTCDateTime(), nullable=True),
    sa.Column('list_purged_at', UTCDateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('first_published_at', UTCDateTime(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_lotteries_district_id_districts')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_lotteries_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lotteries')),
    sa.UniqueConstraint('school_id', 'year', name='uq_lotteries_school_id_year')
    )
    with op.batch_alter_table('lotteries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lotteries_district_id'), ['district_id'], unique=False)

    op.create_table('admission_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('application_no', sa.String(length=32), nullable=True),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('route', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('check_digest', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['result_id'], ['admission_results.id'], name=op.f('fk_admission_entries_result_id_admission_results'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admission_entries')),
    sa.UniqueConstraint('result_id', 'application_no', name='uq_admission_entries_result_id')
    )
    with op.batch_alter_table('admission_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admission_entries_result_id'), ['result_id'], unique=False)

    op.create_table('lottery_secrets',
    sa.Column('lottery_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lottery_id'], ['lotteries.id'], name=op.f('fk_lottery_secrets_lottery_id_lotteries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lottery_id', name=op.f('pk_lottery_secrets'))
    )


def downgrade():
    op.drop_table('lottery_secrets')
    with op.batch_alter_table('admission_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admission_entries_result_id'))

    op.drop_table('admission_entries')
    with op.batch_alter_table('lotteries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lotteries_district_id'))

    op.drop_table('lotteries')
    with op.batch_alter_table('admission_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admission_results_district_id'))

    op.drop_table('admission_results')
    op.drop_table('rate_limits')
