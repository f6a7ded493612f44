"""划片 text rules per plan and the address gazetteer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from enroll.core.db import Geometry

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "zone_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("clause", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["zoning_plans.id"], name=op.f("fk_zone_rules_plan_id_zoning_plans"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_zone_rules_school_id_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_rules")),
    )
    op.create_index(op.f("ix_zone_rules_plan_id"), "zone_rules", ["plan_id"])
    op.create_table(
        "addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("normalized", sa.String(length=200), nullable=False),
        sa.Column("road", sa.String(length=100), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("lane_number", sa.Integer(), nullable=True),
        sa.Column("estate", sa.String(length=100), nullable=True),
        sa.Column("building", sa.Integer(), nullable=True),
        sa.Column("village", sa.String(length=100), nullable=True),
        sa.Column("group_no", sa.Integer(), nullable=True),
        sa.Column("point", Geometry(), nullable=False),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], name=op.f("fk_addresses_district_id_districts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addresses")),
    )
    op.create_index("ix_addresses_district_normalized", "addresses", ["district_id", "normalized"])
    op.create_index("ix_addresses_district_road", "addresses", ["district_id", "road", "number"])


def downgrade():
    op.drop_table("addresses")
    op.drop_table("zone_rules")
