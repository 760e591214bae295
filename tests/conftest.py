"""Shared fixtures: an app on a migrated database (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), its client and CLI runner, and factories for members."""
from __future__ import annotations

import itertools
import os
import shutil
import sys
from pathlib import Path

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from testkit import (  # noqa: E402,F401
    PASSWORD, REQUIRE_ALL, Auth, FakeEngine, _base_config, skip_or_fail, use_engines)


def _migrate(database_url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    from forum import create_app
    from forum.extensions import db

    app = create_app(_base_config(database_url, instance))
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One migrated SQLite file, copied for each test: fresh and fast."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    _migrate(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        skip_or_fail("TEST_DATABASE_URL is not set (PostgreSQL tests)")
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    _migrate(url, tmp_path_factory.mktemp("pg"))
    return url


def _truncate_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        tables = [row[0] for row in conn.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename NOT IN ('alembic_version', 'categories')"))]
        if tables:
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "forum.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    _truncate_postgres(url)
    return url


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """Override keys in a test module with its own `app_config` fixture."""
    return _base_config(database_url, tmp_path)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    The `app` fixture keeps an app context open so tests can use db.session; without
    this, requests would reuse it and share `g` (the cached locale, the logged-in user)."""

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


@pytest.fixture
def app(app_config, request):
    from forum import create_app
    from forum.extensions import db

    config = dict(app_config)
    if request.node.get_closest_marker("csrf"):
        config["WTF_CSRF_ENABLED"] = True
    if request.node.get_closest_marker("ratelimit"):
        config["RATELIMIT_ENABLED"] = True
    app = create_app(config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        if config.get("RATELIMIT_ENABLED"):
            # The limiter is one object for the whole test process: each test starts with every
            # budget full (keys such as user:1 repeat between tests), on its main storage (an
            # earlier test that made Redis unreachable leaves it on the in-memory fallback).
            from forum.extensions import limiter

            limiter._storage_dead = False
            limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(app_config):
    """A second app on the same database with other settings (e.g. limiter storage, proxies)."""
    from forum import create_app
    from forum.extensions import db

    made = []

    def make(**overrides):
        other = create_app({**app_config, **overrides})
        other.test_client_class = IsolatedClient
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


@pytest.fixture
def make_city(app):
    from forum.extensions import db
    from forum.models import City

    def make(name: str | None = None, country: str = "MX", language: str = "es") -> City:
        city = City(name=name or f"City {next(_counter)}", country=country, default_language=language)
        db.session.add(city)
        db.session.commit()
        return city

    return make


@pytest.fixture
def make_user(app, make_city):
    from forum.extensions import db
    from forum.models import Role, User

    def make(role: str = "member", language: str = "en", name: str | None = None, city=None,
             email: str | None = None, suspended: bool = False) -> User:
        n = next(_counter)
        user = User(email=email or f"user{n}@city{n}.example.org", display_name=name or f"Member {n}",
                    role=Role(role), language=language, city=city or make_city(), suspended=suspended)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def password() -> str:
    """The password every factory-made member has."""
    return PASSWORD


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


@pytest.fixture
def member(make_user):
    return make_user(role="member", language="en", name="Ana Member")


@pytest.fixture
def admin(make_user):
    return make_user(role="admin", language="en", name="Ada Admin")


@pytest.fixture
def category(app):
    from forum.extensions import db
    from forum.models import Category

    return db.session.execute(db.select(Category).filter_by(slug="questions")).scalar_one()


@pytest.fixture
def make_thread(app, category):
    from forum.threads import services

    def make(author, title: str = "How do you fix leaks?", body: str = "We lose **30%** of our water.",
             language: str = "en", replies: int = 0, cat=None):
        thread = services.create_thread(cat or category, author, title, body, language)
        for i in range(replies):
            services.add_reply(thread, author, f"Reply number {i}", language)
        return thread

    return make


def pytest_configure(config):
    config.addinivalue_line("markers", "csrf: run with CSRF protection on")
    config.addinivalue_line("markers", "ratelimit: run with rate limits on")
    config.addinivalue_line("markers", "redis: needs TEST_REDIS_URL (RQ on Redis)")


@pytest.fixture
def engine(app) -> FakeEngine:
    """Install a FakeEngine as the forum's only translation engine."""
    fake = FakeEngine()
    use_engines(app, [fake])
    return fake


@pytest.fixture
def set_engines(app):
    return lambda engines: use_engines(app, engines)


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        skip_or_fail("TEST_REDIS_URL is not set (RQ tests need Redis)")
    from redis import Redis

    connection = Redis.from_url(url)
    connection.flushdb()
    yield url
    connection.flushdb()
    connection.close()


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on loopback, and the app sending to it."""
    from testkit import SmtpServer

    server = SmtpServer()
    server.controller.start()
    server.configure(app)
    yield server
    server.controller.stop()
