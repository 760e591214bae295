"""Watching and unread tracking: the watch form on thread and category pages, the levels' inheritance
(category -> thread), the lists' "N new" (one query per page), the read mark, "jump to the first
unread post", the API's /threads/{id}/watch and /me, and the profile's email frequency."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from testkit import MemberApi, _base_config, db_state
from forum.extensions import db
from forum.models import EmailFrequency, Thread, ThreadRead, User, Watch, WatchLevel
from forum.moderation import services as moderation
from forum.threads import services
from forum.watching import unread

PER_PAGE = 3


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    # Small pages: the read mark and the first unread post cross page boundaries.
    return {**_base_config(database_url, tmp_path), "POSTS_PER_PAGE": PER_PAGE}


@pytest.fixture
def author(make_user):
    return make_user(name="Olga Author")


@pytest.fixture
def reader(make_user):
    return make_user(name="Rui Reader")


@pytest.fixture
def thread(make_thread, author):
    return make_thread(author, title="Leak detection")


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _own_level(user: User, thread_id: int | None = None, category_id: int | None = None):
    db.session.expire_all()
    return db.session.execute(db.select(Watch.level).filter_by(
        user_id=user.id, thread_id=thread_id, category_id=category_id)).scalar()


def _selected(page: str) -> str:
    select = re.search(r'<select[^>]*name="watch-level".*?</select>', page, re.S).group(0)
    return re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', select).group(1)


def _read_mark(user: User, thread: Thread) -> int | None:
    db.session.expire_all()
    return db.session.execute(db.select(ThreadRead.last_read_post_id).filter_by(
        user_id=user.id, thread_id=thread.id)).scalar()


def _reply(thread: Thread, user: User, text: str = "A reply"):
    return services.add_reply(thread, user, text, "en")


def _badge(page: str, thread: Thread) -> str | None:
    """The unread badge beside the thread in a list page, or None."""
    match = re.search(rf'<a class="badge badge-unread" href="/t/{thread.id}(?:\?unread=1)?">([^<]+)</a>', page)
    return match.group(1) if match else None


# --- the watch form ---------------------------------------------------------------------------------

@pytest.mark.parametrize("level", ["watching", "tracking", "muted"])
def test_the_thread_form_sets_each_level(client, auth, reader, thread, level):
    auth.login(reader)
    assert _selected(_page(client.get(f"/t/{thread.id}"))) == "regular"
    response = client.post(f"/t/{thread.id}/watch", data={"watch-level": level})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/t/{thread.id}")
    assert _own_level(reader, thread_id=thread.id) == WatchLevel(level)
    page = _page(client.get(f"/t/{thread.id}"))
    assert _selected(page) == level
    # Normal drops the thread's own level again.
    client.post(f"/t/{thread.id}/watch", data={"watch-level": "regular"})
    assert _own_level(reader, thread_id=thread.id) is None


@pytest.mark.parametrize("bad", ["loud", "", "REGULAR", "watching\x00"])
def test_a_bad_level_is_refused_and_nothing_changes(client, auth, reader, thread, bad):
    auth.login(reader)
    client.post(f"/t/{thread.id}/watch", data={"watch-level": "tracking"})
    client.get(f"/t/{thread.id}")  # its read mark, before the snapshot
    before = db_state()
    response = client.post(f"/t/{thread.id}/watch", data={"watch-level": bad}, follow_redirects=True)
    assert "Please choose one of the levels in the list." in _page(response)
    response = client.post("/c/questions/watch", data={"watch-level": bad}, follow_redirects=True)
    assert "Please choose one of the levels in the list." in _page(response)
    assert db_state() == before


def test_visitors_get_no_form_and_cannot_post_one(client, thread):
    before = db_state()
    assert 'name="watch-level"' not in _page(client.get(f"/t/{thread.id}"))
    assert 'name="watch-level"' not in _page(client.get("/c/questions"))
    for path in (f"/t/{thread.id}/watch", "/c/questions/watch"):
        response = client.post(path, data={"watch-level": "watching"})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db_state() == before


def test_a_hidden_thread_or_unknown_category_is_a_404(client, auth, reader, thread, make_user):
    moderation.hide(thread.posts[0], make_user(role="moderator"))
    auth.login(reader)
    assert client.post(f"/t/{thread.id}/watch", data={"watch-level": "watching"}).status_code == 404
    assert client.post("/c/nowhere/watch", data={"watch-level": "watching"}).status_code == 404
    assert _own_level(reader, thread_id=thread.id) is None


@pytest.mark.csrf
def test_the_watch_forms_need_the_csrf_token(client, reader, thread, password):
    def token(page: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    login = client.post("/login", data={"email": reader.email, "password": password,
                                        "csrf_token": token(_page(client.get("/login")))})
    assert login.status_code == 302
    before = db_state()
    for extra in ({}, {"csrf_token": "forged"}):
        for path in (f"/t/{thread.id}/watch", "/c/questions/watch"):
            assert client.post(path, data={"watch-level": "muted", **extra}).status_code == 400
    assert db_state() == before
    good = token(_page(client.get(f"/t/{thread.id}")))
    assert client.post(f"/t/{thread.id}/watch", data={"watch-level": "muted", "csrf_token": good}).status_code == 302
    assert _own_level(reader, thread_id=thread.id) == WatchLevel.MUTED


def test_a_category_level_is_inherited_until_the_thread_has_its_own(client, auth, reader, thread, category):
    auth.login(reader)
    assert _selected(_page(client.get("/c/questions"))) == "regular"
    client.post("/c/questions/watch", data={"watch-level": "watching"})
    assert _own_level(reader, category_id=category.id) == WatchLevel.WATCHING
    assert _selected(_page(client.get("/c/questions"))) == "watching"
    page = _page(client.get(f"/t/{thread.id}"))
    assert _selected(page) == "watching" and "Chosen for the whole category." in page
    api = MemberApi(client, reader)
    assert api.get(f"/threads/{thread.id}/watch").get_json() == {
        "thread_id": thread.id, "level": "watching", "explicit": False, "category_level": "watching"}
    client.post(f"/t/{thread.id}/watch", data={"watch-level": "muted"})
    page = _page(client.get(f"/t/{thread.id}"))
    assert _selected(page) == "muted" and "Chosen for the whole category." not in page
    assert api.get(f"/threads/{thread.id}/watch").get_json()["explicit"] is True
    # The thread's own level dropped: the category's again. The category's dropped: regular.
    client.post(f"/t/{thread.id}/watch", data={"watch-level": "regular"})
    assert api.get(f"/threads/{thread.id}/watch").get_json()["level"] == "watching"
    client.post("/c/questions/watch", data={"watch-level": "regular"})
    assert _own_level(reader, category_id=category.id) is None
    assert api.get(f"/threads/{thread.id}/watch").get_json() == {
        "thread_id": thread.id, "level": "regular", "explicit": False, "category_level": "regular"}


# --- unread counts on the lists ----------------------------------------------------------------------

def test_lists_show_new_posts_since_the_last_visit(client, auth, reader, author, thread, make_user):
    moderator = make_user(role="moderator")
    auth.login(reader)
    client.get(f"/t/{thread.id}")
    assert _badge(_page(client.get("/c/questions")), thread) is None
    _reply(thread, author, "one")
    _reply(thread, author, "two")
    hidden = _reply(thread, author, "hidden")
    moderation.hide(hidden, moderator)
    gone = _reply(thread, author, "deleted")
    services.delete_post(gone)
    _reply(thread, reader, "my own")  # one's own reply is no news
    assert _badge(_page(client.get("/c/questions")), thread) == "2 new"
    assert _badge(_page(client.get("/")), thread) == "2 new"
    assert f'href="/t/{thread.id}?unread=1"' in _page(client.get("/"))
    # A moderator sees the hidden post on the thread's pages: it is new for them.
    assert unread.counts(moderator, [thread.id]) == {}  # never opened, not followed
    db.session.add(ThreadRead(user_id=moderator.id, thread_id=thread.id, last_read_post_id=thread.first_post_id))
    db.session.commit()
    assert unread.counts(moderator, [thread.id])[thread.id].count == 4  # one, two, hidden and the reader's
    # Reading the thread clears the badge.
    client.get(f"/t/{thread.id}?page=2")
    assert _badge(_page(client.get("/c/questions")), thread) is None


def test_followed_threads_never_opened_are_new_regular_ones_are_not(client, auth, reader, author, make_thread,
                                                                   category):
    tracked, watched, regular = (make_thread(author, title=t) for t in ("Tracked", "Watched", "Regular"))
    auth.login(reader)
    client.post(f"/t/{tracked.id}/watch", data={"watch-level": "tracking"})
    client.post(f"/t/{watched.id}/watch", data={"watch-level": "watching"})
    page = _page(client.get("/c/questions"))
    assert _badge(page, tracked) == "new" and _badge(page, watched) == "new" and _badge(page, regular) is None
    assert f'<a class="badge badge-unread" href="/t/{tracked.id}">new</a>' in page
    client.get(f"/t/{tracked.id}")
    assert _badge(_page(client.get("/c/questions")), tracked) is None


def test_muted_threads_show_no_count(client, auth, reader, author, thread, category, make_thread):
    other = make_thread(author, title="Another")
    auth.login(reader)
    client.get(f"/t/{thread.id}")
    client.get(f"/t/{other.id}")
    client.post(f"/t/{thread.id}/watch", data={"watch-level": "muted"})
    _reply(thread, author)
    _reply(other, author)
    page = _page(client.get("/c/questions"))
    assert _badge(page, thread) is None and _badge(page, other) == "1 new"
    # A muted category mutes its threads too, unless a thread has its own level.
    client.post("/c/questions/watch", data={"watch-level": "muted"})
    assert _badge(_page(client.get("/c/questions")), other) is None
    client.post(f"/t/{other.id}/watch", data={"watch-level": "tracking"})
    assert _badge(_page(client.get("/c/questions")), other) == "1 new"


def test_the_counts_of_a_page_are_one_query(app, client, auth, reader, author, make_thread):
    threads = [make_thread(author, title=f"Thread {i}") for i in range(5)]
    auth.login(reader)
    for t in threads:
        client.get(f"/t/{t.id}")
    for i, t in enumerate(threads):
        for _ in range(i):
            _reply(t, author)
    client.post(f"/t/{threads[1].id}/watch", data={"watch-level": "muted"})
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        page = _page(client.get("/c/questions"))
        direct = unread.counts(reader, [t.id for t in threads])
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    on_reads = [s for s in statements if "thread_reads" in s]
    assert len(on_reads) == 2  # one for the page, one for the direct call
    assert [_badge(page, t) for t in threads] == [None, None, "2 new", "3 new", "4 new"]
    assert {k: v.count for k, v in direct.items()} == {threads[2].id: 2, threads[3].id: 3, threads[4].id: 4}


def test_visitors_see_no_counts(client, reader, author, thread):
    db.session.add(ThreadRead(user_id=reader.id, thread_id=thread.id, last_read_post_id=thread.first_post_id))
    db.session.commit()
    _reply(thread, author)
    page = _page(client.get("/c/questions"))
    assert "badge-unread" not in page
    assert "badge-unread" not in _page(client.get("/"))


# --- the read mark and the first unread post ---------------------------------------------------------

def test_the_read_mark_is_the_newest_post_seen_and_never_lowered(client, auth, reader, author, thread):
    posts = [thread.posts[0]] + [_reply(thread, author, f"reply {i}") for i in range(5)]  # two pages of 3
    auth.login(reader)
    assert _read_mark(reader, thread) is None
    client.get(f"/t/{thread.id}?page=2")
    assert _read_mark(reader, thread) == posts[5].id
    client.get(f"/t/{thread.id}")  # page 1, read afterwards: the mark stays
    assert _read_mark(reader, thread) == posts[5].id
    # The upsert itself refuses to lower it (two tabs racing).
    unread.mark_read(reader, thread, posts[1].id)
    db.session.commit()
    assert _read_mark(reader, thread) == posts[5].id
    unread.mark_read(reader, thread, posts[5].id + 1)
    db.session.commit()
    assert _read_mark(reader, thread) == posts[5].id + 1


def test_visitors_write_no_read_mark(client, thread):
    client.get(f"/t/{thread.id}")
    assert db.session.execute(db.select(db.func.count()).select_from(ThreadRead)).scalar() == 0


def test_jump_to_the_first_unread_post(client, auth, reader, author, thread):
    auth.login(reader)
    client.get(f"/t/{thread.id}")  # read the first post
    replies = [_reply(thread, author, f"reply {i}") for i in range(4)]  # page 1: first + 2 replies; page 2
    page = _page(client.get(f"/t/{thread.id}"))
    assert f'<a href="/t/{thread.id}#post-{replies[0].id}">Jump to the first unread post</a>' in page
    # Page 1 is now read up to replies[1]: the list's link lands on page 2, on the next unread one.
    response = client.get(f"/t/{thread.id}?unread=1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{thread.id}?page=2#post-{replies[2].id}")
    # A page asked for by number gets no link; nothing unread, no link, and ?unread=1 goes to the thread.
    assert "Jump to the first unread post" not in _page(client.get(f"/t/{thread.id}?page=1"))
    client.get(f"/t/{thread.id}?page=2")
    assert "Jump to the first unread post" not in _page(client.get(f"/t/{thread.id}"))
    response = client.get(f"/t/{thread.id}?unread=1")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/t/{thread.id}")


def test_visitors_page_is_unchanged(client, auth, reader, author, thread):
    _reply(thread, author)
    plain = _page(client.get(f"/t/{thread.id}"))
    # (the language switcher's links keep the query string)
    assert _page(client.get(f"/t/{thread.id}?unread=1")).replace("unread=1&amp;", "") == plain
    assert "Jump to the first unread post" not in plain and "watch-level" not in plain


# --- the API: /threads/{id}/watch --------------------------------------------------------------------

@pytest.mark.parametrize("level", ["watching", "tracking", "muted", "regular"])
def test_api_sets_each_level(client, reader, thread, level):
    api = MemberApi(client, reader)
    response = api.put(f"/threads/{thread.id}/watch", json={"level": level})
    assert response.status_code == 200
    assert response.get_json() == {"thread_id": thread.id, "level": level, "explicit": level != "regular",
                                   "category_level": "regular"}
    assert _own_level(reader, thread_id=thread.id) == (None if level == "regular" else WatchLevel(level))
    assert api.get(f"/threads/{thread.id}/watch").get_json()["level"] == level


@pytest.mark.parametrize("body", [{"level": "loud"}, {"level": None}, {}, {"level": 1}, {"level": "muted", "x": 1}])
def test_api_refuses_a_bad_level(client, reader, thread, body):
    api = MemberApi(client, reader)
    api.put(f"/threads/{thread.id}/watch", json={"level": "tracking"})
    before = db_state()
    response = api.put(f"/threads/{thread.id}/watch", json=body)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) <= {"level", "x"}
    assert db_state() == before


def test_api_watch_needs_a_token_and_a_visible_thread(client, reader, thread, make_user):
    assert client.get(f"/api/v1/threads/{thread.id}/watch").status_code == 401
    assert client.put(f"/api/v1/threads/{thread.id}/watch", json={"level": "muted"}).status_code == 401
    api = MemberApi(client, reader)
    assert api.get("/threads/999999/watch").status_code == 404
    assert api.get(f"/threads/{2**40}/watch").status_code == 404
    moderation.hide(thread.posts[0], make_user(role="moderator"))
    assert api.put(f"/threads/{thread.id}/watch", json={"level": "muted"}).status_code == 404
    assert _own_level(reader, thread_id=thread.id) is None


# --- the API: /me -------------------------------------------------------------------------------------

def test_api_me_reads_the_callers_settings(client, reader):
    reader.read_languages, reader.position = "pt,es", "Engineer"
    db.session.commit()
    body = MemberApi(client, reader).get("/me").get_json()
    assert body["id"] == reader.id and body["email"] == reader.email and body["display_name"] == "Rui Reader"
    assert body["read_languages"] == ["es", "pt"] and body["originals_first"] is False
    assert body["email_frequency"] == "daily" and body["role"] == "member" and body["language"] == "en"
    assert body["city"]["id"] == reader.city_id and body["position"] == "Engineer" and body["department"] is None
    assert client.get("/api/v1/me").status_code == 401


def test_api_me_patch_saves_the_fields_sent(client, reader):
    api = MemberApi(client, reader)
    response = api.patch("/me", json={"display_name": "  Rui R. Reader ", "language": "pt",
                                      "read_languages": ["pt", "en", "es", "pt"], "originals_first": True,
                                      "email_frequency": "immediate", "position": "Chief engineer",
                                      "department": "Water"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["display_name"] == "Rui R. Reader" and body["read_languages"] == ["en", "es", "pt"]
    db.session.expire_all()
    user = db.session.get(User, reader.id)
    assert (user.display_name, user.language, user.read_languages, user.originals_first, user.email_frequency,
            user.position, user.department) == ("Rui R. Reader", "pt", "en,es,pt", True, EmailFrequency.IMMEDIATE,
                                                "Chief engineer", "Water")
    # Only what is sent changes (null is not sent); "" clears an optional line; the own name may be kept.
    response = api.patch("/me", json={"position": "", "department": "", "display_name": "Rui R. Reader",
                                      "language": None,
                                      "read_languages": [], "originals_first": False})
    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    user = db.session.get(User, reader.id)
    assert (user.position, user.department, user.read_languages, user.originals_first, user.language) == (
        None, None, "", False, "pt")


@pytest.mark.parametrize("field, value, message", [
    ("display_name", "", "Please enter a display name."),
    ("display_name", "x" * 81, "At most 80 characters."),
    ("display_name", "Olga Author", "Another member already has this name"),
    ("display_name", "Rui\u202eReader", "Line breaks, invisible characters"),
    ("display_name", 7, "Must be a string."),
    ("display_name", " " + "x" * 80, "At most 80 characters."),  # as sent, as the OpenAPI maxLength
    ("language", "fr", "Not a valid choice"),
    ("read_languages", ["en", "fr"], "is not a valid choice"),
    ("read_languages", "en,es", "Must be a list of language codes."),
    ("originals_first", "yes", "Must be true or false."),
    ("email_frequency", "weekly", "Not a valid choice"),
    ("position", "p" * 121, "At most 120 characters."),
    ("department", "Water\nWorks", "Line breaks, invisible characters"),
    ("department", "\x07", "not allowed"),
    ("email", "new@example.org", "Unknown field."),
    ("role", "admin", "Unknown field."),
])
def test_api_me_patch_refuses_each_bad_field(client, reader, author, field, value, message):
    api = MemberApi(client, reader)
    before = db_state()
    response = api.patch("/me", json={"language": "es", field: value})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert list(fields) == [field] and message in fields[field]
    assert db_state() == before


def test_api_me_patch_refuses_what_is_not_a_json_object(client, reader):
    api = MemberApi(client, reader)
    before = db_state()
    assert api.patch("/me", data="language=es").status_code == 415
    assert api.patch("/me", data="{", content_type="application/json").status_code == 400
    assert api.patch("/me", json=["language"]).status_code == 422
    assert db_state() == before


# --- the profile: email frequency --------------------------------------------------------------------

def test_profile_saves_the_email_frequency(client, auth, reader):
    auth.login(reader)
    page = _page(client.get("/profile"))
    assert "Email about notifications" in page and '<option selected value="daily">Daily digest</option>' in page
    data = {"profile-display_name": reader.display_name, "profile-language": "en", "profile-submit": "Save"}
    response = client.post("/profile", data={**data, "profile-email_frequency": "none"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, reader.id).email_frequency == EmailFrequency.NONE
    assert '<option selected value="none">Never</option>' in _page(client.get("/profile"))
    before = db_state()
    response = client.post("/profile", data={**data, "profile-email_frequency": "hourly"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert db_state() == before
    # Left out (an older form): kept as it was.
    assert client.post("/profile", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, reader.id).email_frequency == EmailFrequency.NONE


def test_marking_a_page_read_costs_no_query_per_post(client, auth, reader, author, make_thread):
    short, long = make_thread(author, title="Short"), make_thread(author, title="Long")
    for i in range(PER_PAGE - 1):
        _reply(long, author, f"reply {i}")
    auth.login(reader)

    def statements_for(thread) -> int:
        statements = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            _page(client.get(f"/t/{thread.id}"))
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listen)
        return len(statements)

    assert statements_for(short) == statements_for(long)  # one post or three: the same queries
    assert _read_mark(reader, long) == long.posts[-1].id
