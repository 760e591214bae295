"""API v1: tokens, endpoints, translations per language, strict input, JSON errors."""
import re

import pytest

from forum import jobs
from forum.extensions import db
from forum.models import ApiToken, Post, Thread
from forum.tokens import create_token


@pytest.fixture
def token(member):
    return create_token(member, "tests")[1]


@pytest.fixture
def api(client, token):
    """A client that sends the member's bearer token."""

    class Api:
        def __init__(self, headers):
            self.headers = headers

        def __getattr__(self, method):
            def call(url, **kwargs):
                headers = {**self.headers, **kwargs.pop("headers", {})}
                return getattr(client, method)(f"/api/v1{url}", headers=headers, **kwargs)

            return call

    return Api({"Authorization": f"Bearer {token}"})


def test_tokens_are_stored_hashed(member, token):
    row = db.session.execute(db.select(ApiToken)).scalar_one()
    assert token not in (row.token_hash, row.prefix) and row.token_hash == ApiToken.hash_token(token)
    assert token.startswith(row.prefix)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nope", "Basic abc", "Bearer cnf_forged"])
def test_missing_or_bad_tokens_get_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/categories", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_and_suspended_member_are_refused(api, member):
    assert api.get("/categories").status_code == 200
    member.suspended = True
    db.session.commit()
    assert api.get("/categories").status_code == 401
    member.suspended = False
    db.session.execute(db.update(ApiToken).values(revoked_at=db.func.current_timestamp()))
    db.session.commit()
    assert api.get("/categories").status_code == 401


def test_session_cookie_does_not_authenticate_the_api(client, auth, member):
    auth.login(member)
    assert client.get("/api/v1/categories").status_code == 401


def test_categories(api):
    data = api.get("/categories?lang=es").get_json()
    assert [c["slug"] for c in data["categories"]] == ["questions", "jobs", "best-practices", "general"]
    assert data["categories"][0]["name"] == "Preguntas"


def test_create_thread_reply_and_read_it_in_another_language(api, engine):
    created = api.post("/threads", json={"category": "questions", "title": "¿Cómo reducen fugas?",
                                         "body": "Perdemos **30 %** del agua.", "language": "es"})
    assert created.status_code == 201
    thread = created.get_json()
    assert created.headers["Location"].endswith(f"/api/v1/threads/{thread['id']}")
    reply = api.post(f"/threads/{thread['id']}/posts", json={"body": "We fixed it with pressure management."})
    assert reply.status_code == 201 and reply.get_json()["original_language"] == "en"  # detected

    pending = api.get(f"/threads/{thread['id']}?lang=en").get_json()
    first = pending["posts"][0]
    assert (first["status"], first["language"], first["body"]) == ("pending", "es", "Perdemos **30 %** del agua.")
    jobs.run_pending()
    data = api.get(f"/threads/{thread['id']}?lang=en").get_json()
    first, second = data["posts"]
    assert data["title"] == "[en] ¿Cómo reducen fugas?" and data["original_title"] == "¿Cómo reducen fugas?"
    assert (first["status"], first["language"], first["original_language"]) == ("machine", "en", "es")
    assert first["body"] == "[en] Perdemos **30 %** del agua." and first["engine"] == "fake"
    assert (second["status"], second["language"]) == ("original", "en")
    original = api.get(first["original_url"].split("/api/v1")[1]).get_json()
    assert original["body"] == "Perdemos **30 %** del agua." and original["language"] == "es"


def test_thread_list_filters_by_category_and_pages(app, api, member, make_thread):
    app.config["THREADS_PER_PAGE"] = 2
    for i in range(3):
        make_thread(member, title=f"Question {i}")
    data = api.get("/threads?category=questions&page=2").get_json()
    assert (data["page"], data["pages"], data["total"]) == (2, 2, 3)
    assert [t["title"] for t in data["threads"]] == ["Question 0"]
    assert api.get("/threads?category=jobs").get_json()["total"] == 0


def test_patch_edits_own_post_only(api, member, make_user, make_thread):
    mine = make_thread(member, title="Mine", body="Old").posts[0]
    theirs = make_thread(make_user(), title="Theirs", body="Not yours").posts[0]
    response = api.patch(f"/posts/{mine.id}", json={"body": "New", "revision": 1, "title": "Mine too"})
    assert response.status_code == 200 and response.get_json()["revision"] == 2
    assert api.patch(f"/posts/{mine.id}", json={"body": "Newer", "revision": 1}).status_code == 409
    forbidden = api.patch(f"/posts/{theirs.id}", json={"body": "Mine now"})
    assert forbidden.status_code == 403 and forbidden.get_json()["error"]["code"] == "forbidden"
    db.session.expire_all()
    assert db.session.get(Post, theirs.id).body == "Not yours"
    assert db.session.get(Thread, mine.thread_id).title == "Mine too"


@pytest.mark.parametrize("payload, field", [
    ({"category": "questions", "title": "T", "body": "B", "role": "admin"}, "role"),
    ({"category": "questions", "title": "T", "body": "B", "author_id": 1}, "author_id"),
    ({"category": "questions", "title": 5, "body": "B"}, "title"),
    ({"category": "questions", "title": "T", "body": ["B"]}, "body"),
    ({"category": "questions", "title": "", "body": "B"}, "title"),
    ({"category": "questions", "title": "T" * 201, "body": "B"}, "title"),
    ({"category": "questions", "title": "T", "body": "B" * 50_001}, "body"),
    ({"category": "questions", "title": "T\x00", "body": "B"}, "title"),
    ({"category": "nope", "title": "T", "body": "B"}, "category"),
    ({"category": "questions", "title": "T", "body": "B", "language": "fr"}, "language"),
    ({"title": "T", "body": "B"}, "category"),
])
def test_invalid_fields_are_rejected_never_assigned(api, payload, field):
    response = api.post("/threads", json=payload)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"]
    assert db.session.execute(db.select(db.func.count(Thread.id))).scalar() == 0


@pytest.mark.parametrize("kwargs, status, code", [
    ({"data": "title=x", "content_type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
    ({"data": "{not json", "content_type": "application/json"}, 400, "bad_request"),
    ({"data": "[1, 2]", "content_type": "application/json"}, 422, "validation_error"),
    ({"data": b'{"title": "\xff\xfe"}', "content_type": "application/json"}, 400, "bad_request"),
    ({"data": "x" * 2_000_000, "content_type": "application/json"}, 413, "payload_too_large"),
])
def test_malformed_bodies_get_clear_json_errors(api, kwargs, status, code):
    response = api.post("/threads", **kwargs)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_unknown_urls_methods_and_ids_are_json_errors(api):
    assert api.get("/nope").get_json()["error"]["code"] == "not_found"
    assert api.delete("/categories").status_code == 405
    assert api.get("/threads/999").status_code == 404
    assert api.get("/posts/999/original").status_code == 404
    assert api.get("/threads?page=0").status_code == 422
    assert api.get("/threads?lang=fr").status_code == 422


def test_errors_speak_the_callers_language(api, member):
    member.language = "pt"
    db.session.commit()
    error = api.post("/threads", json={"title": "T"}).get_json()["error"]
    assert error["message"] != "Some fields are not valid." and error["fields"]["body"] != "This field is required."


def test_search_finds_posts_through_their_translations(api, member, make_thread, engine):
    thread = make_thread(member, title="Fugas", body="Perdemos agua en la red.", language="es")
    jobs.run_pending()
    # "[pt]" only exists in the Portuguese translation.
    results = api.get("/search?q=[pt] perdemos&lang=pt").get_json()["results"]
    assert [r["thread_id"] for r in results] == [thread.id]
    assert results[0]["post"]["status"] == "machine"
    # An English searcher finds it too, through the Portuguese translation, and reads it in English.
    [english] = api.get("/search?q=[pt] perdemos&lang=en").get_json()["results"]
    assert english["post"]["body"] == "[en] Perdemos agua en la red."
    assert (english["matches"][0]["matched_language"], english["matches"][0]["matched_source"]) == ("pt", "machine")
    assert api.get("/search?q=").status_code == 422


def test_deleted_posts_leak_nowhere(api, member, make_thread):
    from forum.threads import services

    thread = make_thread(member, body="Secret budget numbers", replies=1)
    services.delete_post(thread.posts[1])
    services.delete_post(thread.posts[0])
    assert api.get("/search?q=secret").get_json()["results"] == []
    data = api.get(f"/threads/{thread.id}").get_json()
    assert all(p["body"] is None and p["body_html"] is None for p in data["posts"])
    assert "Secret" not in api.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert api.get(f"/posts/{thread.posts[0].id}/original").status_code == 404


def test_openapi_document_describes_every_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            # <int:post_id>, <string:language> -> {post_id}, {language}
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented


def test_users_token_command_prints_the_token_alone_on_the_last_line(runner, client, member):
    result = runner.invoke(args=["users", "token", member.email])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("cnf_") and " " not in token
    assert client.get("/api/v1/categories", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert runner.invoke(args=["users", "token", "nobody@example.org"]).exit_code == 1


def test_members_create_and_revoke_tokens_on_their_profile(client, auth, member, make_user, password):
    auth.login(member)
    page = client.post("/profile/tokens", data={"token-name": "my script", "token-current_password": password}
                       ).get_data(as_text=True)
    token = page.split('id="new-token">')[1].split("<")[0]
    assert client.get("/api/v1/categories", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    row = db.session.execute(db.select(ApiToken)).scalar_one()
    assert "my script" in client.get("/profile").get_data(as_text=True)
    assert token not in client.get("/profile").get_data(as_text=True)  # shown once only
    other = make_user()
    _other_row, _ = create_token(other, "theirs")
    others = db.session.execute(db.select(ApiToken).filter_by(user_id=other.id)).scalar_one()
    assert client.post(f"/profile/tokens/{others.id}/revoke").status_code == 404
    assert client.post(f"/profile/tokens/{row.id}/revoke").status_code == 302
    assert client.get("/api/v1/categories", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    db.session.expire_all()
    assert db.session.get(ApiToken, others.id).revoked_at is None


def test_two_edits_of_the_same_revision_one_wins_one_gets_409(api, member, make_thread):
    post = make_thread(member, title="T", body="Original").posts[0]
    first = api.patch(f"/posts/{post.id}", json={"body": "First edit", "revision": 1})
    assert first.status_code == 200
    from forum.threads import services

    # A second editor who loaded revision 1 too, reaching the service directly (no API pre-check).
    with pytest.raises(services.EditConflict):
        services.edit_post(post, member, "Second edit", "en", expected_revision=1)
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "First edit"
