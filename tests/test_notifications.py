"""In-app notifications: who hears of a reply, a mention, an accepted answer, a settled report and a
correction (and who does not), the /notifications page in the reader's language, marking read, the
header's count and the API's two endpoints."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext

from forum import jobs
from forum.extensions import db
from forum.models import Category, FlagReason, FlagResolution, NotificationKind
from forum.notifications import events
from forum.rendering import MAX_MENTIONS, mentioned_names, render_markdown
from forum.threads import services as threads
from forum.watching import services as watching
from testkit import Auth, MemberApi, stored_notifications as _notes


def _kinds(user) -> list[tuple[str, int | None]]:
    return [(n.kind.value, n.post_id) for n in _notes(user)]


@pytest.fixture
def people(make_user):
    """Alice starts threads, Bruno Díaz replies; Carla watches, Dora muted, Enzo is suspended."""
    return {name: make_user(name=full, language="en", **extra) for name, full, extra in [
        ("alice", "Alice Asker", {}), ("bruno", "Bruno Díaz", {}), ("carla", "Carla Costa", {}),
        ("dora", "Dora Muda", {}), ("enzo", "Enzo Suspenso", {"suspended": True})]}


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", name="Mona Moderator")


def _watch_all(thread, people):
    watching.set_thread_level(people["carla"], thread, watching.WatchLevel.WATCHING)
    watching.set_thread_level(people["dora"], thread, watching.WatchLevel.MUTED)
    watching.set_thread_level(people["enzo"], thread, watching.WatchLevel.WATCHING)
    db.session.commit()


# ---------------------------------------------------------------- replies

def test_a_reply_notifies_watchers_but_not_its_author_a_muted_or_a_suspended_member(people, make_thread):
    alice, bruno, carla, dora, enzo = (people[n] for n in ("alice", "bruno", "carla", "dora", "enzo"))
    thread = make_thread(alice)
    _watch_all(thread, people)
    reply = threads.add_reply(thread, bruno, "We use acoustic sensors.", "en")
    assert _kinds(alice) == [("reply", reply.id)] and _notes(alice)[0].actor_id == bruno.id
    assert _kinds(carla) == [("reply", reply.id)]
    assert _kinds(bruno) == [] and _kinds(dora) == [] and _kinds(enzo) == []
    # Bruno watches now (he replied); Alice's answer tells him, not her.
    second = threads.add_reply(thread, alice, "Thanks!", "en")
    assert _kinds(bruno) == [("reply", second.id)]
    assert _kinds(alice) == [("reply", reply.id)]


def test_a_new_thread_in_a_watched_category_notifies_its_watchers(people, make_thread, category):
    carla, dora = people["carla"], people["dora"]
    watching.set_category_level(carla, category.id, watching.WatchLevel.WATCHING)
    watching.set_category_level(dora, category.id, watching.WatchLevel.TRACKING)
    db.session.commit()
    thread = make_thread(people["alice"])
    [note] = _notes(carla)
    assert (note.kind, note.post_id) == (NotificationKind.REPLY, thread.first_post_id)
    assert _notes(dora) == []
    general = db.session.execute(db.select(Category).filter_by(slug="general")).scalar_one()
    make_thread(people["alice"], cat=general)
    assert len(_notes(carla)) == 1  # another category


def test_a_thread_muted_inside_a_watched_category_stays_quiet(people, make_thread, category):
    carla = people["carla"]
    thread = make_thread(people["alice"])
    watching.set_category_level(carla, category.id, watching.WatchLevel.WATCHING)
    watching.set_thread_level(carla, thread, watching.WatchLevel.MUTED)
    db.session.commit()
    threads.add_reply(thread, people["bruno"], "A reply.", "en")
    assert _notes(carla) == []


# ---------------------------------------------------------------- mentions

def test_a_mention_notifies_and_links_to_the_profile_only_in_markdown_text(people, make_thread):
    alice, bruno = people["alice"], people["bruno"]
    body = ("Thanks @BrunoDíaz, and @brunodiaz again. `@BrunoDiaz` in code, [@BrunoDiaz](https://example.org) "
            "a link, mail bruno@BrunoDiaz.example\n\n```\n@BrunoDiaz\n```\n")
    thread = make_thread(alice, body=body)
    post = thread.posts[0]
    assert _kinds(bruno) == [("mention", post.id)]
    assert _notes(bruno)[0].actor_id == alice.id
    links = re.findall(r'<a [^>]*class="mention"[^>]*>([^<]*)</a>', post.body_html)
    assert links == ["@BrunoDíaz", "@brunodiaz"]
    assert f'href="/u/{bruno.id}"' in post.body_html
    assert "<code>@BrunoDiaz</code>" in post.body_html
    assert re.search(r'<a href="https://example.org"[^>]*>@BrunoDiaz</a>', post.body_html)
    assert "<pre><code>@BrunoDiaz\n</code></pre>" in post.body_html
    assert "bruno@BrunoDiaz.example" in post.body_html


def test_a_mention_in_code_only_stays_plain_and_notifies_nobody(people, make_thread):
    thread = make_thread(people["alice"], body="Try `@BrunoDiaz` or\n\n    @BrunoDiaz indented\n")
    assert _notes(people["bruno"]) == []
    assert 'class="mention"' not in thread.posts[0].body_html


def test_a_mention_wins_over_a_reply_and_reaches_a_muted_member(people, make_thread):
    alice, bruno, dora = people["alice"], people["bruno"], people["dora"]
    thread = make_thread(alice)
    threads.add_reply(thread, bruno, "I watch this thread now.", "en")
    _watch_all(thread, people)
    post = threads.add_reply(thread, alice, "What do you think, @Bruno_Diaz and @DoraMuda?", "en")
    assert [k for k in _kinds(bruno) if k[1] == post.id] == [("mention", post.id)]
    assert _kinds(dora) == [("mention", post.id)]
    assert _kinds(people["carla"]) == [("reply", post.id)]


def test_no_mention_of_a_suspended_member_of_oneself_or_of_an_ambiguous_name(people, make_user, make_thread):
    alice = people["alice"]
    make_user(name="Gil Lima")
    make_user(name="Gil-Lima")  # the same name without spaces: neither is meant for sure
    thread = make_thread(alice, body="@EnzoSuspenso @AliceAsker @GilLima @nobody")
    assert _notes() == []
    # One's own name is still a link to one's profile; the others stay text.
    assert re.findall(r'class="mention"[^>]*>([^<]*)<', thread.posts[0].body_html) == ["@AliceAsker"]


def test_an_edit_notifies_nobody_again_and_a_new_mention_once(people, make_thread):
    alice, bruno, carla = people["alice"], people["bruno"], people["carla"]
    thread = make_thread(alice)
    _watch_all(thread, people)
    reply = threads.add_reply(thread, alice, "Hello @BrunoDiaz", "en")
    before = [(n.user_id, n.kind, n.post_id) for n in _notes()]
    threads.edit_post(reply, alice, "Hello @BrunoDiaz, edited", "en")
    assert [(n.user_id, n.kind, n.post_id) for n in _notes()] == before
    threads.edit_post(reply, alice, "Hello @BrunoDiaz and @CarlaCosta", "en")  # tells only the mention it added
    assert _kinds(bruno) == [("mention", reply.id)]
    assert _kinds(carla) == [("reply", reply.id), ("mention", reply.id)]
    events.post_edited(reply)
    db.session.commit()
    assert len(_notes()) == len(before) + 1


def test_mentions_are_capped_and_linear_on_hostile_text(app):
    text = " ".join(f"@member{i}" for i in range(MAX_MENTIONS + 10))
    assert len(mentioned_names(text)) == MAX_MENTIONS
    assert mentioned_names("@" * 50_000 + "a" * 50_000) == []  # after `@` only: one bounded class, no backtracking
    assert mentioned_names("x" + "@a" * 20_000)[:1] == []  # each @ follows a letter: no mention
    assert mentioned_names("Hi @Ana. And @Ana's") == ["Ana", "Ana's"]
    render_markdown("@" + "ab" * 40_000)  # renders (one name of 80 characters at most is looked up)


# ---------------------------------------------------------------- accepted answers, reports, corrections

def test_an_accepted_answer_notifies_its_author_and_the_asker_when_a_moderator_chose(people, moderator, make_thread):
    from forum.questions import services as questions

    alice, bruno, carla = people["alice"], people["bruno"], people["carla"]
    thread = make_thread(alice)
    answer = threads.add_reply(thread, bruno, "An answer.", "en")
    other = threads.add_reply(thread, carla, "Another answer.", "en")
    before = len(_notes(alice))
    questions.accept(thread, answer, alice)
    assert [n for n in _notes(bruno, NotificationKind.ACCEPTED)][0].actor_id == alice.id
    assert len(_notes(alice)) == before  # her own choice
    questions.accept(thread, other, moderator)
    assert [(n.post_id, n.actor_id) for n in _notes(carla, NotificationKind.ACCEPTED)] == [(other.id, moderator.id)]
    assert [(n.post_id, n.actor_id) for n in _notes(alice, NotificationKind.ACCEPTED)] == [(other.id, moderator.id)]
    questions.accept(thread, answer, alice)  # accepted again: told once already
    assert len(_notes(bruno, NotificationKind.ACCEPTED)) == 1


def test_settled_reports_notify_their_reporters_with_the_resolution(people, moderator, make_thread):
    from forum.flags import services as flags

    alice, bruno, carla = people["alice"], people["bruno"], people["carla"]
    post = threads.add_reply(make_thread(alice), bruno, "Buy cheap pipes at example.org", "en")
    flags.flag_post(post, alice, FlagReason.SPAM)
    flags.flag_post(post, carla, FlagReason.SPAM)
    before = {u.id: len(_notes(u)) for u in (alice, carla, bruno)}
    flags.resolve_for_post(post, moderator, FlagResolution.HIDDEN)
    db.session.commit()
    for reporter in (alice, carla):
        [note] = _notes(reporter, NotificationKind.FLAG_RESOLVED)
        assert (note.post_id, note.actor_id, note.detail) == (post.id, moderator.id, "hidden")
    assert len(_notes(bruno)) == before[bruno.id]
    assert flags.resolve_for_post(post, moderator, FlagResolution.DISMISSED) == []  # nothing open: nobody told
    db.session.commit()
    assert len(_notes(alice, NotificationKind.FLAG_RESOLVED)) == 1


def test_a_correction_notifies_the_posts_author_with_its_language(people, moderator, make_thread, engine):
    from forum.corrections import services as corrections

    alice = people["alice"]
    thread = make_thread(alice, title="Leaks", body="We lose water.")
    jobs.run_pending()
    post = thread.posts[0]
    corrections.save(post, moderator, "es", "Perdemos agua.", "Fugas")
    [note] = _notes(alice, NotificationKind.CORRECTION)
    assert (note.post_id, note.actor_id, note.detail) == (post.id, moderator.id, "es")
    corrections.save(post, alice, "pt", "Perdemos água.", None)  # her own correction: nobody told
    assert len(_notes(alice, NotificationKind.CORRECTION)) == 1


# ---------------------------------------------------------------- the page and the header

@pytest.fixture
def reader_pt(make_user):
    return make_user(name="Paula Leitora", language="pt")


def _spanish_reply_for(reader, people, make_thread, engine, translate=True):
    thread = make_thread(reader, title="Perdas de água", body="Perdemos água.", language="pt")
    if translate:
        jobs.run_pending()
    reply = threads.add_reply(thread, people["bruno"], "Usamos sensores acústicos.", "es")
    if translate:
        jobs.run_pending()
    return thread, reply


def test_the_page_shows_a_notification_in_the_readers_language(client, people, reader_pt, make_thread, engine):
    _thread, reply = _spanish_reply_for(reader_pt, people, make_thread, engine)
    Auth(client).login(reader_pt)
    html = client.get("/notifications").get_data(as_text=True)
    with force_locale("pt"):
        assert gettext("%(name)s replied in", name="Bruno Díaz") in html
        assert gettext("Unread") in html
    assert "[pt] Usamos sensores acústicos." in html
    assert 'lang="pt"' in html and "[pt] Perdas de água" not in html  # the thread is hers, in Portuguese
    assert f"/notifications/{_notes(reader_pt)[0].id}/read" in html


def test_an_untranslated_excerpt_is_labelled_original(client, people, reader_pt, make_thread):
    from forum.i18n import LANGUAGE_NAMES

    _spanish_reply_for(reader_pt, people, make_thread, None, translate=False)
    Auth(client).login(reader_pt)
    html = client.get("/notifications").get_data(as_text=True)
    with force_locale("pt"):
        label = gettext("Original (%(language)s)", language=str(LANGUAGE_NAMES["es"]))
        assert label == "Original (espanhol)" and label in html
        assert gettext("Translation pending") in html
    assert "Usamos sensores acústicos." in html and 'lang="es"' in html
    # Read in Spanish, the post is in the reader's language: no label.
    html = client.get("/notifications?lang=es").get_data(as_text=True)
    with force_locale("es"):
        assert gettext("Original (%(language)s)", language=str(LANGUAGE_NAMES["es"])) not in html


def test_opening_one_marks_it_read_and_goes_to_the_post_others_get_404(client, people, reader_pt, make_thread):
    _thread, reply = _spanish_reply_for(reader_pt, people, make_thread, None, translate=False)
    [note] = _notes(reader_pt)
    auth = Auth(client)
    auth.login(people["carla"])
    assert client.post(f"/notifications/{note.id}/read").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    assert client.post(f"/notifications/{2**40}/read").status_code == 404
    assert client.get(f"/notifications/{note.id}/read").status_code == 405
    assert _notes(reader_pt)[0].read_at is None
    auth.logout()
    auth.login(reader_pt)
    response = client.post(f"/notifications/{note.id}/read")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/p/{reply.id}")
    assert _notes(reader_pt)[0].read_at is not None
    assert "notification unread" not in client.get("/notifications").get_data(as_text=True)


def test_mark_all_read_and_the_header_count(client, people, make_thread):
    alice = people["alice"]
    thread = make_thread(alice)
    threads.add_reply(thread, people["bruno"], "One.", "en")
    threads.add_reply(thread, people["carla"], "Two.", "en")
    Auth(client).login(alice)
    page = client.get("/").get_data(as_text=True)
    assert 'aria-label="2 unread notifications"' in page
    client.post("/notifications/read-all")
    assert all(n.read_at is not None for n in _notes(alice))
    page = client.get("/").get_data(as_text=True)
    assert "unread notification" not in page and 'href="/notifications"' in page
    threads.add_reply(thread, people["bruno"], "Three.", "en")
    assert 'aria-label="1 unread notification"' in client.get("/").get_data(as_text=True)


def test_visitors_have_no_notifications(client):
    assert "/notifications" not in client.get("/").get_data(as_text=True)
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.csrf
def test_marking_read_needs_the_csrf_token(app, client, people, make_thread):
    app.config["WTF_CSRF_ENABLED"] = True
    alice = people["alice"]
    threads.add_reply(make_thread(alice), people["bruno"], "One.", "en")
    [note] = _notes(alice)
    assert client.post(f"/notifications/{note.id}/read").status_code == 400
    assert client.post("/notifications/read-all").status_code == 400
    assert _notes(alice)[0].read_at is None


def test_the_list_is_paginated_newest_first(client, people, make_thread):
    from forum.notifications import routes

    alice = people["alice"]
    thread = make_thread(alice)
    for i in range(routes.PER_PAGE + 2):
        threads.add_reply(thread, people["bruno"] if i % 2 else people["carla"], f"Reply {i}.", "en")
    Auth(client).login(alice)
    first = client.get("/notifications").get_data(as_text=True)
    assert first.count('class="notification ') == routes.PER_PAGE and 'rel="next"' in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert second.count('class="notification ') == 2
    ids = [n.id for n in _notes(alice)]
    assert f"notification-{ids[-1]}" in first and f"notification-{ids[0]}" in second


# ---------------------------------------------------------------- the API

def test_the_api_lists_the_callers_notifications_in_their_language(client, people, reader_pt, make_thread, engine):
    thread, reply = _spanish_reply_for(reader_pt, people, make_thread, engine)
    threads.add_reply(make_thread(people["carla"]), people["bruno"], "Not hers.", "en")
    api = MemberApi(client, reader_pt)
    body = api.get("/notifications").get_json()
    assert body["total"] == 1 and body["unread"] == 1 and body["language"] == "pt"
    [item] = body["notifications"]
    assert item["kind"] == "reply" and item["unread"] is True and item["post_id"] == reply.id
    assert item["thread"] == {"id": thread.id, "title": "Perdas de água"}
    assert item["actor"] == {"id": people["bruno"].id, "display_name": "Bruno Díaz"}
    assert item["excerpt"] == {"text": "[pt] Usamos sensores acústicos.", "language": "pt", "translated": True,
                               "pending": False}
    assert item["url"] == f"http://forum.test/p/{reply.id}"
    english = api.get("/notifications?lang=en").get_json()["notifications"][0]
    assert english["excerpt"]["text"] == "[en] Usamos sensores acústicos." and english["thread"]["title"] == "[en] Perdas de água"
    assert api.get("/notifications?page=0").status_code == 422


def test_the_api_marks_read_by_ids_or_all_only_the_callers(client, people, make_thread):
    alice, carla = people["alice"], people["carla"]
    thread = make_thread(alice)
    threads.add_reply(thread, people["bruno"], "One.", "en")
    threads.add_reply(thread, carla, "Two.", "en")
    threads.add_reply(make_thread(carla), people["bruno"], "Hers.", "en")
    mine = [n.id for n in _notes(alice)]
    hers = [n.id for n in _notes(carla)]
    api = MemberApi(client, alice)
    response = api.post("/notifications/read", json={"ids": [mine[0], *hers]})
    assert response.status_code == 200 and response.get_json() == {"marked": 1, "unread": 1}
    assert all(n.read_at is None for n in _notes(carla))
    assert api.post("/notifications/read", json={"ids": [float(mine[0])]}).get_json()["marked"] == 0
    assert api.post("/notifications/read", json={"all": True}).get_json() == {"marked": 1, "unread": 0}
    assert api.get("/notifications").get_json()["unread"] == 0


@pytest.mark.parametrize("body, status", [
    ({"ids": "1"}, 422), ({"ids": ["1"]}, 422), ({"ids": [True]}, 422), ({"ids": [0]}, 422), ({"ids": [1.5]}, 422), ({"ids": [10**400]}, 422),
    ({"ids": [2**40]}, 422), ({"ids": list(range(1, 102))}, 422), ({"all": False}, 422), ({"all": 1}, 422),
    ({"ids": [1], "all": True}, 422), ({}, 422), ({"ids": None}, 422), ({"what": 1}, 422), ([1], 422),
])
def test_the_api_refuses_bad_bodies_and_changes_nothing(client, people, make_thread, body, status):
    alice = people["alice"]
    threads.add_reply(make_thread(alice), people["bruno"], "One.", "en")
    api = MemberApi(client, alice)
    response = api.post("/notifications/read", json=body)
    assert response.status_code == status and response.get_json()["error"]["code"] == "validation_error"
    assert _notes(alice)[0].read_at is None


def test_the_api_refuses_what_is_not_json(client, member):
    api = MemberApi(client, member)
    assert api.post("/notifications/read", data="ids=1").status_code == 415
    assert api.post("/notifications/read", data="{", content_type="application/json").status_code == 400
    deep = "[" * 40 + "]" * 40
    assert api.post("/notifications/read", data=deep, content_type="application/json").status_code == 400
    assert client.get("/api/v1/notifications").status_code == 401


def test_the_openapi_document_has_both_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "get" in document["paths"]["/notifications"] and "post" in document["paths"]["/notifications/read"]
    schemas = document["components"]["schemas"]
    assert set(schemas["Notification"]["required"]) >= {"id", "kind", "unread", "created_at", "thread", "post_id",
                                                         "actor", "excerpt", "url"}
    assert schemas["NotificationsRead"]["oneOf"][0]["properties"]["ids"]["maxItems"] == 100
