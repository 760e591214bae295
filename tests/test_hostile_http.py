"""Hostile HTTP, beyond the body of a post: Unicode digits where numbers go, JSON nested a thousand
deep, methods a URL does not have, a title sent for a reply, and a forged Host header.

Each is a clear refusal (or is ignored) and never a 500; absolute URLs never carry the Host header
a client chose.
"""
from __future__ import annotations

import json

import pytest

from forum.api.validation import MAX_JSON_DEPTH, json_nesting_exceeds
from forum.extensions import db
from forum.models import Invite, Thread
from forum.text import ascii_int
from forum.tokens import create_token

FORGED = "attacker.example"


@pytest.fixture
def api(client, member):
    """Calls /api/v1 with the member's bearer token."""
    token = create_token(member, "tests")[1]

    class Api:
        def __getattr__(self, method):
            def call(url, **kwargs):
                headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
                return getattr(client, method)(f"/api/v1{url}", headers=headers, **kwargs)

            return call

        def open(self, url, method, **kwargs):
            return client.open(f"/api/v1{url}", method=method, headers={"Authorization": f"Bearer {token}"},
                               **kwargs)

    return Api()


# --- Unicode digits -----------------------------------------------------------------------------------

UNICODE_DIGITS = ["²", "٣", "１", "1²", "߁"]  # superscript two, Arabic-Indic three, full-width one, NKo one


@pytest.mark.parametrize("value, number", [("0", 0), ("42", 42), ("007", 7), ("", None), (" 1", None), ("1 ", None),
                                           ("-1", None), ("+1", None), ("1_0", None), ("1e3", None), (None, None),
                                           ("9" * 19, None), *[(d, None) for d in UNICODE_DIGITS]])
def test_only_ascii_digits_make_a_number(value, number):
    assert ascii_int(value) == number


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
def test_unicode_digits_as_page_numbers_are_ignored_on_pages(client, auth, member, make_thread, digit):
    thread = make_thread(member)
    auth.login(member)
    for url in (f"/c/questions?page={digit}", f"/t/{thread.id}?page={digit}"):
        response = client.get(url)
        assert response.status_code == 200, url  # page 1, as for any page number that is not one


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
def test_unicode_digits_as_page_numbers_are_a_422_in_the_api(api, member, make_thread, digit):
    thread = make_thread(member)
    for url in (f"/threads?page={digit}", f"/threads/{thread.id}?page={digit}"):
        response = api.get(url)
        assert response.status_code == 422, url
        assert response.get_json()["error"]["fields"] == {"page": "Must be a whole number from 1 to 100000."}


@pytest.mark.parametrize("digit", ["²", "٣"])
def test_a_unicode_digit_as_the_edit_forms_revision_is_ignored(client, auth, member, make_thread, digit):
    thread = make_thread(member)
    post = thread.posts[0]
    auth.login(member)
    response = client.post(f"/p/{post.id}/edit", data={"title": "How do you fix leaks?", "body": "Edited.",
                                                        "language": "en", "revision": digit})
    assert response.status_code == 302  # saved, as without a revision
    db.session.expire_all()
    assert post.body == "Edited." and post.revision == 2


@pytest.mark.parametrize("session_id", ["²:{version}", "{id}:²", "٣:{version}", "{id}:٣", "{id}１:{version}"])
def test_a_session_id_with_unicode_digits_is_no_member(app, client, member, session_id):
    # The session is signed, so only a holder of SECRET_KEY could write this; still no 500 for it.
    with client.session_transaction() as session:
        session["_user_id"] = session_id.format(id=member.id, version=member.session_version)
        session["_fresh"] = True
    response = client.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- JSON depth ---------------------------------------------------------------------------------------

def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_nested_a_thousand_deep_is_a_clear_400(api):
    body = '{"category": "questions", "title": "Deep", "body": "x", "extra": ' + _nested(1000) + "}"
    response = api.post("/threads", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "bad_request", "message": f"The JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels)."}
    assert db.session.execute(db.select(db.func.count(Thread.id))).scalar() == 0


def test_json_nested_a_thousand_deep_is_refused_on_every_json_route(api, member, make_thread):
    thread = make_thread(member)
    deep = _nested(1000)
    for method, url in (("post", "/threads"), ("post", f"/threads/{thread.id}/posts"),
                        ("patch", f"/posts/{thread.posts[0].id}")):
        response = getattr(api, method)(url, data=deep, content_type="application/json")
        assert response.status_code == 400, url


def test_json_within_the_depth_limit_is_read_as_usual(api):
    response = api.post("/threads", data=json.dumps({"category": "questions", "title": "T", "body": "x",
                                                     "extra": json.loads(_nested(MAX_JSON_DEPTH - 1))}),
                        content_type="application/json")
    assert response.status_code == 422 and response.get_json()["error"]["fields"] == {"extra": "Unknown field."}


def test_brackets_inside_strings_are_text_not_nesting(api):
    body = {"category": "questions", "title": "Leaks " + "[" * 150, "body": "{[" * 5000 + ' \\" ' + "]" * 100, "language": "en"}
    response = api.post("/threads", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert response.get_json()["original_title"] == "Leaks " + "[" * 150


@pytest.mark.parametrize("text, deep", [
    ("[]", False), (_nested(MAX_JSON_DEPTH), False), (_nested(MAX_JSON_DEPTH + 1), True),
    ('["' + "[" * 100 + '"]', False),                      # inside a string
    ('["\\"' + "[" * 100 + '"]', False),                   # after an escaped quote, still inside
    ('["\\\\"' + "[" * 100 + "]" * 100 + "]", True),       # an escaped backslash ends the string
    ('"' + "\\" * 7 + "[" * 50, False),                    # unterminated: text to the end
    ("{" * 40, True),
])
def test_the_depth_scan_follows_json_strings_and_escapes(text, deep):
    assert json_nesting_exceeds(text.encode()) is deep


def test_the_depth_scan_reads_utf16_as_json_does():
    assert json_nesting_exceeds(_nested(100).encode("utf-16")) is True


# --- 405 with Allow -----------------------------------------------------------------------------------

def test_a_method_the_api_does_not_have_is_a_405_with_allow(api, member, make_thread):
    thread = make_thread(member)
    for method, url, allowed in (("TRACE", "/categories", {"GET"}), ("DELETE", "/threads", {"GET", "POST"}),
                                 ("PUT", f"/posts/{thread.posts[0].id}", {"PATCH"})):
        response = api.open(url, method)
        assert response.status_code == 405, url
        assert response.get_json()["error"]["code"] == "method_not_allowed"
        assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}, url


def test_a_method_a_page_does_not_have_is_a_405_with_allow(client):
    response = client.get("/logout")
    assert response.status_code == 405 and "not allowed" in response.get_data(as_text=True)
    assert "POST" in response.headers["Allow"]


# --- PATCH title --------------------------------------------------------------------------------------

def test_a_null_title_on_a_reply_is_no_change(api, member, make_thread):
    thread = make_thread(member, replies=1)
    reply = thread.posts[1]
    response = api.patch(f"/posts/{reply.id}", json={"body": "Reply, edited.", "title": None})
    assert response.status_code == 200 and response.get_json()["body"] == "Reply, edited."
    db.session.expire_all()
    assert thread.title == "How do you fix leaks?"


def test_a_title_for_a_reply_is_a_clear_422(api, member, make_thread):
    thread = make_thread(member, replies=1)
    reply = thread.posts[1]
    response = api.patch(f"/posts/{reply.id}", json={"body": "Reply, edited.", "title": "A new title"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"title": "Only the first post of a thread has a title."}
    db.session.expire_all()
    assert reply.body == "Reply number 0" and thread.title == "How do you fix leaks?"


def test_a_null_title_on_the_first_post_keeps_the_title(api, member, make_thread):
    thread = make_thread(member)
    response = api.patch(f"/posts/{thread.posts[0].id}", json={"body": "Edited.", "title": None})
    assert response.status_code == 200
    db.session.expire_all()
    assert thread.title == "How do you fix leaks?" and thread.posts[0].body == "Edited."


def test_the_openapi_document_lets_every_post_carry_a_nullable_title(client):
    edit = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["PostEdit"]
    assert edit["properties"]["title"]["type"] == ["string", "null"] and "title" not in edit["required"]


# --- Host header --------------------------------------------------------------------------------------

def test_a_forged_host_header_is_not_in_invite_links(client, auth, admin, make_city):
    city = make_city()
    auth.login(admin, headers={"Host": FORGED})  # the session cookie is the forged host's
    page = client.post("/admin/invites", data={"email": "new@city.example.org", "city": city.id, "role": "member"},
                       headers={"Host": FORGED}).get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Invite.id))).scalar() == 1
    assert 'id="invite-link">http://forum.test/invite/' in page and FORGED not in page


def test_a_forged_host_header_is_not_in_the_openapi_servers(client):
    document = client.get("/api/v1/openapi.json", headers={"Host": FORGED}).get_json()
    assert document["servers"] == [{"url": "http://forum.test/api/v1"}]


def test_a_forged_host_header_is_not_in_location_headers(api, member, make_thread):
    thread = make_thread(member)
    created = api.post("/threads", json={"category": "questions", "title": "T", "body": "B"}, headers={"Host": FORGED})
    reply = api.post(f"/threads/{thread.id}/posts", json={"body": "B"}, headers={"Host": FORGED})
    assert created.status_code == reply.status_code == 201
    assert created.headers["Location"] == f"http://forum.test/api/v1/threads/{created.get_json()['id']}"
    assert reply.headers["Location"] == f"http://forum.test/api/v1/posts/{reply.get_json()['id']}/original"


def test_trusted_hosts_refuse_any_other_host_header(make_app, member):
    app = make_app(TRUSTED_HOSTS=["forum.test"])
    client = app.test_client()
    token = create_token(member, "tests")[1]
    page = client.get("/login", headers={"Host": FORGED})
    assert page.status_code == 400 and "could not be understood" in page.get_data(as_text=True)
    api = client.get("/api/v1/categories", headers={"Host": FORGED, "Authorization": f"Bearer {token}"})
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "bad_request"
    assert client.get("/login", headers={"Host": "forum.test"}).status_code == 200
    assert client.get("/api/v1/categories", headers={"Host": "forum.test",
                                                     "Authorization": f"Bearer {token}"}).status_code == 200


def test_trusted_hosts_come_from_the_environment(monkeypatch, tmp_path):
    from forum import config

    monkeypatch.setenv("TRUSTED_HOSTS", " forum.example.org, .cities.example.org ,")
    assert config.settings(str(tmp_path))["TRUSTED_HOSTS"] == ["forum.example.org", ".cities.example.org"]
    monkeypatch.delenv("TRUSTED_HOSTS")
    assert config.settings(str(tmp_path))["TRUSTED_HOSTS"] is None  # unset: every host is served


@pytest.mark.parametrize("digits", ["١", "%EF%BC%91", "%D9%A1"])  # Arabic-Indic one, full-width one
def test_unicode_digits_in_url_ids_name_nothing(client, member, make_thread, digits):
    thread = make_thread(member)
    assert thread.id == 1 and thread.first_post_id == 1
    for url in (f"/t/{digits}", f"/p/{digits}/history", f"/p/{digits}"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("body", ["[" * 1000, "[1, 2]", '"x"', "5", '{"email": 5, "password": ["x"]}'])
def test_a_page_form_sent_as_json_is_a_clear_415_never_a_500(client, member, make_thread, body):
    """Flask-WTF reads a JSON body as form data: pages refuse JSON before any form sees it."""
    thread = make_thread(member)
    for url in ("/login", f"/t/{thread.id}/reply", "/profile"):
        response = client.post(url, data=body, content_type="application/json", headers={"Accept-Language": "es"})
        assert response.status_code == 415, (url, response.status_code)
        assert "Envíe este formulario desde su página." in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Thread.id))).scalar() == 1
