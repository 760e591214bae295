"""Questions with an accepted answer: who may accept, change and clear it, which post may be one, how
the thread page, the lists and the API show it (in the reader's language), and that a deleted or hidden
answer is no answer. Every forbidden attempt changes nothing in the database."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape

from forum import jobs
from forum.extensions import db
from forum.models import Category, Thread, utcnow
from forum.threads import services
from testkit import MemberApi, db_state as every_row


# Stamped by every API call, raised by every logout: by design, not a change an attempt made.
VOLATILE = {("api_tokens", "last_used_at"), ("users", "session_version")}


def db_state() -> dict:
    state = every_row(VOLATILE)
    state.pop("thread_reads")  # a member's read marks move as they view thread pages, by design
    return state


def in_page(language: str, message: str, **variables) -> str:
    with force_locale(language):
        text = gettext(message, **variables)
    assert text != message % variables if variables else text != message
    return str(escape(text))


def accepted_of(thread) -> int | None:
    db.session.expire_all()
    return db.session.get(Thread, thread.id).accepted_post_id


@pytest.fixture
def asker(make_user):
    return make_user(language="en", name="Asker")


@pytest.fixture
def peer(make_user):
    return make_user(language="pt", name="Peer")


@pytest.fixture
def question(asker, peer, make_thread):
    """A question (en) with two replies in Portuguese by a peer."""
    thread = make_thread(asker, title="How do you fix leaks?", body="We lose 30% of our water.")
    services.add_reply(thread, peer, "Usamos sensores acústicos.", "pt")
    services.add_reply(thread, peer, "Setorizamos a rede em distritos.", "pt")
    return thread


def replies(thread):
    db.session.expire_all()
    return db.session.get(Thread, thread.id).posts[1:]


def accept_form(client, thread, post_id):
    return client.post(f"/t/{thread.id}/accept", data={"post_id": str(post_id)})


# --- pages: the asker and moderators ---------------------------------------------------------------------

def test_the_asker_accepts_changes_and_clears_the_answer(client, auth, asker, question):
    first, second = replies(question)
    auth.login(asker)
    page = client.get(f"/t/{question.id}").get_data(as_text=True)
    assert page.count("Accept as answer</button>") == 2 and "No accepted answer yet." in page

    response = accept_form(client, question, first.id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/p/{first.id}")
    assert accepted_of(question) == first.id
    page = client.get(f"/t/{question.id}").get_data(as_text=True)
    # Right under the question (before the replies), and marked in place.
    section = page.index('class="accepted-answer"')
    assert page.index(f'id="post-{question.first_post_id}"') < section < page.index(f'id="post-{first.id}"')
    assert f'id="accepted-post-{first.id}"' in page and "Usamos sensores acústicos." in page[section:]
    in_place = page[page.index(f'id="post-{first.id}"'):page.index(f'id="post-{second.id}"')]
    assert "Accepted answer" in in_place and "Clear accepted answer" in in_place
    assert "No accepted answer yet." not in page

    assert accept_form(client, question, second.id).status_code == 302  # change it
    assert accepted_of(question) == second.id

    assert client.post(f"/t/{question.id}/accept/clear").status_code == 302
    assert accepted_of(question) is None
    assert "No accepted answer yet." in client.get(f"/t/{question.id}").get_data(as_text=True)


def test_a_moderator_accepts_and_clears_in_someone_elses_question(client, auth, make_user, question):
    first, _second = replies(question)
    auth.login(make_user(role="moderator"))
    assert "Accept as answer" in client.get(f"/t/{question.id}").get_data(as_text=True)
    accept_form(client, question, first.id)
    assert accepted_of(question) == first.id
    client.post(f"/t/{question.id}/accept/clear")
    assert accepted_of(question) is None


# --- pages: who may not --------------------------------------------------------------------------------

def test_other_members_get_403_and_nothing_changes(client, auth, asker, peer, question):
    first, second = replies(question)
    services_accept(question, first, asker)
    before = db_state()
    auth.login(peer)  # the author of the replies, not the asker
    page = client.get(f"/t/{question.id}").get_data(as_text=True)
    assert "Accept as answer" not in page and "Clear accepted answer" not in page
    assert "badge-accepted" in page  # they see the answer, without the buttons
    assert accept_form(client, question, second.id).status_code == 403
    assert client.post(f"/t/{question.id}/accept/clear").status_code == 403
    assert db_state() == before
    assert accepted_of(question) == first.id


def test_logged_out_and_suspended_members_must_log_in(client, auth, asker, question):
    first, _second = replies(question)
    before = db_state()
    response = accept_form(client, question, first.id)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login(asker)
    asker.suspended = True  # ends the session
    db.session.commit()
    for response in (accept_form(client, question, first.id), client.post(f"/t/{question.id}/accept/clear")):
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    asker.suspended = False
    db.session.commit()
    assert db_state() == before


def test_posts_that_cannot_be_the_answer_are_refused_with_a_message(client, auth, asker, peer, question,
                                                                    make_thread):
    first, second = replies(question)
    other = make_thread(asker, title="Another question", replies=1)
    general = db.session.execute(db.select(Category).filter_by(slug="general")).scalar_one()
    chat = make_thread(asker, title="Just chatting", cat=general)
    chat_reply = services.add_reply(chat, peer, "Olá!", "pt")
    services.delete_post(second, by=peer)
    first.hidden_at = utcnow()
    db.session.commit()
    auth.login(asker)
    before = db_state()
    cases = [
        (question, question.first_post_id, "The question itself cannot be its answer; choose a reply."),
        (question, second.id, "A deleted or hidden post cannot be the accepted answer."),
        (question, other.posts[1].id, "Only a reply in this thread can be its accepted answer."),
        (question, first.id, "Only a reply in this thread can be its accepted answer."),  # hidden: not revealed
        (question, 999_999, "Only a reply in this thread can be its accepted answer."),
        (question, "x", "Choose the reply to accept."),
        (question, "", "Choose the reply to accept."),
        (question, "99999999999999999999", "Choose the reply to accept."),
        (chat, chat_reply.id, "Only questions have an accepted answer."),
    ]
    for thread, post_id, message in cases:
        response = client.post(f"/t/{thread.id}/accept", data={"post_id": post_id}, follow_redirects=True)
        assert response.status_code == 200, post_id
        assert message in response.get_data(as_text=True), post_id
    assert db_state() == before


def test_a_moderator_cannot_accept_a_hidden_post_either(client, auth, make_user, question):
    first, _second = replies(question)
    first.hidden_at = utcnow()
    db.session.commit()
    auth.login(make_user(role="moderator"))
    before = db_state()
    page = accept_form(client, question, first.id)
    assert page.status_code == 302
    assert db_state() == before


def test_missing_threads_are_404(client, auth, asker):
    auth.login(asker)
    assert client.post("/t/999999/accept", data={"post_id": "1"}).status_code == 404
    assert client.post("/t/999999/accept/clear").status_code == 404


# --- reading in three languages ------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_the_answer_is_shown_in_the_readers_language(client, auth, make_user, asker, question, engine, language):
    first, _second = replies(question)
    services_accept(question, first, asker)
    jobs.run_pending()
    page = client.get(f"/t/{question.id}?lang={language}").get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    section = page[page.index('class="accepted-answer"'):]
    section = section[:section.index("</section>")]
    if language == "pt":  # the answer's own language: the original, no label
        assert "Usamos sensores acústicos." in section and "badge-machine" not in section
    else:
        assert f"[{language}] Usamos sensores acústicos." in section
        with force_locale(language):
            label = str(escape(gettext("Machine-translated from %(language)s", language="")))
        assert label.strip() in section
        assert f'id="accepted-original-{first.id}"' in section  # the original, under its own id


def services_accept(thread, post, user):
    from forum.questions import services as questions

    db.session.expire_all()
    questions.accept(db.session.get(Thread, thread.id), post, user)


# --- lists --------------------------------------------------------------------------------------------

def _titles(page: str) -> list[str]:
    return re.findall(r'<a href="/t/\d+"[^>]*>([^<]+)</a>', page)


@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_lists_say_answered_or_unanswered_and_filter_keeps_through_pages(app, client, asker, peer, make_thread,
                                                                         language):
    app.config["THREADS_PER_PAGE"] = 2
    answered = make_thread(asker, title="Answered one")
    reply = services.add_reply(answered, peer, "Resposta", "pt")
    services_accept(answered, reply, asker)
    for n in range(3):
        make_thread(asker, title=f"Open question {n}")
    page = client.get(f"/c/questions?lang={language}").get_data(as_text=True)
    assert f'<html lang="{language}">' in page
    assert "badge-unanswered" in page and "filter=unanswered" in page
    everything = []
    for number in (1, 2):
        everything += _titles(client.get(f"/c/questions?page={number}").get_data(as_text=True))
    assert "Answered one" in everything
    first_page = client.get(f"/c/questions?filter=unanswered&lang={language}").get_data(as_text=True)
    assert "badge-answered" not in first_page and "Answered one" not in first_page
    # The pager keeps the filter.
    assert re.search(r'href="/c/questions\?[^"]*filter=unanswered[^"]*page=2|href="/c/questions\?[^"]*page=2[^"]*'
                     r'filter=unanswered', first_page.replace("&amp;", "&"))
    second_page = client.get("/c/questions?filter=unanswered&page=2").get_data(as_text=True)
    unanswered_titles = _titles(first_page) + _titles(second_page)
    assert sorted(unanswered_titles) == ["Open question 0", "Open question 1", "Open question 2"]
    # The front page's recent list says it too.
    index = client.get("/").get_data(as_text=True)
    assert "badge-answered" in index and "badge-unanswered" in index


def test_other_categories_have_no_answer_badges_nor_filter(client, asker, make_thread):
    general = db.session.execute(db.select(Category).filter_by(slug="general")).scalar_one()
    make_thread(asker, title="News", cat=general)
    page = client.get("/c/general?filter=unanswered").get_data(as_text=True)
    assert "News" in page and "badge-unanswered" not in page and 'class="list-filter"' not in page


def test_a_deleted_or_hidden_answer_is_no_answer_and_a_restored_one_is_again(client, auth, asker, peer, question):
    first, _second = replies(question)
    services_accept(question, first, asker)
    api = MemberApi(client, asker)

    def state():
        page = client.get(f"/t/{question.id}").get_data(as_text=True)
        listing = client.get("/c/questions?filter=unanswered").get_data(as_text=True)
        summary = api.get(f"/threads/{question.id}").get_json()["accepted_post_id"]
        return 'class="accepted-answer"' in page, "How do you fix leaks?" in listing, summary

    assert state() == (True, False, first.id)
    services.delete_post(first, by=peer)
    assert state() == (False, True, None)
    services.restore_post(first)
    assert state() == (True, False, first.id)
    first.hidden_at = utcnow()
    db.session.commit()
    assert state() == (False, True, None)


def test_the_hidden_or_deleted_answer_text_does_not_leak(client, asker, peer, question):
    first, _second = replies(question)
    services_accept(question, first, asker)
    services.delete_post(first, by=peer)
    page = client.get(f"/t/{question.id}").get_data(as_text=True)
    assert "Usamos sensores acústicos." not in page and "badge-accepted" not in page


# --- API ----------------------------------------------------------------------------------------------

def test_api_accept_and_clear(client, asker, question):
    first, second = replies(question)
    api = MemberApi(client, asker)
    response = api.post(f"/posts/{first.id}/accept")
    assert response.status_code == 200 and response.get_json()["accepted_post_id"] == first.id
    assert accepted_of(question) == first.id
    assert api.get(f"/threads/{question.id}").get_json()["accepted_post_id"] == first.id
    listed = {t["id"]: t for t in api.get("/threads?category=questions").get_json()["threads"]}
    assert listed[question.id]["accepted_post_id"] == first.id
    assert api.post(f"/posts/{second.id}/accept").get_json()["accepted_post_id"] == second.id
    response = api.delete(f"/posts/{first.id}/accept")  # any post of the thread names the thread
    assert response.status_code == 200 and response.get_json()["accepted_post_id"] is None
    assert accepted_of(question) is None
    assert api.delete(f"/posts/{first.id}/accept").status_code == 200  # nothing to clear: still fine


def test_api_refusals_change_nothing(client, asker, peer, make_user, question, make_thread):
    first, second = replies(question)
    services_accept(question, first, asker)
    general = db.session.execute(db.select(Category).filter_by(slug="general")).scalar_one()
    chat = make_thread(asker, title="Chat", cat=general, replies=1)
    hidden = services.add_reply(question, peer, "Escondido", "pt")
    hidden.hidden_at = utcnow()
    gone = services.add_reply(question, peer, "Apagado", "pt")
    services.delete_post(gone, by=peer)
    db.session.commit()
    owner, intruder = MemberApi(client, asker), MemberApi(client, peer)
    before = db_state()
    for method, url, status in [
        ("post", f"/posts/{second.id}/accept", 403), ("delete", f"/posts/{first.id}/accept", 403),
    ]:
        response = getattr(intruder, method)(url)
        assert response.status_code == status and response.get_json()["error"]["code"] == "forbidden"
    for url, status, message in [
        (f"/posts/{question.first_post_id}/accept", 422, "The question itself cannot be its answer; choose a reply."),
        (f"/posts/{chat.posts[1].id}/accept", 422, "Only questions have an accepted answer."),
        (f"/posts/{hidden.id}/accept", 404, "No post with this id."),
        (f"/posts/{gone.id}/accept", 404, "No post with this id."),
        ("/posts/999999/accept", 404, "No post with this id."),
    ]:
        response = owner.post(url)
        assert response.status_code == status, url
        assert response.get_json()["error"]["message"] == message
    assert owner.delete("/posts/999999/accept").status_code == 404
    assert db_state() == before


@pytest.mark.parametrize("language", ["es", "pt"])
def test_api_messages_in_the_token_owners_language(client, make_user, question, language):
    api = MemberApi(client, make_user(language=language))
    response = api.post("/posts/999999/accept")
    assert response.status_code == 404
    with force_locale(language):
        assert response.get_json()["error"]["message"] == gettext("No post with this id.") != "No post with this id."


# --- demo ---------------------------------------------------------------------------------------------

def test_demo_seed_makes_an_answered_and_an_unanswered_question_once(app, client):
    from forum import demo_data
    from forum.cli.users import get_or_create_city
    from forum.models import Role, User
    from forum.questions import demo

    cities = {name: get_or_create_city(name, country, lang) for name, country, lang in demo_data.CITIES}
    users = {}
    for email, name, city, role, lang in demo_data.MEMBERS:
        users[email] = User(email=email, display_name=name, role=Role(role), language=lang, city=cities[city])
        users[email].set_password(demo_data.DEMO_PASSWORD)
        db.session.add(users[email])
    db.session.commit()
    demo.seed(users, cities)
    demo.seed(users, cities)  # idempotent
    threads = {t.title: t for t in db.session.execute(db.select(Thread)).scalars()}
    assert len(threads) == 2
    answered, unanswered = threads[demo.ANSWERED["title"]], threads[demo.UNANSWERED["title"]]
    assert answered.accepted_post_id == answered.posts[1].id and unanswered.accepted_post_id is None
    page = client.get("/c/questions").get_data(as_text=True)
    assert "badge-answered" in page and "badge-unanswered" in page
