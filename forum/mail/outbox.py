"""The email outbox: queue (in the event's transaction), claim, compose, send, retry.

Like translation jobs (forum/jobs.py) the row is the truth. A worker claims a due email with a
conditional UPDATE and a lease, composes it at that moment (in the recipient's language, with
what the database says now), hands it to SMTP and marks it sent. A worker that dies before the
server accepted the message leaves a lease that runs out: the sweeper puts it back, it is sent
once. An SMTP outage or a "try later" spends an attempt and waits (backoff doubling each time);
when every attempt is spent the email is failed, for admins to see and retry.

The one window no outbox can close (RFC 1047): the server accepted the message and the worker
died before recording it. Each email has one Message-ID, the same on every attempt, so a
receiving server or client can tell a repeat from a new email.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta, timezone
from email import policy as email_policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Callable

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import and_, update

from ..extensions import db
from ..models import Email, EmailStatus, User, utcnow
from . import transport

log = logging.getLogger("forum.mail")


@dataclass
class Composed:
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # e.g. List-Unsubscribe
    secret: bool = False  # the payload holds a secret link: emptied once sent


class Postpone(Exception):
    """Not yet (a notification waiting for its translation): try again in `seconds`, no attempt spent."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class Cancel(Exception):
    """Nothing to send any more (the post was hidden or deleted, the member unsubscribed)."""


Composer = Callable[[Email, dict], Composed]
_COMPOSERS: dict[str, Composer] = {}
# Kinds whose payload holds a secret link: emptied also when the email is cancelled or fails for good
# (an admin's retry then cancels it: the member asks again), not only once sent (Composed.secret).
_SECRET_KINDS: set[str] = set()
_EMPTY = "{}"


def composer(kind: str, secret: bool = False) -> Callable[[Composer], Composer]:
    """Register what an email of `kind` says: fn(email_row, payload) -> Composed, run inside
    force_locale(email.language); it may raise Postpone or Cancel. `secret`: its payload holds a
    secret (a link's token), never kept once the email is sent, cancelled or failed."""
    assert len(kind) <= 20

    def register(fn: Composer) -> Composer:
        _COMPOSERS[kind] = fn
        if secret:
            _SECRET_KINDS.add(kind)
        return fn

    return register


def queue_email(kind: str, to: User | str, payload: dict | None = None, language: str | None = None) -> Email:
    """Add an email to the outbox (caller commits; then call `dispatch([email.id])`).

    `to`: a member (their address and language) or an address (then `language` is required)."""
    if isinstance(to, User):
        address, user_id, language = to.email, to.id, language or to.language
    else:
        address, user_id = to, None
    assert language, "an email to an address needs its language"
    email = Email(kind=kind, user_id=user_id, to_address=address, language=language,
                  payload=json.dumps(payload or {}), status=EmailStatus.PENDING, next_attempt_at=utcnow(),
                  created_at=utcnow())
    db.session.add(email)
    db.session.flush()
    return email


def dispatch(email_ids) -> None:
    """Wake a worker for committed emails (the translation worker's wake-up). Never raises."""
    from .. import jobs

    ids = list(email_ids)
    if not ids:
        return
    try:
        if jobs.worker_mode(current_app) == "process":
            from ..workers.wakeup import wake

            wake(current_app.config["SQLALCHEMY_DATABASE_URI"])
        # (RQ: see the mail feature's worker wiring)
    except Exception:  # the sweeper and the poll are the safety net
        log.warning("could not wake the worker for emails %s", ids, exc_info=True)


def claim(email_id: int | None = None) -> Email | None:
    """Take one due pending email (or the given one), exclusively, with a lease."""
    now = utcnow()
    query = db.select(Email.id).where(Email.status == EmailStatus.PENDING, Email.next_attempt_at <= now)
    if email_id is not None:
        query = query.where(Email.id == email_id)
    candidates = db.session.execute(query.order_by(Email.id).limit(5).with_for_update(skip_locked=True)
                                    ).scalars().all()
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    for candidate in candidates:
        if db.session.execute(
                update(Email).where(Email.id == candidate, Email.status == EmailStatus.PENDING)
                .values(status=EmailStatus.SENDING, lease_until=now + lease, attempts=Email.attempts + 1)
        ).rowcount == 1:
            db.session.commit()
            return db.session.get(Email, candidate)
    db.session.commit()
    return None


def deliver(email: Email) -> EmailStatus:
    """Compose and send one claimed email; record what happened."""
    email_id, kind = email.id, email.kind
    secret = kind in _SECRET_KINDS
    payload = json.loads(email.payload or "{}")
    compose = _COMPOSERS.get(email.kind)
    try:
        if compose is None:
            raise Cancel(f"no composer for {email.kind!r}")
        with force_locale(email.language):
            composed = compose(email, payload)
        message = build_message(email, composed)
    except Postpone as wait:
        db.session.rollback()
        _update_owned(email_id, status=EmailStatus.PENDING, lease_until=None, attempts=Email.attempts - 1,
                      next_attempt_at=utcnow() + timedelta(seconds=wait.seconds))
        return EmailStatus.PENDING
    except Cancel as reason:
        db.session.rollback()
        _update_owned(email_id, status=EmailStatus.CANCELLED, lease_until=None, last_error=str(reason)[:500],
                      **_forget(secret))
        return EmailStatus.CANCELLED
    except Exception as exc:
        # A bug in a composer, or a header no message may carry (a line break in a subject): an
        # attempt spent, the email failed when all are, and the worker's round goes on with the
        # others. The exception's text may quote the payload: for a secret kind, only its type.
        db.session.rollback()
        log.warning("email %s (%s) could not be composed: %s", email_id, kind, type(exc).__name__,
                    exc_info=not secret)
        return _retry_or_fail(email_id, f"composing failed: {type(exc).__name__}", secret)
    db.session.commit()  # no transaction (no SQLite lock) held while talking to the server
    try:
        transport.send(message)
    except transport.PermanentFailure as exc:
        log.warning("email %s refused for good: %s", email_id, exc)
        _update_owned(email_id, status=EmailStatus.FAILED, lease_until=None, last_error=str(exc)[:2000],
                      **_forget(secret))
        return EmailStatus.FAILED
    except transport.TemporaryFailure as exc:
        log.warning("email %s not sent yet: %s", email_id, exc)
        return _retry_or_fail(email_id, str(exc), secret)
    except Exception as exc:  # anything else smtplib may raise (e.g. an address it cannot encode)
        db.session.rollback()
        log.warning("email %s not sent: %s", email_id, type(exc).__name__, exc_info=True)
        return _retry_or_fail(email_id, f"sending failed: {type(exc).__name__}", secret)
    values = {"status": EmailStatus.SENT, "sent_at": utcnow(), "lease_until": None, "last_error": None,
              "message_id": message["Message-ID"]}
    if composed.secret:
        values["payload"] = "{}"
    _update_owned(email_id, **values)
    return EmailStatus.SENT


# Headers set raw (below) are written as they are, not refolded; every other header is folded as usual.
POLICY = email_policy.default.clone(refold_source="none")


def build_message(email: Email, composed: Composed) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = email.to_address
    subject = composed.subject
    if not subject.isascii() and "\r" not in subject and "\n" not in subject:
        # Encoded by hand: the default policy's folding of a long non-ASCII subject puts the spaces
        # between encoded words, where RFC 2047 readers drop them ("ação ação" arrives "açãoação").
        # A line break still goes to the policy, which refuses it (no header injection).
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())
    else:
        message["Subject"] = subject
    message["Date"] = format_datetime(utcnow().replace(tzinfo=timezone.utc))
    message["Message-ID"] = message_id(email)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to the forum
    for name, value in composed.headers.items():
        if value.isascii() and value.isprintable():
            # As written: a long List-Unsubscribe URL must not be folded into RFC 2047 encoded
            # words, which mail clients do not decode in that header (RFC 2369 wants it verbatim).
            message.set_raw(name, value)
        else:
            message[name] = value
    message.set_content(composed.text, cte="quoted-printable")
    if composed.html is not None:
        message.add_alternative(composed.html, subtype="html", cte="quoted-printable")
    message["Content-Language"] = email.language  # after the parts: making them moves Content-* headers down
    return message


def message_id(email: Email) -> str:
    """The same on every attempt of one email (so a repeat is recognisable), unguessable across emails."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    tag = hashlib.sha256(f"{current_app.config['SECRET_KEY']}:email:{email.id}".encode()).hexdigest()[:16]
    return f"<forum.{email.id}.{tag}@{domain}>"


def process(email_id: int | None = None) -> EmailStatus | None:
    email = claim(email_id)
    return deliver(email) if email is not None else None


def run_pending(limit: int | None = None) -> int:
    done = 0
    while limit is None or done < limit:
        if process() is None:
            break
        done += 1
    return done


ROUND_LIMIT = 200  # emails per worker round: translation jobs are not kept waiting behind a backlog of mail


def send_round(limit: int | None = ROUND_LIMIT) -> int:
    """What a worker does with the outbox each round: the daily digests that are due queued, lost
    emails back in line, then what is due (digests included)."""
    from . import digests

    digests.schedule()
    sweep()
    return run_pending(limit)


def sweep() -> int:
    """Emails whose worker was lost (lease ran out) wait again; when every attempt is spent, failed."""
    now = utcnow()
    lost = and_(Email.status == EmailStatus.SENDING, Email.lease_until < now)
    spent = Email.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    if _SECRET_KINDS:  # about to fail for good: their secret goes first
        db.session.execute(update(Email).where(lost, spent, Email.kind.in_(sorted(_SECRET_KINDS)))
                           .values(payload=_EMPTY))
    failed = db.session.execute(update(Email).where(lost, spent)
                                .values(status=EmailStatus.FAILED, lease_until=None,
                                        last_error="the worker was lost during every attempt")).rowcount
    back = db.session.execute(update(Email).where(lost).values(
        status=EmailStatus.PENDING, lease_until=None, last_error="lease expired (worker lost)")).rowcount
    db.session.commit()
    return failed + back


def retry_failed() -> int:
    """Give every failed email a fresh set of attempts (the admins' button)."""
    count = db.session.execute(update(Email).where(Email.status == EmailStatus.FAILED).values(
        status=EmailStatus.PENDING, attempts=0, next_attempt_at=utcnow())).rowcount
    db.session.commit()
    return count


def _update_owned(email_id: int, **values) -> bool:
    changed = db.session.execute(update(Email).where(Email.id == email_id, Email.status == EmailStatus.SENDING)
                                 .values(**values)).rowcount
    db.session.commit()
    return changed == 1


def _forget(secret: bool) -> dict:
    """The values that empty a secret kind's payload (its link's token) when its email ends unsent."""
    return {"payload": _EMPTY} if secret else {}


def _retry_or_fail(email_id: int, error: str, secret: bool = False) -> EmailStatus:
    attempts = db.session.execute(db.select(Email.attempts).where(Email.id == email_id)).scalar_one()
    if attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _update_owned(email_id, status=EmailStatus.FAILED, lease_until=None, last_error=error[:2000],
                      **_forget(secret))
        return EmailStatus.FAILED
    delay = current_app.config["MAIL_RETRY_SECONDS"] * 2 ** (attempts - 1)
    _update_owned(email_id, status=EmailStatus.PENDING, lease_until=None, last_error=error[:2000],
                  next_attempt_at=utcnow() + timedelta(seconds=delay))
    return EmailStatus.PENDING
