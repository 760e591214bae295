"""A hostile reading of notifications, watching, unread marks, /me and search: other members' data,
hidden posts and threads, CSRF, mention spam, hostile search syntax (in the query and in the
glossary), bad filters and mass assignment. Each test is a problem found, or a door checked shut."""
from __future__ import annotations

import random

import pytest

from forum.extensions import db
from forum.models import GlossaryTerm, NotificationKind, ThreadRead, utcnow
from forum.moderation import services as moderation
from forum.rendering import MAX_MENTIONS
from forum.search.results import search, similar_threads
from forum.threads import services as threads
from forum.watching import services as watching
from testkit import Auth, MemberApi, db_state, stored_notifications as _notes


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", name="Mona Moderator")


# ---------------------------------------------------------------- mentions

def test_editing_a_post_cannot_mention_more_than_the_cap(app, make_user, make_thread):
    """Each edit may name MAX_MENTIONS new members: editing a post over and over would notify the
    whole forum, MAX_MENTIONS at a time. The cap is per post, edits included."""
    author = make_user(name="Spam Mer")
    victims = [make_user(name=f"Victim{i}") for i in range(MAX_MENTIONS * 3)]
    thread = make_thread(author)
    reply = threads.add_reply(thread, author, "Hello", "en")
    for start in range(0, len(victims), MAX_MENTIONS):
        names = " ".join(f"@{v.display_name}" for v in victims[start:start + MAX_MENTIONS])
        threads.edit_post(reply, author, f"Hello {names}", "en")
    assert len(_notes(kind=NotificationKind.MENTION)) == MAX_MENTIONS


def test_display_names_are_escaped_in_sentences_and_mention_links(client, make_user, make_thread):
    evil = make_user(name='<img src=x onerror=alert(1)>"Evil')
    reader = make_user(name="Reader One")
    thread = make_thread(reader)
    watching.set_thread_level(reader, thread, watching.WatchLevel.WATCHING)
    db.session.commit()
    threads.add_reply(thread, evil, "@ReaderOne <script>alert(2)</script>", "en")
    Auth(client).login(reader)
    page = client.get("/notifications").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    body = MemberApi(client, reader).get("/notifications").get_json()
    assert body["notifications"][0]["sentence"].startswith('<img src=x onerror=alert(1)>"Evil')  # JSON: as data


# ---------------------------------------------------------------- notifications about what one cannot see

def test_a_notification_about_a_hidden_post_is_gone_until_restored(client, make_user, make_thread, moderator):
    """A hidden post is gone for everyone but moderators, its author too (forum/visibility.py): its
    notification leaves the page, the API and the header's count (its email is cancelled already)."""
    alice, bruno = make_user(name="Alice Asker"), make_user(name="Bruno Secret")
    thread = make_thread(alice)
    reply = threads.add_reply(thread, bruno, "Something a moderator will hide", "en")
    moderation.hide(reply, moderator)
    Auth(client).login(alice)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Bruno Secret" not in page and "Something a moderator" not in page
    assert 'class="badge badge-pending">1<' not in client.get("/").get_data(as_text=True)
    body = MemberApi(client, alice).get("/notifications").get_json()
    assert (body["notifications"], body["total"], body["unread"]) == ([], 0, 0)
    moderation.restore(reply)
    [note] = MemberApi(client, alice).get("/notifications").get_json()["notifications"]
    assert note["actor"]["display_name"] == "Bruno Secret" and note["excerpt"] is not None


def test_a_moderators_reply_in_a_hidden_thread_reaches_no_member(client, make_user, make_thread, moderator):
    alice, carla = make_user(name="Alice Asker"), make_user(name="Carla Costa")
    thread = make_thread(alice, title="Secret budget of the water board")
    watching.set_thread_level(carla, thread, watching.WatchLevel.WATCHING)
    db.session.commit()
    moderation.hide(thread.posts[0], moderator)
    threads.add_reply(thread, moderator, "Hidden talk, @CarlaCosta", "en")
    assert len(_notes(carla)) == 1  # stored (a mention): it comes back if the thread is restored
    for member in (alice, carla):
        body = MemberApi(client, member).get("/notifications").get_json()
        assert (body["notifications"], body["unread"]) == ([], 0)
    Auth(client).login(carla)
    assert "Secret budget" not in client.get("/notifications").get_data(as_text=True)


def test_a_settled_report_on_a_hidden_thread_stays_and_names_nobody(client, make_user, make_thread, moderator):
    from forum.models import FlagResolution
    from forum.notifications import services as notifications

    alice, carla = make_user(name="Alice Asker"), make_user(name="Carla Costa")
    thread = make_thread(alice, title="Secret budget of the water board")
    moderation.hide(thread.posts[0], moderator)
    notifications.add(carla, NotificationKind.FLAG_RESOLVED, thread, thread.posts[0], actor=moderator,
                      detail=FlagResolution.HIDDEN.value)
    db.session.commit()
    [note] = MemberApi(client, carla).get("/notifications").get_json()["notifications"]
    assert note["thread"]["title"] is None and note["excerpt"] is None and note["actor"] is None
    Auth(client).login(carla)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Secret budget" not in page and "Mona" not in page and "the post was hidden" in page


def test_another_members_notification_cannot_be_read_or_marked(client, make_user, make_thread):
    alice, bruno, eve = make_user(), make_user(name="Bruno Two"), make_user()
    thread = make_thread(alice)
    threads.add_reply(thread, bruno, "a reply", "en")
    [note] = _notes(alice)
    Auth(client).login(eve)
    assert client.post(f"/notifications/{note.id}/read").status_code == 404
    assert client.post(f"/notifications/{2**63}/read").status_code == 404
    response = MemberApi(client, eve).post("/notifications/read", json={"ids": [note.id]})
    assert response.status_code == 200 and response.get_json()["marked"] == 0
    assert _notes(alice)[0].read_at is None


@pytest.mark.csrf
def test_every_post_of_these_features_needs_the_csrf_token(client, make_user, make_thread, category):
    alice, bruno = make_user(), make_user(name="Bruno Three")
    thread = make_thread(alice)
    threads.add_reply(thread, bruno, "a reply", "en")
    [note] = _notes(alice)
    Auth(client).login(alice)
    before = db_state()
    for path, data in [(f"/notifications/{note.id}/read", {}), ("/notifications/read-all", {}),
                       (f"/t/{thread.id}/watch", {"watch-level": "muted"}),
                       (f"/c/{category.slug}/watch", {"watch-level": "muted"})]:
        response = client.post(path, data=data)
        assert response.status_code in (302, 400), path
    assert db_state() == before


# ---------------------------------------------------------------- watching and unread marks

def test_watching_a_hidden_thread_is_a_404(client, make_user, make_thread, moderator):
    alice, eve = make_user(), make_user()
    thread = make_thread(alice)
    moderation.hide(thread.posts[0], moderator)
    Auth(client).login(eve)
    api = MemberApi(client, eve)
    before = db_state()
    assert client.post(f"/t/{thread.id}/watch", data={"watch-level": "watching"}).status_code == 404
    assert api.get(f"/threads/{thread.id}/watch").status_code == 404
    assert api.put(f"/threads/{thread.id}/watch", json={"level": "watching"}).status_code == 404
    assert db_state(volatile={("api_tokens", "last_used_at")}) == before
    assert client.get(f"/t/{thread.id}?unread=1").status_code == 404
    assert client.post("/c/no-such-category/watch", data={"watch-level": "watching"}).status_code == 404


def test_a_thread_page_marks_only_its_own_posts_read(client, make_user, make_thread):
    alice, bruno = make_user(), make_user()
    one = make_thread(alice, replies=1)
    other = make_thread(alice, replies=5)
    Auth(client).login(bruno)
    assert client.get(f"/t/{one.id}").status_code == 200
    db.session.expire_all()
    [mark] = db.session.execute(db.select(ThreadRead).filter_by(user_id=bruno.id)).scalars()
    assert mark.thread_id == one.id and mark.last_read_post_id == max(p.id for p in one.posts)
    assert mark.last_read_post_id < max(p.id for p in other.posts)


# ---------------------------------------------------------------- /api/v1/me

@pytest.mark.parametrize("field, value", [
    ("role", "admin"), ("email", "eve@evil.example"), ("suspended", True), ("session_version", 99),
    ("city_id", 1), ("id", 1), ("password_hash", "x"), ("is_moderator", True)])
def test_me_patch_takes_no_other_field(client, member, field, value):
    api = MemberApi(client, member)
    before = db_state()
    response = api.patch("/me", json={field: value})
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    assert db_state() == before


@pytest.mark.parametrize("body", [
    {"display_name": ["a"]}, {"display_name": {"x": 1}}, {"display_name": "x" * 100_000},
    {"email_frequency": "hourly"}, {"email_frequency": 1}, {"email_frequency": ""},
    {"language": "xx"}, {"read_languages": "en"}, {"read_languages": [["en"]]}, {"read_languages": ["zz"]},
    {"originals_first": "yes"}, {"display_name": "\x00"}, {"display_name": ""}, [1], "x"])
def test_me_patch_refuses_bad_types_and_values(client, member, body):
    api = MemberApi(client, member)
    before = db_state()
    response = api.patch("/me", json=body)
    assert response.status_code in (400, 422), (body, response.status_code)
    assert db_state() == before


def test_me_is_only_the_callers(client, member, make_user):
    other = make_user()
    body = MemberApi(client, member).get(f"/me?user_id={other.id}").get_json()
    assert body["id"] == member.id and other.email not in str(body)


# ---------------------------------------------------------------- search syntax

HOSTILE = ['"', '""', '"""', '-', '--', '-"', '-""', '*', 'a*', '^a', 'a:b', 'title:a', 'NEAR(a b)',
           'a OR b', 'a AND b', 'NOT a', '(a', 'a)', '{a b}', '+a', 'a & b', 'a | b', '!a', "a <-> b",
           "a:*", "'a'", "\\", "%", "_", "½", "ﬁ", "ǅ", "①", "Ⅻ", "²", "ß", "İ", "ﷺ", "㍿",
           "a" * 200, "-a -b -c -d -e -f -g -h", '"' + "a " * 50 + '"', "\u200b", "\ufeff", "😀",
           "-\"a b\" c", "c -\"\"", "¼ ½ ¾", "ǈ ǋ ǲ", "ℌ ℍ", "ｱ", "Ⓐ ⓐ", "㌀", "℡", "…", "‥a"]


def test_no_query_text_reaches_the_engine_as_syntax(app, member, make_thread):
    thread = make_thread(member, title="Pipes and meters", body="Water meters: 1 2 a b c")
    for text in HOSTILE:
        search(text, "en")  # no error from FTS5 or tsquery
        similar_threads(text, "en")
    assert [r.title.thread.id for r in search("meters", "en").threads] == [thread.id]


def test_random_unicode_queries_never_break_the_engine(app, member, make_thread):
    make_thread(member, title="Pipes", body="Water")
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c < 0xE000] + list('"-*():^')
    for _ in range(150):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        search(text, rng.choice(["en", "es", "pt"]))


@pytest.mark.parametrize("term, translation", [
    ('leak"', 'fuga" OR *'), ('NEAR(leak', 'fuga)'), ('"', '"'), ("-leak", "-fuga"), ("leak:*", "fu & ga | !x"),
    ("½", "ﬁ"), ("leak ^", "fuga *")])
def test_glossary_terms_with_query_syntax_go_into_the_expansion_safely(app, member, make_thread, term, translation):
    thread = make_thread(member, title="Leak report", body="A leak in the network.")
    db.session.add(GlossaryTerm(kind="prefer", source_language="en", target_language="es", term=term,
                                term_key=term, translation=translation))
    db.session.commit()
    for text in ("leak", "fuga", "ﬁ", "½", "leak fuga", '"leak report"'):
        search(text, "es")
        similar_threads(text, "es")
    assert thread.id in [r.title.thread.id for r in search("leak", "es").threads]


# ---------------------------------------------------------------- search pages and filters

@pytest.mark.parametrize("query", [
    "q=leak&city=abc", "q=leak&since=2026-13-45", "q=leak&until=x", "q=leak&category=../",
    "q=leak&page=0", "q=leak&page=-1", "q=leak&page=99999999999999999999", "q=leak&country=%00",
    "q=leak%00", "q=" + "a" * 5000, "q=leak&written_in=xx", "q=leak&answered=maybe", "q=%01%02",
    "q=leak&since=2026-01-02&until=2026-01-01", "q=leak&city=1&city=2", "q=leak&page=1e3",
    "q=leak&since=99999-01-01", "q=leak&until=9999-12-31", "q=leak&since=0001-01-01&until=0001-01-01",
    "q=leak&since=9999-12-31", "q=%ED%A0%80", "q=%EF%BF%BF", "q=%F4%8F%BF%BF", "q=%C0%AF", "q=leak&q=x"])
def test_bad_search_input_is_a_page_never_a_500(client, member, make_thread, query):
    make_thread(member, title="Leak", body="leak")
    Auth(client).login(member)
    assert client.get(f"/search?{query}").status_code == 200


@pytest.mark.parametrize("query", [
    "q=leak%00", "q=" + "a" * 5000, "q=leak&city=abc", "q=leak&page=0", "q=leak&page=-1",
    "q=leak&page=99999999999999999999", "q=leak&category=../", "q=%01", "q=leak&written_in=xx"])
def test_bad_api_search_input_is_a_4xx_never_a_500(client, member, query):
    response = MemberApi(client, member).get(f"/search?{query}")
    assert response.status_code in (200, 422), (query, response.status_code)


def test_similar_with_hostile_titles(client, member, make_thread):
    make_thread(member, title="Leak", body="leak")
    Auth(client).login(member)
    for q in ["%00", "a" * 5000, "%22NEAR(", "-", "%01%02leak", "%ED%A0%80", "%EF%BF%BF+leak", "%C0%AF"]:
        assert client.get(f"/search/similar?q={q}&fragment=1").status_code == 200, q


def test_snippets_escape_post_text(client, member, make_thread):
    make_thread(member, title="Escaping", body="leak <script>alert(1)</script> &lt;b&gt; `<i>leak</i>`")
    Auth(client).login(member)
    page = client.get("/search?q=leak").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<i>leak" not in page and "<b>" not in page
    [result] = MemberApi(client, member).get("/search?q=leak").get_json()["results"]
    for match in result["matches"]:
        assert "<script" not in match["snippet_html"] and "<i>" not in match["snippet_html"]


def test_search_hides_hidden_and_deleted_posts_and_hidden_threads(client, app, member, make_user, make_thread,
                                                                 moderator):
    author = make_user()
    hidden_thread = make_thread(author, title="Zebra secret thread", body="zebra one")
    moderation.hide(hidden_thread.posts[0], moderator)
    open_thread = make_thread(author, title="Open", body="nothing")
    hidden_reply = threads.add_reply(open_thread, author, "zebra hidden reply", "en")
    moderation.hide(hidden_reply, moderator)
    deleted = threads.add_reply(open_thread, author, "zebra deleted reply", "en")
    deleted.deleted_at = utcnow()
    db.session.commit()
    assert search("zebra", "en").threads == []
    Auth(client).login(member)
    assert "Zebra secret" not in client.get("/search?q=zebra").get_data(as_text=True)
    assert "Zebra secret" not in client.get("/search/similar?q=zebra+secret&fragment=1").get_data(as_text=True)
    assert MemberApi(client, member).get("/search?q=zebra").get_json()["results"] == []
    Auth(client).logout()  # the tests' app reads publicly (FORUM_PUBLIC_READ)
    assert "Zebra secret" not in client.get("/search?q=zebra").get_data(as_text=True)
    assert "Zebra secret" not in client.get("/search/similar?q=zebra+secret").get_data(as_text=True)


def test_visitors_get_no_search_when_reading_is_for_members(app, client, member, make_thread):
    app.config["FORUM_PUBLIC_READ"] = False
    make_thread(member, title="Private matter of the city", body="private")
    for path in ("/search?q=private", "/search/similar?q=private+matter&fragment=1",
                 "/search/similar?q=private+matter"):
        response = client.get(path)
        assert response.status_code == 302 and "Private matter" not in response.get_data(as_text=True), path


# ---------------------------------------------------------------- queries per page

def _queries(client, url, **kwargs) -> int:
    import sqlalchemy as sa

    statements = []

    def record(*_args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url, **kwargs).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_the_notifications_page_costs_the_same_for_one_or_many(client, make_user, make_thread):
    """Each notification's actor, thread and post were loaded one by one (three queries each)."""
    reader = make_user(name="Reader Many")
    Auth(client).login(reader)
    api = MemberApi(client, reader)

    def notify(n):
        for _ in range(n):
            thread = make_thread(reader)
            threads.add_reply(thread, make_user(), "a reply", "en")

    notify(1)
    db.session.expire_all()
    one, one_api = _queries(client, "/notifications"), _queries(client, "/api/v1/notifications", headers=api.headers)
    notify(6)
    db.session.expire_all()
    many = _queries(client, "/notifications")
    assert many == one
    assert _queries(client, "/api/v1/notifications", headers=api.headers) == one_api


def test_a_search_page_costs_the_same_for_one_result_or_many(client, member, make_user, make_thread):
    Auth(client).login(member)
    make_thread(make_user(), title="Valve one", body="valve")
    db.session.expire_all()
    one = _queries(client, "/search?q=valve")
    for i in range(6):
        thread = make_thread(make_user(), title=f"Valve {i}", body="valve valve")
        threads.add_reply(thread, make_user(), "another valve", "en")
    db.session.expire_all()
    assert _queries(client, "/search?q=valve") == one
    assert _queries(client, "/search/similar?q=valve+pressure&fragment=1") <= one


def test_a_newcomer_cannot_silence_mentions_of_a_member_by_taking_their_name_without_spaces(
        client, make_user, make_thread):
    """Two members whose names compare the same without spaces are both unmentionable (by design: a
    mention must not reach the wrong one), so a name that is another's without its spaces is refused
    like any copy of a name."""
    bruno, squatter, alice = make_user(name="Bruno Díaz"), make_user(name="Someone Else"), make_user()
    assert MemberApi(client, squatter).patch("/me", json={"display_name": "BrunoDiaz"}).status_code == 422
    assert MemberApi(client, squatter).patch("/me", json={"display_name": "Bru No-Díaz"}).status_code == 422
    thread = make_thread(alice)
    threads.add_reply(thread, alice, "Thanks @BrunoDiaz", "en")
    assert [n.kind for n in _notes(bruno)] == [NotificationKind.MENTION]


@pytest.mark.parametrize("body", [
    {"level": ["watching"]}, {"level": None}, {"level": {"a": 1}}, {"level": "x" * 10_000}, {}, {"level": 1},
    {"level": "watching", "user_id": 1}, {"level": "WATCHING"}, ["watching"], "watching"])
def test_the_watch_api_refuses_bad_bodies(client, member, make_thread, body):
    thread = make_thread(member)
    api = MemberApi(client, member)
    before = db_state()
    response = api.put(f"/threads/{thread.id}/watch", json=body)
    assert response.status_code in (400, 422), (body, response.status_code)
    assert db_state() == before
    assert api.get(f"/threads/{2**63}/watch").status_code == 404
