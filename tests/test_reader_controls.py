"""Reader controls: the languages a member reads (shown in the original), originals first everywhere, and
the author's "do not machine-translate" (no jobs; the original with a note) — pages and API."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext

from testkit import MemberApi, stored_jobs
from forum import jobs
from forum.extensions import db
from forum.models import JobStatus, Post, TranslationJob, User
from forum.threads import services

NOTE = "The author asked for this post not to be machine-translated."


def _article(page: str, post_id: int) -> str:
    start = page.index(f'id="post-{post_id}"')
    return page[start:page.index("</article>", start)]


def _checked(page: str, name: str, value: str | None = None) -> bool:
    """Whether the page has the checkbox `name` (with `value`) ticked."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and (value is None or f'value="{value}"' in tag):
            return " checked" in tag
    raise AssertionError(f"no checkbox {name} {value}")


def _profile_data(user: User, **extra) -> dict:
    return {"profile-display_name": user.display_name, "profile-language": user.language,
            "profile-submit": "Save", **extra}


@pytest.fixture
def reader(make_user):
    return make_user(language="en", name="Rui Reader")


@pytest.fixture
def threads(make_user, engine, make_thread):
    """A thread written in Portuguese with a Spanish reply, translated."""
    thread = make_thread(make_user(language="pt"), title="Como consertar vazamentos?", body="Perdemos água.",
                         language="pt")
    services.add_reply(thread, make_user(language="es"), "Perdemos agua también.", "es")
    jobs.run_pending()
    return thread


# --- the profile --------------------------------------------------------------------------------------

def test_profile_saves_the_languages_read_and_originals_first(client, auth, reader):
    auth.login(reader)
    page = client.get("/profile").get_data(as_text=True)
    assert 'type="checkbox"' in page and 'value="pt"' in page and "profile-originals_first" in page
    response = client.post("/profile", data=_profile_data(reader, **{"profile-read_languages": ["pt", "es"],
                                                                       "profile-originals_first": "y"}))
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, reader.id)
    assert (user.read_languages, user.originals_first) == ("es,pt", True)
    page = client.get("/profile").get_data(as_text=True)
    assert _checked(page, "profile-read_languages", "es") and _checked(page, "profile-read_languages", "pt")
    assert not _checked(page, "profile-read_languages", "en") and _checked(page, "profile-originals_first")
    client.post("/profile", data=_profile_data(reader))  # unticked: none read, originals not first
    db.session.expire_all()
    user = db.session.get(User, reader.id)
    assert (user.read_languages, user.originals_first) == ("", False)


@pytest.mark.parametrize("value", ["fr", "en,es", "x" * 300])
def test_profile_refuses_unknown_languages(client, auth, reader, value):
    auth.login(reader)
    response = client.post("/profile", data=_profile_data(reader, **{"profile-read_languages": value}))
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, reader.id).read_languages == ""


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_profile_page_renders_in_every_language(client, auth, reader, lang):
    auth.login(reader)
    page = client.get(f"/profile?lang={lang}")
    assert page.status_code == 200 and f'<html lang="{lang}"' in page.get_data(as_text=True)


# --- languages read -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_posts_in_a_language_the_reader_reads_are_shown_in_the_original(client, auth, reader, threads, lang):
    reader.read_languages = "pt"
    db.session.commit()
    first, reply = threads.posts
    auth.login(reader)
    page = client.get(f"/t/{threads.id}?lang={lang}").get_data(as_text=True)
    original = _article(page, first.id)
    assert 'data-state="original"' in original and "Perdemos água." in original
    assert "badge-machine" not in original
    assert "Como consertar vazamentos?" in page.split("</h1>")[0]
    other = _article(page, reply.id)
    if lang == "es":
        assert 'data-state="original"' in other  # the interface language is always read
    else:
        assert 'data-state="machine"' in other and f"[{lang}] Perdemos agua también." in other
    listing = client.get(f"/c/questions?lang={lang}").get_data(as_text=True)
    assert "Como consertar vazamentos?" in listing and f"[{lang}] Como consertar" not in listing


def test_the_api_applies_the_languages_read(client, reader, threads):
    reader.read_languages = "pt"
    db.session.commit()
    data = MemberApi(client, reader).get(f"/threads/{threads.id}?lang=en").get_json()
    assert data["title"] == "Como consertar vazamentos?" and data["title_language"] == "pt"
    assert [(p["status"], p["language"]) for p in data["posts"]] == [("original", "pt"), ("machine", "en")]


def test_visitors_and_members_without_controls_get_translations(client, auth, reader, threads):
    page = client.get(f"/t/{threads.id}?lang=en").get_data(as_text=True)
    assert page.count('data-state="machine"') == 2
    auth.login(reader)
    assert client.get(f"/t/{threads.id}").get_data(as_text=True).count('data-state="machine"') == 2


# --- originals first ----------------------------------------------------------------------------------

def test_originals_first_shows_the_original_with_the_translation_one_click_away(client, auth, reader, threads):
    reader.originals_first = True
    db.session.commit()
    auth.login(reader)
    page = client.get(f"/t/{threads.id}").get_data(as_text=True)
    first = _article(page, threads.posts[0].id)
    shown, hidden = first.split('<details class="translation"')
    assert "Perdemos água." in shown and "[en] Perdemos água." not in shown
    assert "Show the translation (English)" in hidden and "[en] Perdemos água." in hidden
    header = page.split("</h1>")[0]
    assert "Como consertar vazamentos?" in header and "[en]" not in header
    assert "[en] Como consertar vazamentos?" in page  # one click away
    # The API is not a presentation: it still answers with the translation.
    post = MemberApi(client, reader).get(f"/threads/{threads.id}").get_json()["posts"][0]
    assert (post["status"], post["body"]) == ("machine", "[en] Perdemos água.")


# --- do not machine-translate -------------------------------------------------------------------------

def test_a_post_marked_do_not_translate_gets_no_job_and_a_note(client, auth, reader, make_user, engine, category):
    author = make_user(language="pt")
    auth.login(author)
    response = client.post("/c/questions/new", data={"title": "Texto legal", "body": "Artigo 1.", "language": "pt",
                                                      "no_machine_translation": "y"})
    assert response.status_code == 302
    post = db.session.execute(db.select(Post).order_by(Post.id.desc())).scalars().first()
    assert post.no_machine_translation and stored_jobs(post.id) == []
    reply = client.post(f"/t/{post.thread_id}/reply", data={"body": "Artigo 2.", "language": "pt",
                                                             "no_machine_translation": "y"})
    assert reply.status_code == 302
    assert db.session.execute(db.select(TranslationJob)).scalars().all() == []
    auth.logout()
    auth.login(reader)
    page = client.get(f"/t/{post.thread_id}").get_data(as_text=True)
    assert page.count(NOTE) == 2 and page.count('data-state="original"') == 2
    assert "Texto legal" in page.split("</h1>")[0]
    assert "/translations/" not in page  # nothing to correct
    data = MemberApi(client, reader).get(f"/threads/{post.thread_id}?lang=en").get_json()
    assert data["title"] == "Texto legal"
    assert [(p["status"], p["no_machine_translation"]) for p in data["posts"]] == [("original", True)] * 2
    # A reader of the post's language needs no note.
    auth.logout()
    auth.login(make_user(language="pt"))
    assert NOTE not in client.get(f"/t/{post.thread_id}").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_forms_offer_do_not_translate_in_every_language(client, auth, reader, threads, lang):
    auth.login(reader)
    for path in ("/c/questions/new", f"/t/{threads.id}"):
        assert 'name="no_machine_translation"' in client.get(f"{path}?lang={lang}").get_data(as_text=True)


def test_turning_it_on_by_an_edit_supersedes_jobs_and_hides_translations(client, auth, make_user, reader, engine,
                                                                        make_thread):
    author = make_user(language="en")
    thread = make_thread(author, replies=1)
    jobs.run_pending()
    first, reply = thread.posts
    services.edit_post(db.session.get(Post, reply.id), author, "Reply, edited", "en")  # jobs pending now
    auth.login(author)
    page = client.get(f"/p/{reply.id}/edit").get_data(as_text=True)
    assert 'name="no_machine_translation"' in page
    response = client.post(f"/p/{reply.id}/edit", data={"body": "Reply, final", "language": "en", "revision": "2",
                                                        "no_machine_translation": "y"})
    assert response.status_code == 302
    statuses = {(job.revision, job.status) for job in stored_jobs(reply.id)}
    assert statuses == {(1, JobStatus.DONE), (2, JobStatus.SUPERSEDED)}
    assert db.session.get(Post, reply.id).no_machine_translation
    assert jobs.run_pending() == 0
    auth.logout()
    page = client.get(f"/t/{thread.id}?lang=es").get_data(as_text=True)
    with force_locale("es"):
        note = gettext(NOTE)  # the page is in Spanish
    assert 'data-state="original"' in _article(page, reply.id) and note in _article(page, reply.id)
    assert 'data-state="machine"' in _article(page, first.id)

    # The edit form keeps the choice; unticking it translates again.
    auth.login(author)
    assert _checked(client.get(f"/p/{reply.id}/edit").get_data(as_text=True), "no_machine_translation")
    client.post(f"/p/{reply.id}/edit", data={"body": "Reply, final", "language": "en", "revision": "3"})
    db.session.expire_all()
    assert not db.session.get(Post, reply.id).no_machine_translation
    assert jobs.run_pending() == 2


def test_api_takes_no_machine_translation_on_threads_replies_and_edits(client, make_user, engine, category):
    author = make_user(language="en")
    api = MemberApi(client, author)
    created = api.post("/threads", json={"category": "questions", "title": "Bylaw 12", "body": "Section 1.",
                                         "language": "en", "no_machine_translation": True})
    assert created.status_code == 201
    data = created.get_json()
    assert data["posts"][0]["no_machine_translation"] is True
    first_id = data["posts"][0]["id"]
    reply = api.post(f"/threads/{data['id']}/posts", json={"body": "Section 2.", "language": "en",
                                                           "no_machine_translation": True})
    assert reply.status_code == 201 and reply.get_json()["no_machine_translation"] is True
    assert db.session.execute(db.select(TranslationJob)).scalars().all() == []
    edited = api.patch(f"/posts/{first_id}", json={"body": "Section 1, amended."})  # left out: unchanged
    assert edited.status_code == 200 and edited.get_json()["no_machine_translation"] is True
    assert stored_jobs(first_id) == []
    edited = api.patch(f"/posts/{first_id}", json={"body": "Section 1, final.", "no_machine_translation": False})
    assert edited.get_json()["no_machine_translation"] is False and len(stored_jobs(first_id)) == 2
    bad = api.post(f"/threads/{data['id']}/posts", json={"body": "x", "no_machine_translation": "yes"})
    assert bad.status_code == 422 and "no_machine_translation" in bad.get_json()["error"]["fields"]


def test_reading_stays_one_query_for_posts_with_corrections(app, make_user, engine, make_thread):
    """post_views: posts, translations, corrections and jobs in one query (plus attachments)."""
    from sqlalchemy import event

    from forum.corrections import services as corrections
    from forum.threads import reading

    author, moderator = make_user(language="en"), make_user(role="moderator")
    thread = make_thread(author, replies=5)
    jobs.run_pending()
    for post in thread.posts:
        corrections.save(post, moderator, "es", f"Corrección {post.id}", "Título" if post.id == thread.first_post_id
                         else None)
    thread_id = thread.id
    db.session.expire_all()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        views = reading.post_views(db.select(Post).where(Post.thread_id == thread_id), "es")
        names = [v.correction.corrector.display_name for v in views]
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert [v.state for v in views] == ["reviewed"] * 6 and len(set(names)) == 1
    assert len(statements) <= 2, "\n\n".join(statements)
