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
        city = City(name="Curitiba", country="BR", default_language="pt")
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
    # Other spellings of the same links, which reach the same pages.
    assert _get(port, f"/%69nvite/{invite}").status == 200
    assert _get(port, f"/invite%2F{invite}", {"Referer": f"http://127.0.0.1:{port}/%69nvite/{invite}"}).status == 200
    _get(port, f"/login?next=%2F%69nvite%2F{INVITE_IN_NEXT}")
    requests = 10

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
    assert '"GET /%69nvite/[redacted] HTTP/1.1" 200' in lines[7]
    assert '"GET /invite%2F[redacted] HTTP/1.1" 200' in lines[8] and f"127.0.0.1:{port}/%69nvite/[redacted]" in lines[8]
    assert "next=%2F%69nvite%2F[redacted]" in lines[9]


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


def _best_seconds(work, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


SIZE = 64 * 1024


@pytest.mark.parametrize("unit", ["key", "token", "?key", "&token=", "=", "&", "&=", "%", "%25", "%2F", "/",
                                  "/invite/", "%2F%69nvite%2F", "?a=%3Ftoken", "%(", "a?"])
def test_redaction_takes_time_in_proportion_to_the_line(unit):
    """A log line holds what a client sent: 64 KB of a pattern's favourite characters must cost about
    what 64 KB of plain text does (measured now, on this machine), not seconds."""
    from forum.logging_filters import redact

    benign = ("abcdefghij" * SIZE)[:SIZE]
    hostile = (unit * (SIZE // len(unit) + 1))[:SIZE]
    benign_s, hostile_s = _best_seconds(lambda: redact(benign)), _best_seconds(lambda: redact(hostile))
    assert hostile_s <= 20 * benign_s + 0.020, (unit, hostile_s, benign_s)


def test_only_the_atoms_the_access_format_prints_are_read():
    """gunicorn passes every header and environ variable as an atom: 90 headers of 8 KB must not
    cost more than 90 plain ones when the format prints none of them; those it prints are redacted."""
    from gunicorn.glogging import SafeAtoms

    from forum.logging_filters import install

    install()
    logger = logging.getLogger("gunicorn.access")
    fmt = '%(h)s "%(r)s" %(s)s auth=%({Authorization}i)s'

    def atoms(filler: str) -> SafeAtoms:
        headers = {f"{{x-filler-{n}}}i": (filler * 8000)[:8000] for n in range(90)}
        return SafeAtoms({"h": "127.0.0.1", "r": "GET /invite/SeCrEt-1 HTTP/1.1", "s": "200",
                          "{authorization}i": "Bearer SeCrEt-2", **headers})

    plain, hostile = atoms("a"), atoms("key")
    benign_s = _best_seconds(lambda: logger.info(fmt, plain), repeat=1)
    hostile_s = _best_seconds(lambda: logger.info(fmt, hostile), repeat=1)
    assert hostile_s <= 20 * benign_s + 0.020, (hostile_s, benign_s)
    record = logger.makeRecord("gunicorn.access", logging.INFO, __file__, 0, fmt, (atoms("key"),), None)
    assert record.args["{x-absent}i"] == "-"  # still gunicorn's lookup
    assert record.getMessage() == '127.0.0.1 "GET /invite/[redacted] HTTP/1.1" 200 auth=[redacted]'


SPELLED = "SpElLeDtOkEn42"


@pytest.mark.parametrize("line, kept", [
    (f"GET /%69nvite/{SPELLED} HTTP/1.1", "GET /%69nvite/[redacted] HTTP/1.1"),
    (f"GET /invite%2F{SPELLED} HTTP/1.1", "GET /invite%2F[redacted] HTTP/1.1"),
    (f"GET /%49NVITE%2f{SPELLED}?lang=pt HTTP/1.1", "GET /%49NVITE%2f[redacted]?lang=pt HTTP/1.1"),
    (f"http://forum.example/invite//{SPELLED}", "http://forum.example/invite/[redacted]"),
    (f"/login?next=%2F%69nvite%2F{SPELLED}&lang=pt", "/login?next=%2F%69nvite%2F[redacted]&lang=pt"),
    (f"/login?next=%2F%69nvite%2F{SPELLED}%26lang%3Dpt", "/login?next=%2F%69nvite%2F[redacted]%26lang%3Dpt"),
    (f"/login?next=%252F%2569nvite%252F{SPELLED}", "/login?next=%252F%2569nvite%252F[redacted]"),
    (f"/%72eset%2F{SPELLED}", "/%72eset%2F[redacted]"),
    (f"/login?%74oken={SPELLED}&lang=pt", "/login?%74oken=[redacted]&lang=pt"),
    (f"/login?a=b?token={SPELLED}", "/login?a=b?token=[redacted]"),
    (f"/login?next=%2Flogin%3Ftoken%3D{SPELLED}%26lang%3Dpt", "/login?next=%2Flogin%3Ftoken%3D[redacted]%26lang%3Dpt"),
    (f"/login?next=%252Flogin%253Freset_token%253D{SPELLED}", "/login?next=%252Flogin%253Freset_token%253D[redacted]"),
])
def test_invitation_and_reset_links_are_redacted_however_spelled(line, kept):
    """/%69nvite/<token> and /invite%2F<token> reach the invitation page; ?next= encodes it again."""
    from forum.logging_filters import redact

    assert redact(line) == kept


def test_child_loggers_and_tracebacks_are_redacted(caplog):
    """forum.jobs and forum.workers.* log through the root's handlers: a filter on "forum" never
    sees their records. Neither does a traceback go through the message."""
    from forum.logging_filters import install

    install()
    factory = logging.getLogRecordFactory()
    install()
    assert logging.getLogRecordFactory() is factory  # installed once, however many apps are made
    log = logging.getLogger("forum.jobs")
    with caplog.at_level(logging.INFO):
        log.warning("job for %s failed: %r", "/invite/SeCrEt-1", ValueError("/invite/SeCrEt-2"))
        log.info("GET /login?token=%s", "SeCrEt-3")  # the secret's value is a placeholder
        try:
            raise RuntimeError("could not open /invite/SeCrEt-4?token=SeCrEt-5")
        except RuntimeError:
            log.exception("translation worker iteration failed")
    assert "SeCrEt" not in caplog.text, caplog.text
    assert "job for /invite/[redacted] failed: ValueError('/invite/[redacted]')" in caplog.text
    assert "GET /login?token=[redacted]" in caplog.text
    assert "RuntimeError: could not open /invite/[redacted]" in caplog.text
