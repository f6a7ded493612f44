"""Zoning plans on the one review workflow: ``zonings`` items with revisions, ``zone_texts`` (the 划片
text as published), a lock version on revisions, the districts' current enrollment year.

Existing plans become revisions of their scope's zoning item with the same status and number; of
several open drafts of one scope only the newest stays a draft (the others keep their content
without a revision, shown as uploads). Each plan's text is rebuilt from its clauses.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""
import json

import sqlalchemy as sa
from alembic import op

from enroll.core.db import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

OPEN = ("draft", "in_review")


def upgrade():
    op.create_table(
        "zonings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("first_published_at", UTCDateTime(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], name=op.f("fk_zonings_district_id_districts")),
        sa.ForeignKeyConstraint(["plan_id"], ["zoning_plans.id"], name=op.f("fk_zonings_plan_id_zoning_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zonings")),
        sa.UniqueConstraint("district_id", "year", "stage", name="uq_zonings_scope"),
    )
    op.create_table(
        "zone_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["zoning_plans.id"], name=op.f("fk_zone_texts_plan_id_zoning_plans"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_zone_texts_school_id_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_texts")),
        sa.UniqueConstraint("plan_id", "school_id", name="uq_zone_texts_plan_school"),
    )
    op.create_index(op.f("ix_zone_texts_plan_id"), "zone_texts", ["plan_id"])
    with op.batch_alter_table("revisions") as batch:
        batch.add_column(sa.Column("lock_version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("districts") as batch:
        batch.add_column(sa.Column("current_year", sa.Integer(), nullable=True))
    with op.batch_alter_table("zoning_plans") as batch:
        batch.add_column(sa.Column("revision_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("zone_report", sa.JSON(), nullable=False, server_default="{}"))
        batch.create_foreign_key(op.f("fk_zoning_plans_revision_id_revisions"), "revisions", ["revision_id"], ["id"])
        batch.create_unique_constraint(op.f("uq_zoning_plans_revision_id"), ["revision_id"])
    _move_plans(op.get_bind())
    op.drop_index("uq_zoning_plans_published", table_name="zoning_plans")
    op.drop_index("ix_zoning_plans_scope", table_name="zoning_plans")
    with op.batch_alter_table("zoning_plans") as batch:
        for fk in ("submitted_by_id", "reviewed_by_id"):
            batch.drop_constraint(f"fk_zoning_plans_{fk}_users", type_="foreignkey")
        for column in ("status", "version", "reject_reason", "submitted_by_id", "reviewed_by_id", "submitted_at",
                       "published_at"):
            batch.drop_column(column)
    op.create_index("ix_zoning_plans_scope", "zoning_plans", ["district_id", "year", "stage"])


def _json(value):
    return json.loads(value) if isinstance(value, str) else (value or {})


def _move_plans(conn) -> None:
    """Every existing plan becomes a revision of its scope's zoning item (see the module docstring)."""
    plans = conn.execute(sa.text(
        "SELECT id, district_id, year, stage, status, version, report, reject_reason, created_by_id, submitted_by_id,"
        " reviewed_by_id, created_at, submitted_at, published_at FROM zoning_plans ORDER BY id DESC")).mappings().all()
    items: dict[tuple, int] = {}
    has_open: set[int] = set()
    for plan in plans:  # newest first
        scope = (plan["district_id"], plan["year"], plan["stage"])
        if scope not in items:
            conn.execute(sa.text("INSERT INTO zonings (district_id, year, stage, status, version, created_at)"
                                 " VALUES (:d, :y, :s, 'draft', 0, :c)"),
                         {"d": scope[0], "y": scope[1], "s": scope[2], "c": plan["created_at"]})
            items[scope] = conn.execute(sa.text("SELECT id FROM zonings WHERE district_id = :d AND year = :y"
                                                " AND stage = :s"), {"d": scope[0], "y": scope[1], "s": scope[2]}).scalar()
        item = items[scope]
        report = _json(plan["report"])
        zone_findings = [f for f in report.get("findings", []) if f.get("code") not in ("unparsed_clause", "ambiguous_clause")]
        conn.execute(sa.text("UPDATE zoning_plans SET zone_report = :r WHERE id = :id"),
                     {"r": json.dumps({"findings": zone_findings, "stats": report.get("stats", {})}), "id": plan["id"]})
        _rebuild_texts(conn, plan["id"])
        if plan["status"] in OPEN:
            if item in has_open:
                continue  # an older open draft of the scope: kept as content without a revision
            has_open.add(item)
        conn.execute(sa.text(
            "INSERT INTO revisions (object_type, object_id, number, status, data, note, reject_reason, district_id,"
            " created_by_id, submitted_by_id, reviewed_by_id, created_at, updated_at, submitted_at, published_at,"
            " lock_version) VALUES ('zoning', :item, :number, :status, :data, '', :reject, :district, :created_by,"
            " :submitted_by, :reviewed_by, :created_at, :created_at, :submitted_at, :published_at, 1)"),
            {"item": item, "number": plan["version"], "status": plan["status"], "data": json.dumps({"plan": plan["id"]}),
             "reject": plan["reject_reason"] or "", "district": plan["district_id"], "created_by": plan["created_by_id"],
             "submitted_by": plan["submitted_by_id"], "reviewed_by": plan["reviewed_by_id"],
             "created_at": plan["created_at"], "submitted_at": plan["submitted_at"],
             "published_at": plan["published_at"]})
        revision_id = conn.execute(sa.text("SELECT id FROM revisions WHERE object_type = 'zoning' AND object_id = :i"
                                           " AND number = :n"), {"i": item, "n": plan["version"]}).scalar()
        conn.execute(sa.text("UPDATE zoning_plans SET revision_id = :r WHERE id = :id"),
                     {"r": revision_id, "id": plan["id"]})
    _attach_published(conn)


def _attach_published(conn) -> None:
    """Each item shows its published plan, else its most recently published withdrawn one."""
    for item in conn.execute(sa.text("SELECT id FROM zonings")).scalars().all():
        shown = conn.execute(sa.text(
            "SELECT p.id, r.status, r.number, r.published_at FROM zoning_plans p JOIN revisions r"
            " ON r.id = p.revision_id WHERE r.object_type = 'zoning' AND r.object_id = :i"
            " AND r.status IN ('published', 'withdrawn')"
            " ORDER BY r.status = 'published' DESC, r.published_at DESC LIMIT 1"), {"i": item}).mappings().first()
        if shown is None:
            continue
        first = conn.execute(sa.text("SELECT min(published_at) FROM revisions WHERE object_type = 'zoning'"
                                     " AND object_id = :i"), {"i": item}).scalar()
        conn.execute(sa.text("UPDATE zonings SET status = :s, version = :n, plan_id = :p, published_at = :at,"
                             " first_published_at = :first WHERE id = :i"),
                     {"s": shown["status"], "n": shown["number"], "p": shown["id"], "at": shown["published_at"],
                      "first": first, "i": item})


def _rebuild_texts(conn, plan_id: int) -> None:
    """A school's text from its clauses: a line's clauses joined with 、, lines in order."""
    rows = conn.execute(sa.text("SELECT school_id, source_row, line, text FROM zone_rules WHERE plan_id = :p"
                                " ORDER BY school_id, line, id"), {"p": plan_id}).all()
    texts: dict[int, tuple[int, dict[int, list[str]]]] = {}
    for school_id, source_row, line, text in rows:
        texts.setdefault(school_id, (source_row, {}))[1].setdefault(line, []).append(text)
    for position, (school_id, (source_row, lines)) in enumerate(sorted(texts.items(), key=lambda t: t[1][0]), 1):
        text = "\n".join("、".join(lines[n]) for n in sorted(lines))
        conn.execute(sa.text("INSERT INTO zone_texts (plan_id, school_id, position, text, source_row)"
                             " VALUES (:p, :s, :pos, :t, :r)"),
                     {"p": plan_id, "s": school_id, "pos": position, "t": text, "r": source_row})


def downgrade():
    """Back to plans with their own status: each plan takes its revision's status and number (the
    zoning items, their revisions, the rebuilt texts and the lock versions go)."""
    op.drop_index("ix_zoning_plans_scope", table_name="zoning_plans")
    with op.batch_alter_table("zoning_plans") as batch:
        batch.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="draft"))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("reject_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("submitted_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("submitted_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("published_at", UTCDateTime(), nullable=True))
        batch.create_foreign_key("fk_zoning_plans_submitted_by_id_users", "users", ["submitted_by_id"], ["id"])
        batch.create_foreign_key("fk_zoning_plans_reviewed_by_id_users", "users", ["reviewed_by_id"], ["id"])
    op.get_bind().execute(sa.text(
        "UPDATE zoning_plans SET status = (SELECT r.status FROM revisions r WHERE r.id = zoning_plans.revision_id),"
        " version = (SELECT r.number FROM revisions r WHERE r.id = zoning_plans.revision_id),"
        " published_at = (SELECT r.published_at FROM revisions r WHERE r.id = zoning_plans.revision_id)"
        " WHERE revision_id IS NOT NULL"))
    with op.batch_alter_table("zoning_plans") as batch:
        batch.drop_constraint(op.f("uq_zoning_plans_revision_id"), type_="unique")
        batch.drop_constraint(op.f("fk_zoning_plans_revision_id_revisions"), type_="foreignkey")
        batch.drop_column("revision_id")
        batch.drop_column("zone_report")
    op.get_bind().execute(sa.text("DELETE FROM revisions WHERE object_type = 'zoning'"))
    op.create_index("ix_zoning_plans_scope", "zoning_plans", ["district_id", "year", "stage", "status"])
    op.create_index("uq_zoning_plans_published", "zoning_plans", ["district_id", "year", "stage"], unique=True,
                    sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))
    with op.batch_alter_table("districts") as batch:
        batch.drop_column("current_year")
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("lock_version")
    op.drop_table("zone_texts")
    op.drop_table("zonings")
