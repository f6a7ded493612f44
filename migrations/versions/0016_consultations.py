"""Consultations on draft zoning plans (征求意见) and their comments (issue 17).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

from enroll.core.db import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("short_reason", sa.Text(), nullable=False),
        sa.Column("opens_at", UTCDateTime(), nullable=True),
        sa.Column("closes_at", UTCDateTime(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("report_published_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("first_published_at", UTCDateTime(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], name=op.f("fk_consultations_district_id_districts")),
        sa.ForeignKeyConstraint(["plan_id"], ["zoning_plans.id"], name=op.f("fk_consultations_plan_id_zoning_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_consultations_plan_id")),
    )
    op.create_index(op.f("ix_consultations_district_id"), "consultations", ["district_id"])
    op.create_table(
        "consultation_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("moderated_by_id", sa.Integer(), nullable=True),
        sa.Column("moderated_at", UTCDateTime(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"], ondelete="CASCADE",
                                name=op.f("fk_consultation_comments_consultation_id_consultations")),
        sa.ForeignKeyConstraint(["moderated_by_id"], ["users.id"],
                                name=op.f("fk_consultation_comments_moderated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_comments")),
    )
    op.create_index(op.f("ix_consultation_comments_consultation_id"), "consultation_comments", ["consultation_id"])


def downgrade():
    op.drop_index(op.f("ix_consultation_comments_consultation_id"), table_name="consultation_comments")
    op.drop_table("consultation_comments")
    op.drop_index(op.f("ix_consultations_district_id"), table_name="consultations")
    op.drop_table("consultations")
