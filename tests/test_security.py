"""Sessions, rate limits and headers that hold against a hostile member."""
import pytest



def test_logout_ends_the_members_other_sessions(app, member, password):
    laptop, phone = app.test_client(), app.test_client()
    for browser in (laptop, phone):
        browser.post("/login", data={"email": member.email, "password": password, "remember": "y"})
        assert browser.get("/profile").status_code == 200
    laptop.post("/logout")
    assert phone.get("/profile").status_code == 302  # the phone's session ended too
    assert laptop.get("/profile").status_code == 302


def test_a_stolen_remember_cookie_dies_at_logout(app, member, password):
    browser = app.test_client()
    browser.post("/login", data={"email": member.email, "password": password, "remember": "y"})
    remember = browser.get_cookie("remember_token")
    assert remember is not None
    thief = app.test_client()
    thief.set_cookie("remember_token", remember.value)
    assert thief.get("/profile").status_code == 200
    browser.post("/logout")
    thief.delete_cookie("session")
    fresh_thief = app.test_client()
    fresh_thief.set_cookie("remember_token", remember.value)
    assert fresh_thief.get("/profile").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app, member, password):
    here, elsewhere = app.test_client(), app.test_client()
    for browser in (here, elsewhere):
        browser.post("/login", data={"email": member.email, "password": password})
    response = here.post("/profile", data={"password-current_password": password,
                                           "password-password": "a brand new password",
                                           "password-confirm": "a brand new password", "password-submit": "1"})
    assert response.status_code == 302
    assert here.get("/profile").status_code == 200
    assert elsewhere.get("/profile").status_code == 302


@pytest.mark.ratelimit
def test_login_brute_force_is_throttled_with_retry_after(app, client, member):
    app.config["LOGIN_RATE_LIMIT"] = "5 per minute"
    statuses = [client.post("/login", data={"email": member.email, "password": f"guess {i}"}).status_code
                for i in range(6)]
    assert statuses == [200] * 5 + [429]
    response = client.post("/login", data={"email": member.email, "password": "guess"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "Too many attempts" in response.get_data(as_text=True)


@pytest.mark.ratelimit
def test_a_spoofed_forwarded_for_does_not_reset_the_limit(app, client, member):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    statuses = [client.post("/login", data={"email": member.email, "password": "x"},
                            headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(4)]
    assert statuses[-1] == 429


@pytest.mark.ratelimit
def test_behind_a_trusted_proxy_the_real_client_is_the_key(make_app, member):
    app = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXY_COUNT=1, LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [client.post("/login", data={"email": "a@b.org", "password": "x"},
                            headers={"X-Forwarded-For": "203.0.113.7"}).status_code for _ in range(3)]
    other = client.post("/login", data={"email": "a@b.org", "password": "x"},
                        headers={"X-Forwarded-For": "203.0.113.8"}).status_code
    assert statuses == [200, 200, 429] and other == 200


@pytest.mark.ratelimit
def test_posting_and_api_calls_are_rate_limited(app, client, auth, member):
    from forum.tokens import create_token

    app.config["POST_RATE_LIMIT"] = "2 per minute"
    app.config["API_RATE_LIMIT"] = "3 per minute"
    auth.login(member)
    statuses = [client.post("/c/questions/new", data={"title": f"T{i}", "body": "B", "language": "en"}).status_code
                for i in range(3)]
    assert statuses == [302, 302, 429]
    token = create_token(member, "t")[1]
    headers = {"Authorization": f"Bearer {token}"}
    api = [client.get("/api/v1/categories", headers=headers) for _ in range(4)]
    assert [r.status_code for r in api] == [200, 200, 200, 429]
    assert api[-1].get_json()["error"]["code"] == "rate_limited" and "Retry-After" in api[-1].headers


def test_production_cookies_are_secure(monkeypatch, tmp_path, app, client, member, password):
    from forum.config import settings

    monkeypatch.setenv("FORUM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x")
    production = settings(str(tmp_path))
    assert production["SESSION_COOKIE_SECURE"] and production["REMEMBER_COOKIE_SECURE"]
    app.config.update({k: v for k, v in production.items() if "COOKIE" in k})
    response = client.post("/login", data={"email": member.email, "password": password, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)


def test_no_secret_in_error_pages(app, client, monkeypatch):
    from forum.threads import routes

    def boom(*_a, **_k):
        raise RuntimeError(f"failed with key {app.config['SECRET_KEY']}")

    monkeypatch.setattr(routes, "render_template", boom)
    response = client.get("/")
    assert response.status_code == 500
    assert app.config["SECRET_KEY"] not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_password_hashes_and_tokens_never_appear_in_pages(client, auth, admin, member):
    auth.login(admin)
    for url in ("/admin/members", f"/admin/members/{member.id}", "/profile"):
        page = client.get(url).get_data(as_text=True)
        assert member.password_hash not in page and "scrypt:" not in page


@pytest.mark.ratelimit
def test_with_redis_down_logins_and_posting_still_work(make_app, member, password):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
                   REDIS_URL="redis://127.0.0.1:1/0", TRANSLATION_WORKER="rq")
    client = app.test_client()
    login = client.post("/login", data={"email": member.email, "password": password})
    post = client.post("/c/questions/new", data={"title": "T", "body": "B", "language": "en"})
    assert login.status_code == 302 and post.status_code == 302


def test_invitation_tokens_never_reach_a_log_line(caplog):
    import logging

    from forum.logging_filters import install

    install()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logging.getLogger("werkzeug").info('%s - - "%s" %s', "127.0.0.1", "GET /invite/SeCrEtToKeN_123-x HTTP/1.1", 200)
    assert "SeCrEtToKeN" not in caplog.text and "/invite/[redacted]" in caplog.text


@pytest.mark.ratelimit
def test_one_posting_budget_per_member_across_pages_and_api(app, client, auth, member, make_user, make_thread):
    """New threads and replies through the two pages and the two API routes draw on one budget,
    kept per member: a colleague at the same address still posts."""
    from forum.tokens import create_token

    app.config["POST_RATE_LIMIT"] = "4 per minute"
    thread = make_thread(member)
    headers = {"Authorization": f"Bearer {create_token(member, 't')[1]}"}
    auth.login(member)
    statuses = [
        client.post("/c/questions/new", data={"title": "T", "body": "B", "language": "en"}).status_code,
        client.post(f"/t/{thread.id}/reply", data={"body": "B", "language": "en"}).status_code,
        client.post("/api/v1/threads", json={"category": "questions", "title": "T", "body": "B"},
                    headers=headers).status_code,
        client.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "B"}, headers=headers).status_code,
    ]
    assert statuses == [302, 302, 201, 201]
    assert client.post(f"/t/{thread.id}/reply", data={"body": "B", "language": "en"}).status_code == 429
    assert client.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "B"}, headers=headers).status_code == 429
    auth.logout()
    auth.login(make_user())
    assert client.post(f"/t/{thread.id}/reply", data={"body": "B", "language": "en"}).status_code == 302
