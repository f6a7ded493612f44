"""Gazetteer indexes for find_point's fallbacks: (district, estate, building) and (district, village, group).

Without them an address that is not in the gazetteer word for word but names an estate building or a
village group read every address of its district: seconds per lookup at a million addresses.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_addresses_district_estate", "addresses", ["district_id", "estate", "building"])
    op.create_index("ix_addresses_district_village", "addresses", ["district_id", "village", "group_no"])


def downgrade():
    op.drop_index("ix_addresses_district_village", table_name="addresses")
    op.drop_index("ix_addresses_district_estate", table_name="addresses")
