"""The demo district loaded once per module: published plans with 划片 text and the gazetteer."""
from __future__ import annotations

import shutil

import pytest

from support import make_app


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, sqlite_template):
    from enroll.demo import load_demo
    from enroll.extensions import db

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        load_demo()
        db.session.remove()
    return app


@pytest.fixture
def demo(demo_app):
    with demo_app.app_context():
        yield demo_app
