"""English names (issue 18, part 5): ``translations`` of districts and schools (name, and address of
a school); the district contact's 多校划片入学办法 (``placement``), its English in the contact's
translations.

The new columns get a server default so that existing rows are filled on both databases; it is kept
(an ALTER of a column's default would rebuild the table on SQLite), and the models write the same
value themselves.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("districts", "schools"):
        op.add_column(table, sa.Column("translations", sa.JSON(), nullable=False, server_default="{}"))
    op.add_column("district_contacts", sa.Column("placement", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("district_contacts") as batch_op:
        batch_op.drop_column("placement")
    for table in ("schools", "districts"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("translations")
