"""Accounts hardening: school editors' school, login throttling, session nonce, TOTP second factor.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

from enroll.core.db import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("locked_until", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_login_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("session_nonce", sa.String(length=32), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_foreign_key(batch_op.f("fk_users_school_id_schools"), "schools", ["school_id"], ["id"])
    # every existing user gets a random session nonce (the empty one is never accepted)
    random_hex = "md5(random()::text || id::text)" if op.get_bind().dialect.name == "postgresql" \
        else "lower(hex(randomblob(16)))"
    op.execute(f"UPDATE users SET session_nonce = substr({random_hex}, 1, 32)")
    with op.batch_alter_table("users") as batch_op:
        for column in ("failed_logins", "session_nonce", "totp_last_step"):
            batch_op.alter_column(column, server_default=None)


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_school_id_schools"), type_="foreignkey")
        for column in ("totp_last_step", "totp_secret", "session_nonce", "last_login_at", "locked_until",
                       "failed_logins", "school_id"):
            batch_op.drop_column(column)
