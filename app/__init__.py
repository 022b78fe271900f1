"""Concours: the contest judging workflow engine (Flask application factory)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import Config, config_from_env
from workflows.duplicates import Shared
from workflows.states import NationalStage, RegionStage, State

# Primary keys are PostgreSQL ``integer`` columns; a bigger id in a URL names nothing.
MAX_DATABASE_INTEGER = 2**31 - 1


class DatabaseIntegerConverter(IntegerConverter):
    """``<int:...>`` bounded to the database's integer range: a bigger number is a 404 like any
    unknown id, instead of an overflow in the database driver (a 500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_DATABASE_INTEGER, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(config_class: type[Config] | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    config_class = config_class or config_from_env()
    config_class.prepare()
    app = Flask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    app.config.from_object(config_class)
    app.config.update(overrides or {})
    app.url_map.converters["int"] = DatabaseIntegerConverter  # before any route is added
    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)

    trusted_proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)

    from app.clock import SystemClock

    app.extensions["clock"] = app.config.get("CLOCK") or SystemClock()

    _init_extensions(app)
    _register_blueprints(app)

    from app import cli, endings, errors, headers, i18n, policy, tasks, workspaces
    from app.access import enforce_access, public
    from app.request import ConcoursRequest

    app.request_class = ConcoursRequest
    app.before_request(enforce_access)
    # Templates compare states and stages with the enums, never with their stored strings.
    app.jinja_env.globals.update(State=State, RegionStage=RegionStage, NationalStage=NationalStage, Shared=Shared)
    app.view_functions["static"] = public(app.view_functions["static"])
    endings.register(app)
    policy.register(app)
    errors.register(app)
    headers.register(app)
    i18n.register(app)
    workspaces.register(app)
    cli.register(app)
    tasks.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every table is known to Alembic and create_all)
    from app.database import configure_engine_events
    from app.extensions import babel, cache, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        configure_engine_events(db.engine)
    # Batch mode lets later migrations alter SQLite tables (it has no ALTER COLUMN).
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    cache.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.localize_callback = str  # said in the request's language, flashed as a plain string
    login_manager.login_message_category = "info"
    from app.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)


def _register_blueprints(app: Flask) -> None:
    from app.admin.routes import bp as admin
    from app.attachments.routes import bp as attachments
    from app.auth.routes import bp as auth
    from app.candidatures.routes import bp as candidatures
    from app.emailed.routes import bp as emailed
    from app.exports.routes import bp as exports
    from app.jury.routes import bp as jury
    from app.main.routes import bp as main
    from app.mfa.routes import bp as mfa
    from app.national.results import bp as results
    from app.national.routes import bp as national
    from app.privacy.routes import bp as privacy
    from app.regional.assignment import bp as assignment
    from app.regional.routes import bp as regional
    from app.selection.routes import bp as selection
    from app.synthesis.routes import bp as synthesis

    for blueprint in (main, auth, mfa, candidatures, attachments, regional, emailed, assignment, jury, selection,
                      national, results, exports, privacy, admin, synthesis):
        app.register_blueprint(blueprint)
