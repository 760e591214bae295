"""A hostile member attacks the correction of translations (forum/corrections/, PUT /api/v1/posts/{id}/
translations/{language}): correcting into a language they do not read, posts in hidden threads, deleted
posts, the post's own language, requests without a CSRF token — each refused with nothing changed — and
markup or script links in a correction's body or title, which never reach a page or the JSON unsanitized."""
from __future__ import annotations

import pytest
from markupsafe import escape

from test_hostile_member import BODY_PAYLOADS, LINK_PAYLOADS, XSS, Api, csrf_token, db_state, error_of, no_script
from forum import jobs
from forum.extensions import db
from forum.models import Post, TranslationCorrection, utcnow
from forum.threads import services
from forum.tokens import create_token


@pytest.fixture
def hostile(make_user):
    """Reads English only (interface language en, no other language declared)."""
    return make_user(language="en", name="Hostile")


@pytest.fixture
def api(client, hostile) -> Api:
    return Api(client, create_token(hostile, "attack script")[1])


@pytest.fixture
def victim_thread(make_user, engine, make_thread):
    """A Spanish thread with a reply, translated into English and Portuguese."""
    thread = make_thread(make_user(language="es", name="Víctima"), title="¿Cómo reparan fugas?",
                         body="Perdemos agua.", language="es", replies=1)
    jobs.run_pending()
    return thread


def _put(api: Api, post_id: int, language: str, body: dict):
    return api.client.put(f"/api/v1/posts/{post_id}/translations/{language}", headers=api.headers, json=body)


def test_a_member_who_does_not_read_the_language_is_refused(client, auth, api, hostile, victim_thread):
    post = victim_thread.posts[0]
    before = db_state()
    auth.login(hostile)
    for method in ("get", "post"):
        response = getattr(client, method)(f"/posts/{post.id}/translations/pt/correct",
                                           data={"title": "Pwned", "body": "Pwned", "revision": "1"})
        assert response.status_code == 403
        assert "languages you read" in response.get_data(as_text=True)
    response = _put(api, post.id, "pt", {"body": "Pwned", "title": "Pwned"})
    assert response.status_code == 403 and "languages you read" in error_of(response)["message"]
    assert db_state() == before


def test_posts_in_a_hidden_thread_or_hidden_posts_are_404(client, auth, make_user, engine, make_thread):
    reader = make_user(language="en", name="Reader")
    api = Api(client, create_token(reader, "x")[1])
    thread = make_thread(make_user(language="es"), body="Secreto", language="es", replies=1)
    jobs.run_pending()
    first, reply = thread.posts
    first.hidden_at = utcnow()  # a moderator hid the thread's first post: the whole thread is gone
    db.session.commit()
    before = db_state()
    auth.login(reader)
    for post in (first, reply):
        assert client.get(f"/posts/{post.id}/translations/en/correct").status_code == 404
        assert client.post(f"/posts/{post.id}/translations/en/correct",
                           data={"body": "x", "title": "x", "revision": "1"}).status_code == 404
        response = _put(api, post.id, "en", {"body": "x"})
        assert response.status_code == 404 and "Secreto" not in response.get_data(as_text=True)
    assert db_state() == before


def test_deleted_posts_and_unknown_languages_are_404(client, auth, make_user, victim_thread):
    reader = make_user(language="en")
    api = Api(client, create_token(reader, "x")[1])
    reply = victim_thread.posts[1]
    services.delete_post(db.session.get(Post, reply.id), by=victim_thread.author)
    before = db_state()
    auth.login(reader)
    assert client.get(f"/posts/{reply.id}/translations/en/correct").status_code == 404
    assert _put(api, reply.id, "en", {"body": "x"}).status_code == 404
    for language in ("fr", "EN", "e", "../en", "%00"):
        assert client.get(f"/posts/{victim_thread.posts[0].id}/translations/{language}/correct").status_code == 404
        assert _put(api, victim_thread.posts[0].id, language, {"body": "x"}).status_code == 404
    assert db_state() == before


def test_a_correction_into_the_posts_own_language_is_refused(client, auth, make_user, victim_thread):
    moderator = make_user(role="moderator", language="es")
    api = Api(client, create_token(moderator, "x")[1])
    post = victim_thread.posts[0]
    before = db_state()
    auth.login(moderator)
    assert client.get(f"/posts/{post.id}/translations/es/correct").status_code == 404
    assert client.post(f"/posts/{post.id}/translations/es/correct",
                       data={"body": "Otra cosa", "title": "Otra", "revision": "1"}).status_code == 404
    response = _put(api, post.id, "es", {"body": "Otra cosa"})
    assert response.status_code == 422 and "language" in error_of(response)["fields"]
    assert db_state() == before


def test_a_post_the_author_asked_not_to_translate_takes_no_correction(client, auth, make_user, engine, category):
    author = make_user(language="es")
    thread = services.create_thread(category, author, "Ley 12", "Artículo 1.", "es", no_machine_translation=True)
    moderator = make_user(role="moderator", language="en")
    api = Api(client, create_token(moderator, "x")[1])
    before = db_state()
    auth.login(moderator)
    assert client.post(f"/posts/{thread.first_post_id}/translations/en/correct",
                       data={"body": "Article 1.", "title": "Law 12", "revision": "1"}).status_code == 403
    assert _put(api, thread.first_post_id, "en", {"body": "Article 1."}).status_code == 403
    assert db_state() == before


@pytest.mark.csrf
def test_a_post_without_a_csrf_token_is_refused(client, auth, make_user, victim_thread):
    moderator = make_user(role="moderator", language="en")
    post = victim_thread.posts[0]
    token = csrf_token(client)
    client.post("/login", data={"email": moderator.email, "password": "correct horse battery", "csrf_token": token})
    before = db_state()
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(f"/posts/{post.id}/translations/en/correct",
                               data={"body": "Forged", "title": "Forged", "revision": "1", **data})
        assert response.status_code == 400
    assert db_state() == before
    # With the form's own token it works (so the refusal above was the CSRF check).
    token = csrf_token(client, f"/posts/{post.id}/translations/en/correct")
    response = client.post(f"/posts/{post.id}/translations/en/correct",
                           data={"body": "Fine", "title": "Fine", "revision": "1", "csrf_token": token})
    assert response.status_code == 302


@pytest.mark.parametrize("payload", BODY_PAYLOADS + LINK_PAYLOADS)
def test_markup_in_a_correction_body_never_reaches_a_page(client, auth, make_user, victim_thread, payload):
    moderator = make_user(role="moderator", language="en")
    api = Api(client, create_token(moderator, "x")[1])
    first, reply = victim_thread.posts
    assert _put(api, reply.id, "en", {"body": payload}).status_code == 200
    auth.login(moderator)
    assert client.post(f"/posts/{first.id}/translations/en/correct",
                       data={"body": payload, "title": "Fine", "revision": "1"}).status_code == 302
    for path in (f"/t/{victim_thread.id}", f"/posts/{first.id}/translations/en/correct",
                 f"/posts/{reply.id}/translations/en/correct"):
        no_script(client.get(path).get_data(as_text=True))
    data = api.get(f"/threads/{victim_thread.id}?lang=en").get_json()
    for post in data["posts"]:
        assert post["status"] == "reviewed"
        no_script(post["body_html"])
    # Out of date after an edit, shown on request: still sanitized.
    services.edit_post(db.session.get(Post, reply.id), victim_thread.author, "Editado", "es")
    page = client.get(f"/t/{victim_thread.id}").get_data(as_text=True)
    assert "outdated-correction" in page
    no_script(page)


@pytest.mark.parametrize("title", [XSS, '"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "javascript:alert(1)"])
def test_markup_in_a_corrected_title_is_escaped(client, auth, make_user, victim_thread, title):
    moderator = make_user(role="moderator", language="en")
    api = Api(client, create_token(moderator, "x")[1])
    first = victim_thread.posts[0]
    assert _put(api, first.id, "en", {"body": "Fine", "title": title}).status_code == 200
    db.session.expire_all()
    assert db.session.get(TranslationCorrection, 1).title == title  # stored as text...
    auth.login(moderator)
    for path in (f"/t/{victim_thread.id}", "/c/questions", "/", f"/posts/{first.id}/translations/en/correct",
                 "/search?q=Perdemos"):
        page = client.get(path).get_data(as_text=True)
        no_script(page)
        assert "<script>alert" not in page and "<img src=x" not in page
    page = client.get(f"/t/{victim_thread.id}").get_data(as_text=True)
    assert str(escape(title)) in page.split("</h1>")[0]  # shown as the text it is, not evaluated
    assert api.get("/threads?lang=en").get_json()["threads"][0]["title"] == title  # ...and JSON is inert


def test_a_member_correction_never_settles_someone_elses_report(api, hostile, make_user, victim_thread):
    """The member who wrote a bad correction cannot make the report against it go away by saving again."""
    from forum.flags import services as flags
    from forum.models import Flag, FlagReason

    reply = victim_thread.posts[1]
    assert _put(api, reply.id, "en", {"body": "Buy cheap pills"}).status_code == 200
    reporter = make_user(language="en", name="Reporter")
    flags.flag_post(db.session.get(Post, reply.id), reporter, FlagReason.TRANSLATION, "spam", "en")
    assert _put(api, reply.id, "en", {"body": "Buy cheap pills now"}).status_code == 200
    flag = db.session.execute(db.select(Flag)).scalar_one()
    db.session.refresh(flag)
    assert flag.resolved_at is None and flag.resolved_by_id is None


def test_a_member_cannot_replace_a_moderators_correction(client, auth, api, hostile, make_user, victim_thread):
    from forum.corrections import services as corrections

    reply = db.session.get(Post, victim_thread.posts[1].id)
    moderator = make_user(role="moderator", language="en", name="Moderator")
    corrections.save(reply, moderator, "en", "We lose water.", None)
    before = db_state()
    response = _put(api, reply.id, "en", {"body": "Pwned"})
    assert response.status_code == 403 and "moderator reviewed" in error_of(response)["message"]
    auth.login(hostile)
    page = client.post(f"/posts/{reply.id}/translations/en/correct", data={"body": "Pwned", "revision": "1"})
    assert page.status_code == 403
    assert db_state() == before
