"""Migrations build the schema the models describe, on SQLite and PostGIS."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from support import both_databases
from enroll.extensions import db


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
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            downgrade(directory=str(ROOT / "migrations"), revision="base")
            upgrade(directory=str(ROOT / "migrations"))
            assert "zones" in sa.inspect(db.engine).get_table_names()
            db.engine.dispose()
    finally:
        drop_pg_database(url)
