"""Delete asks first (a confirmation page), and can be undone: by the author for
POST_UNDO_DELETE_MINUTES after deleting their own post, by a moderator at any time, by nobody else.
Pages and API alike; every refusal changes nothing in the database."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape

from forum import jobs
from forum.extensions import db
from forum.models import Post, utcnow
from forum.threads import services
from testkit import MemberApi, db_state as every_row


# Stamped by every API call, raised by every logout: by design, not a change an attempt made.
VOLATILE = {("api_tokens", "last_used_at"), ("users", "session_version")}


def db_state() -> dict:
    state = every_row(VOLATILE)
    state.pop("thread_reads")  # a member's read marks move as they view thread pages, by design
    return state


def stored(post) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post.id)


@pytest.fixture
def reply(member, make_thread, make_user):
    """A reply by `member` (Portuguese) in someone else's thread."""
    thread = make_thread(make_user(), title="Budget question")
    return services.add_reply(thread, member, "Nós publicamos o **orçamento** todo mês, com tabelas.", "pt")


def back_in_time(post, minutes: int) -> None:
    post.deleted_at = utcnow() - timedelta(minutes=minutes)
    db.session.commit()


# --- asking first --------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_delete_asks_first_with_an_excerpt_in_the_readers_language(client, auth, member, reply, engine, language):
    jobs.run_pending()
    auth.login(member)
    thread_page = client.get(f"/t/{reply.thread_id}?lang={language}").get_data(as_text=True)
    assert f'href="/p/{reply.id}/delete"' in thread_page  # a link to the question, not a form that deletes
    response = client.get(f"/p/{reply.id}/delete?lang={language}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{language}">' in page
    excerpt = "Nós publicamos o orçamento todo mês, com tabelas."  # the Markdown's text, no tags
    assert (excerpt if language == "pt" else f"[{language}] {excerpt}") in page
    assert "<strong>" not in page.split('class="excerpt"')[1].split("</blockquote>")[0]
    with force_locale(language):
        delete, deleted = gettext("Delete"), gettext("This post was deleted.")
    assert f">{escape(delete)}</button>" in page
    assert f'href="/p/{reply.id}"' in page  # Cancel goes back to the post
    assert stored(reply).deleted_at is None  # asking deletes nothing
    response = client.post(f"/p/{reply.id}/delete?lang={language}", follow_redirects=True)
    assert str(escape(deleted)) in response.get_data(as_text=True)
    post = stored(reply)
    assert post.deleted_at is not None and post.deleted_by_id == member.id


def test_a_long_post_gets_a_short_excerpt(client, auth, member, make_thread):
    thread = make_thread(member, body="word " * 5000 + "<" * 3000)
    auth.login(member)
    page = client.get(f"/p/{thread.first_post_id}/delete").get_data(as_text=True)
    quoted = page.split('class="excerpt"')[1].split("</blockquote>")[0]
    assert "…" in quoted and len(quoted) < 400


def test_others_can_neither_ask_nor_delete(client, auth, reply, make_user):
    other = make_user()
    before = db_state()
    auth.login(other)
    assert client.get(f"/p/{reply.id}/delete").status_code == 403
    assert client.post(f"/p/{reply.id}/delete").status_code == 403
    page = client.get(f"/t/{reply.thread_id}").get_data(as_text=True)
    assert f"/p/{reply.id}/delete" not in page
    auth.logout()
    response = client.get(f"/p/{reply.id}/delete")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db_state() == before


def test_a_moderator_is_asked_too_and_deletes(client, auth, reply, make_user):
    moderator = make_user(role="moderator")
    auth.login(moderator)
    assert client.get(f"/p/{reply.id}/delete").status_code == 200
    client.post(f"/p/{reply.id}/delete")
    assert stored(reply).deleted_by_id == moderator.id


def test_hidden_posts_are_not_found_by_their_author(client, auth, member, reply):
    reply.hidden_at = utcnow()
    db.session.commit()
    before = db_state()
    auth.login(member)
    assert client.get(f"/p/{reply.id}/delete").status_code == 404
    assert client.post(f"/p/{reply.id}/delete").status_code == 404
    assert db_state() == before


# --- undo ----------------------------------------------------------------------------------------------

def test_the_author_undoes_from_the_flash_or_the_placeholder(client, auth, member, reply):
    auth.login(member)
    page = client.post(f"/p/{reply.id}/delete", follow_redirects=True).get_data(as_text=True)
    # The flash's Undo button submits the placeholder's restore form.
    assert f'form="restore-{reply.id}"' in page and f'id="restore-{reply.id}"' in page
    assert f'action="/p/{reply.id}/restore"' in page
    response = client.post(f"/p/{reply.id}/restore", follow_redirects=True)
    assert response.status_code == 200 and "Nós publicamos" in response.get_data(as_text=True)
    post = stored(reply)
    assert post.deleted_at is None and post.deleted_by_id is None


def test_the_author_cannot_undo_after_the_window(client, auth, member, reply):
    auth.login(member)
    client.post(f"/p/{reply.id}/delete")
    back_in_time(stored(reply), 31)
    before = db_state()
    assert f"/p/{reply.id}/restore" not in client.get(f"/t/{reply.thread_id}").get_data(as_text=True)
    response = client.post(f"/p/{reply.id}/restore")
    assert response.status_code == 403
    assert "The time to undo this deletion has passed." in response.get_data(as_text=True)
    assert db_state() == before


def test_the_window_is_a_setting(app, client, auth, member, reply):
    app.config["POST_UNDO_DELETE_MINUTES"] = 120
    auth.login(member)
    client.post(f"/p/{reply.id}/delete", follow_redirects=True)
    back_in_time(stored(reply), 90)
    assert client.post(f"/p/{reply.id}/restore", follow_redirects=True).status_code == 200
    assert stored(reply).deleted_at is None
    app.config["POST_UNDO_DELETE_MINUTES"] = 0  # no undo at all
    page = client.post(f"/p/{reply.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert f'form="restore-{reply.id}"' not in page
    assert client.post(f"/p/{reply.id}/restore").status_code == 403


def test_the_author_cannot_undo_a_moderators_deletion(client, auth, member, reply, make_user):
    services.delete_post(reply, by=make_user(role="moderator"))
    before = db_state()
    auth.login(member)
    assert f"/p/{reply.id}/restore" not in client.get(f"/t/{reply.thread_id}").get_data(as_text=True)
    response = client.post(f"/p/{reply.id}/restore")
    assert response.status_code == 403
    assert "A moderator deleted this post; only a moderator can restore it." in response.get_data(as_text=True)
    assert db_state() == before


def test_nobody_else_restores(client, auth, member, reply, make_user):
    other = make_user()
    services.delete_post(reply, by=member)
    before = db_state()
    auth.login(other)
    assert f"/p/{reply.id}/restore" not in client.get(f"/t/{reply.thread_id}").get_data(as_text=True)
    assert client.post(f"/p/{reply.id}/restore").status_code == 403
    auth.logout()
    response = client.post(f"/p/{reply.id}/restore")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db_state() == before


@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_a_moderator_restores_any_deleted_post_any_time(client, auth, member, reply, make_user, language):
    services.delete_post(reply, by=member)
    back_in_time(stored(reply), 60 * 24 * 365)
    auth.login(make_user(role="moderator"))
    page = client.get(f"/t/{reply.thread_id}?lang={language}").get_data(as_text=True)
    assert f'<html lang="{language}">' in page and f'id="restore-{reply.id}"' in page
    assert client.post(f"/p/{reply.id}/restore").status_code == 302
    assert stored(reply).deleted_at is None


def test_restoring_a_post_that_is_not_deleted_changes_nothing(client, auth, member, reply):
    before = db_state()
    auth.login(member)
    response = client.post(f"/p/{reply.id}/restore", follow_redirects=True)
    assert response.status_code == 200 and "This post is not deleted." in response.get_data(as_text=True)
    assert client.post("/p/999999/restore").status_code == 404
    assert db_state() == before


def test_old_deletions_without_a_deleter_are_for_moderators(client, auth, member, reply):
    services.delete_post(reply)  # as before deletions recorded who did it
    auth.login(member)
    assert client.post(f"/p/{reply.id}/restore").status_code == 403


# --- API ------------------------------------------------------------------------------------------------

def test_api_delete_and_restore(client, member, reply):
    api = MemberApi(client, member)
    assert api.delete(f"/posts/{reply.id}").status_code == 204
    post = stored(reply)
    assert post.deleted_at is not None and post.deleted_by_id == member.id
    assert api.delete(f"/posts/{reply.id}").status_code == 404  # gone
    response = api.post(f"/posts/{reply.id}/restore")
    assert response.status_code == 200
    assert response.get_json()["deleted"] is False and "orçamento" in response.get_json()["body"]
    assert stored(reply).deleted_at is None
    response = api.post(f"/posts/{reply.id}/restore")
    assert response.status_code == 409 and response.get_json()["error"]["message"] == "This post is not deleted."


def test_api_refusals_change_nothing(client, member, reply, make_user):
    intruder = MemberApi(client, make_user())
    owner = MemberApi(client, member)
    before = db_state()
    response = intruder.delete(f"/posts/{reply.id}")
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert intruder.delete("/posts/999999").status_code == 404
    assert owner.post("/posts/999999/restore").status_code == 404
    assert db_state() == before

    services.delete_post(reply, by=member)
    before = db_state()
    response = intruder.post(f"/posts/{reply.id}/restore")
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == "Only the author or a moderator can restore a deleted post."
    back_in_time(stored(reply), 31)
    before = db_state()
    response = owner.post(f"/posts/{reply.id}/restore")
    assert response.status_code == 403 and "passed" in response.get_json()["error"]["message"]
    assert db_state() == before

    moderator = MemberApi(client, make_user(role="moderator"))
    assert moderator.post(f"/posts/{reply.id}/restore").status_code == 200
    assert moderator.delete(f"/posts/{reply.id}").status_code == 204
    before = db_state()
    response = owner.post(f"/posts/{reply.id}/restore")
    assert response.status_code == 403 and "moderator" in response.get_json()["error"]["message"]
    assert db_state() == before


def test_api_hidden_posts_are_not_found_by_members(client, member, reply):
    reply.hidden_at = utcnow()
    db.session.commit()
    owner = MemberApi(client, member)
    before = db_state()
    assert owner.delete(f"/posts/{reply.id}").status_code == 404
    assert owner.post(f"/posts/{reply.id}/restore").status_code == 404
    assert db_state() == before


# --- the setting ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [-1, 10081, "30", True, 1.5, None])
def test_the_undo_setting_is_checked(app_config, value):
    from forum import create_app

    with pytest.raises(ValueError, match="POST_UNDO_DELETE_MINUTES"):
        create_app({**app_config, "POST_UNDO_DELETE_MINUTES": value})


@pytest.mark.parametrize("raw, expected", [("", 30), ("45", 45), (" 0 ", 0), ("abc", None), ("-5", None),
                                           ("３", None)])
def test_the_undo_setting_from_the_environment(monkeypatch, tmp_path, raw, expected):
    from forum import config

    monkeypatch.setenv("POST_UNDO_DELETE_MINUTES", raw)
    if expected is None:
        with pytest.raises(ValueError, match="POST_UNDO_DELETE_MINUTES"):
            config.settings(str(tmp_path))
    else:
        assert config.settings(str(tmp_path))["POST_UNDO_DELETE_MINUTES"] == expected
