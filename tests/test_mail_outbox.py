"""The email outbox's core: a queued email reaches a real SMTP server once; a refusing server
delays it (attempts, backoff) and a server that never accepts leaves it failed."""
from __future__ import annotations

from forum.extensions import db
from forum.mail import outbox
from forum.models import Email, EmailStatus


@outbox.composer("test")
def _compose_test(email, payload):
    from flask_babel import gettext

    return outbox.Composed(subject=payload["subject"], text=f"{gettext('Reply')}: {payload['text']}",
                           html=f"<p>{payload['text']}</p>", headers={"X-Test": "yes"})


def _queue(member, **payload):
    email = outbox.queue_email("test", member, {"subject": "Hello", "text": "Body", **payload})
    db.session.commit()
    return email.id


def test_a_queued_email_reaches_the_server_once_with_both_parts(app, member, smtp_server):
    email_id = _queue(member)
    assert outbox.run_pending() == 1
    assert outbox.run_pending() == 0
    [message] = smtp_server.messages
    assert message["To"] == member.email and message["Subject"] == "Hello" and message["X-Test"] == "yes"
    assert message.get_body(("plain",)).get_content().strip() == "Reply: Body"
    assert "<p>Body</p>" in message.get_body(("html",)).get_content()
    row = db.session.get(Email, email_id)
    assert row.status == EmailStatus.SENT and row.message_id == message["Message-ID"]


def test_the_recipients_language_is_used(app, make_user, smtp_server):
    portuguese = make_user(language="pt")
    _queue(portuguese)
    outbox.run_pending()
    [message] = smtp_server.messages
    assert message["Content-Language"] == "pt"
    assert not message.get_body(("plain",)).get_content().startswith("Reply:")


def test_a_refusing_server_delays_the_email_then_it_goes_once(app, member, smtp_server):
    smtp_server.refuse(2)
    email_id = _queue(member)
    for _ in range(3):
        outbox.run_pending()
    assert len(smtp_server.messages) == 1
    row = db.session.get(Email, email_id)
    assert row.status == EmailStatus.SENT and row.attempts == 3


def test_a_server_that_never_accepts_leaves_it_failed(app, member, smtp_server):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    smtp_server.refuse(10)
    email_id = _queue(member)
    for _ in range(4):
        outbox.run_pending()
    row = db.session.get(Email, email_id)
    assert row.status == EmailStatus.FAILED and "451" in row.last_error
    assert smtp_server.messages == []


def test_no_mail_server_writes_the_email_to_the_log(app, member, caplog):
    caplog.set_level("INFO", logger="forum.mail")
    _queue(member, text="Visible in the log")
    outbox.run_pending()
    assert "Visible in the log" in caplog.text


def test_the_worker_round_and_the_command_send_what_is_due(app, member, smtp_server, runner):
    from forum.workers import horse

    _queue(member, text="From the worker")
    horse._send_mail()
    assert [m["Subject"] for m in smtp_server.messages] == ["Hello"]
    _queue(member, subject="Second")
    result = runner.invoke(args=["mail", "send-pending"])
    assert result.exit_code == 0 and "Handled 1 email(s)." in result.output
    assert [m["Subject"] for m in smtp_server.messages] == ["Hello", "Second"]
    assert "sent: 2" in runner.invoke(args=["mail", "status"]).output


def test_a_lost_worker_leaves_the_email_to_the_next_one_and_it_goes_once(app, member, smtp_server):
    from datetime import timedelta

    from forum.models import utcnow

    email_id = _queue(member)
    assert outbox.claim() is not None          # a worker took it, then died before sending
    assert outbox.run_pending() == 0           # nobody else sends it while the lease holds
    db.session.execute(db.update(Email).values(lease_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert outbox.sweep() == 1
    outbox.run_pending()
    assert len(smtp_server.messages) == 1
    assert db.session.get(Email, email_id).status == EmailStatus.SENT
