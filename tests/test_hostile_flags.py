"""A hostile member attacks flags and the moderators' queue: the queue and its actions are for
moderators only (403, nothing changes), a post the member may not see cannot be flagged (404, page and
API), a note with markup reaches the queue escaped, forms without a CSRF token are refused, a second
flag of the same post is refused and the first kept as it was."""
from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape

from test_hostile_member import XSS, Api, csrf_token, db_state, error_of, no_script
from forum.extensions import db
from forum.flags import services as flag_services
from forum.models import Flag, FlagReason, utcnow
from forum.moderation import services as moderation
from forum.tokens import create_token


@pytest.fixture
def hostile(make_user):
    return make_user(language="es", name="Hostil")


@pytest.fixture
def victim(make_user):
    return make_user(language="pt", name="Vítima")


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", language="en", name="Mo Derator")


@pytest.fixture
def api(client, hostile) -> Api:
    return Api(client, create_token(hostile, "attack script")[1])


@pytest.fixture
def flagged(make_thread, victim, moderator):
    """The victim's thread with one reply, the reply flagged by a third member (an open flag)."""
    thread = make_thread(victim, title="Orçamento participativo", body="Texto da vítima", language="pt", replies=1)
    flag_services.flag_post(thread.posts[1], moderator, FlagReason.SPAM, "Looks like an ad")
    return thread


def test_a_member_cannot_open_the_queue_or_resolve_anything(client, auth, api, hostile, flagged):
    reply = flagged.posts[1]
    auth.login(hostile)
    before = db_state()
    assert client.get("/moderation").status_code == 403
    for action in ("dismiss", "hide"):
        response = client.post(f"/moderation/posts/{reply.id}/flags/{action}", data={"note": "mine now"})
        assert response.status_code == 403, action
    response = api.get("/moderation/queue")
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"
    assert db_state() == before
    # Nor does the header tell a member how many posts are waiting.
    assert "Moderation (" not in client.get("/").get_data(as_text=True)


def test_visitors_cannot_open_the_queue_or_resolve(client, flagged):
    before = db_state()
    assert client.get("/moderation").status_code == 302
    assert client.post(f"/moderation/posts/{flagged.posts[1].id}/flags/hide").status_code == 302
    assert client.get("/api/v1/moderation/queue").status_code == 401
    assert db_state() == before


def _hidden_thread(make_thread, victim, moderator):
    thread = make_thread(victim, title="Fio escondido", body="Primeiro", language="pt", replies=1)
    moderation.hide(thread.posts[0], moderator)  # the whole thread is gone for members, its reply too
    return thread.posts[1]


@pytest.mark.parametrize("target", ["hidden", "deleted", "hidden_thread", "missing", "huge"])
def test_a_post_the_member_may_not_see_cannot_be_flagged(client, auth, api, hostile, victim, moderator,
                                                         make_thread, target):
    thread = make_thread(victim, title="Alvo", body="Texto", language="pt", replies=1)
    reply = thread.posts[1]
    if target == "hidden":
        moderation.hide(reply, moderator)
        post_id = reply.id
    elif target == "deleted":
        reply.deleted_at = utcnow()
        db.session.commit()
        post_id = reply.id
    elif target == "hidden_thread":
        post_id = _hidden_thread(make_thread, victim, moderator).id
    elif target == "missing":
        post_id = 999999
    else:
        post_id = 2**31  # beyond the id column: a 404, never a database error
    auth.login(hostile)
    before = db_state()
    assert client.get(f"/posts/{post_id}/flag").status_code == 404
    assert client.post(f"/posts/{post_id}/flag", data={"reason": "spam"}).status_code == 404
    response = api.post(f"/posts/{post_id}/flags", json={"reason": "spam"})
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    assert db_state() == before


def test_a_moderator_cannot_flag_a_hidden_post_either(client, auth, moderator, victim, make_thread):
    reply = make_thread(victim, replies=1).posts[1]
    moderation.hide(reply, moderator)
    mod_api = Api(client, create_token(moderator, "m")[1])
    auth.login(moderator)
    before = db_state()
    assert client.post(f"/posts/{reply.id}/flag", data={"reason": "spam"}).status_code == 404
    assert mod_api.post(f"/posts/{reply.id}/flags", json={"reason": "spam"}).status_code == 404
    assert db_state() == before


def test_markup_in_a_flag_note_reaches_the_queue_escaped(client, auth, api, hostile, moderator, victim, make_thread):
    thread = make_thread(victim, title="Alvo", body="Texto", language="pt", replies=1)
    note = f'{XSS}<img src=x onerror=alert(2)>{{{{ config.SECRET_KEY }}}}'
    assert api.post(f"/posts/{thread.posts[0].id}/flags", json={"reason": "other", "note": note}).status_code == 201
    auth.login(hostile)
    assert client.post(f"/posts/{thread.posts[1].id}/flag",
                       data={"reason": "other", "note": f"<b onmouseover=alert(3)>x</b>{XSS}"}).status_code == 302
    auth.logout()
    auth.login(moderator)
    page = client.get("/moderation").get_data(as_text=True)
    no_script(page)
    assert str(escape(note)) in page and "test-secret" not in page
    assert str(escape("<b onmouseover=alert(3)>x</b>")) in page
    data = Api(client, create_token(moderator, "m")[1]).get("/moderation/queue").get_json()
    assert note in [f["note"] for item in data["items"] for f in item["flags"]]  # JSON: inert text


@pytest.mark.csrf
def test_flag_and_queue_forms_refuse_a_missing_or_forged_csrf_token(app, hostile, moderator, flagged, password):
    reply = flagged.posts[1]
    for user, attempts in [(hostile, [(f"/posts/{flagged.posts[0].id}/flag", {"reason": "spam"})]),
                           (moderator, [(f"/moderation/posts/{reply.id}/flags/dismiss", {}),
                                        (f"/moderation/posts/{reply.id}/flags/hide", {})])]:
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": password,
                                               "csrf_token": csrf_token(client)})
        assert response.status_code == 302
        before = db_state()
        for url, data in attempts:
            for token in (None, "forged"):
                extra = {} if token is None else {"csrf_token": token}
                response = client.post(url, data={**data, **extra})
                assert response.status_code == 400, url
        assert db_state() == before


def test_a_second_flag_is_refused_and_the_first_kept(client, auth, api, hostile, victim, make_thread):
    post = make_thread(victim, title="Alvo", body="Texto", language="pt").posts[0]
    assert api.post(f"/posts/{post.id}/flags", json={"reason": "spam", "note": "first"}).status_code == 201
    before = db_state()
    response = api.post(f"/posts/{post.id}/flags", json={"reason": "inappropriate", "note": "second"})
    assert response.status_code == 409
    with force_locale("es"):  # the caller's language (the catalogs are translated after the merge)
        assert error_of(response)["message"] == gettext("You already flagged this post.")
    auth.login(hostile)
    page = client.post(f"/posts/{post.id}/flag", data={"reason": "other", "note": "third"}, follow_redirects=True)
    assert page.status_code == 200
    assert db_state() == before


def test_flags_cannot_be_planted_for_someone_else_or_pre_resolved(api, hostile, victim, make_thread):
    """Unknown JSON fields (a reporter, a resolution) are refused, never assigned."""
    post = make_thread(victim, title="Alvo", body="Texto", language="pt").posts[0]
    before = db_state()
    for extra in ({"reporter_id": victim.id}, {"resolved_at": "2026-01-01T00:00:00"}, {"resolution": "dismissed"},
                  {"post_id": 1}):
        response = api.post(f"/posts/{post.id}/flags", json={"reason": "spam", **extra})
        assert response.status_code == 422 and set(error_of(response)["fields"]) == set(extra)
    assert db_state() == before


def test_resolving_a_post_that_does_not_exist_is_a_404(client, auth, moderator):
    auth.login(moderator)
    before = db_state()
    for action in ("dismiss", "hide"):
        assert client.post(f"/moderation/posts/999999/flags/{action}").status_code == 404
        assert client.post(f"/moderation/posts/{2**31}/flags/{action}").status_code == 404
    assert db_state() == before


def test_oversized_or_control_character_notes_change_nothing(client, auth, api, hostile, victim, make_thread):
    post = make_thread(victim, title="Alvo", body="Texto", language="pt").posts[0]
    auth.login(hostile)
    before = db_state()
    for note in ("x" * 501, "nul\x00byte", "bidi\u202eoverride"):
        assert client.post(f"/posts/{post.id}/flag", data={"reason": "other", "note": note}).status_code == 400
        assert api.post(f"/posts/{post.id}/flags", json={"reason": "other", "note": note}).status_code == 422
    assert db_state() == before
    assert db.session.execute(db.select(db.func.count(Flag.id))).scalar_one() == 0
