"""Shared fixtures: an app on a migrated SQLite file (default) or a real PostGIS database."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from enroll.extensions import db as _db
from policy_data import document, interpretation
from support import DEMO, PASSWORD, create_pg_database, drop_pg_database, make_app, migrate


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    migrate(make_app(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def pg_url():
    url = create_pg_database()
    migrate(make_app(url))
    yield url
    drop_pg_database(url)


@pytest.fixture
def app(request, tmp_path, sqlite_template):
    kind = getattr(request, "param", "sqlite")
    if kind == "postgis":
        url = request.getfixturevalue("pg_url")
    else:
        path = tmp_path / "enroll.sqlite3"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    app = make_app(url)
    with app.app_context():
        yield app
        _db.session.remove()
        if kind == "postgis":
            tables = ", ".join(t.name for t in reversed(_db.metadata.sorted_tables))
            with _db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def admin(app):
    from enroll.accounts.services import create_user

    return create_user(None, "admin", "city_admin", PASSWORD)


@pytest.fixture
def district(app, admin):
    """The demo district with its boundary and schools, no zoning yet."""
    from enroll.districts.services import create_district
    from enroll.schools.services import import_schools

    district = create_district(admin, "990101", "青溪区", boundary_path=DEMO / "boundary.geojson")
    import_schools(admin, "990101", DEMO / "schools.csv")
    return district


@pytest.fixture
def make_user(app, admin):
    from enroll.accounts.services import create_user

    def make(username: str, role: str, district_code: str | None = "990101", school_id: int | None = None):
        """A user; a school editor gets ``school_id`` or else the district's first school."""
        if role == "school_editor" and school_id is None:
            from enroll.districts.services import get_district
            from enroll.schools.services import schools_of

            school_id = schools_of(get_district(district_code).id)[0].id
        return create_user(admin, username, role, PASSWORD, district_code=district_code, school_id=school_id)
    return make


@pytest.fixture
def editor(district, make_user):
    return make_user("editor", "district_editor")


@pytest.fixture
def reviewer(district, make_user):
    return make_user("reviewer", "district_reviewer")


@pytest.fixture
def login(client):
    """Sign the test client in as a user (through the real login form)."""
    def sign_in(user):
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return sign_in


@pytest.fixture
def publish(editor, reviewer):
    """Draft, submit and approve a document; returns its id."""
    from enroll.policies import services
    from enroll.review import content

    def run(data=None, *, with_interpretation=False) -> int:
        revision = services.save_document(editor, "990101", data or document())
        if with_interpretation:
            ri = services.save_interpretation(editor, revision.object_id, interpretation())
            content.submit_revision(editor, ri.id)
        content.submit_revision(editor, revision.id)
        content.approve_revision(reviewer, revision.id)
        return revision.object_id
    return run


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, sqlite_template) -> Path:
    """A SQLite file with the demo district loaded, built once per test process (loading it takes
    seconds): published plans with 划片 text, the gazetteer, policies, results and a lottery."""
    from enroll.demo import load_demo

    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        load_demo()
        _db.session.remove()
        _db.engine.dispose()  # every connection closed: the file holds everything
    return path


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, demo_template):
    """The demo district, a copy of its own per module."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copy(demo_template, path)
    return make_app(f"sqlite:///{path}")


@pytest.fixture
def demo(demo_app):
    with demo_app.app_context():
        yield demo_app
