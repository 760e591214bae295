"""Credentials against a hostile member or visitor (issue 14): login timing, rate limits on edits,
password checks, tokens and API authentication, tokens and sessions ended by password change and
suspension, revocable invitations, `next` with control characters, `Cache-Control: no-store`."""
from __future__ import annotations

import secrets
from datetime import timedelta

import pytest

from testkit import Auth, stored_jobs
from test_hostile_member import db_state, in_page, translated
from forum.extensions import db
from forum.models import ApiToken, Invite, Role, User, utcnow
from forum.tokens import create_token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def live_tokens(user) -> list[ApiToken]:
    db.session.expire_all()
    return db.session.execute(db.select(ApiToken).filter_by(user_id=user.id, revoked_at=None)).scalars().all()


def new_token_in(page: str) -> str:
    return page.split('id="new-token">')[1].split("<")[0]


def wrong_password_change(client, attempt: int = 0):
    return client.post("/profile", data={"password-current_password": f"guess {attempt}",
                                         "password-password": "a brand new password",
                                         "password-confirm": "a brand new password", "password-submit": "1"})


# --- 1. login timing ------------------------------------------------------------------------------------

@pytest.fixture
def password_checks(monkeypatch):
    """Every werkzeug password-hash check the login makes, as the hash's method prefix."""
    import forum.auth.routes
    import forum.models
    from werkzeug.security import check_password_hash as real

    seen: list[str] = []

    def spy(pwhash: str, password: str) -> bool:
        seen.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(forum.models, "check_password_hash", spy)
    monkeypatch.setattr(forum.auth.routes, "check_password_hash", spy, raising=False)
    return seen


def test_an_unknown_email_costs_the_same_password_check_as_a_member(client, member, make_user, password_checks):
    method = member.password_hash.split("$", 1)[0]  # e.g. scrypt:32768:8:1: the work factor is in the prefix
    suspended = make_user(suspended=True)
    for email in ("nobody@nowhere.example.org", member.email, suspended.email):
        response = client.post("/login", data={"email": email, "password": "a wrong guess"})
        assert response.status_code == 200
        assert "Wrong email or password." in response.get_data(as_text=True)  # suspension not revealed
        assert password_checks == [method], email
        password_checks.clear()


# --- 2. rate limits ---------------------------------------------------------------------------------------

@pytest.mark.ratelimit
def test_edits_share_one_budget_per_member_across_pages_and_api(app, client, auth, make_user, make_thread):
    app.config["EDIT_RATE_LIMIT"] = "3 per minute"
    member = make_user(language="es")
    reply = make_thread(member, replies=1).posts[1]
    auth.login(member)
    statuses = [client.post(f"/p/{reply.id}/edit", data={"body": f"edit {i}", "language": "en"}).status_code
                for i in range(3)]
    assert statuses == [302, 302, 302]
    jobs = len(stored_jobs())
    before = db_state()
    refused = client.post(f"/p/{reply.id}/edit", data={"body": "flood", "language": "en"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert in_page("es", "Too many attempts. Please wait a moment and try again.") in refused.get_data(as_text=True)
    token = create_token(member, "script")[1]
    before = db_state()
    api = client.patch(f"/api/v1/posts/{reply.id}", json={"body": "flood"}, headers=bearer(token))
    assert api.status_code == 429 and api.get_json()["error"]["message"] == translated(
        "es", "Too many requests. Please wait a moment and try again.")
    assert db_state() == before and len(stored_jobs()) == jobs
    # The key is the member, not the address: a colleague at the same address still edits.
    colleague = make_user()
    other = make_thread(colleague, replies=1).posts[1]
    browser = app.test_client()
    Auth(browser).login(colleague)
    assert browser.post(f"/p/{other.id}/edit", data={"body": "mine", "language": "en"}).status_code == 302


@pytest.mark.ratelimit
def test_the_current_password_check_on_the_profile_is_rate_limited(app, client, auth, make_user, password):
    app.config["PASSWORD_CHECK_RATE_LIMIT"] = "3 per minute"
    member = make_user(language="pt")
    auth.login(member)
    for attempt in range(3):
        page = wrong_password_change(client, attempt)
        assert page.status_code == 200 and in_page("pt", "The current password is wrong.") in page.get_data(as_text=True)
    before = db_state()
    blocked = client.post("/profile", data={"password-current_password": password,
                                            "password-password": "a brand new password",
                                            "password-confirm": "a brand new password", "password-submit": "1"})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert in_page("pt", "Too many attempts. Please wait a moment and try again.") in blocked.get_data(as_text=True)
    assert db_state() == before  # even the right password changed nothing
    # Saving the display name is no password check and still works.
    saved = client.post("/profile", data={"profile-display_name": "Ana M.", "profile-language": "pt",
                                          "profile-submit": "1"})
    assert saved.status_code == 302


def test_creating_a_token_asks_for_the_current_password(client, auth, make_user, password):
    member = make_user(language="es")
    auth.login(member)
    before = db_state()
    missing = client.post("/profile/tokens", data={"token-name": "script"})
    assert missing.status_code == 400
    assert in_page("es", "Please enter your password.") in missing.get_data(as_text=True)
    wrong = client.post("/profile/tokens", data={"token-name": "script", "token-current_password": "not it"})
    assert wrong.status_code == 400 and 'id="new-token"' not in wrong.get_data(as_text=True)
    assert in_page("es", "The current password is wrong.") in wrong.get_data(as_text=True)
    assert db_state() == before
    right = client.post("/profile/tokens", data={"token-name": "script", "token-current_password": password})
    assert right.status_code == 200
    assert client.get("/api/v1/categories", headers=bearer(new_token_in(right.get_data(as_text=True)))).status_code == 200


@pytest.mark.ratelimit
def test_token_creation_draws_on_the_password_check_budget(app, client, auth, member, password):
    app.config["PASSWORD_CHECK_RATE_LIMIT"] = "3 per minute"
    auth.login(member)
    wrong_password_change(client)
    assert client.post("/profile/tokens", data={"token-name": "a", "token-current_password": "guess"}
                       ).status_code == 400
    assert client.post("/profile/tokens", data={"token-name": "b", "token-current_password": password}
                       ).status_code == 200
    before = db_state()
    blocked = client.post("/profile/tokens", data={"token-name": "c", "token-current_password": password})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert db_state() == before


def test_live_tokens_per_member_are_capped(app, client, auth, member, password):
    app.config["API_TOKENS_MAX"] = 2
    auth.login(member)

    def create(name):
        return client.post("/profile/tokens", data={"token-name": name, "token-current_password": password})

    assert create("one").status_code == 200 and create("two").status_code == 200
    before = db_state()
    refused = create("three")
    assert refused.status_code == 400 and 'id="new-token"' not in refused.get_data(as_text=True)
    assert ("You already have 2 API tokens, the most allowed. Revoke one before creating another."
            in refused.get_data(as_text=True))
    assert db_state() == before
    client.post(f"/profile/tokens/{live_tokens(member)[0].id}/revoke")
    assert create("three").status_code == 200  # revoked tokens do not count
    assert len(live_tokens(member)) == 2


@pytest.mark.ratelimit
def test_one_member_with_many_tokens_has_one_api_budget(app, client, member):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    tokens = [create_token(member, f"script {i}")[1] for i in range(4)]
    statuses = [client.get("/api/v1/categories", headers=bearer(token)).status_code for token in tokens]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.ratelimit
def test_token_guesses_are_limited_per_address_before_the_lookup(app, client, member, monkeypatch):
    import forum.api.routes

    app.config["API_AUTH_FAILURE_RATE_LIMIT"] = "3 per minute"
    good = create_token(member, "script")[1]
    for _ in range(5):  # successes are not failures: a working script is never slowed by this limit
        assert client.get("/api/v1/categories", headers=bearer(good)).status_code == 200
    guesses = [client.get("/api/v1/categories", headers=bearer(f"cnf_{secrets.token_urlsafe(32)}"))
               for _ in range(3)]
    assert [r.status_code for r in guesses] == [401, 401, 401]  # each random token once: no fresh budget each
    lookups = []
    monkeypatch.setattr(forum.api.routes, "user_for_token", lambda token: lookups.append(token))
    before = db_state()
    for response in (client.get("/api/v1/categories", headers=bearer(f"cnf_{secrets.token_urlsafe(32)}")),
                     client.get("/api/v1/threads", headers={}),  # no token at all
                     client.post("/api/v1/threads", headers={**bearer("cnf_x"), "Accept-Language": "es"},
                                 json={"category": "questions", "title": "T", "body": "B"}),
                     client.get("/api/v1/categories", headers=bearer(good))):  # this address is waiting
        assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
        assert response.get_json()["error"]["code"] == "rate_limited"
    assert lookups == []  # refused before any token was looked up
    assert db_state() == before
    monkeypatch.undo()
    elsewhere = client.get("/api/v1/categories", headers=bearer("cnf_x"), environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert elsewhere.status_code == 401  # another address has its own budget


@pytest.mark.ratelimit
def test_a_refused_guess_is_answered_in_the_readers_language(app, client):
    app.config["API_AUTH_FAILURE_RATE_LIMIT"] = "1 per minute"
    client.get("/api/v1/categories", headers=bearer("cnf_x"))
    response = client.get("/api/v1/categories", headers={**bearer("cnf_y"), "Accept-Language": "pt"})
    assert response.status_code == 429
    assert response.get_json()["error"]["message"] == translated(
        "pt", "Too many requests. Please wait a moment and try again.")


# --- 3. tokens and sessions end with a password change or a suspension -------------------------------------

def test_changing_the_password_revokes_every_api_token(client, auth, member, password):
    tokens = [create_token(member, f"script {i}")[1] for i in range(2)]
    auth.login(member)
    response = client.post("/profile", data={"password-current_password": password,
                                             "password-password": "a brand new password",
                                             "password-confirm": "a brand new password", "password-submit": "1"},
                           follow_redirects=True)
    assert "your API tokens revoked" in response.get_data(as_text=True)
    assert live_tokens(member) == []
    for token in tokens:
        assert client.get("/api/v1/categories", headers=bearer(token)).status_code == 401


def _set_status(admin_client, user, status: str):
    return admin_client.post(f"/admin/members/{user.id}", data={"role": user.role.value, "status": status})


def test_lifting_a_suspension_revives_no_session_and_no_token(app, admin, member, password):
    token = create_token(member, "script")[1]
    browser = app.test_client()
    browser.post("/login", data={"email": member.email, "password": password, "remember": "y"})
    remember = browser.get_cookie("remember_token").value
    assert browser.get("/profile").status_code == 200
    admin_client = app.test_client()
    Auth(admin_client).login(admin)
    suspended = _set_status(admin_client, member, "suspended")
    assert suspended.status_code == 302
    assert browser.get("/profile").status_code == 302
    assert app.test_client().get("/api/v1/categories", headers=bearer(token)).status_code == 401
    _set_status(admin_client, member, "active")
    db.session.expire_all()
    assert not db.session.get(User, member.id).suspended
    assert browser.get("/profile").status_code == 302  # the old session stays ended...
    thief = app.test_client()
    thief.set_cookie("remember_token", remember)
    assert thief.get("/profile").status_code == 302  # ...and so does its remember-me cookie
    assert app.test_client().get("/api/v1/categories", headers=bearer(token)).status_code == 401
    assert live_tokens(member) == []
    fresh = app.test_client()  # the member logs in again normally
    fresh.post("/login", data={"email": member.email, "password": password})
    assert fresh.get("/profile").status_code == 200


def test_a_suspension_set_anywhere_ends_sessions(app, client, auth, member):
    """Not only the admin page: a script or shell that suspends a member ends their sessions too."""
    auth.login(member)
    member.suspended = True
    db.session.commit()
    member.suspended = False
    db.session.commit()
    assert client.get("/profile").status_code == 302


def test_logout_keeps_api_tokens_and_the_profile_says_so(client, auth, member):
    token = create_token(member, "nightly report")[1]
    auth.login(member)
    page = client.get("/profile").get_data(as_text=True)
    assert "Logging out does not revoke your tokens" in page
    auth.logout()
    assert client.get("/api/v1/categories", headers=bearer(token)).status_code == 200


# --- 4. invitations are revocable ----------------------------------------------------------------------------

def _invite(admin, make_city, email="invited@city.example.org"):
    from forum.invites import create_invite

    invite, link = create_invite(email, make_city(), Role.MEMBER, admin)
    return invite, "/invite/" + link.rsplit("/invite/", 1)[1]


def _accept(client, path, name="Nuevo"):
    return client.post(path, data={"display_name": name, "password": "a long enough password",
                                   "confirm": "a long enough password", "language": "es"})


def test_an_admin_revokes_an_invitation_and_its_link_is_gone(app, client, auth, admin, make_city):
    invite, path = _invite(admin, make_city)
    assert app.test_client().get(path).status_code == 200
    auth.login(admin)
    listing = client.get("/admin/invites").get_data(as_text=True)
    assert f'action="/admin/invites/{invite.id}/revoke"' in listing
    response = client.post(f"/admin/invites/{invite.id}/revoke", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The invitation to invited@city.example.org is revoked" in page
    assert 'class="invite-status-revoked">Revoked<' in page
    assert f'action="/admin/invites/{invite.id}/revoke"' not in page
    db.session.expire_all()
    assert db.session.get(Invite, invite.id).revoked_at is not None
    visitor = app.test_client()
    before = db_state()
    for answer in (visitor.get(path, headers={"Accept-Language": "es"}), _accept(visitor, path)):
        assert answer.status_code == 410
    assert in_page("es", "This link is no longer valid.") in visitor.get(
        path, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert db_state() == before


def test_the_invitations_page_shows_each_state(client, auth, admin, make_city):
    from forum.invites import create_invite, revoke_invites

    states = {}
    for state in ("pending", "used", "expired", "revoked"):
        states[state] = create_invite(f"{state}@city.example.org", make_city(), Role.MEMBER, admin)[0]
    states["used"].used_at = utcnow()
    states["expired"].expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    revoke_invites(Invite.id == states["revoked"].id)
    auth.login(admin)
    page = client.get("/admin/invites").get_data(as_text=True)
    for state, label in (("used", "Used"), ("expired", "Expired"), ("revoked", "Revoked"), ("pending", "Open until")):
        row = page.split(f"{state}@city.example.org", 1)[1].split("</tr>", 1)[0]
        assert f'class="invite-status-{state}">{label}' in row, state
        assert ("/revoke" in row) == (state == "pending"), state


def test_a_used_invitation_cannot_be_revoked(client, auth, admin, make_city):
    invite, path = _invite(admin, make_city)
    assert _accept(client, path).status_code == 302
    client.post("/logout")
    auth.login(admin)
    before = db_state()
    page = client.post(f"/admin/invites/{invite.id}/revoke", follow_redirects=True).get_data(as_text=True)
    assert "This invitation was already used or revoked." in page
    assert db_state() == before
    assert client.post("/admin/invites/999999/revoke").status_code == 404


def test_a_member_cannot_revoke_invitations(client, auth, admin, member, make_city):
    invite, _path = _invite(admin, make_city)
    auth.login(member)
    before = db_state()
    assert client.post(f"/admin/invites/{invite.id}/revoke").status_code == 403
    assert db_state() == before


def test_operators_revoke_invitations_from_the_command_line(app, runner, admin, make_city):
    invite, path = _invite(admin, make_city, email="Someone@City.example.org")
    result = runner.invoke(args=["invites", "revoke", "someone@city.example.org"])
    assert result.exit_code == 0, result.output
    assert "Revoked 1 invitation to someone@city.example.org." in result.output
    assert app.test_client().get(path).status_code == 410
    again = runner.invoke(args=["invites", "revoke", "someone@city.example.org"])
    assert again.exit_code == 1 and "no unused invitation" in again.output


# --- 5. control characters in ?next= --------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/c/jobs\r\nSet-Cookie: planted=1", "/\r\n", "/c/jobs\n", "/\t/evil.example",
                                    "/c/jobs\x00", "/c/jobs\x7f", "/c/\u2028jobs", "/c/\u202ejobs"])
def test_control_characters_in_next_fall_back_to_the_index(client, member, password, target):
    response = client.post("/login", query_string={"next": target}, data={"email": member.email, "password": password})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "planted" not in str(response.headers)


# --- 6. no-store where secrets or emails appear ------------------------------------------------------------------

def _no_store(response) -> bool:
    return response.headers.get("Cache-Control") == "no-store"


def test_pages_with_secrets_or_emails_are_not_stored(app, client, auth, admin, member, password, make_city):
    _invite_row, path = _invite(admin, make_city)
    visitor = app.test_client()
    assert _no_store(visitor.get(path))  # the address is the secret; the page shows the email
    failed = visitor.post("/login", data={"email": member.email, "password": "wrong"})
    assert failed.status_code == 200 and member.email in failed.get_data(as_text=True) and _no_store(failed)
    auth.login(admin)
    new_invite = client.post("/admin/invites", data={"email": "fresh@city.example.org",
                                                      "city": _invite_row.city_id, "role": "member"})
    assert 'id="invite-link"' in new_invite.get_data(as_text=True) and _no_store(new_invite)
    for url in ("/admin/invites", "/admin/members", f"/admin/members/{member.id}", "/profile"):
        response = client.get(url)
        assert response.status_code == 200 and _no_store(response), url
    new_token = client.post("/profile/tokens", data={"token-name": "t", "token-current_password": password})
    assert 'id="new-token"' in new_token.get_data(as_text=True) and _no_store(new_token)
    assert not _no_store(client.get("/"))  # ordinary pages stay cacheable by the browser
