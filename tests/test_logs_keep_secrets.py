"""No secret reaches a log line: real gunicorn, its access log in a file with every atom that can carry
one (request line, path, query, Referer, the Authorization, Cookie and Set-Cookie headers, the WSGI
environ), and requests that carry a bearer token, a session cookie, an invitation link (also as the
Referer of the stylesheet the invitation page loads) and reset-style tokens.

gunicorn passes its atoms as one mapping; a filter that turned it into anything else made every access
line fail, and Python then printed the whole mapping, secrets included, to stderr as a "Logging error".
"""
from __future__ import annotations

import http.client
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from testkit import ROOT, _base_config

# Atoms of gunicorn's access log that can carry a secret, all in one line.
ACCESS_FORMAT = ('%(h)s "%(r)s" %(s)s "%(f)s" U=%(U)s q=%(q)s auth=%({authorization}i)s '
                 'cookie=%({cookie}i)s set-cookie=%({set-cookie}o)s referer=%({referer}i)s '
                 'env-auth=%({http_authorization}e)s env-cookie=%({http_cookie}e)s '
                 'env-uri=%({raw_uri}e)s env-referer=%({http_referer}e)s env-query=%({query_string}e)s')
RESET_IN_PATH = "ReSeTiNpAtH7a8b9c0d"
RESET_IN_QUERY = "QuErYtOkEn1e2f3a4b"
INVITE_IN_NEXT = "NeXtInViTe5c6d7e8f"


def _seed(database_url: str, instance) -> dict:
    """A member with an API token and an open invitation, written before gunicorn starts."""
    from forum import create_app
    from forum.extensions import db
    from forum.invites import create_invite
    from forum.models import City, Role, User
    from forum.tokens import create_token

    app = create_app(_base_config(database_url, instance))
    with app.app_context():
        city = City(name="Curitiba", country="Brazil", default_language="pt")
        member = User(email="log@curitiba.example.org", display_name="Log Member", role=Role.MEMBER,
                      language="pt", city=city)
        member.set_password("correct horse battery")
        db.session.add_all([city, member])
        db.session.commit()
        _row, bearer = create_token(member, "logs")
        _invite, link = create_invite("new@curitiba.example.org", city, Role.MEMBER)
        db.session.remove()
        db.engine.dispose()
    return {"bearer": bearer, "invite": link.rsplit("/", 1)[1]}


@pytest.fixture
def gunicorn(sqlite_template, tmp_path):
    """gunicorn serving wsgi:app on 127.0.0.1 (a port the kernel picks), its access log in a file."""
    database = tmp_path / "forum.db"
    shutil.copyfile(sqlite_template, database)  # the migrations, applied once per session
    secrets = _seed(f"sqlite:///{database}", tmp_path)
    access_log, stderr_path = tmp_path / "access.log", tmp_path / "stderr.log"
    # Only this test's settings: none of the caller's (a Redis, trusted hosts, extra gunicorn arguments).
    ignored = ("REDIS_URL", "FORUM_ENV", "TRUSTED_HOSTS", "SERVER_BASE_URL", "FORUM_PUBLIC_READ", "GUNICORN_CMD_ARGS")
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env.update({"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "gunicorn-log-test",
                "TRANSLATION_WORKER": "off", "ARGOS_DATA_DIR": str(tmp_path / "argos"),
                "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", "127.0.0.1:0", "--workers", "1",
             "--access-logfile", str(access_log), "--access-logformat", ACCESS_FORMAT,
             "--error-logfile", "-", "--log-level", "info"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        port = None
        for _ in range(300):  # gunicorn says where it listens once its worker is up (at most ~30 s)
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", stderr_path.read_text())
            if found and "Booting worker" in stderr_path.read_text():
                port = int(found.group(1))
                break
            if process.poll() is not None:
                break
            time.sleep(0.1)
        assert port, stderr_path.read_text()
        yield {"port": port, "access_log": access_log, "stderr": stderr_path, "process": process, **secrets}
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # graceful: the worker writes its last log lines first
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def _get(port: int, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def test_gunicorn_access_log_keeps_tokens_cookies_and_invitations_out(gunicorn):
    port, invite = gunicorn["port"], gunicorn["invite"]
    invite_url = f"http://127.0.0.1:{port}/invite/{invite}"

    api = _get(port, "/api/v1/categories", {"Authorization": f"Bearer {gunicorn['bearer']}"})
    assert api.status == 200
    login = _get(port, "/login")
    set_cookie = login.getheader("Set-Cookie")
    assert login.status == 200 and set_cookie and set_cookie.startswith("session=")
    session = set_cookie.split(";", 1)[0]
    assert _get(port, "/", {"Cookie": session}).status in (200, 302)
    assert _get(port, f"/invite/{invite}").status == 200
    assert _get(port, "/static/forum.css", {"Referer": invite_url}).status == 200
    _get(port, f"/reset/{RESET_IN_PATH}", {"Referer": f"http://127.0.0.1:{port}/login?token={RESET_IN_QUERY}"})
    _get(port, f"/login?token={RESET_IN_QUERY}&next=%2Finvite%2F{INVITE_IN_NEXT}")
    requests = 7

    process = gunicorn["process"]
    process.send_signal(signal.SIGTERM)  # stop first: every access line is written and flushed
    process.wait(30)
    log = gunicorn["access_log"].read_text()
    stderr = gunicorn["stderr"].read_text()

    secrets = {"bearer token": gunicorn["bearer"], "invitation token": invite,
               "session cookie": session.split("=", 1)[1],
               "Set-Cookie value": set_cookie.split(";", 1)[0].split("=", 1)[1],
               "reset token in a path": RESET_IN_PATH, "token in a query": RESET_IN_QUERY,
               "invitation in ?next=": INVITE_IN_NEXT}
    for what, secret in secrets.items():
        assert secret not in log, f"{what} in the access log:\n{log}"
        assert secret not in stderr, f"{what} on stderr:\n{stderr}"
    assert "Logging error" not in stderr and "Traceback" not in stderr, stderr
    # The lines are still there, one per request, with what is not secret.
    lines = log.splitlines()
    assert len(lines) == requests, log
    assert '"GET /api/v1/categories HTTP/1.1" 200' in lines[0] and "auth=[redacted]" in lines[0]
    assert "set-cookie=[redacted]" in lines[1] and " cookie=[redacted]" in lines[2]
    assert f'"GET /invite/[redacted] HTTP/1.1" 200' in lines[3] and "U=/invite/[redacted]" in lines[3]
    assert '"GET /static/forum.css HTTP/1.1" 200' in lines[4]
    assert f'"http://127.0.0.1:{port}/invite/[redacted]"' in lines[4] and "referer=http" in lines[4]
    assert "/reset/[redacted]" in lines[5] and "token=[redacted]" in lines[5]
    assert "next=%2Finvite%2F[redacted]" in lines[6]


def test_a_mapping_argument_stays_a_mapping(caplog):
    """What gunicorn does, without gunicorn: one mapping as the argument of a %(name)s format."""
    from forum.logging_filters import install

    install()
    logger = logging.getLogger("gunicorn.access")
    atoms = {"r": "GET /invite/SeCrEt-1 HTTP/1.1", "{authorization}i": "Bearer SeCrEt-2", "s": "200"}
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.info("%(r)s %(s)s %({authorization}i)s", atoms)
    assert caplog.records and caplog.records[0].getMessage() == "GET /invite/[redacted] HTTP/1.1 200 [redacted]"
    assert "SeCrEt" not in caplog.text
