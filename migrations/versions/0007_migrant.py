"""Requirements for migrant children (随迁子女) per district, year and stage, reviewable content.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

from enroll.core.db import UTCDateTime

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('migrant_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('first_published_at', UTCDateTime(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_migrant_requirements_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_migrant_requirements')),
    sa.UniqueConstraint('district_id', 'year', 'stage', name='uq_migrant_requirements_scope')
    )
    with op.batch_alter_table('migrant_requirements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_migrant_requirements_district_id'), ['district_id'], unique=False)



def downgrade():
    with op.batch_alter_table('migrant_requirements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_migrant_requirements_district_id'))

    op.drop_table('migrant_requirements')
