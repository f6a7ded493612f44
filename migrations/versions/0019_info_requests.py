"""Requests for information (依申请公开) with the events of their statutory clock and their encrypted
files; the district's negative list (负面清单) and annual disclosure report (年度报告), reviewed content
(issue 20).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

from enroll.core.db import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('annual_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('tables', sa.JSON(), nullable=False),
    sa.Column('overview', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('other', sa.Text(), nullable=False),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('first_published_at', UTCDateTime(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_annual_reports_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_reports')),
    sa.UniqueConstraint('district_id', 'year', name='uq_annual_reports_district_id_year')
    )
    op.create_table('negative_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.Column('entries', sa.JSON(), nullable=False),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('first_published_at', UTCDateTime(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_negative_lists_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_negative_lists')),
    sa.UniqueConstraint('district_id', name=op.f('uq_negative_lists_district_id'))
    )
    op.create_table('info_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('requester_kind', sa.String(length=16), nullable=False),
    sa.Column('requester_name', sa.Text(), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('delivery', sa.String(length=16), nullable=False),
    sa.Column('submitted_at', UTCDateTime(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('extension_days', sa.Integer(), nullable=False),
    sa.Column('extension_requested_days', sa.Integer(), nullable=True),
    sa.Column('extension_requested_by_id', sa.Integer(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('decision_reason', sa.String(length=32), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('fee', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('purged_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_info_requests_created_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_info_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_info_requests_district_id_districts')),
    sa.ForeignKeyConstraint(['extension_requested_by_id'], ['users.id'], name=op.f('fk_info_requests_extension_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_info_requests')),
    sa.UniqueConstraint('number', name=op.f('uq_info_requests_number'))
    )
    with op.batch_alter_table('info_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_info_requests_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_info_requests_status'), ['status'], unique=False)

    op.create_table('info_request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_info_request_events_actor_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['info_requests.id'], name=op.f('fk_info_request_events_request_id_info_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_info_request_events'))
    )
    with op.batch_alter_table('info_request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_info_request_events_request_id'), ['request_id'], unique=False)

    op.create_table('info_request_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['info_requests.id'], name=op.f('fk_info_request_files_request_id_info_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_info_request_files')),
    sa.UniqueConstraint('token', name=op.f('uq_info_request_files_token'))
    )
    with op.batch_alter_table('info_request_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_info_request_files_request_id'), ['request_id'], unique=False)



def downgrade():
    with op.batch_alter_table('info_request_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_info_request_files_request_id'))

    op.drop_table('info_request_files')
    with op.batch_alter_table('info_request_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_info_request_events_request_id'))

    op.drop_table('info_request_events')
    with op.batch_alter_table('info_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_info_requests_status'))
        batch_op.drop_index(batch_op.f('ix_info_requests_district_id'))

    op.drop_table('info_requests')
    op.drop_table('negative_lists')
    op.drop_table('annual_reports')
