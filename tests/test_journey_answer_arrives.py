"""Issue 10's "done when", end to end through the pages a member uses: a Portuguese official asks a
question; a Spanish colleague answers; the asker sees a notification in the header, in Portuguese,
with the answer in Portuguese, and gets an email in Portuguese with the answer in Portuguese: as
the daily digest (the default) and, once they choose it, at once. A real SMTP server on loopback
receives what the worker sends."""
from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext

from forum import jobs
from forum.extensions import db
from forum.mail import outbox
from forum.models import EmailFrequency, Thread
from testkit import Auth

ANSWER = "Usamos sensores acústicos en la red."


def _in(locale: str, msgid: str, **values) -> str:
    with force_locale(locale):
        return gettext(msgid, **values)


@pytest.fixture
def joana(make_user, make_city):
    return make_user(language="pt", name="Joana Silva", city=make_city("Curitiba", country="BR", language="pt"))


@pytest.fixture
def luis(make_user, make_city):
    return make_user(language="es", name="Luis Pérez", city=make_city("Rosario", country="AR", language="es"))


def _ask_and_answer(app, joana, luis) -> Thread:
    asker, colleague = app.test_client(), app.test_client()
    Auth(asker).login(joana)
    Auth(colleague).login(luis)
    response = asker.post("/c/questions/new", data={"title": "Como vocês detectam vazamentos?",
                                                    "body": "Perdemos muita água na rede.", "language": "pt"})
    assert response.status_code == 302
    thread = db.session.execute(db.select(Thread).order_by(Thread.id.desc())).scalars().first()
    response = colleague.post(f"/t/{thread.id}/reply", data={"body": ANSWER, "language": "es"})
    assert response.status_code == 302
    jobs.run_pending()  # the worker translates the answer into Portuguese (and English)
    return thread, asker


def _notification_seen_in_the_header_and_page(asker, thread):
    home = asker.get("/?lang=pt").get_data(as_text=True)
    label = _in("pt", "%(num)d unread notification", num=1)  # ngettext's singular, as the header says it
    assert f'aria-label="{label}">{_in("pt", "Notifications")} <span class="badge badge-pending">1</span>' in home
    page = asker.get("/notifications?lang=pt").get_data(as_text=True)
    assert _in("pt", "%(name)s replied in", name="Luis Pérez") in page
    assert f"[pt] {ANSWER}" in page  # the answer in Portuguese


def test_the_asker_gets_the_answer_in_portuguese_in_the_header_and_in_the_daily_digest(
        app, engine, smtp_server, joana, luis):
    assert joana.email_frequency == EmailFrequency.DAILY  # the default
    thread, asker = _ask_and_answer(app, joana, luis)
    _notification_seen_in_the_header_and_page(asker, thread)
    outbox.send_round()  # the worker's round: the digest is due (none was ever sent)
    outbox.send_round()
    [message] = smtp_server.messages
    assert message["To"] == joana.email and message["Content-Language"] == "pt"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"[pt] {ANSWER}" in text and f"[pt] {ANSWER}" in html
    assert ANSWER not in text.replace(f"[pt] {ANSWER}", "")  # not the Spanish original
    assert _in("pt", "%(name)s replied in", name="Luis Pérez") in text
    assert message["List-Unsubscribe"].startswith("<http://forum.test/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_with_email_at_once_the_answer_arrives_in_its_own_email_in_portuguese(
        app, engine, smtp_server, joana, luis):
    client = app.test_client()
    Auth(client).login(joana)
    response = client.post("/profile", data={"profile-display_name": joana.display_name, "profile-language": "pt",
                                             "profile-email_frequency": "immediate", "profile-submit": "Save"})
    assert response.status_code == 302
    db.session.refresh(joana)
    assert joana.email_frequency == EmailFrequency.IMMEDIATE
    thread, asker = _ask_and_answer(app, joana, luis)
    _notification_seen_in_the_header_and_page(asker, thread)
    outbox.send_round()
    outbox.send_round()  # a second round sends nothing more
    [message] = smtp_server.messages
    assert message["Content-Language"] == "pt"
    sentence = _in("pt", "%(name)s replied in", name="Luis Pérez")
    assert message["Subject"] == _in("pt", "%(sentence)s «%(title)s»", sentence=sentence,
                                     title="Como vocês detectam vazamentos?")
    assert f"[pt] {ANSWER}" in message.get_body(("plain",)).get_content()
