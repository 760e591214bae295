"""Moderators' actions on threads and posts (pin, lock, move, hide/restore, edit), in pages and API;
members are refused with 403 and nothing changes; hidden posts leak nowhere to members or visitors."""
from __future__ import annotations

import re

import pytest

from forum import jobs
from forum.extensions import db
from forum.models import Category, Post, PostRevision, Thread
from testkit import MemberApi

SECRET = "Zanzibarquuxing"  # in the hidden post; the fake engine's translations carry it too
QUERY = "zanzibarquuxed"    # finds it (the same English stem), and the search pages' echo of it is not the secret


def _category(slug: str) -> Category:
    return db.session.execute(db.select(Category).filter_by(slug=slug)).scalar_one()


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", language="en", name="Mo Derator")


def _state(thread_id: int) -> tuple:
    """Everything a moderation action could change, as the database has it now."""
    db.session.expire_all()
    thread = db.session.get(Thread, thread_id)
    posts = db.session.execute(db.select(Post.id, Post.body, Post.revision, Post.hidden_at, Post.hidden_by_id)
                               .where(Post.thread_id == thread_id).order_by(Post.id)).all()
    return (thread.pinned_at, thread.locked_at, thread.category_id, thread.reply_count, thread.title,
            tuple(posts), db.session.execute(db.select(db.func.count(Post.id))).scalar_one())


# ---------------------------------------------------------------- pin, lock, move

def test_pinned_threads_lead_their_category_and_are_marked(client, auth, member, moderator, make_thread):
    old = make_thread(member, title="Old thread about water")
    make_thread(member, title="Newer thread about buses")
    page = client.get("/c/questions").get_data(as_text=True)
    assert page.index("Newer thread") < page.index("Old thread") and "Pinned" not in page

    auth.login(moderator)
    assert client.post(f"/moderation/threads/{old.id}/pin").status_code == 302
    db.session.expire_all()
    assert old.pinned_at is not None
    auth.logout()
    page = client.get("/c/questions").get_data(as_text=True)
    assert page.index("Old thread") < page.index("Newer thread") and "Pinned" in page
    api_list = MemberApi(client, member).get("/threads?category=questions").get_json()["threads"]
    assert [t["title"] for t in api_list][0] == "Old thread about water" and api_list[0]["pinned"] is True

    auth.login(moderator)
    assert client.post(f"/moderation/threads/{old.id}/unpin").status_code == 302
    db.session.expire_all()
    assert old.pinned_at is None
    page = client.get("/c/questions").get_data(as_text=True)
    assert page.index("Newer thread") < page.index("Old thread")


def test_locked_thread_takes_no_reply_or_edit_from_members(client, auth, member, moderator, make_user, make_thread):
    thread = make_thread(member, replies=1)
    reply = thread.posts[1]
    auth.login(moderator)
    assert client.post(f"/moderation/threads/{thread.id}/lock").status_code == 302
    auth.logout()
    db.session.expire_all()
    assert thread.locked_at is not None

    other = make_user()
    auth.login(other)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "This thread is locked" in page and f'action="/t/{thread.id}/reply"' not in page
    before = _state(thread.id)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "Let me in", "language": "en"})
    assert response.status_code == 403 and "locked" in response.get_data(as_text=True)
    api = MemberApi(client, other)
    response = api.post(f"/threads/{thread.id}/posts", json={"body": "Let me in"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert "locked" in response.get_json()["error"]["message"]
    assert _state(thread.id) == before
    auth.logout()

    # The author cannot edit their own post while the thread is locked.
    auth.login(member)
    assert client.get(f"/p/{reply.id}/edit").status_code == 403
    assert client.post(f"/p/{reply.id}/edit", data={"body": "Changed", "language": "en"}).status_code == 403
    assert MemberApi(client, member).patch(f"/posts/{reply.id}", json={"body": "Changed"}).status_code == 403
    assert "/edit" not in client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert _state(thread.id) == before
    auth.logout()

    # Moderators still reply, on the page and in the API; the API says the thread is locked.
    auth.login(moderator)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "This thread is locked" in page and f'action="/t/{thread.id}/reply"' in page
    assert client.post(f"/t/{thread.id}/reply", data={"body": "Closing note", "language": "en"}).status_code == 302
    mod_api = MemberApi(client, moderator)
    assert mod_api.post(f"/threads/{thread.id}/posts", json={"body": "Another note"}).status_code == 201
    assert mod_api.get(f"/threads/{thread.id}").get_json()["locked"] is True
    assert client.post(f"/moderation/threads/{thread.id}/unlock").status_code == 302
    auth.logout()
    db.session.expire_all()
    assert thread.locked_at is None and thread.reply_count == 3

    auth.login(other)
    assert client.post(f"/t/{thread.id}/reply", data={"body": "Open again", "language": "en"}).status_code == 302


def test_logged_out_readers_of_a_locked_thread_see_the_notice_not_a_login_to_reply(client, member, make_thread):
    thread = make_thread(member)
    thread.locked_at = thread.created_at
    db.session.commit()
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "This thread is locked" in page and "Log in to reply" not in page


def test_move_a_thread_to_another_category(client, auth, moderator, member, make_thread):
    thread = make_thread(member, title="Budget templates")
    auth.login(moderator)
    page = client.get(f"/t/{thread.id}?lang=es").get_data(as_text=True)
    assert '<option selected value="questions">Preguntas</option>' in page
    assert client.post(f"/moderation/threads/{thread.id}/move", data={"category": "general"}).status_code == 302
    db.session.expire_all()
    assert thread.category.slug == "general"
    assert "Budget templates" in client.get("/c/general").get_data(as_text=True)
    assert "Budget templates" not in client.get("/c/questions").get_data(as_text=True)

    before = _state(thread.id)
    response = client.post(f"/moderation/threads/{thread.id}/move", data={"category": "nowhere"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)  # in the language the test's earlier ?lang= chose
    assert response.status_code == 200 and ("Please choose a category" in page or "Elija una categoría" in page)
    assert _state(thread.id) == before

    api = MemberApi(client, moderator)
    response = api.post(f"/threads/{thread.id}/move", json={"category": "jobs"})
    assert response.status_code == 200 and response.get_json()["category"] == "jobs"
    response = api.post(f"/threads/{thread.id}/move", json={"category": "nowhere"})
    assert response.status_code == 422 and "category" in response.get_json()["error"]["fields"]
    db.session.expire_all()
    assert thread.category.slug == "jobs"


def test_api_pin_and_lock_for_moderators(client, moderator, member, make_thread):
    thread = make_thread(member)
    api = MemberApi(client, moderator)
    data = api.post(f"/threads/{thread.id}/pin").get_json()
    assert data["pinned"] is True and data["locked"] is False
    assert api.post(f"/threads/{thread.id}/pin").status_code == 200  # again: nothing changes
    data = api.post(f"/threads/{thread.id}/lock").get_json()
    assert data["pinned"] is True and data["locked"] is True
    db.session.expire_all()
    assert thread.pinned_at is not None and thread.locked_at is not None
    assert api.delete(f"/threads/{thread.id}/pin").get_json()["pinned"] is False
    assert api.delete(f"/threads/{thread.id}/lock").get_json()["locked"] is False
    db.session.expire_all()
    assert thread.pinned_at is None and thread.locked_at is None
    for url in ("/threads/999999/pin", "/threads/999999/lock", "/posts/999999/hide"):
        response = api.post(url)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert api.post("/threads/999999/move", json={"category": "general"}).status_code == 404


def test_unknown_ids_are_404_on_the_pages(client, auth, moderator):
    auth.login(moderator)
    for action in ("pin", "unpin", "lock", "unlock", "move"):
        assert client.post(f"/moderation/threads/999999/{action}").status_code == 404
    for action in ("hide", "restore"):
        assert client.post(f"/moderation/posts/999999/{action}").status_code == 404


WEB_ACTIONS = [("threads", "pin", {}), ("threads", "unpin", {}), ("threads", "lock", {}), ("threads", "unlock", {}),
               ("threads", "move", {"category": "general"}), ("posts", "hide", {}), ("posts", "restore", {})]


@pytest.mark.parametrize("kind,action,data", WEB_ACTIONS)
def test_members_cannot_moderate_on_the_pages(client, auth, member, make_user, make_thread, kind, action, data):
    thread = make_thread(member, replies=1)
    if action in ("unpin", "unlock", "restore"):  # something to undo
        thread.pinned_at = thread.locked_at = thread.created_at
        thread.posts[1].hidden_at = thread.created_at
        db.session.commit()
    target = thread.id if kind == "threads" else thread.posts[1].id
    before = _state(thread.id)
    auth.login(member)  # the author themself
    assert client.post(f"/moderation/{kind}/{target}/{action}", data=data).status_code == 403
    auth.logout()
    response = client.post(f"/moderation/{kind}/{target}/{action}", data=data)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _state(thread.id) == before


API_ACTIONS = [("post", "/threads/{t}/pin", None), ("delete", "/threads/{t}/pin", None),
               ("post", "/threads/{t}/lock", None), ("delete", "/threads/{t}/lock", None),
               ("post", "/threads/{t}/move", {"category": "general"}),
               ("post", "/posts/{p}/hide", None), ("delete", "/posts/{p}/hide", None)]


@pytest.mark.parametrize("method,url,body", API_ACTIONS)
def test_members_cannot_moderate_in_the_api(client, member, make_thread, method, url, body):
    thread = make_thread(member, replies=1)
    if method == "delete":
        thread.pinned_at = thread.locked_at = thread.created_at
        thread.posts[1].hidden_at = thread.created_at
        db.session.commit()
    before = _state(thread.id)
    api = MemberApi(client, member)
    kwargs = {"json": body} if body else {}
    response = getattr(api, method)(url.format(t=thread.id, p=thread.posts[1].id), **kwargs)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert _state(thread.id) == before


# ---------------------------------------------------------------- hidden posts

def _thread_with_a_secret_reply(member, make_user, make_thread):
    thread = make_thread(member, title="Leak detection", body="We use acoustic sensors.", replies=0)
    from forum.threads import services

    secret = services.add_reply(thread, make_user(name="Rude Writer"), f"{SECRET} insults everyone", "es")
    services.add_reply(thread, member, "A normal reply after it", "en")
    jobs.run_pending()  # translations of the secret exist: they must not leak either
    return thread, secret


def _member_surfaces(client, api, thread, post) -> dict[str, tuple[int, str]]:
    """What a reader gets from every read path, by name: (status, text)."""
    def get(url):
        response = client.get(url)
        return response.status_code, response.get_data(as_text=True)

    def api_get(url):
        response = api.get(url) if api else client.get(f"/api/v1{url}")
        return response.status_code, response.get_data(as_text=True)

    surfaces = {
        "thread": get(f"/t/{thread.id}"),
        "thread_es": get(f"/t/{thread.id}?lang=es"),
        "thread_pt": get(f"/t/{thread.id}?lang=pt"),
        "search": get(f"/search?q={QUERY}"),
        "search_pt": get(f"/search?q={QUERY}&lang=pt"),
        "history": get(f"/p/{post.id}/history"),
        "link": get(f"/p/{post.id}"),
        "category": get(f"/c/{thread.category.slug}?lang=en"),
        "index": get("/?lang=en"),
    }
    if api is not None:
        surfaces.update({
            "api_thread": api_get(f"/threads/{thread.id}"),
            "api_thread_es": api_get(f"/threads/{thread.id}?lang=es"),
            "api_original": api_get(f"/posts/{post.id}/original"),
            "api_search": api_get(f"/search?q={QUERY}"),
            "api_list": api_get("/threads"),
        })
    return surfaces


def test_a_hidden_reply_vanishes_for_members_and_visitors(client, auth, member, moderator, make_user, make_thread,
                                                          engine):
    thread, secret = _thread_with_a_secret_reply(member, make_user, make_thread)
    assert SECRET in client.get(f"/t/{thread.id}?lang=pt").get_data(as_text=True)  # before: there
    auth.login(moderator)
    assert client.post(f"/moderation/posts/{secret.id}/hide").status_code == 302
    auth.logout()
    db.session.expire_all()
    assert secret.hidden_at is not None and secret.hidden_by_id == moderator.id
    assert thread.reply_count == 1

    reader = make_user()
    for who, api in (("visitor", None), ("member", MemberApi(client, reader))):
        if who == "member":
            auth.login(reader)
        for name, (status, text) in _member_surfaces(client, api, thread, secret).items():
            assert SECRET not in text, (who, name)
            assert "Rude Writer" not in text, (who, name)
            if name in ("history", "link", "api_original"):
                assert status == 404, (who, name)
            else:
                assert status == 200, (who, name)
        assert "A normal reply after it" in client.get(f"/t/{thread.id}").get_data(as_text=True)
        assert "1 reply" in client.get("/c/questions?lang=en").get_data(as_text=True)
        if api is not None:
            data = api.get(f"/threads/{thread.id}").get_json()
            assert [p["id"] for p in data["posts"]] == [thread.first_post_id, secret.id + 1]
            assert data["reply_count"] == 1 and all(p["hidden"] is False for p in data["posts"])
            # The reply's neighbour links to the page it is on, counted without the hidden one.
        auth.logout()

    # Moderators see it, marked hidden, with a Restore button; the API says hidden.
    auth.login(moderator)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert SECRET in page and "Hidden by a moderator" in page
    assert f'action="/moderation/posts/{secret.id}/restore"' in page
    assert client.get(f"/p/{secret.id}/history").status_code == 200
    api = MemberApi(client, moderator)
    posts = {p["id"]: p for p in api.get(f"/threads/{thread.id}").get_json()["posts"]}
    assert posts[secret.id]["hidden"] is True and SECRET in posts[secret.id]["body"]
    assert api.get(f"/posts/{secret.id}/original").status_code == 200
    assert SECRET in api.get(f"/search?q={QUERY}").get_data(as_text=True)

    # Restored: back for everyone.
    assert client.post(f"/moderation/posts/{secret.id}/restore").status_code == 302
    auth.logout()
    db.session.expire_all()
    assert secret.hidden_at is None and secret.hidden_by_id is None and thread.reply_count == 2
    assert SECRET in client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert SECRET in client.get(f"/search?q={QUERY}").get_data(as_text=True)


def test_hiding_twice_counts_the_reply_once(client, moderator, member, make_user, make_thread):
    thread, secret = _thread_with_a_secret_reply(member, make_user, make_thread)
    api = MemberApi(client, moderator)
    assert api.post(f"/posts/{secret.id}/hide").get_json()["hidden"] is True
    assert api.post(f"/posts/{secret.id}/hide").status_code == 200
    db.session.expire_all()
    assert thread.reply_count == 1
    assert api.delete(f"/posts/{secret.id}/hide").get_json()["hidden"] is False
    assert api.delete(f"/posts/{secret.id}/hide").status_code == 200
    db.session.expire_all()
    assert thread.reply_count == 2


def test_a_thread_whose_first_post_is_hidden_disappears(client, auth, member, moderator, make_user, make_thread,
                                                        engine):
    thread = make_thread(member, title=f"{SECRET} spam offer", body=f"Buy {SECRET} now", replies=1)
    make_thread(member, title="Innocent thread")
    reply = thread.posts[1]
    jobs.run_pending()
    api = MemberApi(client, moderator)
    assert api.post(f"/posts/{thread.first_post_id}/hide").status_code == 200

    reader = make_user()
    for who, member_api in (("visitor", None), ("member", MemberApi(client, reader))):
        if who == "member":
            auth.login(reader)
        surfaces = _member_surfaces(client, member_api, thread, reply)
        for name, (status, text) in surfaces.items():
            assert SECRET not in text, (who, name)
        for name in ("thread", "history", "link", "api_thread", "api_original"):
            if name in surfaces:
                assert surfaces[name][0] == 404, (who, name)
        assert "Innocent thread" in surfaces["category"][1]
        assert "1 thread" in surfaces["index"][1]  # the questions category counts one thread, not two
        if member_api is not None:
            listing = member_api.get("/threads?category=questions").get_json()
            assert listing["total"] == 1 and [t["title"] for t in listing["threads"]] == ["Innocent thread"]
            counts = {c["slug"]: c["thread_count"] for c in member_api.get("/categories").get_json()["categories"]}
            assert counts["questions"] == 1
            response = member_api.post(f"/threads/{thread.id}/posts", json={"body": "Hello?"})
            assert response.status_code == 404
            auth.logout()
    before = _state(thread.id)
    auth.login(reader)
    assert client.post(f"/t/{thread.id}/reply", data={"body": "Hello?", "language": "en"}).status_code == 404
    assert _state(thread.id) == before
    auth.logout()

    auth.login(moderator)
    page = client.get("/c/questions").get_data(as_text=True)
    assert SECRET in page and "Hidden by a moderator" in page
    assert client.get(f"/t/{thread.id}").status_code == 200


# ---------------------------------------------------------------- editing and curated category

def test_moderators_edit_any_post_and_the_history_names_them(client, auth, member, moderator, make_thread):
    thread = make_thread(member, title="Original title", body="Original text", replies=1)
    first, reply = thread.posts
    auth.login(moderator)
    assert f'href="/p/{first.id}/edit"' in client.get(f"/t/{thread.id}").get_data(as_text=True)
    response = client.post(f"/p/{first.id}/edit", data={"title": "Clearer title", "body": "Moderated text",
                                                        "language": "en", "revision": "1"})
    assert response.status_code == 302
    history = client.get(f"/p/{first.id}/history").get_data(as_text=True)
    assert "Mo Derator" in history and "Ana Member" in history
    api = MemberApi(client, moderator)
    assert api.patch(f"/posts/{reply.id}", json={"body": "Moderated reply"}).status_code == 200
    db.session.expire_all()
    assert first.body == "Moderated text" and thread.title == "Clearer title" and reply.body == "Moderated reply"
    editors = db.session.execute(db.select(PostRevision.editor_id).where(PostRevision.post_id == reply.id)
                                 .order_by(PostRevision.revision)).scalars().all()
    assert editors == [member.id, moderator.id]


def test_members_cannot_start_threads_in_best_practices(client, auth, member, moderator):
    best = _category("best-practices")
    count = db.session.execute(db.select(db.func.count(Thread.id))).scalar_one()
    auth.login(member)
    assert "/c/best-practices/new" not in client.get(f"/c/{best.slug}").get_data(as_text=True)
    assert client.get(f"/c/{best.slug}/new").status_code == 403
    response = client.post(f"/c/{best.slug}/new", data={"title": "Mine", "body": "Text", "language": "en"})
    assert response.status_code == 403 and "Best practices" in response.get_data(as_text=True)
    response = MemberApi(client, member).post("/threads", json={"category": best.slug, "title": "Mine", "body": "Text"})
    assert response.status_code == 403 and "Best practices" in response.get_json()["error"]["message"]
    assert db.session.execute(db.select(db.func.count(Thread.id))).scalar_one() == count
    assert f"/c/{_category('questions').slug}/new" in client.get("/c/questions").get_data(as_text=True)
    auth.logout()

    auth.login(moderator)
    assert f"/c/{best.slug}/new" in client.get(f"/c/{best.slug}").get_data(as_text=True)
    assert client.post(f"/c/{best.slug}/new", data={"title": "Curated", "body": "Text",
                                                    "language": "en"}).status_code == 302
    assert MemberApi(client, moderator).post("/threads", json={"category": best.slug, "title": "Curated 2",
                                                          "body": "Text"}).status_code == 201
    assert db.session.execute(db.select(db.func.count(Thread.id))).scalar_one() == count + 2


# ---------------------------------------------------------------- pages, languages, CSRF, demo

@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_moderation_pages_render_in_every_language(client, auth, member, moderator, make_user, make_thread, lang):
    thread, secret = _thread_with_a_secret_reply(member, make_user, make_thread)
    auth.login(moderator)
    client.post(f"/moderation/threads/{thread.id}/lock")
    client.post(f"/moderation/threads/{thread.id}/pin")
    client.post(f"/moderation/posts/{secret.id}/hide")
    for url in (f"/t/{thread.id}", "/c/questions", "/", f"/p/{secret.id}/history", f"/search?q={SECRET}"):
        response = client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        assert response.status_code == 200, url
        assert f'lang="{lang}"' in response.get_data(as_text=True)
    page = client.get(f"/t/{thread.id}?lang={lang}").get_data(as_text=True)
    assert f'action="/moderation/threads/{thread.id}/unpin"' in page
    assert f'action="/moderation/threads/{thread.id}/unlock"' in page
    assert f'action="/moderation/threads/{thread.id}/move"' in page
    auth.logout()
    auth.login(member)
    page = client.get(f"/t/{thread.id}?lang={lang}").get_data(as_text=True)
    assert "/moderation/" not in page and SECRET not in page


@pytest.mark.csrf
def test_moderation_forms_need_their_csrf_token(client, auth, moderator, member, make_thread):
    thread = make_thread(member)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": moderator.email, "password": "correct horse battery", "csrf_token": token})
    before = _state(thread.id)
    assert client.post(f"/moderation/threads/{thread.id}/pin").status_code == 400
    assert _state(thread.id) == before
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/moderation/threads/{thread.id}/pin", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert thread.pinned_at is not None


def test_demo_seed_pins_and_locks_once(app, member):
    from forum.moderation import demo
    from forum.threads import services

    general, jobs_category = _category("general"), _category("jobs")
    welcome = services.create_thread(general, member, demo.PINNED_TITLE, "Welcome!", "en")
    posting = services.create_thread(jobs_category, member, demo.LOCKED_TITLE, "Apply now.", "en")
    demo.seed({}, {})
    db.session.expire_all()
    pinned_at, locked_at = welcome.pinned_at, posting.locked_at
    assert pinned_at is not None and locked_at is not None
    demo.seed({}, {})
    db.session.expire_all()
    assert (welcome.pinned_at, posting.locked_at) == (pinned_at, locked_at)
