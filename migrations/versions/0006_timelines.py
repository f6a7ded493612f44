"""Admission timelines (招生日程), reviewable content.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

from enroll.core.db import UTCDateTime

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('timelines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('first_published_at', UTCDateTime(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_timelines_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timelines')),
    sa.UniqueConstraint('district_id', 'year', name='uq_timelines_district_id_year')
    )
    with op.batch_alter_table('timelines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timelines_district_id'), ['district_id'], unique=False)



def downgrade():
    with op.batch_alter_table('timelines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timelines_district_id'))

    op.drop_table('timelines')
