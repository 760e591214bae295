"""Flags and the moderators' queue, in pages and the API: a member flags a post once (a race too),
reports a bad translation, cannot flag their own post for its content; moderators see open flags
grouped by post, each post in their language beside the original, and dismiss or hide (each in the
audit log); the header counts the posts waiting."""
from __future__ import annotations

import json

import pytest
from flask_babel import force_locale, gettext

from forum import jobs
from forum.extensions import db
from forum.flags import services as flag_services
from forum.models import AuditEntry, Flag, FlagReason, FlagResolution, Post
from testkit import MemberApi


Api = MemberApi


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", language="en", name="Mo Derator")


@pytest.fixture
def author(make_user):
    return make_user(language="es", name="Autora")


@pytest.fixture
def thread(make_thread, author, engine):
    """A Spanish thread with one reply, translated (by the fake engine) into English and Portuguese."""
    made = make_thread(author, title="¿Cómo miden las fugas?", body="Usamos sensores en la red.", language="es",
                       replies=1)
    jobs.run_pending()
    return made


def _flags() -> list[Flag]:
    db.session.expire_all()
    return db.session.execute(db.select(Flag).order_by(Flag.id)).scalars().all()


def _audit() -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.execute(db.select(AuditEntry).order_by(AuditEntry.id)).scalars().all()


def _flag(post, user, reason=FlagReason.SPAM, note=None, language=None) -> Flag:
    return flag_services.flag_post(post, user, reason, note, language)


# ---------------------------------------------------------------- flagging, pages

def test_a_member_flags_a_post_once(client, auth, member, thread):
    post = thread.posts[0]
    auth.login(member)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert f'href="/posts/{post.id}/flag"' in page
    form = client.get(f"/posts/{post.id}/flag")
    assert form.status_code == 200 and "Off-topic" in form.get_data(as_text=True)
    response = client.post(f"/posts/{post.id}/flag", data={"reason": "spam", "note": "Sells pumps", "language": ""})
    assert response.status_code == 302
    [flag] = _flags()
    assert (flag.post_id, flag.reporter_id, flag.reason, flag.note, flag.language, flag.is_open) == (
        post.id, member.id, FlagReason.SPAM, "Sells pumps", None, True)
    assert "Thank you" in client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)

    # Again: the form says so at once, and a second POST stores nothing.
    again = client.get(f"/posts/{post.id}/flag", follow_redirects=True).get_data(as_text=True)
    assert "You already flagged this post." in again
    again = client.post(f"/posts/{post.id}/flag", data={"reason": "off_topic"}, follow_redirects=True)
    assert "You already flagged this post." in again.get_data(as_text=True)
    assert len(_flags()) == 1


def test_the_unique_key_catches_a_race(client, auth, member, thread, monkeypatch):
    """Two requests of one member at the same moment: both pass the check, the database refuses one."""
    post = thread.posts[1]
    auth.login(member)
    monkeypatch.setattr(flag_services, "already_flagged", lambda *_args: False)
    assert client.post(f"/posts/{post.id}/flag", data={"reason": "spam"}).status_code == 302
    response = client.post(f"/posts/{post.id}/flag", data={"reason": "inappropriate"}, follow_redirects=True)
    assert response.status_code == 200 and "You already flagged this post." in response.get_data(as_text=True)
    assert [f.reason for f in _flags()] == [FlagReason.SPAM]
    api = Api(client, member).post(f"/posts/{post.id}/flags", json={"reason": "spam"})
    assert api.status_code == 409 and api.get_json()["error"]["message"] == "You already flagged this post."


def test_other_needs_a_note_and_translation_a_language(client, auth, member, thread):
    post = thread.posts[0]  # written in Spanish
    auth.login(member)
    response = client.post(f"/posts/{post.id}/flag", data={"reason": "other", "note": "  "})
    assert response.status_code == 400 and "a note is required" in response.get_data(as_text=True)
    response = client.post(f"/posts/{post.id}/flag", data={"reason": "translation"})
    assert response.status_code == 400 and "Please choose which translation is wrong." in response.get_data(as_text=True)
    response = client.post(f"/posts/{post.id}/flag", data={"reason": "translation", "language": "es"})
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    response = client.post(f"/posts/{post.id}/flag", data={"reason": "nonsense"})
    assert response.status_code == 400
    response = client.post(f"/posts/{post.id}/flag", data={"reason": "spam", "note": "x" * 501})
    assert response.status_code == 400 and "At most 500 characters." in response.get_data(as_text=True)
    assert _flags() == []
    assert client.post(f"/posts/{post.id}/flag", data={"reason": "translation", "language": "pt",
                                                       "note": "Wrong word"}).status_code == 302
    assert [(f.reason, f.language) for f in _flags()] == [(FlagReason.TRANSLATION, "pt")]


def test_a_bad_translation_is_reported_from_the_post_and_a_language_only_goes_with_translation(
        client, auth, member, thread):
    post = thread.posts[1]
    auth.login(member)
    page = client.get(f"/t/{thread.id}?lang=en").get_data(as_text=True)
    link = f"/posts/{post.id}/flag?reason=translation&amp;language=en"
    assert link in page and "Report a bad translation" in page
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert '<input checked id="reason-5" name="reason" required type="radio" value="translation">' in form
    assert '<option selected value="en">' in form
    # Read in the original's language there is no machine translation, so nothing to report.
    assert "Report a bad translation" not in client.get(f"/t/{thread.id}?lang=es").get_data(as_text=True)
    # A language sent with another reason is not stored.
    assert client.post(f"/posts/{post.id}/flag", data={"reason": "spam", "language": "en"}).status_code == 302
    assert _flags()[0].language is None


def test_an_author_only_reports_translations_of_their_own_post(client, auth, author, thread):
    post = thread.posts[0]
    auth.login(author)
    page = client.get(f"/t/{thread.id}?lang=en").get_data(as_text=True)
    assert f'href="/posts/{post.id}/flag"' not in page
    assert "Report a bad translation" in page
    response = client.post(f"/posts/{post.id}/flag", data={"reason": "spam"})
    assert response.status_code == 400 and _flags() == []
    assert Api(client, author).post(f"/posts/{post.id}/flags", json={"reason": "spam"}).status_code == 403
    assert client.post(f"/posts/{post.id}/flag", data={"reason": "translation", "language": "en"}).status_code == 302
    assert [(f.reporter_id, f.reason) for f in _flags()] == [(author.id, FlagReason.TRANSLATION)]


def test_visitors_are_sent_to_log_in_and_see_no_flag_link(client, thread):
    post = thread.posts[0]
    assert "/flag" not in client.get(f"/t/{thread.id}?lang=en").get_data(as_text=True)
    response = client.get(f"/posts/{post.id}/flag")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(f"/posts/{post.id}/flag", data={"reason": "spam"}).status_code == 302
    assert _flags() == []


def test_a_suspended_member_cannot_flag(app, thread, make_user):
    from forum.flags.services import FlagRefused

    suspended = make_user(suspended=True)
    with pytest.raises(FlagRefused) as refused:
        _flag(thread.posts[0], suspended)
    assert refused.value.status == 403 and _flags() == []


@pytest.mark.ratelimit
def test_flagging_is_rate_limited_per_member(app, client, auth, member, make_thread, author):
    app.config["FLAG_RATE_LIMIT"] = "3 per minute"
    posts = [make_thread(author, title=f"Thread {i}").posts[0] for i in range(5)]
    auth.login(member)
    assert [client.post(f"/posts/{p.id}/flag", data={"reason": "spam"}).status_code for p in posts[:3]] == [302] * 3
    assert client.post(f"/posts/{posts[3].id}/flag", data={"reason": "spam"}).status_code == 429
    # The API shares the budget.
    assert Api(client, member).post(f"/posts/{posts[4].id}/flags", json={"reason": "spam"}).status_code == 429
    assert len(_flags()) == 3


# ---------------------------------------------------------------- the queue

def _guardrail_flag(post, language="en", note="Repeated words in the output") -> Flag:
    flag = Flag(post_id=post.id, reporter_id=None, reason=FlagReason.TRANSLATION, language=language, note=note)
    db.session.add(flag)
    db.session.commit()
    return flag


def test_the_queue_groups_flags_by_post_side_by_side(client, auth, moderator, member, make_user, thread):
    first, reply = thread.posts
    second_member = make_user(name="Bea Second")
    _flag(reply, member, FlagReason.OFF_TOPIC, note="About buses, not leaks")
    _flag(reply, second_member, FlagReason.TRANSLATION, language="en", note="“sensors” is wrong")
    _guardrail_flag(reply)
    _flag(first, member, FlagReason.PERSONAL_DATA)

    auth.login(moderator)
    page = client.get("/moderation")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="queue-item"') == 2
    assert html.count(f'id="flagged-{reply.id}"') == 1
    # Newest flag first: the first post's flag came last.
    assert html.index(f'id="flagged-{first.id}"') < html.index(f'id="flagged-{reply.id}"')
    item = html[html.index(f'id="flagged-{reply.id}"'):]
    for text in ("Ana Member", "Bea Second", "Translation guardrails", "Off-topic", "Bad translation",
                 "About buses, not leaks", "Repeated words in the output", "3 open flags"):
        assert text in item, text
    # In the moderator's language (the fake engine's English) and the original, with the thread's title.
    assert "[en] Reply number 0" in item and '<div class="post-body" lang="es"><p>Reply number 0</p>' in item
    assert "Original (Spanish)" in item and "In your language (English)" in item
    assert f'href="/p/{reply.id}"' in item and "[en] ¿Cómo miden las fugas?" in item
    assert f'action="/moderation/posts/{reply.id}/flags/dismiss"' in item
    assert f'action="/moderation/posts/{reply.id}/flags/hide"' in item
    assert "Moderation (2)" in html


def test_a_reported_translation_into_another_language_is_shown_too(client, auth, moderator, member, thread):
    reply = thread.posts[1]
    _flag(reply, member, FlagReason.TRANSLATION, language="pt")
    auth.login(moderator)
    html = client.get("/moderation?lang=en").get_data(as_text=True)
    assert "Reported translation (Portuguese)" in html and "[pt] Reply number 0" in html


def test_the_queue_is_newest_flag_first_and_paginated(client, auth, moderator, member, make_user, make_thread,
                                                      author, monkeypatch):
    from forum.moderation import queue

    monkeypatch.setattr(queue, "PER_PAGE", 1)
    older, newer = (make_thread(author, title=title).posts[0] for title in ("Older flagged", "Newer flagged"))
    _flag(older, member)
    _flag(newer, member)
    auth.login(moderator)
    one = client.get("/moderation").get_data(as_text=True)
    two = client.get("/moderation?page=2").get_data(as_text=True)
    assert "Newer flagged" in one and "Older flagged" not in one and "Page 1 of 2" in one
    assert "Older flagged" in two and "Newer flagged" not in two
    # A flag added later brings a post back to the top.
    _flag(older, make_user())
    assert "Older flagged" in client.get("/moderation").get_data(as_text=True)
    assert client.get("/moderation?page=99").status_code == 302
    assert client.get("/moderation?page=abc").status_code == 200


def test_dismissing_resolves_every_open_flag_of_the_post_and_is_audited(client, auth, moderator, member,
                                                                        make_user, thread):
    reply = thread.posts[1]
    flags = [_flag(reply, member).id, _flag(reply, make_user()).id]
    other = _flag(thread.posts[0], member).id
    auth.login(moderator)
    response = client.post(f"/moderation/posts/{reply.id}/flags/dismiss", data={"note": "Not spam: a vendor reply"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/moderation")
    by_id = {f.id: f for f in _flags()}
    for flag_id in flags:
        flag = by_id[flag_id]
        assert (flag.resolution, flag.resolved_by_id, flag.is_open) == (FlagResolution.DISMISSED, moderator.id, False)
    assert by_id[other].is_open
    [entry] = _audit()
    assert (entry.action, entry.target_type, entry.target_id, entry.actor_id, entry.reason) == (
        "flag.resolve", "post", reply.id, moderator.id, "Not spam: a vendor reply")
    assert json.loads(entry.before) == {"open_flags": flags}
    assert json.loads(entry.after) == {"resolution": "dismissed", "language": None}
    page = client.get("/moderation").get_data(as_text=True)
    assert f'id="flagged-{reply.id}"' not in page and "Moderation (1)" in page
    # Again (another moderator's stale page): nothing left, nothing recorded.
    client.post(f"/moderation/posts/{reply.id}/flags/dismiss")
    assert len(_audit()) == 1


def test_a_moderators_note_that_is_too_long_changes_nothing(client, auth, moderator, member, thread):
    from test_hostile_member import db_state

    _flag(thread.posts[1], member)
    auth.login(moderator)
    before = db_state()
    for action in ("dismiss", "hide"):
        response = client.post(f"/moderation/posts/{thread.posts[1].id}/flags/{action}", data={"note": "x" * 501},
                               follow_redirects=True)
        assert response.status_code == 200 and "At most 500 characters." in response.get_data(as_text=True)
    assert db_state() == before


def test_hiding_from_the_queue_hides_the_post_and_resolves_its_flags(client, auth, moderator, member, thread):
    reply = thread.posts[1]
    _flag(reply, member, FlagReason.INAPPROPRIATE)
    auth.login(moderator)
    assert client.post(f"/moderation/posts/{reply.id}/flags/hide").status_code == 302
    db.session.expire_all()
    post = db.session.get(Post, reply.id)
    assert post.is_hidden and post.hidden_by_id == moderator.id
    [flag] = _flags()
    assert flag.resolution == FlagResolution.HIDDEN and not flag.is_open
    assert [(e.action, json.loads(e.after)["resolution"]) for e in _audit() if e.action == "flag.resolve"] == [
        ("flag.resolve", "hidden")]
    assert "No open flags" in client.get("/moderation").get_data(as_text=True)


def test_resolve_for_post_can_keep_to_one_languages_translation_flags(app, moderator, member, make_user, thread):
    reply = thread.posts[1]
    spam = _flag(reply, member).id
    english = _flag(reply, make_user(), FlagReason.TRANSLATION, language="en").id
    portuguese = _flag(reply, make_user(), FlagReason.TRANSLATION, language="pt").id
    guardrail = _guardrail_flag(reply, "en").id
    ids = flag_services.resolve_for_post(reply, moderator, FlagResolution.CORRECTED, language="en")
    db.session.commit()
    assert ids == [english, guardrail]
    still_open = {f.id for f in _flags() if f.is_open}
    assert still_open == {spam, portuguese}
    [entry] = _audit()
    assert json.loads(entry.after) == {"resolution": "corrected", "language": "en"}


def test_the_header_counts_posts_for_moderators_only(client, auth, moderator, member, make_user, thread):
    _flag(thread.posts[1], member)
    _flag(thread.posts[1], make_user())
    auth.login(moderator)
    assert "Moderation (1)" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login(member)
    assert "Moderation (" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("language", ["es", "pt"])
def test_the_queue_renders_in_the_interface_language(client, auth, moderator, member, thread, language):
    _flag(thread.posts[1], member)
    _guardrail_flag(thread.posts[1])
    auth.login(moderator)
    html = client.get(f"/moderation?lang={language}").get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    with force_locale(language):
        for message in ("Translation guardrails", "Spam", "Resolve: no action", "Hide the post"):
            assert gettext(message) in html
        assert gettext("Moderation (%(num)d)", num=1) in html
    # The post is shown in the moderator's interface language (translated by the fake engine into
    # Portuguese; Spanish is its original's language).
    assert ("[pt] Reply number 0" in html) == (language == "pt") and "Reply number 0" in html


# ---------------------------------------------------------------- API

def test_api_flags_a_post(client, member, thread):
    api = Api(client, member)
    reply = thread.posts[1]
    response = api.post(f"/posts/{reply.id}/flags", json={"reason": "translation", "language": "en",
                                                          "note": "Wrong term"})
    assert response.status_code == 201
    data = response.get_json()
    assert (data["post_id"], data["reason"], data["language"], data["note"], data["reporter"]["id"]) == (
        reply.id, "translation", "en", "Wrong term", member.id)
    assert api.post(f"/posts/{reply.id}/flags", json={"reason": "spam"}).status_code == 409
    assert len(_flags()) == 1


@pytest.mark.parametrize("body, field", [
    ({"reason": "nope"}, "reason"),
    ({}, "reason"),
    ({"reason": "other"}, "note"),
    ({"reason": "translation"}, "language"),
    ({"reason": "translation", "language": "es"}, "language"),   # the post's own language
    ({"reason": "translation", "language": "fr"}, "language"),
    ({"reason": "spam", "note": "x" * 501}, "note"),
    ({"reason": "spam", "reporter_id": 1}, "reporter_id"),
    ({"reason": 3}, "reason"),
])
def test_api_refuses_bad_flags(client, member, thread, body, field):
    response = Api(client, member).post(f"/posts/{thread.posts[0].id}/flags", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert _flags() == []


def test_api_queue_for_moderators(client, moderator, member, make_user, thread):
    reply = thread.posts[1]
    _flag(reply, member, FlagReason.SPAM, note="Ad")
    _flag(reply, make_user(), FlagReason.TRANSLATION, language="pt")
    _guardrail_flag(reply)
    assert Api(client, member).get("/moderation/queue").status_code == 403
    response = Api(client, moderator).get("/moderation/queue?lang=en")
    assert response.status_code == 200
    data = response.get_json()
    assert (data["total"], data["page"], data["pages"], data["language"]) == (1, 1, 1, "en")
    [item] = data["items"]
    assert item["post"]["id"] == reply.id and item["post"]["body"] == "[en] Reply number 0"
    assert item["post"]["status"] == "machine"
    assert item["original"] == {"language": "es", "body": "Reply number 0", "body_html": reply.body_html}
    assert [t["language"] for t in item["reported_translations"]] == ["pt"]
    assert item["thread"]["id"] == thread.id and item["thread"]["title"] == "[en] ¿Cómo miden las fugas?"
    assert [f["reason"] for f in item["flags"]] == ["spam", "translation", "translation"]
    assert item["flags"][0]["reporter"]["id"] == member.id and item["flags"][2]["reporter"] is None
    assert Api(client, moderator).get("/moderation/queue?lang=pt").get_json()["items"][0]["post"]["body"] == (
        "[pt] Reply number 0")


def test_the_api_queue_gives_no_text_of_a_deleted_post(client, moderator, member, thread):
    from forum.threads import services as thread_services

    reply = thread.posts[1]
    _flag(reply, member, FlagReason.TRANSLATION, language="pt")
    thread_services.delete_post(db.session.get(Post, reply.id), by=thread.author)
    [item] = Api(client, moderator).get("/moderation/queue").get_json()["items"]
    assert item["original"]["body"] is None and item["original"]["body_html"] is None
    assert item["reported_translations"] == []
    assert "Reply number 0" not in json.dumps(item)


def test_hiding_from_the_queue_keeps_the_moderators_reason(client, auth, moderator, member, thread):
    reply = thread.posts[1]
    _flag(reply, member, FlagReason.SPAM)
    auth.login(moderator)
    assert client.post(f"/moderation/posts/{reply.id}/flags/hide", data={"note": "spam ring"}).status_code == 302
    assert [(e.action, e.reason) for e in _audit()] == [("flag.resolve", "spam ring"), ("post.hide", "spam ring")]


def test_no_bad_translation_to_report_when_the_author_asked_for_none(client, member, thread):
    reply = db.session.get(Post, thread.posts[1].id)
    reply.no_machine_translation = True
    db.session.commit()
    response = Api(client, member).post(f"/posts/{reply.id}/flags", json={"reason": "translation", "language": "en"})
    assert response.status_code == 422
    assert _flags() == []


# ---------------------------------------------------------------- demo

def test_demo_flags_are_seeded_once(runner):
    from forum.flags import demo

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    from forum.models import User

    users = {u.email: u for u in db.session.execute(db.select(User)).scalars()}
    demo.seed(users, {})
    first = len(_flags())
    demo.seed(users, {})
    assert first == len(_flags()) == 2 and all(f.is_open for f in _flags())
