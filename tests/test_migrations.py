"""Migrations build the schema the models describe, on SQLite and PostGIS."""
from __future__ import annotations

import warnings

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from support import both_databases
from enroll.extensions import bind_migrations, db


def _include(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name in {"spatial_ref_sys", "alembic_version"}:
        return False
    if type_ == "index" and name == "ix_zones_geometry" and db.engine.dialect.name != "postgresql":
        return False
    return True


def _compare_type(context, inspected, metadata, inspected_type, metadata_type):
    # reflection does not know PostGIS geometry or our timezone decorator; compare everything else
    if "geometry" in str(inspected_type).lower() or isinstance(inspected_type, sa.types.NullType):
        return False
    return None


@both_databases
def test_models_and_migrations_have_not_drifted(app):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": _include, "compare_type": _compare_type})
        with warnings.catch_warnings():  # PostGIS's type, which the reflection does not know: compared by _compare_type
            warnings.filterwarnings("ignore", "Did not recognize type 'geometry'", sa.exc.SAWarning)
            diff = compare_metadata(ctx, db.metadata)
    assert diff == []


@pytest.mark.postgis
def test_postgis_geometry_column_and_gist_index():
    from support import create_pg_database, drop_pg_database, make_app, migrate

    url = create_pg_database()
    try:
        app = make_app(url)
        migrate(app)
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            udt = conn.execute(sa.text("SELECT udt_name FROM information_schema.columns "
                                       "WHERE table_name='zones' AND column_name='geometry'")).scalar()
            srid = conn.execute(sa.text("SELECT srid FROM geometry_columns WHERE f_table_name='zones'")).scalar()
            index = conn.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE indexname='ix_zones_geometry'")).scalar()
        engine.dispose()
        assert udt == "geometry" and srid == 4326 and "gist" in index.lower()
    finally:
        drop_pg_database(url)


@pytest.mark.postgis
def test_downgrade_then_upgrade_on_postgis():
    from flask_migrate import downgrade, upgrade

    from support import ROOT, create_pg_database, drop_pg_database, make_app

    url = create_pg_database()
    try:
        app = make_app(url)
        bind_migrations(app)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            downgrade(directory=str(ROOT / "migrations"), revision="base")
            upgrade(directory=str(ROOT / "migrations"))
            assert "zones" in sa.inspect(db.engine).get_table_names()
            db.engine.dispose()
    finally:
        drop_pg_database(url)


def test_existing_zoning_plans_move_onto_revisions(tmp_path):
    """Plans of the 0011 schema keep their status, number and text after 0012: the published one is
    what the item shows (not a newer withdrawn one), and of two open drafts the newer stays the draft."""
    from flask_migrate import upgrade

    from support import ROOT, make_app

    app = make_app(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    bind_migrations(app)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="0011")
        now = "2026-05-01 08:00:00.000000"
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO districts (id, code, name, phone, address, created_at)"
                                 " VALUES (1, '990101', '青溪区', '', '', :t)"), {"t": now})
            conn.execute(sa.text("INSERT INTO schools (id, district_id, name, stage, kind, address, phone, website, created_at)"
                                 " VALUES (1, 1, '青溪区文澜小学', 'primary', 'public', '', '', '', :t)"), {"t": now})
            for plan_id, status, version in ((1, "superseded", 1), (2, "published", 3), (3, "draft", 4),
                                             (4, "in_review", 5), (5, "withdrawn", 2)):
                conn.execute(sa.text(
                    "INSERT INTO zoning_plans (id, district_id, year, stage, status, version, source_filename,"
                    " source_format, source_crs, school_field, report, error_count, warning_count, reject_reason,"
                    " created_at, published_at) VALUES (:id, 1, 2026, 'primary', :s, :v, '', 'rules', '', '',"
                    " '{}', 0, 0, '', :t, :p)"),
                    {"id": plan_id, "s": status, "v": version, "t": now,
                     "p": now if status in ("superseded", "published", "withdrawn") else None})
                for line, text in ((1, f"文澜路{plan_id}号"), (1, "学院路全段"), (2, "幸福小区")):
                    conn.execute(sa.text("INSERT INTO zone_rules (plan_id, school_id, line, source_row, text, kind,"
                                         " clause) VALUES (:p, 1, :l, 2, :x, 'road', '{}')"),
                                 {"p": plan_id, "l": line, "x": text})
        upgrade(directory=str(ROOT / "migrations"))
        from enroll.zoning.models import Zoning, ZoningPlan

        [item] = db.session.query(Zoning).all()
        assert (item.status, item.version, item.plan_id) == ("published", 3, 2)
        plans = {p.id: p for p in db.session.query(ZoningPlan)}
        assert [(p.status, p.version) for p in plans.values()] == [
            ("superseded", 1), ("published", 3), ("invalid", None), ("in_review", 5), ("withdrawn", 2)]
        assert plans[2].texts[0].text == "文澜路2号、学院路全段\n幸福小区"
        db.engine.dispose()
