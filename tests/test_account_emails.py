"""The account emails, through a real SMTP server: invitations (in the city's language or the one
picked, re-sent with a new link, cancelled when revoked) and "forgot your password?" (the same
answer for anyone, a single-use expiring link, every session and API token ended after a reset,
rate-limited, no token left in the database or the logs)."""
from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, format_date

from forum.extensions import db
from forum.mail import outbox
from forum.models import ApiToken, AuditEntry, Email, EmailStatus, Invite, PasswordReset, User, utcnow
from testkit import PASSWORD, MemberApi

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"http://forum\.test/(?:invite|reset)/[A-Za-z0-9_-]+")


def _link(message) -> str:
    """The one link the plain-text part carries (the HTML part has the same)."""
    text = message.get_body(("plain",)).get_content()
    [link] = LINK.findall(text)
    assert link in message.get_body(("html",)).get_content()
    return link


def _path(link: str) -> str:
    return link.replace("http://forum.test", "")


def _page_link(response) -> str:
    [link] = re.findall(r'id="invite-link">(http://forum\.test/invite/[A-Za-z0-9_-]+)<', response.get_data(as_text=True))
    return link


def _emails(kind: str) -> list[Email]:
    db.session.expire_all()
    return db.session.execute(db.select(Email).filter_by(kind=kind).order_by(Email.id)).scalars().all()


def _invite(client, city, email="new@city.example.org", language="", role="member"):
    return client.post("/admin/invites", data={"email": email, "city": city.id, "role": role, "language": language})


@pytest.fixture
def as_admin(client, auth, admin):
    auth.login(admin)
    return client


# --- invitations ---------------------------------------------------------------------------------------

def test_an_invitation_is_emailed_in_the_citys_language_and_its_link_works_once(app, as_admin, make_city,
                                                                                 smtp_server):
    city = make_city("Guadalajara", "MX", "es")
    page = _invite(as_admin, city)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    shown = _page_link(page)  # still shown once on the page, with word that an email is on its way
    assert 'id="invite-notice"' in page.get_data(as_text=True)
    invite = db.session.execute(db.select(Invite)).scalar_one()
    assert invite.sent_at is not None and invite.language is None

    assert outbox.run_pending() == 1
    [message] = smtp_server.messages
    assert message["To"] == "new@city.example.org" and message["Content-Language"] == "es"
    text = message.get_body(("plain",)).get_content()
    with force_locale("es"):
        assert format_date(invite.expires_at) in text
    assert "Miembro" in text and "Guadalajara" in text  # the role's and the date's Spanish
    assert _link(message) == shown
    [row] = _emails("invite")
    assert row.status == EmailStatus.SENT and json.loads(row.payload) == {}  # the token left with the email

    visitor = app.test_client()
    form = visitor.get(_path(shown))
    assert form.status_code == 200 and '<option selected value="es">' in form.get_data(as_text=True)
    joined = visitor.post(_path(shown), data={"display_name": "Nueva", "password": PASSWORD, "confirm": PASSWORD,
                                              "language": "es"})
    assert joined.status_code == 302
    assert db.session.execute(db.select(User).filter_by(email="new@city.example.org")).scalar_one().language == "es"
    assert app.test_client().get(_path(shown)).status_code == 410


def test_the_language_the_admin_picks_wins_over_the_citys(app, as_admin, make_city, smtp_server):
    city = make_city("Monterrey", "MX", "es")
    _invite(as_admin, city, language="pt")
    invite = db.session.execute(db.select(Invite)).scalar_one()
    assert invite.language == "pt"
    outbox.run_pending()
    [message] = smtp_server.messages
    assert message["Content-Language"] == "pt"
    text = message.get_body(("plain",)).get_content()
    assert "Membro" in text and "Miembro" not in text
    with force_locale("pt"):
        assert format_date(invite.expires_at) in text
    # The invitation page starts in the invitation's language too.
    assert '<option selected value="pt">' in app.test_client().get(_path(_link(message))).get_data(as_text=True)


def test_a_bad_language_is_refused_and_nothing_is_queued(as_admin, make_city):
    city = make_city()
    page = _invite(as_admin, city, language="xx")
    assert page.status_code == 200 and "invite-link" not in page.get_data(as_text=True)
    assert db.session.execute(db.select(Invite)).first() is None and _emails("invite") == []


def test_sending_again_gives_a_new_link_and_kills_the_old_one(app, as_admin, make_city, smtp_server):
    city = make_city("Recife", "BR", "pt")
    first = _page_link(_invite(as_admin, city))
    outbox.run_pending()
    invite = db.session.execute(db.select(Invite)).scalar_one()
    db.session.execute(db.update(Invite).values(expires_at=utcnow() + timedelta(hours=1)))  # nearly over
    db.session.commit()

    page = as_admin.post(f"/admin/invites/{invite.id}/resend", data={})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    second = _page_link(page)  # on the page it renders, not in a flash (the session cookie)
    assert second != first and "/invite/" not in page.headers.get("Set-Cookie", "")
    db.session.expire_all()
    assert db.session.get(Invite, invite.id).expires_at > utcnow() + timedelta(days=13)  # renewed

    assert app.test_client().get(_path(first)).status_code == 410
    assert app.test_client().get(_path(second)).status_code == 200
    outbox.run_pending()
    assert [_link(m) for m in smtp_server.messages] == [first, second]
    assert smtp_server.messages[1]["Content-Language"] == "pt"
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="invite.resend")).scalar_one()
    assert entry.target_id == invite.id and entry.actor_id is not None
    assert all(json.loads(e.payload) == {} for e in _emails("invite"))


def test_an_email_still_waiting_when_the_invitation_is_sent_again_is_cancelled(app, as_admin, make_city,
                                                                               smtp_server):
    city = make_city()
    _invite(as_admin, city)
    invite = db.session.execute(db.select(Invite)).scalar_one()
    second = _page_link(as_admin.post(f"/admin/invites/{invite.id}/resend", data={}))
    outbox.run_pending()
    assert [_link(m) for m in smtp_server.messages] == [second]  # the dead first link never leaves
    assert [e.status for e in _emails("invite")] == [EmailStatus.CANCELLED, EmailStatus.SENT]


def test_a_used_or_revoked_invitation_cannot_be_sent_again(as_admin, make_city):
    city = make_city()
    _invite(as_admin, city)
    invite = db.session.execute(db.select(Invite)).scalar_one()
    as_admin.post(f"/admin/invites/{invite.id}/revoke", data={})
    before = invite.token_hash
    assert as_admin.post(f"/admin/invites/{invite.id}/resend", data={}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Invite, invite.id).token_hash == before and len(_emails("invite")) == 1
    assert as_admin.post("/admin/invites/999/resend", data={}).status_code == 404


def test_a_revoked_invitations_waiting_email_is_cancelled(as_admin, make_city, smtp_server):
    city = make_city()
    _invite(as_admin, city)
    invite = db.session.execute(db.select(Invite)).scalar_one()
    assert as_admin.post(f"/admin/invites/{invite.id}/revoke", data={}).status_code == 302
    outbox.run_pending()
    assert smtp_server.messages == []
    [row] = _emails("invite")
    assert row.status == EmailStatus.CANCELLED and "revoked" in row.last_error


def test_only_admins_send_invitations_again(client, auth, make_user, make_city):
    from forum.invites import create_invite
    from forum.models import Role

    invite, _link = create_invite("x@y.example.org", make_city(), Role.MEMBER)
    auth.login(make_user(role="moderator"))
    assert client.post(f"/admin/invites/{invite.id}/resend", data={}).status_code == 403
    assert len(_emails("invite")) == 1


def _csrf(client, path) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.mark.csrf
def test_sending_again_needs_the_forms_csrf_token(client, admin, make_city):
    from forum.invites import create_invite
    from forum.models import Role

    login = client.post("/login", data={"email": admin.email, "password": PASSWORD,
                                        "csrf_token": _csrf(client, "/login")})
    assert login.status_code == 302
    invite, _link = create_invite("x@y.example.org", make_city(), Role.MEMBER)
    before = invite.token_hash
    for data in ({}, {"csrf_token": "forged"}):
        assert client.post(f"/admin/invites/{invite.id}/resend", data=data).status_code == 400
    db.session.expire_all()
    assert db.session.get(Invite, invite.id).token_hash == before and len(_emails("invite")) == 1
    good = client.post(f"/admin/invites/{invite.id}/resend", data={"csrf_token": _csrf(client, "/admin/invites")})
    assert good.status_code == 200 and len(_emails("invite")) == 2


def test_the_command_line_queues_the_email_in_the_language_given(app, runner, make_city, smtp_server):
    make_city("Halifax", "CA", "en")
    result = runner.invoke(args=["invites", "create", "--email", "p@halifax.example.org", "--city", "Halifax",
                                 "--language", "es"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert "queued" in result.output and "language: es" in result.output
    default = runner.invoke(args=["invites", "create", "--email", "q@halifax.example.org", "--city", "Halifax"])
    assert default.exit_code == 0 and "language: en" in default.output
    bad = runner.invoke(args=["invites", "create", "--email", "r@halifax.example.org", "--city", "Halifax",
                              "--language", "fr"])
    assert bad.exit_code == 2
    outbox.run_pending()
    assert [(m["To"], m["Content-Language"]) for m in smtp_server.messages] == [
        ("p@halifax.example.org", "es"), ("q@halifax.example.org", "en")]
    assert _link(smtp_server.messages[0]) == link

    again = runner.invoke(args=["invites", "resend", "p@halifax.example.org"])
    assert again.exit_code == 0, again.output
    new_link = again.output.strip().splitlines()[-1]
    assert new_link != link and app.test_client().get(_path(link)).status_code == 410
    outbox.run_pending()
    assert _link(smtp_server.messages[-1]) == new_link and smtp_server.messages[-1]["Content-Language"] == "es"
    nobody = runner.invoke(args=["invites", "resend", "nobody@halifax.example.org"])
    assert nobody.exit_code == 1 and "no unused invitation" in nobody.output


# --- forgot your password ---------------------------------------------------------------------------------

def _ask(client, address):
    return client.post("/forgot-password", data={"email": address})


def _reset_link(app, smtp_server, member) -> str:
    assert _ask(app.test_client(), member.email).status_code == 200
    outbox.run_pending()
    message = smtp_server.messages[-1]
    assert message["To"] == member.email
    return _path(_link(message))


def _set(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def test_the_login_page_links_to_forgot_password(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/forgot-password"' in page
    assert client.get("/forgot-password").status_code == 200


def test_the_pages_are_open_to_visitors_when_the_forum_is_members_only(app, member, smtp_server):
    app.config["FORUM_PUBLIC_READ"] = False
    assert app.test_client().get("/forgot-password").status_code == 200
    path = _reset_link(app, smtp_server, member)
    assert app.test_client().get(path).status_code == 200
    assert _set(app.test_client(), path).status_code == 302
    assert app.test_client().get("/profile").status_code == 302  # the rest stays for members


def test_the_answer_is_the_same_for_a_member_a_suspended_one_and_nobody(app, make_user, smtp_server):
    member = make_user(email="ana@city.example.org")
    suspended = make_user(email="sus@city.example.org", suspended=True)
    answers = [_ask(app.test_client(), address)
               for address in (member.email, suspended.email, "nobody@city.example.org", " ANA@City.example.org ")]
    assert {a.status_code for a in answers} == {200}
    assert len({a.get_data(as_text=True) for a in answers}) == 1
    assert 'id="reset-requested"' in answers[0].get_data(as_text=True)
    outbox.run_pending()
    assert [m["To"] for m in smtp_server.messages] == [member.email]  # the address typed in capitals: a new link
    resets = db.session.execute(db.select(PasswordReset)).scalars().all()
    assert {r.user_id for r in resets} == {member.id}


def test_a_blank_or_overlong_address_gets_the_form_again(client):
    assert "reset-requested" not in _ask(client, "").get_data(as_text=True)
    assert "reset-requested" not in _ask(client, "a" * 300 + "@x.org").get_data(as_text=True)
    assert db.session.execute(db.select(PasswordReset)).first() is None


def test_the_email_is_in_the_members_language_and_nothing_secret_stays(app, make_user, smtp_server):
    member = make_user(language="pt")
    _reset_link(app, smtp_server, member)
    message = smtp_server.messages[-1]
    assert message["Content-Language"] == "pt"
    [row] = _emails("password_reset")
    assert row.status == EmailStatus.SENT and json.loads(row.payload) == {}
    reset = db.session.execute(db.select(PasswordReset)).scalar_one()
    assert _link(message).rsplit("/", 1)[1] not in reset.token_hash  # only the hash is kept


def test_a_reset_link_works_once_and_ends_every_session_and_token(app, make_user, smtp_server):
    from testkit import Auth

    member = make_user()
    elsewhere = app.test_client()
    Auth(elsewhere).login(member)
    remembered = app.test_client()
    remembered.post("/login", data={"email": member.email, "password": PASSWORD, "remember": "y"})
    remembered.delete_cookie("session")
    assert remembered.get("/profile").status_code == 200  # the remember-me cookie logs it back in
    api = MemberApi(app.test_client(), member)
    assert elsewhere.get("/profile").status_code == 200 and api.get("/categories").status_code == 200

    path = _reset_link(app, smtp_server, member)
    browser = app.test_client()
    form = browser.get(path)
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    mismatch = _set(browser, path, NEW_PASSWORD, "something else entirely")
    assert mismatch.status_code == 200 and db.session.execute(
        db.select(PasswordReset.used_at)).scalar_one() is None
    too_short = _set(browser, path, "short")
    assert too_short.status_code == 200
    done = _set(browser, path)
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")

    # Everything the old password gave is gone: other sessions, the remember-me cookie, API tokens.
    assert elsewhere.get("/profile").status_code == 302
    remembered.delete_cookie("session")
    assert remembered.get("/profile").status_code == 302
    assert api.get("/categories").status_code == 401
    assert db.session.execute(db.select(ApiToken).filter_by(user_id=member.id, revoked_at=None)).first() is None
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="user.password_reset")).scalar_one()
    assert entry.target_id == member.id and entry.actor_id == member.id

    assert Auth(app.test_client()).login(member).headers.get("Location") is None  # the old password fails
    assert Auth(app.test_client()).login(member, NEW_PASSWORD).status_code == 302
    again = _set(app.test_client(), path, "yet another passphrase")
    assert again.status_code == 410 and 'id="reset-invalid"' in again.get_data(as_text=True)
    assert app.test_client().get(path).status_code == 410
    assert Auth(app.test_client()).login(member, NEW_PASSWORD).status_code == 302


def test_an_expired_link_is_refused_and_changes_nothing(app, member, smtp_server):
    from testkit import db_state

    path = _reset_link(app, smtp_server, member)
    db.session.execute(db.update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    before = db_state()
    assert app.test_client().get(path).status_code == 410
    assert _set(app.test_client(), path).status_code == 410
    assert db_state() == before


def test_an_expired_reset_is_not_emailed(app, member, smtp_server):
    _ask(app.test_client(), member.email)
    db.session.execute(db.update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    outbox.run_pending()
    assert smtp_server.messages == [] and _emails("password_reset")[0].status == EmailStatus.CANCELLED


def test_a_newer_link_replaces_the_older_one(app, member, smtp_server):
    older = _reset_link(app, smtp_server, member)
    newer = _reset_link(app, smtp_server, member)
    assert older != newer
    assert _set(app.test_client(), older).status_code == 410
    assert _set(app.test_client(), newer).status_code == 302
    # Asked twice before the worker ran: only the newer link leaves.
    _ask(app.test_client(), member.email)
    _ask(app.test_client(), member.email)
    outbox.run_pending()
    assert len(smtp_server.messages) == 3
    assert [e.status for e in _emails("password_reset")][-2:] == [EmailStatus.CANCELLED, EmailStatus.SENT]


def test_a_member_suspended_after_asking_cannot_use_the_link(app, member, smtp_server):
    path = _reset_link(app, smtp_server, member)
    member.suspended = True
    db.session.commit()
    assert _set(app.test_client(), path).status_code == 410
    assert db.session.get(User, member.id).check_password(PASSWORD)


def test_changing_the_password_in_the_profile_kills_an_open_link(app, client, auth, member, smtp_server):
    path = _reset_link(app, smtp_server, member)
    auth.login(member)
    changed = client.post("/profile", data={"password-current_password": PASSWORD, "password-password": NEW_PASSWORD,
                                            "password-confirm": NEW_PASSWORD, "password-submit": "1"})
    assert changed.status_code == 302
    assert _set(app.test_client(), path, "yet another passphrase").status_code == 410
    db.session.expire_all()
    assert db.session.get(User, member.id).check_password(NEW_PASSWORD)


def test_a_suspension_kills_an_open_link_for_good(app, as_admin, member, smtp_server):
    path = _reset_link(app, smtp_server, member)
    as_admin.post(f"/admin/members/{member.id}", data={"role": "member", "status": "suspended"})
    as_admin.post(f"/admin/members/{member.id}", data={"role": "member", "status": "active"})
    db.session.expire_all()
    assert not db.session.get(User, member.id).suspended
    assert _set(app.test_client(), path).status_code == 410


def test_two_submissions_of_one_link_cannot_both_succeed(app, member, smtp_server):
    """The claim is a conditional UPDATE: the second finds the link used (as a racing one would)."""
    from forum.auth import password_reset

    path = _reset_link(app, smtp_server, member)
    reset = db.session.execute(db.select(PasswordReset)).scalar_one()
    original = password_reset._live_reset

    def claimed_meanwhile(token):
        found = original(token)
        # Another submission wins between this one's lookup and its claim.
        with app.app_context():
            db.session.execute(db.update(PasswordReset).filter_by(id=reset.id).values(used_at=utcnow()))
            db.session.commit()
        return found

    password_reset._live_reset = claimed_meanwhile
    try:
        assert _set(app.test_client(), path).status_code == 410
    finally:
        password_reset._live_reset = original
    db.session.expire_all()
    assert db.session.get(User, member.id).check_password(PASSWORD)


def test_a_garbage_token_gets_the_clear_page(client):
    assert client.get("/reset/nonsense").status_code == 410
    assert client.get("/reset/" + "a" * 500).status_code == 410
    assert _set(client, "/reset/nonsense").status_code == 410


@pytest.mark.ratelimit
def test_requests_are_limited_per_address_whether_it_exists_or_not(app, member, smtp_server):
    app.config.update(PASSWORD_RESET_RATE_LIMIT="2 per hour", PASSWORD_RESET_IP_RATE_LIMIT="100 per hour")
    for address in (member.email, "nobody@city.example.org"):
        assert [_ask(app.test_client(), address).status_code for _ in range(3)] == [200, 200, 429]
    limited = _ask(app.test_client(), member.email.upper())  # the same address, as the form reads it
    assert limited.status_code == 429 and "reset-requested" not in limited.get_data(as_text=True)
    assert _ask(app.test_client(), "other@city.example.org").status_code == 200
    outbox.run_pending()
    assert len(smtp_server.messages) == 1  # the second one replaced the first before the worker ran


@pytest.mark.ratelimit
def test_requests_are_limited_per_client_address(app):
    app.config.update(PASSWORD_RESET_RATE_LIMIT="100 per hour", PASSWORD_RESET_IP_RATE_LIMIT="3 per hour")
    codes = [_ask(app.test_client(), f"n{i}@city.example.org").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    assert app.test_client().get("/forgot-password").status_code == 200  # reading the form costs nothing


@pytest.mark.csrf
def test_the_forms_need_their_csrf_token(app, member):
    client = app.test_client()
    assert _ask(client, member.email).status_code == 400
    assert db.session.execute(db.select(PasswordReset)).first() is None
    # A valid link still needs the form's token.
    from forum.auth.password_reset import request_reset

    with app.test_request_context():
        request_reset(member.email)
    [row] = _emails("password_reset")
    token = json.loads(row.payload)["token"]
    assert _set(client, f"/reset/{token}").status_code == 400
    assert db.session.execute(db.select(PasswordReset.used_at)).scalar_one() is None
    done = client.post(f"/reset/{token}", data={"csrf_token": _csrf(client, f"/reset/{token}"), "password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD})
    assert done.status_code == 302


def test_no_token_reaches_the_logs(app, member, make_city, caplog):
    """Without MAIL_SERVER the emails go to the log, quoted-printable: a long SERVER_BASE_URL makes its
    soft line breaks fall inside the links, and still no piece of a token is left."""
    from forum.invites import create_invite
    from forum.models import Role

    app.config["SERVER_BASE_URL"] = "https://forum.a-rather-long-network-name.example.org/some/prefix"
    caplog.set_level(logging.DEBUG)
    _ask(app.test_client(), member.email)
    reset_token = json.loads(_emails("password_reset")[0].payload)["token"]
    _invite_row, link = create_invite("z@city.example.org", make_city(), Role.MEMBER)
    invite_token = link.rsplit("/", 1)[1]
    assert outbox.run_pending() == 2
    assert "/reset/" in caplog.text and "/invite/" in caplog.text  # the emails are in the log...
    for token in (reset_token, invite_token):  # ...and not one 8-character piece of either token
        assert not any(token[i:i + 8] in caplog.text for i in range(len(token) - 7)), token


# --- settings -------------------------------------------------------------------------------------------

def test_the_reset_settings_come_from_the_environment_and_are_checked(monkeypatch, tmp_path):
    from forum.config import check, settings

    monkeypatch.setenv("PASSWORD_RESET_MINUTES", "30")
    monkeypatch.setenv("PASSWORD_RESET_RATE_LIMIT", "3 per hour;10 per day")
    config = settings(str(tmp_path))
    assert config["PASSWORD_RESET_MINUTES"] == 30 and config["PASSWORD_RESET_RATE_LIMIT"] == "3 per hour;10 per day"
    check(config)
    monkeypatch.setenv("PASSWORD_RESET_MINUTES", "an hour")
    with pytest.raises(ValueError, match="PASSWORD_RESET_MINUTES"):
        settings(str(tmp_path))
    for key, bad in (("PASSWORD_RESET_MINUTES", 0), ("PASSWORD_RESET_MINUTES", 10**9),
                     ("PASSWORD_RESET_RATE_LIMIT", "often"), ("PASSWORD_RESET_IP_RATE_LIMIT", "")):
        with pytest.raises(ValueError, match=key):
            check({**config, key: bad})


def test_a_reset_link_lives_as_long_as_the_setting_says(app, member):
    from forum.auth.password_reset import request_reset

    app.config["PASSWORD_RESET_MINUTES"] = 15
    before = utcnow()
    with app.test_request_context():
        request_reset(member.email)
    reset = db.session.execute(db.select(PasswordReset)).scalar_one()
    assert before + timedelta(minutes=15) <= reset.expires_at <= utcnow() + timedelta(minutes=15)
