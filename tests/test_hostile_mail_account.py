"""Hostile review of the mail outbox and the account emails: a composer that crashes, secret links
left in the outbox after an email is cancelled or fails, unsubscribe tokens in the logs, control
characters in the "forgot your password?" form, header injection through a subject."""
from __future__ import annotations

import json
import logging

import pytest

from forum.extensions import db
from forum.mail import outbox, unsubscribe
from forum.models import Email, EmailFrequency, EmailStatus, Invite, User

SECRET = "s3cr3t-t0ken-value-AAAAAAAAAAAAAAAAAAAAAA"


@outbox.composer("hostile_boom", secret=True)
def _compose_boom(email, payload):
    raise RuntimeError(f"composer bug, payload token {payload.get('token')}")


@outbox.composer("hostile_subj")
def _compose_subject(email, payload):
    return outbox.Composed(subject=payload["subject"], text="body")


def _queue(kind, to, **payload):
    email = outbox.queue_email(kind, to, payload)
    db.session.commit()
    return email.id


def _row(email_id) -> Email:
    db.session.expire_all()
    return db.session.get(Email, email_id)


def test_a_crashing_composer_spends_attempts_then_fails_without_stopping_the_round(app, member, smtp_server, caplog):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    app.config["MAIL_RETRY_SECONDS"] = 0
    bad = _queue("hostile_boom", member, token=SECRET)
    good = outbox.queue_email("hostile_subj", member, {"subject": "fine"})
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="forum.mail"):
        outbox.run_pending()  # must not raise: the other email of the round still goes
        outbox.run_pending()
    assert _row(good.id).status == EmailStatus.SENT
    row = _row(bad)
    assert row.status == EmailStatus.FAILED and row.attempts == 2 and row.lease_until is None
    assert SECRET not in (row.last_error or "")
    assert SECRET not in caplog.text and "token" not in json.loads(row.payload)
    assert "could not be composed: RuntimeError" in caplog.text


def test_a_subject_with_a_line_break_cannot_add_a_header(app, member, smtp_server):
    email_id = _queue("hostile_subj", member, subject="Hello\r\nBcc: victim@evil.example")
    outbox.run_pending()
    for message in smtp_server.messages:
        assert message["Bcc"] is None
    for envelope in smtp_server.envelopes:
        assert "victim@evil.example" not in envelope.rcpt_tos
    assert _row(email_id).status in (EmailStatus.PENDING, EmailStatus.FAILED, EmailStatus.SENT)


def _invite_email(admin, make_city) -> tuple[Invite, int]:
    from forum.invites import create_invite
    from forum.models import Role

    invite, _link = create_invite("new@city.example.org", make_city(), Role.MEMBER, admin)
    email_id = db.session.execute(db.select(Email.id).filter_by(kind="invite")).scalar_one()
    return invite, email_id


def test_a_cancelled_invitation_email_keeps_no_token(app, admin, make_city, smtp_server):
    from forum.invites import revoke_invites

    invite, email_id = _invite_email(admin, make_city)
    assert "token" in json.loads(_row(email_id).payload)
    revoke_invites(Invite.id == invite.id)
    outbox.run_pending()
    row = _row(email_id)
    assert row.status == EmailStatus.CANCELLED
    assert "token" not in json.loads(row.payload)


def test_an_invitation_email_refused_for_good_keeps_no_token(app, admin, make_city, smtp_server):
    smtp_server.refuse(1, "550 5.1.1 No such mailbox")
    _invite, email_id = _invite_email(admin, make_city)
    outbox.run_pending()
    row = _row(email_id)
    assert row.status == EmailStatus.FAILED
    assert "token" not in json.loads(row.payload)


def test_a_reset_email_that_runs_out_of_attempts_keeps_no_token(app, member, smtp_server, client):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    smtp_server.refuse(5)
    client.post("/forgot-password", data={"email": member.email})
    email_id = db.session.execute(db.select(Email.id).filter_by(kind="password_reset")).scalar_one()
    outbox.run_pending()
    row = _row(email_id)
    assert row.status == EmailStatus.FAILED
    assert "token" not in json.loads(row.payload)


def test_a_secret_email_whose_worker_was_lost_every_time_keeps_no_token(app, admin, make_city):
    from datetime import timedelta

    from forum.models import utcnow

    app.config["MAIL_MAX_ATTEMPTS"] = 1
    _invite, email_id = _invite_email(admin, make_city)
    assert outbox.claim(email_id) is not None  # ...and the worker dies
    db.session.execute(db.update(Email).where(Email.id == email_id).values(lease_until=utcnow() - timedelta(1)))
    db.session.commit()
    outbox.sweep()
    row = _row(email_id)
    assert row.status == EmailStatus.FAILED and "token" not in json.loads(row.payload)


def test_an_unsubscribe_token_never_reaches_the_logs(app, member, caplog):
    from forum.logging_filters import redact

    token = unsubscribe.make_token(member)
    assert token not in redact(f'"GET /unsubscribe/{token} HTTP/1.1" 200')
    assert token not in redact(f"Referer: http://forum.test/unsubscribe/{token}?lang=es")
    # An email written to the log (no MAIL_SERVER), quoted-printable soft breaks anywhere in the link.
    broken = f"http://forum.test/unsub=\nscribe/{token[:20]}=\n{token[20:]}"
    assert token[20:] not in redact(broken) and token[:20] not in redact(broken)


def test_following_an_unsubscribe_link_changes_nothing(client, member):
    token = unsubscribe.make_token(member)
    before = member.email_frequency
    assert client.get(f"/unsubscribe/{token}").status_code == 200
    assert client.head(f"/unsubscribe/{token}").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, member.id).email_frequency == before != EmailFrequency.NONE


@pytest.mark.parametrize("address", ["a\x00@x.org", "\x00", "a@x.org\x00" + "b" * 10])
def test_a_nul_in_the_forgot_password_address_is_no_500(client, address):
    response = client.post("/forgot-password", data={"email": address})
    assert response.status_code in (200, 400)
    assert db.session.execute(db.select(Email.id)).first() is None


def test_a_nul_in_the_login_address_is_no_500(client):
    response = client.post("/login", data={"email": "a\x00@x.org", "password": "whatever it is"})
    assert response.status_code in (200, 400)


def test_forgot_password_answers_a_member_and_nobody_alike_even_in_cookies(app, member, make_user):
    suspended = make_user(suspended=True)
    answers = []
    for address in (member.email, suspended.email, "nobody@nowhere.example.org", " " + member.email.upper()):
        visitor = app.test_client()
        response = visitor.post("/forgot-password", data={"email": address})
        answers.append((response.status_code, response.get_data(as_text=True),
                        sorted(h.split("=")[0] for h in response.headers.getlist("Set-Cookie"))))
    assert all(answer == answers[0] for answer in answers)


def test_a_huge_or_odd_unsubscribe_token_gets_the_clear_page(client):
    for token in ("x" * 5000, "%00", "WzEsImFiYyJd.forged", "..", "W10.x"):
        response = client.get(f"/unsubscribe/{token}")
        assert response.status_code == 404
        response = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 404


def test_a_long_non_ascii_subject_with_direction_marks_arrives_whole(app, member, smtp_server):
    subject = "Réponse \u202e«" + "ação " * 60 + "»"
    _queue("hostile_subj", member, subject=subject)
    outbox.run_pending()
    [message] = smtp_server.messages
    assert message["Subject"] == subject


def test_pages_whose_address_is_a_secret_send_no_referrer(client, member):
    """The reset, invitation and unsubscribe pages hold their token in the URL: no Referer carries it
    anywhere, this site's other pages included; other pages keep same-origin."""
    for url in ("/reset/not-a-real-token", "/invite/not-a-real-token", "/unsubscribe/not-a-real-token"):
        assert client.get(url).headers["Referrer-Policy"] == "no-referrer", url
    assert client.get("/login").headers["Referrer-Policy"] == "same-origin"
