"""Unbound Flask extensions; ``create_app`` binds them (Flask-Migrate only when migrations are used)."""
import click
from flask import Flask, current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from enroll.core.db import Base

db = SQLAlchemy(model_class=Base)
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()


def audit_key() -> bytes:
    """``ENROLL_AUDIT_KEY`` of the app in context: every service writes the audit log through ``db``, so the
    key comes from where ``db`` does rather than through each service's arguments."""
    return current_app.config["AUDIT_KEY"].encode()


def bind_migrations(app: Flask) -> None:
    """Bind Flask-Migrate to ``app``, once: before ``flask_migrate.upgrade()`` and the ``flask db`` commands.

    Not in ``create_app``: Flask-Migrate imports Alembic, a fifth of every ``flask`` command's start-up.
    """
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        from enroll.config import ROOT

        Migrate(app, db, directory=str(ROOT / "migrations"))


class MigrationCommands(click.Group):
    """``flask db``: stands for Flask-Migrate's command group, loaded (with Alembic) when it is run."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        from flask.cli import ScriptInfo
        from flask_migrate.cli import db as group

        bind_migrations(parent.ensure_object(ScriptInfo).load_app())
        return group.make_context(info_name, args, parent=parent, **extra)
