"""Fixtures: the demo district with drafts (ogc_helpers.add_drafts), in process and behind a real server."""
from __future__ import annotations

import shutil
import threading

import pytest
from ogc_helpers import add_drafts
from support import make_app
from werkzeug.serving import make_server


@pytest.fixture(scope="module")
def ogc_app(demo_app):
    add_drafts(demo_app)
    return demo_app


@pytest.fixture
def ogc(ogc_app):
    with ogc_app.app_context():
        yield ogc_app.test_client()


@pytest.fixture(scope="module")
def ogc_server(tmp_path_factory, demo_template):
    """The demo with its drafts behind a real HTTP server: (its base URL, the app)."""
    path = tmp_path_factory.mktemp("ogc-live") / "enroll.sqlite3"
    shutil.copy(demo_template, path)
    app = make_app(f"sqlite:///{path}", SERVER_NAME=None)
    add_drafts(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
