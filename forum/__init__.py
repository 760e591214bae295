"""The forum's Flask application factory."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from . import config
from .extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
MAX_ID = 2**31 - 1  # PostgreSQL's integer


class IdConverter(IntegerConverter):
    """<int:...> limited to what an id column can hold: larger ids are a 404, not a database error.
    ASCII digits only: werkzeug's \\d+ also takes "١" or a full-width "１" as the number 1."""

    regex = r"[0-9]+"

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    """config -> extensions -> blueprints -> CLI. Touches no database row."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    # Ids in URLs are database integers: a bigger number names nothing and must not reach SQL.
    app.url_map.converters["int"] = IdConverter
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.settings(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.secret_key(app.instance_path)
    config.check(app.config)

    from .logging_filters import install as keep_secrets_out_of_logs

    keep_secrets_out_of_logs()
    if not app.config.get("MAIL_SERVER"):
        # No SMTP server: emails go to the log (forum/mail/transport.py), so a newcomer sees them.
        import logging

        logging.getLogger("forum.mail").setLevel(logging.INFO)
        app.logger  # noqa: B018  (attaches Flask's stderr handler that "forum.mail" propagates to)
    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import database, i18n, models  # noqa: F401  (models register their tables)

    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")

    if app.config["TRUSTED_PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    @login_manager.user_loader
    def load_user(session_id: str):
        # "<id>:<session_version>": a raised version (logout, password change) ends old sessions.
        from .text import ascii_int

        raw_id, _, raw_version = session_id.partition(":")
        user_id, version = ascii_int(raw_id), ascii_int(raw_version)
        if user_id is None or version is None or user_id > MAX_ID:
            return None
        user = db.session.get(models.User, user_id)
        if user is None or user.session_version != version:
            return None
        return user


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .attachments import bp as attachments_bp
    from .audit import bp as audit_bp
    from .auth import bp as auth_bp
    from .corrections import bp as corrections_bp
    from .errors import register_error_handlers
    from .flags import bp as flags_bp
    from .glossary import bp as glossary_bp
    from .library import bp as library_bp
    from .mail import bp as mail_bp
    from .jobs_board import bp as jobs_board_bp
    from .moderation import bp as moderation_bp
    from .notifications import bp as notifications_bp
    from .questions import bp as questions_bp
    from .people import bp as people_bp
    from .search import bp as search_bp
    from .threads import bp as threads_bp
    from .watching import bp as watching_bp

    app.register_blueprint(threads_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(moderation_bp, url_prefix="/moderation")
    app.register_blueprint(library_bp)
    app.register_blueprint(jobs_board_bp, url_prefix="/jobs")
    app.register_blueprint(questions_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(attachments_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(corrections_bp)
    app.register_blueprint(flags_bp)
    app.register_blueprint(glossary_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(watching_bp)
    register_error_handlers(app)


def register_hooks(app: Flask) -> None:
    from .web import register_web_hooks
    from .workers.embedded import start_with_first_request

    register_web_hooks(app)
    start_with_first_request(app)


def register_cli(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)
