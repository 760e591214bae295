"""Helpers the forum tests import by name (`from testkit import ...`).

Not in conftest.py: pytest imports every conftest.py as the module "conftest", so
`from conftest import X` can find tests/translation/conftest.py instead of ours.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
REQUIRE_ALL = os.environ.get("FORUM_REQUIRE_ALL_TESTS") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip where a component is missing; in CI (FORUM_REQUIRE_ALL_TESTS=1) that is a failure."""
    if REQUIRE_ALL:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


class FakeEngine:
    """A translation engine for forum tests: marks text with the target language, counts calls."""

    name = "fake"

    def __init__(self, version: str = "1.0", pairs=None, fail: int = 0, empty: bool = False, hook=None):
        from translation import PairInfo

        langs = ("en", "es", "pt")
        self.version = version
        self._pairs = pairs if pairs is not None else [(s, t) for s in langs for t in langs if s != t]
        self._info = PairInfo
        self.fail = fail          # raise on this many calls (then work); -1 = always
        self.empty = empty
        self.hook = hook          # called with (texts, source, target) before translating
        self.calls: list[tuple[str, str, list[str]]] = []

    def status(self):
        from translation import EngineStatus

        return EngineStatus(self.name, True)

    def pairs(self):
        return [self._info(s, t, self.name, self.version) for s, t in self._pairs]

    def translate(self, texts, source, target):
        self.calls.append((source, target, list(texts)))
        if self.hook:
            self.hook(texts, source, target)
        if self.fail:
            self.fail -= 1 if self.fail > 0 else 0
            raise RuntimeError("engine exploded")
        if self.empty:
            return ["" for _ in texts]
        return [f"[{target}] {t}" for t in texts]

    @property
    def texts_sent(self) -> list[str]:
        return [t for _s, _t, texts in self.calls for t in texts]


class StuckEngine(FakeEngine):
    """FakeEngine, except on text containing "HANG": then a catastrophic regex runs in C code,
    holding the GIL and deaf to signals (as the old code-span pattern did), for good.
    Picklable, so the worker process can be given one."""

    def translate(self, texts, source, target):
        if any("HANG" in t for t in texts):
            import re

            re.match(r"(?:a|aa)+$", "a" * 80 + "b")  # ~1.6**80 steps: it never returns
        return super().translate(texts, source, target)


class GatedEngine(FakeEngine):
    """FakeEngine that, inside each call, writes `started` and waits (at most 60 s) for `gate`
    to exist: a slow engine a test controls across processes."""

    def __init__(self, started: str, gate: str, die_on: str | None = None):
        super().__init__()
        self.started, self.gate, self.die_on = started, gate, die_on

    def translate(self, texts, source, target):
        import time

        if self.die_on and any(self.die_on in t for t in texts):
            os._exit(3)  # the worker process dies mid-job (an OOM kill, a crash in C code)
        Path(self.started).write_text("inside the engine")
        for _ in range(600):
            if Path(self.gate).exists():
                break
            time.sleep(0.1)
        return super().translate(texts, source, target)


def use_engines(app, engines) -> None:
    app.config["TRANSLATION_ENGINES"] = list(engines)
    app.extensions.pop("forum_translator", None)


def _base_config(database_url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ARGOS_DATA_DIR": str(instance / "argos"),
        "SERVER_BASE_URL": "http://forum.test",
        # Tests run translation jobs themselves (forum.jobs.run_pending) with engines they choose.
        "TRANSLATION_WORKER": "off",
        "TRANSLATION_ENGINES": [],
        "TRANSLATION_RETRY_SECONDS": 0,
        # The suites read pages anonymously; members-only reading has its own tests.
        "FORUM_PUBLIC_READ": True,
        "ATTACHMENT_FOLDER": str(instance / "attachments"),
        # No SMTP unless a test starts one (the smtp_server fixture); retries are not waited for.
        "MAIL_SERVER": None,
        "MAIL_RETRY_SECONDS": 0,
    }


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user, password: str = PASSWORD, **kwargs):
        return self.client.post("/login", data={"email": user.email, "password": password}, **kwargs)

    def logout(self):
        return self.client.post("/logout")


def stored_jobs(post_id: int | None = None):
    """Translation jobs as the database has them now (the session's cache dropped first)."""
    from forum.extensions import db
    from forum.models import TranslationJob

    query = db.select(TranslationJob).order_by(TranslationJob.id)
    if post_id is not None:
        query = query.filter_by(post_id=post_id)
    db.session.expire_all()
    return db.session.execute(query).scalars().all()


def stored_translation(post_id: int, language: str):
    """The stored translation of a post into `language`, or None."""
    from forum.extensions import db
    from forum.models import PostTranslation

    db.session.expire_all()
    return db.session.execute(
        db.select(PostTranslation).filter_by(post_id=post_id, language=language)).scalar_one_or_none()


def stored_notifications(user=None, kind=None) -> list:
    """The notifications stored (of one member, of one kind), oldest first, as the database has them."""
    from forum.extensions import db
    from forum.models import Notification

    db.session.expire_all()
    query = db.select(Notification).order_by(Notification.id)
    if user is not None:
        query = query.filter_by(user_id=user.id)
    if kind is not None:
        query = query.filter_by(kind=kind)
    return list(db.session.execute(query).scalars())


# Stamped by every API call, by design: not a change an attempt made.
API_STAMPS = frozenset({("api_tokens", "last_used_at")})


def db_state(volatile=API_STAMPS) -> dict:
    """Every row of every table (minus `volatile` (table, column) pairs, which change by design):
    "nothing changed" means equal."""
    import sqlalchemy as sa

    from forum.extensions import db

    db.session.commit()  # end the test's own transaction so we read what is committed now
    state = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in volatile]
        rows = db.session.execute(sa.select(*columns).order_by(*table.primary_key.columns)).all()
        state[table.name] = [tuple(row) for row in rows]
    db.session.commit()
    return state


class MemberApi:
    """The JSON API as `user`, with a fresh token: api.get("/threads"), api.post(path, json=...)..."""

    def __init__(self, client, user) -> None:
        from forum.tokens import create_token

        self.client = client
        self.headers = {"Authorization": f"Bearer {create_token(user, 'tests')[1]}"}

    def __getattr__(self, method):
        def call(path, **kwargs):
            return getattr(self.client, method)(f"/api/v1{path}", headers=self.headers, **kwargs)
        return call


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a free loopback port, keeping what it accepted.

    `refuse(n)` makes it answer the next n messages with a temporary refusal (451), as a server
    in trouble does; `messages` are parsed (email.policy.default), `envelopes` are the raw ones."""

    def __init__(self) -> None:
        import socket

        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.messages: list = []
        self.envelopes: list = []
        self._refusals = 0
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def refuse(self, count: int, reply: str = "451 4.3.0 Try again later") -> None:
        self._refusals, self._refusal_reply = count, reply

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        if self._refusals:
            self._refusals -= 1
            return self._refusal_reply
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"

    def configure(self, app) -> None:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=self.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                          MAIL_USERNAME=None, MAIL_PASSWORD=None)
