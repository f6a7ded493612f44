"""enroll — transparent compulsory-education enrollment (义务教育招生入学)."""
from __future__ import annotations

from flask import Flask

from enroll import config as config_module


def create_app(config: dict | None = None) -> Flask:
    """Build the application: the table of contents of the service."""
    from enroll.core.web import EnrollFlask

    app = EnrollFlask(__name__, template_folder="../templates", instance_relative_config=False)
    app.config.update(config_module.from_env())
    if config:
        app.config.update(config)
    config_module.check(app.config)
    # failed statements are logged without their parameters: they may be what a parent typed
    app.config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault("hide_parameters", True)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # a server connection may have been dropped; a local SQLite file cannot be
        app.config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault("pool_pre_ping", True)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # trust exactly that many reverse proxies for the client address written to the audit log
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    register_extensions(app)
    register_errors(app)  # first: it also registers the <id:…> URL converter the blueprints use
    register_blueprints(app)
    register_rate_limits(app)
    register_cli(app)
    register_security_headers(app)
    return app


def register_security_headers(app: Flask) -> None:
    """What a page may load and use (enroll.core.hardening): only this site, and images from the base
    map's tile hosts. Browsers then enforce what the map tests check (nothing else leaves the site)."""
    from enroll.core.hardening import register_security_headers as register
    from enroll.maps.tiles import tile_sources

    register(app, tile_sources)


def register_extensions(app: Flask) -> None:
    from enroll.core.web import CookieSessions, EnrollRequest, OrjsonProvider, select_locale
    from enroll.extensions import MigrationCommands, babel, csrf, db, login_manager

    app.json = OrjsonProvider(app)
    app.session_interface = CookieSessions()
    app.request_class = EnrollRequest
    db.init_app(app)
    app.cli.add_command(MigrationCommands("db", help="Database migrations (Flask-Migrate, Alembic)."))
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(config_module.ROOT / "enroll" / "translations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    _import_models()
    from enroll.accounts.services import use_cheap_hashing

    use_cheap_hashing(bool(app.config.get("TESTING")))

    @login_manager.user_loader
    def load_user(session_id: str):
        from enroll.accounts.services import user_for_session

        return user_for_session(session_id)


def _import_models() -> None:
    """Register every model on the metadata (migrations and create_all need them all)."""
    import enroll.accounts.models  # noqa: F401
    import enroll.disclosure.models  # noqa: F401
    import enroll.districts.models  # noqa: F401
    import enroll.follow.models  # noqa: F401
    import enroll.info_requests.models  # noqa: F401
    import enroll.lookup.models  # noqa: F401
    import enroll.migrant.models  # noqa: F401
    import enroll.policies.models  # noqa: F401
    import enroll.results.models  # noqa: F401
    import enroll.review.models  # noqa: F401
    import enroll.schools.models  # noqa: F401
    import enroll.timeline.models  # noqa: F401
    import enroll.zoning.models  # noqa: F401
    import enroll.core.rate_limits  # noqa: F401
    # the kinds of reviewable content register with enroll.review.content when imported
    import enroll.policies.services  # noqa: F401
    import enroll.schools.profiles  # noqa: F401
    import enroll.timeline.services  # noqa: F401
    import enroll.migrant.services  # noqa: F401
    import enroll.results.lotteries  # noqa: F401
    import enroll.districts.contacts  # noqa: F401
    import enroll.zoning.services  # noqa: F401
    import enroll.info_requests.annual  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from enroll.accounts.views import bp as accounts
    from enroll.api.views import bp as api
    from enroll.ogcapi.views import bp as ogcapi
    from enroll.disclosure.views import bp as calendar_bureau
    from enroll.disclosure.views import public as disclosure
    from enroll.districts.views import bp as public
    from enroll.districts.views import bureau as districts_bureau
    from enroll.feeds.views import bp as feeds
    from enroll.follow.views import bp as follow
    from enroll.lookup.views import bp as lookup
    from enroll.opendata.views import bp as opendata
    from enroll.migrant.views import bp as migrant_bureau
    from enroll.migrant.views import public as migrant
    from enroll.policies.views import bp as policies_bureau
    from enroll.policies.views import public as policies
    from enroll.results.views import bp as results_bureau
    from enroll.results.views import public as results
    from enroll.review.views import bp as review
    from enroll.review.views import heads_bp as audit_heads
    from enroll.review.views import public as history
    from enroll.schools.views import bp as schools_bureau
    from enroll.search.views import bp as search
    from enroll.timeline.views import bp as timeline_bureau
    from enroll.timeline.views import public as timeline
    from enroll.zoning.views import bp as bureau
    from enroll.zoning.consultation_views import bureau as consultations_bureau
    from enroll.zoning.consultation_views import public as consultations
    from enroll.zoning.views import public as zoning
    from enroll.info_requests.report_views import bp as reports
    from enroll.info_requests.views import bureau as info_requests_bureau
    from enroll.info_requests.views import public as info_requests
    from enroll.lookup import index as lookup_index

    lookup_index.init_app(app)  # a request that publishes rebuilds the lookup index before it ends

    app.register_blueprint(public)
    app.register_blueprint(districts_bureau)
    app.register_blueprint(lookup)
    app.register_blueprint(api)
    app.register_blueprint(ogcapi)
    app.register_blueprint(zoning)
    app.register_blueprint(accounts)
    app.register_blueprint(bureau)
    app.register_blueprint(consultations)
    app.register_blueprint(consultations_bureau)
    app.register_blueprint(follow)
    app.register_blueprint(feeds)
    app.register_blueprint(review)
    app.register_blueprint(history)
    app.register_blueprint(audit_heads)
    app.register_blueprint(policies)
    app.register_blueprint(policies_bureau)
    app.register_blueprint(schools_bureau)
    app.register_blueprint(timeline)
    app.register_blueprint(timeline_bureau)
    app.register_blueprint(migrant)
    app.register_blueprint(migrant_bureau)
    app.register_blueprint(disclosure)
    app.register_blueprint(calendar_bureau)
    app.register_blueprint(search)
    app.register_blueprint(results)
    app.register_blueprint(results_bureau)
    app.register_blueprint(opendata)
    app.register_blueprint(reports)
    app.register_blueprint(info_requests)
    app.register_blueprint(info_requests_bureau)


def register_rate_limits(app: Flask) -> None:
    """Per-client limits on sign-in, lookup, search and own-result checks, by endpoint name."""
    from enroll.core import rate_limits

    rate_limits.init_app(app)


def register_errors(app: Flask) -> None:
    from enroll.core.web import (
        IdConverter,
        register_error_handlers,
        register_locale_cookie,
    )

    app.url_map.converters["id"] = IdConverter
    register_error_handlers(app)
    register_locale_cookie(app)


def register_cli(app: Flask) -> None:
    from enroll import audit_cli, cli, content_cli, mail_cli, results_cli, translate_cli

    cli.register(app)
    audit_cli.register(app)
    content_cli.register(app)
    mail_cli.register(app)
    results_cli.register(app)
    translate_cli.register(app)
    from enroll.info_requests import cli as report_cli

    report_cli.register(app)
    from enroll.info_requests import commands as request_cli

    request_cli.register(app)
