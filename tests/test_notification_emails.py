"""Emails about notifications, end to end through a real SMTP server: the one at once (in the
recipient's language, waiting a while for the translation), the daily digest, one-click unsubscribe
(RFC 8058), and the admins' view of the outbox."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext, ngettext

from forum import jobs
from forum.extensions import db
from forum.mail import digests, outbox
from forum.mail.unsubscribe import make_token, member_for
from forum.models import Email, EmailFrequency, EmailStatus, Notification, NotificationKind, User, utcnow
from forum.notifications import services as notifications
from forum.threads import services as threads
from forum.urls import external_url
from testkit import db_state

SPANISH_BODY = "Hola, reparamos las fugas con sensores."


@pytest.fixture
def ana(make_user):
    """The Spanish author who replies."""
    return make_user(language="es", name="Ana")


@pytest.fixture
def paula(make_user):
    """A Portuguese member who wants an email for each notification."""
    user = make_user(language="pt", name="Paula")
    user.email_frequency = EmailFrequency.IMMEDIATE
    db.session.commit()
    return user


@pytest.fixture
def thread(make_thread, ana):
    return make_thread(ana, title="Fugas de agua", body="Perdemos el 30 % del agua.", language="es")


def _reply(thread, author, reader, body=SPANISH_BODY, kind=NotificationKind.REPLY):
    post = threads.add_reply(thread, author, body, "es")
    notification = notifications.add(reader, kind, thread, post, actor=author)
    db.session.commit()
    return post, notification


def _emails(kind=None):
    db.session.expire_all()
    query = db.select(Email).order_by(Email.id)
    if kind:
        query = query.filter_by(kind=kind)
    return db.session.execute(query).scalars().all()


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(("html",)).get_content()


def _in(locale, msgid, **values) -> str:
    with force_locale(locale):
        return gettext(msgid, **values)


def _make_old(email_id, seconds):
    """The email was queued `seconds` ago and is due now."""
    db.session.execute(db.update(Email).where(Email.id == email_id).values(
        created_at=utcnow() - timedelta(seconds=seconds), next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


# -- the email at once ---------------------------------------------------------------------------------

def test_a_portuguese_member_gets_one_email_in_portuguese_with_the_stored_translation(
        app, engine, smtp_server, ana, paula, thread):
    post, notification = _reply(thread, ana, paula)
    assert notification.emailed_at is not None
    jobs.run_pending()  # the pt translation of the reply (and of the title) is stored
    outbox.send_round()
    outbox.send_round()
    [message] = smtp_server.messages
    assert message["To"] == paula.email and message["Content-Language"] == "pt"
    sentence = _in("pt", "%(name)s replied in", name="Ana")
    assert message["Subject"] == _in("pt", "%(sentence)s «%(title)s»", sentence=sentence, title="[pt] Fugas de agua")
    text, html = _text(message), _html(message)
    assert f"[pt] {SPANISH_BODY}" in text and f"[pt] {SPANISH_BODY}" in html
    assert _in("pt", "Read it on the forum") in text
    assert external_url("threads.post_link", post_id=post.id) in text
    assert "http://forum.test/profile" in text and "http://forum.test/profile" in html
    # No note: the excerpt is in the reader's language.
    assert _in("pt", "This is the original in %(language)s.", language=_in("pt", "Spanish")) not in text
    assert [e.status for e in _emails()] == [EmailStatus.SENT]


def test_the_post_link_is_absolute_and_leads_to_the_post(app, engine, smtp_server, ana, paula, thread, client):
    post, _n = _reply(thread, ana, paula)
    jobs.run_pending()
    outbox.send_round()
    [message] = smtp_server.messages
    links = re.findall(r'href="(http://forum\.test/[^"]+)"', _html(message))
    post_url = external_url("threads.post_link", post_id=post.id)
    assert post_url in links
    response = client.get(post_url.removeprefix("http://forum.test"))
    assert response.status_code in (200, 302)


def test_html_part_escapes_what_members_wrote(app, engine, smtp_server, make_user, paula):
    mallory = make_user(language="es", name="<b>Mallory</b>")
    thread = threads.create_thread(_category(), mallory, "<script>alert(1)</script>", "Cuerpo", "es")
    _reply(thread, mallory, paula, body="Texto <img src=x onerror=alert(1)>")
    jobs.run_pending()
    outbox.send_round()
    [message] = smtp_server.messages
    html = _html(message)
    assert "<script>" not in html  # escaped, not live markup
    assert "<b>Mallory</b>" not in html
    assert "<img" not in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html


def _category():
    from forum.models import Category

    return db.session.execute(db.select(Category).filter_by(slug="questions")).scalar_one()


def test_a_pending_translation_postpones_the_email_then_the_original_goes_with_a_note(
        app, smtp_server, ana, paula, thread):
    app.config["MAIL_TRANSLATION_WAIT_SECONDS"] = 600
    _post, _n = _reply(thread, ana, paula)  # no engine: the pt translation stays pending
    outbox.send_round()
    assert smtp_server.messages == []
    [email] = _emails()
    assert email.status == EmailStatus.PENDING and email.attempts == 0  # waiting spends no attempt
    assert email.next_attempt_at > utcnow()
    _make_old(email.id, 300)  # half the wait: still waiting
    outbox.send_round()
    assert smtp_server.messages == []
    _make_old(email.id, 601)
    outbox.send_round()
    [message] = smtp_server.messages
    text = _text(message)
    assert SPANISH_BODY in text and "[pt]" not in text
    note = _in("pt", "The translation was not ready; this is the original in %(language)s.",
               language=_in("pt", "Spanish"))
    assert note in text and note in _html(message)
    assert message["Content-Language"] == "pt"
    assert [e.status for e in _emails()] == [EmailStatus.SENT]


def test_a_translation_stored_during_the_wait_is_used(app, engine, smtp_server, ana, paula, thread):
    _reply(thread, ana, paula)
    [email] = _emails()
    outbox.process(email.id)  # pending translation: postponed
    assert smtp_server.messages == []
    jobs.run_pending()
    _make_old(email.id, 1)
    outbox.send_round()
    [message] = smtp_server.messages
    assert f"[pt] {SPANISH_BODY}" in _text(message)


def _hide(post, _member):
    post.hidden_at = utcnow()


def _delete(post, _member):
    post.deleted_at = utcnow()


def _suspend(_post, member):
    member.suspended = True


def _none(_post, member):
    member.email_frequency = EmailFrequency.NONE


def _gone(post, member):
    db.session.execute(db.delete(Notification).where(Notification.post_id == post.id))


def _read(post, member):
    db.session.execute(db.update(Notification).where(Notification.post_id == post.id).values(read_at=utcnow()))


def _hide_thread(post, _member):
    post.thread.posts[0].hidden_at = utcnow()


@pytest.mark.parametrize("change", [_hide, _delete, _suspend, _none, _gone, _read, _hide_thread],
                         ids=["post hidden", "post deleted", "member suspended", "email turned off",
                              "notification gone", "read on the site", "thread hidden"])
def test_nothing_is_sent_about_what_is_gone_or_to_who_no_longer_wants_it(
        app, engine, smtp_server, ana, paula, thread, change):
    post, _n = _reply(thread, ana, paula)
    jobs.run_pending()
    change(post, paula)
    db.session.commit()
    outbox.send_round()
    assert smtp_server.messages == []
    assert [e.status for e in _emails()] == [EmailStatus.CANCELLED]


def test_exactly_one_email_when_a_worker_dies_mid_send(app, engine, smtp_server, ana, paula, thread):
    _reply(thread, ana, paula)
    jobs.run_pending()
    assert outbox.claim() is not None  # a worker took it and died
    outbox.send_round()
    assert smtp_server.messages == []  # the lease holds
    db.session.execute(db.update(Email).values(lease_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    outbox.send_round()  # the sweep puts it back, the round sends it
    outbox.send_round()
    assert len(smtp_server.messages) == 1
    assert [e.status for e in _emails()] == [EmailStatus.SENT]


def test_exactly_one_email_after_the_server_refused_for_a_while(app, engine, smtp_server, ana, paula, thread):
    _reply(thread, ana, paula)
    jobs.run_pending()
    smtp_server.refuse(2)
    for _ in range(5):
        outbox.send_round()
    assert len(smtp_server.messages) == 1
    [email] = _emails()
    assert email.status == EmailStatus.SENT and email.attempts == 3


# -- headers and unsubscribing -------------------------------------------------------------------------

def _unsubscribe_path(message) -> str:
    header = message["List-Unsubscribe"]
    match = re.fullmatch(r"<http://forum\.test(/unsubscribe/[^>]+)>", header)
    assert match, header
    return match.group(1)


def test_every_notification_email_has_one_click_unsubscribe_headers(app, engine, smtp_server, ana, paula, thread):
    _reply(thread, ana, paula)
    jobs.run_pending()
    outbox.send_round()
    [message] = smtp_server.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = _unsubscribe_path(message)
    assert member_for(path.rsplit("/", 1)[1]).id == paula.id
    assert f"http://forum.test{path}" in _text(message)
    # Verbatim on the wire (one line, no RFC 2047 encoded words, which mail clients do not decode there).
    raw = smtp_server.envelopes[0].original_content or smtp_server.envelopes[0].content
    assert f"\r\nList-Unsubscribe: <http://forum.test{path}>\r\n".encode() in raw


def test_the_unsubscribe_page_is_in_the_members_language_and_needs_no_login(app, client, paula):
    app.config["FORUM_PUBLIC_READ"] = False
    response = client.get(f"/unsubscribe/{make_token(paula)}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="pt">' in page
    assert _in("pt", "Unsubscribe from notification emails") in page
    assert "/profile" in page
    assert db.session.get(User, paula.id).email_frequency == EmailFrequency.IMMEDIATE  # a GET changes nothing


def _frequency(user_id):
    db.session.expire_all()
    return db.session.get(User, user_id).email_frequency


@pytest.mark.csrf
def test_the_page_button_unsubscribes_with_its_csrf_token(app, client, paula):
    path = f"/unsubscribe/{make_token(paula)}"
    page = client.get(path).get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(path, data={"csrf_token": csrf_token})
    assert response.status_code == 302 and response.headers["Location"].endswith(path)
    assert _frequency(paula.id) == EmailFrequency.NONE
    again = client.get(path)
    assert again.status_code == 200
    assert _in("pt", "%(name)s, you no longer get emails about notifications.", name="Paula") in again.get_data(
        as_text=True)
    assert client.post(path, data={"csrf_token": csrf_token}).status_code == 302  # idempotent
    assert _frequency(paula.id) == EmailFrequency.NONE


@pytest.mark.csrf
def test_the_form_without_csrf_token_changes_nothing(app, client, paula):
    before = db_state()
    response = client.post(f"/unsubscribe/{make_token(paula)}", data={"submit": "1"})
    assert response.status_code == 400
    assert db_state() == before


@pytest.mark.csrf
def test_a_mail_clients_one_click_post_works_without_csrf_or_login(app, client, paula):
    app.config["FORUM_PUBLIC_READ"] = False
    path = f"/unsubscribe/{make_token(paula)}"
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert _frequency(paula.id) == EmailFrequency.NONE
    # Idempotent, and RFC 8058 allows the body as multipart/form-data too.
    again = client.post(path, data={"List-Unsubscribe": "One-Click"}, content_type="multipart/form-data")
    assert again.status_code == 200
    assert _frequency(paula.id) == EmailFrequency.NONE


@pytest.mark.csrf
@pytest.mark.parametrize("token", ["forged", "WzEsImFiYyJd.bad-signature", "", "x" * 300])
def test_a_forged_token_is_a_clear_404_and_changes_nothing(app, client, paula, token):
    good = make_token(paula)
    forged = token or good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    before = db_state()
    for response in (client.get(f"/unsubscribe/{forged}"),
                     client.post(f"/unsubscribe/{forged}", data={"List-Unsubscribe": "One-Click"})):
        assert response.status_code == 404
        assert _in("en", "This unsubscribe link is not valid.") in response.get_data(as_text=True)
    assert db_state() == before


def test_a_token_signed_with_another_key_or_for_an_old_address_is_refused(app, paula):
    from itsdangerous import URLSafeSerializer

    other = URLSafeSerializer("another-secret", salt="forum.mail.unsubscribe").dumps([paula.id, "x"])
    assert member_for(other) is None
    token = make_token(paula)
    assert member_for(token).id == paula.id
    paula.email = "new-address@example.org"
    db.session.commit()
    assert member_for(token) is None


def test_an_unsubscribed_member_gets_no_more_notification_emails(app, engine, smtp_server, client, ana, paula,
                                                                  thread):
    _reply(thread, ana, paula)
    client.post(f"/unsubscribe/{make_token(paula)}", data={"List-Unsubscribe": "One-Click"})
    jobs.run_pending()
    outbox.send_round()
    assert smtp_server.messages == []
    assert [e.status for e in _emails()] == [EmailStatus.CANCELLED]


# -- the daily digest ----------------------------------------------------------------------------------

@pytest.fixture
def members(make_user):
    daily = make_user(language="pt", name="Diana")   # daily is every member's default
    immediate = make_user(language="en", name="Ivo")
    immediate.email_frequency = EmailFrequency.IMMEDIATE
    nobody = make_user(language="es", name="Nora")
    nobody.email_frequency = EmailFrequency.NONE
    db.session.commit()
    assert daily.email_frequency == EmailFrequency.DAILY
    return daily, immediate, nobody


def test_one_digest_per_daily_member_not_twice_and_not_for_the_others(app, engine, smtp_server, ana, thread,
                                                                       members):
    daily, immediate, nobody = members
    first, n1 = _reply(thread, ana, daily, body="Primera respuesta")
    for member in (immediate, nobody):
        notifications.add(member, NotificationKind.REPLY, thread, first, actor=ana)
    second, n2 = _reply(thread, ana, daily, body="Segunda respuesta")
    read, n3 = _reply(thread, ana, daily, body="Respuesta ya leída")
    n3.read_at = utcnow()
    db.session.commit()
    jobs.run_pending()
    outbox.send_round()
    outbox.send_round()
    digests_sent = [m for m in smtp_server.messages if m["To"] == daily.email]
    assert len(digests_sent) == 1
    [digest] = digests_sent
    assert digest["Content-Language"] == "pt"
    with force_locale("pt"):
        assert digest["Subject"] == ngettext("Your daily summary: %(num)d notification",
                                             "Your daily summary: %(num)d notifications", 2)
    text = _text(digest)
    assert "[pt] Primera respuesta" in text and "[pt] Segunda respuesta" in text
    assert "leída" not in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _unsubscribe_path(digest)
    assert not [m for m in smtp_server.messages if m["To"] == nobody.email]
    # Ivo got his reply at once, no digest.
    assert [e.kind for e in _emails() if e.user_id == immediate.id] == ["notification"]
    assert [e.kind for e in _emails() if e.user_id == daily.id] == ["digest"]
    db.session.expire_all()
    assert db.session.get(Notification, n3.id).emailed_at is None  # read: never emailed
    assert db.session.get(Notification, n1.id).emailed_at is not None
    assert db.session.get(User, daily.id).last_digest_at is not None

    # Something new: it waits for the next day's digest.
    third, n4 = _reply(thread, ana, daily, body="Tercera respuesta")
    jobs.run_pending()
    outbox.send_round()
    assert len([m for m in smtp_server.messages if m["To"] == daily.email]) == 1
    db.session.execute(db.update(User).where(User.id == daily.id).values(
        last_digest_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    outbox.send_round()
    outbox.send_round()
    to_daily = [m for m in smtp_server.messages if m["To"] == daily.email]
    assert len(to_daily) == 2
    text = _text(to_daily[1])
    assert "[pt] Tercera respuesta" in text and "Primera respuesta" not in text


def test_a_second_scheduling_round_queues_no_second_digest(app, ana, thread, members):
    daily, _i, _n = members
    _reply(thread, ana, daily)
    assert digests.schedule() == 1
    assert digests.schedule() == 0  # the slot is taken: nothing doubled
    assert len(_emails("digest")) == 1


def test_a_crash_while_queueing_a_digest_loses_nothing_and_the_next_round_sends_it(
        app, engine, smtp_server, ana, thread, members, monkeypatch):
    daily, _i, _n = members
    _post, notification = _reply(thread, ana, daily)
    jobs.run_pending()
    real = outbox.queue_email

    def crash(*args, **kwargs):
        raise RuntimeError("the worker died here")

    monkeypatch.setattr(outbox, "queue_email", crash)
    with pytest.raises(RuntimeError):
        outbox.send_round()
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).emailed_at is None
    assert db.session.get(User, daily.id).last_digest_at is None and _emails() == []
    monkeypatch.setattr(outbox, "queue_email", real)
    outbox.send_round()
    outbox.send_round()
    assert [m["To"] for m in smtp_server.messages] == [daily.email]


def test_the_worker_round_schedules_and_sends_digests(app, engine, smtp_server, ana, thread, members):
    from forum.workers import horse

    daily, _i, _n = members
    _reply(thread, ana, daily)
    jobs.run_pending()
    horse._send_mail()
    assert [m["To"] for m in smtp_server.messages] == [daily.email]


def test_a_digest_lists_the_newest_and_counts_the_rest(app, ana, thread, members, monkeypatch):
    monkeypatch.setattr(digests, "PER_DIGEST", 2)
    daily, _i, _n = members
    made = [_reply(thread, ana, daily, body=f"Respuesta {i}")[1] for i in range(4)]
    digests.schedule()
    [email] = _emails("digest")
    import json

    payload = json.loads(email.payload)
    assert payload == {"notification_ids": sorted(n.id for n in made[2:]), "more": 2}
    db.session.expire_all()
    assert all(db.session.get(Notification, n.id).emailed_at is not None for n in made)


def test_a_digest_whose_notifications_were_all_read_is_cancelled(app, engine, smtp_server, ana, thread, members):
    daily, _i, _n = members
    _post, notification = _reply(thread, ana, daily)
    digests.schedule()
    notification.read_at = utcnow()
    db.session.commit()
    outbox.send_round()
    assert smtp_server.messages == []
    assert [e.status for e in _emails("digest")] == [EmailStatus.CANCELLED]


def test_a_digest_skips_hidden_posts_and_waits_for_no_translation(app, smtp_server, ana, thread, members):
    daily, _i, _n = members
    hidden, _a = _reply(thread, ana, daily, body="Mensaje que se ocultará")
    _reply(thread, ana, daily, body="Mensaje sin traducir")
    hidden.hidden_at = utcnow()
    db.session.commit()
    outbox.send_round()  # no engine: the translations are pending, the digest goes anyway
    [digest] = smtp_server.messages
    text = _text(digest)
    assert "Mensaje sin traducir" in text and "ocultará" not in text
    assert _in("pt", "The translation was not ready; this is the original in %(language)s.",
               language=_in("pt", "Spanish")) in text


def test_suspended_members_get_no_digest(app, ana, thread, members):
    daily, _i, _n = members
    _reply(thread, ana, daily)
    daily.suspended = True
    db.session.commit()
    assert digests.schedule() == 0 and _emails("digest") == []


# -- settings ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,value", [("MAIL_TRANSLATION_WAIT_SECONDS", "ten"),
                                        ("MAIL_TRANSLATION_WAIT_SECONDS", "-5"),
                                        ("MAIL_DIGEST_HOURS", "1.5")])
def test_bad_mail_settings_are_refused_with_their_name(monkeypatch, tmp_path, name, value):
    from forum import config

    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        config.settings(str(tmp_path))


@pytest.mark.parametrize("name,value", [("MAIL_TRANSLATION_WAIT_SECONDS", 10**9), ("MAIL_DIGEST_HOURS", 0)])
def test_out_of_range_mail_settings_are_refused(app_config, name, value):
    from forum import create_app

    with pytest.raises(ValueError, match=name):
        create_app({**app_config, name: value})


# -- the admins' view ----------------------------------------------------------------------------------

def _failed_email(member):
    email = outbox.queue_email("password_reset", member, {"link": "http://forum.test/reset/SECRET-LINK"})
    email.status, email.attempts, email.last_error = EmailStatus.FAILED, 8, "451 Try again later " + "x" * 500
    db.session.commit()
    return email.id


def _csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.mark.csrf
def test_admins_see_the_outbox_and_retry_failed_emails(app, client, admin, member, password):
    email_id = _failed_email(member)
    # CSRF is on: even the login needs its token.
    client.post("/login", data={"email": admin.email, "password": password,
                                "csrf_token": _csrf_token(client.get("/login").get_data(as_text=True))})
    page = client.get("/admin/mail")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "password_reset" in html and member.email in html and "451 Try again later" in html
    assert "SECRET-LINK" not in html and "x" * 300 not in html  # no payloads; errors truncated
    assert client.post("/admin/mail/retry", data={}).status_code == 400  # no CSRF token
    db.session.expire_all()
    assert db.session.get(Email, email_id).status == EmailStatus.FAILED
    csrf_token = _csrf_token(html)
    response = client.post("/admin/mail/retry", data={"csrf_token": csrf_token})
    assert response.status_code == 302
    db.session.expire_all()
    email = db.session.get(Email, email_id)
    assert email.status == EmailStatus.PENDING and email.attempts == 0


def test_members_and_visitors_do_not_see_the_outbox(app, client, auth, member):
    _failed_email(member)
    assert client.get("/admin/mail").status_code == 302  # to the login
    assert client.post("/admin/mail/retry").status_code == 302
    auth.login(member)
    assert client.get("/admin/mail").status_code == 403
    assert client.post("/admin/mail/retry").status_code == 403
    db.session.expire_all()
    assert [e.status for e in _emails()] == [EmailStatus.FAILED]
