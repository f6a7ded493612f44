"""Configuration from the environment, and the base-map presets on the public map page."""
from __future__ import annotations

import json

import pytest

from support import make_app
from enroll.config import ConfigError


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("ENROLL_SECRET_KEY", raising=False)
    monkeypatch.setenv("ENROLL_ENV", "production")
    from enroll import create_app

    with pytest.raises(ConfigError, match="ENROLL_SECRET_KEY"):
        create_app()


def test_production_refuses_to_start_without_an_audit_key(monkeypatch):
    monkeypatch.setenv("ENROLL_SECRET_KEY", "s")
    monkeypatch.delenv("ENROLL_AUDIT_KEY", raising=False)
    monkeypatch.setenv("ENROLL_ENV", "production")
    from enroll import create_app

    with pytest.raises(ConfigError, match="ENROLL_AUDIT_KEY"):
        create_app()


@pytest.mark.parametrize("env, message", [
    ({"ENROLL_MAP_TILES": "google"}, "ENROLL_MAP_TILES"),
    ({"ENROLL_MAP_TILES": "tianditu"}, "ENROLL_TIANDITU_KEY"),
    ({"ENROLL_ZONE_LOCATOR": "redis"}, "ENROLL_ZONE_LOCATOR"),
    ({"ENROLL_ZONE_LOCATOR": "postgis", "ENROLL_DATABASE_URL": "sqlite:///x.sqlite3"}, "PostgreSQL"),
])
def test_unusable_tile_settings_fail_at_start(monkeypatch, env, message):
    monkeypatch.setenv("ENROLL_SECRET_KEY", "s")
    monkeypatch.setenv("ENROLL_AUDIT_KEY", "a")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from enroll import create_app

    with pytest.raises(ConfigError, match=message):
        create_app()


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ENROLL_SECRET_KEY", "s")
    monkeypatch.setenv("ENROLL_AUDIT_KEY", "a")
    monkeypatch.setenv("ENROLL_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    from enroll import create_app

    assert create_app().config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite3")


def published_page(app_config, demo_template, tmp_path):
    import shutil

    tmp_path.mkdir(exist_ok=True)
    shutil.copy(demo_template, tmp_path / "t.sqlite3")
    app = make_app(f"sqlite:///{tmp_path}/t.sqlite3", **app_config)
    with app.app_context():
        return app.test_client().get("/d/990101/2026/primary/").get_data(as_text=True)


def test_tianditu_tiles_carry_the_key_and_show_the_approval_number(demo_template, tmp_path):
    page = published_page({"MAP_TILES": "tianditu", "TIANDITU_KEY": "abc123", "TIANDITU_APPROVAL": "GS(2099)0000号"},
                          demo_template, tmp_path)
    for layer in ("vec", "cva", "img", "cia"):  # vector and imagery, each with its annotation layer
        assert f"tianditu.gov.cn/{layer}_w/wmts" in page
    assert "tk=abc123" in page and "GS(2099)0000号" in page
    assert json.dumps("影像地图") in page  # the switch's name, in the map script


def test_osm_and_none_presets(demo_template, tmp_path):
    osm = published_page({"MAP_TILES": "osm"}, demo_template, tmp_path / "a")
    assert "tile.openstreetmap.org" in osm
    none = published_page({"MAP_TILES": "none"}, demo_template, tmp_path / "b")
    assert "tile.openstreetmap.org" not in none and "tianditu" not in none and "L.tileLayer" not in none


@pytest.mark.parametrize("preset, tile_host", [("tianditu", "https://*.tianditu.gov.cn"),
                                                ("osm", "https://tile.openstreetmap.org"), ("none", None)])
def test_pages_may_load_only_from_the_site_and_the_tile_host(sqlite_template, tmp_path, preset, tile_host):
    settings = {"MAP_TILES": preset, "TIANDITU_KEY": "k", "TIANDITU_APPROVAL": "GS(2099)0000号"}
    app = make_app(f"sqlite:///{sqlite_template}", **settings)
    response = app.test_client().get("/")
    policy = dict(part.split(" ", 1) for part in response.headers["Content-Security-Policy"].split("; "))
    assert policy["default-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert policy["img-src"] == " ".join(filter(None, ["'self' data:", tile_host]))
    assert response.headers["Referrer-Policy"] == "same-origin"  # a lookup's address never goes to the tile host


def test_audit_records_the_client_address_behind_a_trusted_proxy(sqlite_template, tmp_path):
    import io
    import shutil

    from enroll.accounts.services import create_user
    from enroll.districts.services import create_district
    from enroll.extensions import db
    from enroll.review.models import AuditEvent

    shutil.copy(sqlite_template, tmp_path / "p.sqlite3")
    app = make_app(f"sqlite:///{tmp_path}/p.sqlite3", PROXY_COUNT=1)
    with app.app_context():
        admin = create_user(None, "admin", "city_admin", "correct-horse-battery")
        create_district(admin, "990101", "青溪区")
    client = app.test_client()
    proxied = {"headers": {"X-Forwarded-For": "203.0.113.7"}, "environ_base": {"REMOTE_ADDR": "127.0.0.1"}}
    client.post("/login", data={"username": "admin", "password": "correct-horse-battery"}, **proxied)
    client.post("/bureau/d/990101/upload", content_type="multipart/form-data", **proxied, data={
        "year": "2026", "stage": "primary", "file": (io.BytesIO(b"{}"), "z.geojson")})
    with app.app_context():
        event = db.session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
        assert event.action == "zoning.import_refused" and event.ip == "203.0.113.7"


@pytest.mark.parametrize("value", ["02-30", "04-31", "02-29", "3-1", "spring"])
def test_a_season_start_that_is_not_a_day_of_every_year_fails_at_start(monkeypatch, value):
    monkeypatch.setenv("ENROLL_SEASON_START", value)
    from enroll import create_app

    with pytest.raises(ConfigError, match="ENROLL_SEASON_START"):
        create_app({"TESTING": True})
