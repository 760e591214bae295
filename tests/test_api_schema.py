"""schemathesis against the API on a live server, with every check it has: no server error, every
response matches /api/v1/openapi.json (status codes, content types, headers, bodies), what the document
allows is accepted and what it forbids refused, methods it does not declare get a 405 with Allow,
authentication is never ignored and a deleted resource is gone.

The server is a real werkzeug server on 127.0.0.1 (port 0, threaded) serving an app on a copy of
the migrated SQLite template, seeded with a member, a few threads (one translated, one with a
deleted reply) and an API token. schemathesis runs as a subprocess with its own CLI, only against
127.0.0.1: proxies point at a closed local port so any other address would fail instead of
leaving the machine, and it keeps no example database (nothing written outside tmp_path).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from testkit import FakeEngine, _base_config, skip_or_fail, use_engines

MAX_EXAMPLES = 15   # per operation and phase: with every check on, the run stays well under two minutes on 2 cores
TIMEOUT = 300       # a hung run fails the test instead of hanging CI
# Rules the document states in words because JSON Schema cannot: only a thread's first post has a
# title, so a schema-valid title sent for a reply gets the documented 422 (schemathesis' own advice for
# a rejection the schema cannot express: allow that status for that operation only); the same for a job's.
# Likewise only a reply in a question can be accepted (422 for the question itself or another category's
# post), and only a deleted post can be restored (409), by whom the undo rules say (403).
CONFIG = """
[[operations]]
include-operation-id = "editPost"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]

# A job description's rules that JSON Schema cannot state (documented in the operation): a closing
# date from today on, salary_min not above salary_max, a currency with an amount, apply_to an
# http(s) link or an e-mail address, city_id an existing city.
[[operations]]
include-operation-id = "createJob"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]

# A correction: not into the post's own language, a title only for a first post (422, documented).
[[operations]]
include-operation-id = "correctTranslation"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]

[[operations]]
include-operation-id = "acceptAnswer"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "422", "429", "5xx"]

[[operations]]
include-operation-id = "restorePost"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]

# A member flags a post once (409 for a second flag), not their own for a content reason (403), with a
# note for "other" and a language other than the post's own for "translation" (422): rules in words.
[[operations]]
include-operation-id = "flagPost"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]

# A display name another member has (or one that looks the same) is refused with a 422: a rule in words.
[[operations]]
include-operation-id = "updateMe"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "422", "429"]

# A file's type is read from its bytes, which a schema cannot describe: schema-valid random bytes are
# refused with the documented 415 (or 422 when empty).
[[operations]]
include-operation-id = "uploadAttachment"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "413", "415", "422", "429"]
"""


def _schemathesis() -> list[str]:
    script = Path(sys.executable).with_name("schemathesis")
    if script.exists():
        return [str(script)]
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        skip_or_fail("schemathesis is not installed (pip install -r requirements-dev.txt)")
    return [sys.executable, "-m", "schemathesis.cli"]


def _seed(app) -> str:
    """A member with a token, threads in two languages, a translation, an edit and a deleted reply."""
    from forum import jobs
    from forum.extensions import db
    from forum.models import Category, City, Role, User
    from forum.threads import services
    from forum.tokens import create_token

    with app.app_context():
        city = City(name="Rosario", country="AR", default_language="es")
        member = User(email="fuzz@rosario.example.org", display_name="Fuzz <b>Member</b>", role=Role.MEMBER,
                      language="es", city=city)
        member.set_password("correct horse battery")
        other = User(email="other@rosario.example.org", display_name="Other", role=Role.MEMBER,
                     language="pt", city=city)
        other.set_password("correct horse battery")
        db.session.add_all([city, member, other])
        db.session.commit()
        questions = db.session.execute(db.select(Category).filter_by(slug="questions")).scalar_one()
        general = db.session.execute(db.select(Category).filter_by(slug="general")).scalar_one()
        first = services.create_thread(questions, member, "¿Cómo reducen las fugas de agua?",
                                       "Perdemos **30%** del agua. `q=agua` [mapa](https://example.org)", "es")
        services.add_reply(first, other, "Nós usamos sensores acústicos.", "pt")
        gone = services.add_reply(first, other, "Texto que foi apagado.", "pt")
        services.delete_post(gone)
        second = services.create_thread(general, other, "Budget templates", "Here is ours:\n\n| a | b |\n|---|---|\n"
                                        "| 1 | 2 |", "en")
        services.edit_post(second.posts[0], other, "Here is ours, updated.", "en", title="Budget templates 2026")
        # A library entry (translated) and one on a thread with no city, so /best-practices has content.
        from forum.library import services as library
        from forum.models import LibraryTopic

        library.promote(first, member, "Sectores con macromedición: pérdidas del 38 % al 26 %.", "es",
                        LibraryTopic.WATER, city.id)
        library.promote(second, member, "=A budget template, shared.", "en", LibraryTopic.BUDGETING, None)
        from datetime import timedelta

        from forum.jobs_board import services as job_services
        from forum.jobs_board.validation import today
        from forum.models import EmploymentType

        job_services.create_job(member, "Analista de datos", "Buscamos analista.", "es", job_services.JobFields(
            city_id=city.id, employment_type=EmploymentType.CONTRACT, closes_on=today() + timedelta(days=30),
            apply_to="rh@rosario.example.org", department="Innovación", salary_min=1000, salary_currency="ARS"))
        use_engines(app, [FakeEngine()])
        jobs.run_pending()
        _row, token = create_token(member, "schemathesis")
        db.session.remove()
    return token


class _QuietHandler(WSGIRequestHandler):
    """Thousands of fuzzed requests: keep the access log out of the test report."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def live_api(sqlite_template, tmp_path):
    from forum import create_app
    from forum.extensions import db

    path = tmp_path / "forum.db"
    shutil.copyfile(sqlite_template, path)
    config = _base_config(f"sqlite:///{path}", tmp_path)
    # Limits on (their headers and 429s are part of the contract) but far above what the run sends.
    many = "100000 per minute"
    config.update({"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": many, "POST_RATE_LIMIT": many,
                   "EDIT_RATE_LIMIT": many, "FLAG_RATE_LIMIT": many, "API_AUTH_FAILURE_RATE_LIMIT": many, "PROPAGATE_EXCEPTIONS": False})
    app = create_app(config)
    token = _seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    base = f"http://127.0.0.1:{server.server_port}"
    # The document's server URL (where schemathesis sends its requests) is the configured address.
    app.config["SERVER_BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, token
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def test_the_api_conforms_to_its_openapi_document(live_api, tmp_path):
    base, token = live_api
    closed = "http://127.0.0.1:9"  # nothing listens on the discard port: a stray request fails fast
    env = {**os.environ, "http_proxy": closed, "https_proxy": closed, "HTTP_PROXY": closed, "HTTPS_PROXY": closed,
           "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1", "SCHEMATHESIS_TELEMETRY": "false",
           "NO_COLOR": "1", "COLUMNS": "200"}
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    # Every check schemathesis has, among them undeclared methods (405 with Allow), positive data
    # accepted, negative data refused, authentication not ignored and deleted resources gone.
    command = [*_schemathesis(), "--config-file", str(config), "run", f"{base}/api/v1/openapi.json",
               "--checks", "all",
               "-H", f"Authorization: Bearer {token}",
               "--max-examples", str(MAX_EXAMPLES), "--seed", "20261126",
               "--workers", "1", "--generation-database", "none", "--request-timeout", "20",
               "--no-color"]
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # A pattern schemathesis cannot compile is dropped with only a warning, and the text rules behind it
    # go untested.
    assert "Unsupported regex" not in output, output
    # It really tested the API: every documented operation ran (schemathesis leaves out the document's own
    # route) and requests were generated; a run that only fetched the schema would also exit 0.
    with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=10) as response:
        document = json.load(response)
    operations = sum(len(methods) for methods in document["paths"].values())
    selected = re.search(r"Selected:\s+(\d+)/(\d+)", output)
    tested = re.search(r"Tested:\s+(\d+)", output)
    assert selected and tested, output
    assert int(selected.group(1)) == int(selected.group(2)) == int(tested.group(1)) >= operations - 1, output
    generated = re.search(r"(\d+) generated", output)
    assert generated and int(generated.group(1)) >= 100, output
