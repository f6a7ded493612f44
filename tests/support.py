"""Helpers shared by tests and fixtures: paths, app factory for tests, test databases."""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from enroll import create_app
from enroll.extensions import bind_migrations
from enroll.extensions import db as _db

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DEMO = ROOT / "gis_data" / "demo"
PG_ADMIN_URL = os.environ.get("ENROLL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PASSWORD = "correct-horse-battery"

both_databases = pytest.mark.parametrize(
    "app", ["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)], indirect=True)


class FreshClient(FlaskClient):
    """A test client whose requests start from an empty ``g``, as on a real server.

    Tests keep one app context open (to call services between requests), so ``g`` would outlive a
    request: Flask-Login's signed-in user and Flask-Babel's locale are cached there.
    """

    def open(self, *args, **kwargs):
        from flask import g, has_app_context

        if has_app_context():
            for name in ("_login_user", "_flask_babel"):
                g.pop(name, None)
        return super().open(*args, **kwargs)


def wiggly_zones(n: int, vertices: int = 1000, seed: int = 7):
    """``n`` zones shaped like real ones (bench/cities.py: shared wiggly edges), in longitude/latitude."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_cities", ROOT / "bench" / "cities.py")
    cities = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cities)
    return cities.lonlat(n, vertices, seed)


def _build_urls_on_first_use() -> None:
    """Let werkzeug compile a URL rule's builders when the rule first builds a URL, not when the app
    is made.

    Werkzeug compiles two builder functions per rule (Python source through ``compile``) as each
    rule is added: about 50 of the 80 ms that making an app costs, once for every test that makes
    one, though a test builds few URLs. The builders are the same code, compiled on first use; a
    server makes its app once and keeps werkzeug's own behaviour.
    """
    from werkzeug.routing.rules import Rule

    eager = Rule._compile_builder

    def on_first_use(self, append_unknown: bool = True):
        compiled = None

        def build(rule, *args, **kwargs):
            nonlocal compiled
            if compiled is None:
                compiled = eager(rule, append_unknown)
            return compiled(rule, *args, **kwargs)
        return build

    Rule._compile_builder = on_first_use


_build_urls_on_first_use()


def make_app(url: str, **extra):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "MAP_TILES": "none",
                      "WTF_CSRF_ENABLED": False, "SERVER_NAME": "localhost", **extra})
    app.test_client_class = FreshClient
    return app


def migrate(app) -> None:
    from flask_migrate import upgrade

    bind_migrations(app)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        _db.engine.dispose()


def postgis_or_skip(url: str) -> None:
    """Skip without a server; in CI (``CI`` set) a missing PostGIS is a failure."""
    try:
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            available = conn.execute(sa.text(
                "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")).scalar()
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any connection problem means "no server"
        reason = f"no PostgreSQL at {url}: {exc.__class__.__name__}"
        pytest.fail(reason) if os.environ.get("CI") else pytest.skip(reason)
    if not available:
        reason = "PostGIS extension not installed"
        pytest.fail(reason) if os.environ.get("CI") else pytest.skip(reason)


def create_pg_database() -> str:
    """A fresh, empty database; returns its URL."""
    postgis_or_skip(PG_ADMIN_URL)
    name = f"enroll_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    name = sa.engine.make_url(url).database
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()




def demo_app(folder: Path, sqlite_template: Path, password: str = PASSWORD):
    """An app on a migrated SQLite copy in ``folder`` with the demo district loaded, its users'
    password ``password`` (the demo's ENROLL_DEMO_PASSWORD)."""
    from enroll.demo import load_demo

    path = folder / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with pytest.MonkeyPatch.context() as env, app.app_context():
        env.setenv("ENROLL_DEMO_PASSWORD", password)
        load_demo()
        _db.session.remove()
    return app


def raw_pdf(*objects: bytes) -> bytes:
    """A hand-written PDF of these objects (1 0 obj first), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def with_check_digit(first17: str) -> str:
    """A synthetic 18-digit ID number: ``first17`` and its GB 11643 check digit."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]
