import sqlalchemy as sa

from forum import config, create_app
from forum.extensions import db
from testkit import ROOT


def test_factory_uses_test_config(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "test-secret"


def test_database_url_selects_postgresql(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5432/forum")
    assert config.database_url(str(tmp_path)) == "postgresql+psycopg://u:p@db.example:5432/forum"
    monkeypatch.delenv("DATABASE_URL")
    assert config.database_url(str(tmp_path)) == f"sqlite:///{tmp_path / 'forum.db'}"


def test_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(str(tmp_path))
    assert len(first) > 40 and config.secret_key(str(tmp_path)) == first


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA busy_timeout")).scalar() == 5000


def test_factory_writes_nothing_to_the_database(app_config):
    app = create_app(app_config)
    with app.app_context():
        count = db.session.execute(sa.text("SELECT count(*) FROM users")).scalar()
        assert count == 0
        db.session.remove()
        db.engine.dispose()


def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite(client, member, auth):
    response = auth.login(member)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_generated_secret_key_is_private_and_shared_by_every_process(monkeypatch, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: config.secret_key(str(tmp_path)), range(16)))
    assert len(keys) == 1 and len(keys.pop()) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_web_entry_point_loads_language_detection_before_the_first_post(tmp_path):
    """Its model takes ~0.6 s to load; that must not happen inside a member's first POST."""
    import os
    import subprocess
    import sys

    script = ("import threading, wsgi, translation.detect as d\n"
              "[t.join(60) for t in threading.enumerate() if t.name == 'warm-up-detection']\n"
              "print('loaded' if d._identifier is not None else 'not loaded')\n")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'forum.db'}", "SECRET_KEY": "x",
           "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1:] == ["loaded"], result.stderr[-2000:]
