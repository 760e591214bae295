"""Human corrections of machine translations: the form (original beside the current text), the API's PUT,
what readers see (a "reviewed" label, the out-of-date correction on request after an edit), and that no
translation job ever replaces a correction."""
from __future__ import annotations

import json

import pytest
from flask_babel import force_locale, gettext
import sqlalchemy as sa

from forum import jobs
from forum.extensions import db
from forum.models import AuditEntry, JobStatus, Post, PostTranslation, TranslationCorrection, TranslationJob
from forum.threads import services
from testkit import MemberApi


Api = MemberApi


@pytest.fixture
def author(make_user):
    return make_user(language="en", name="Alice Author")


@pytest.fixture
def reviewer(make_user):
    """Reads Spanish: her interface language (which always counts)."""
    return make_user(language="es", name="Rita Reviewer")


@pytest.fixture
def translated_thread(author, engine, make_thread):
    thread = make_thread(author, title="How do you fix leaks?", body="We lose **30%** of our water.", replies=1)
    jobs.run_pending()
    return thread


def _correction(post_id: int, language: str = "es") -> TranslationCorrection | None:
    db.session.expire_all()
    return db.session.execute(db.select(TranslationCorrection).filter_by(
        post_id=post_id, language=language)).scalar_one_or_none()


def _article(page: str, post_id: int) -> str:
    start = page.index(f'id="post-{post_id}"')
    return page[start:page.index("</article>", start)]


def test_form_shows_the_original_beside_the_machine_text(client, auth, reviewer, translated_thread):
    first = translated_thread.posts[0]
    auth.login(reviewer)
    page = client.get(f"/posts/{first.id}/translations/es/correct")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<strong>30%</strong>" in html                       # the original, rendered
    assert "[es] We lose **30%** of our water." in html         # the machine text, in the textarea
    assert 'value="[es] How do you fix leaks?"' in html          # a first post's title too
    reply = translated_thread.posts[1]
    html = client.get(f"/posts/{reply.id}/translations/es/correct").get_data(as_text=True)
    assert 'name="title"' not in html and "[es] Reply number 0" in html


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_form_renders_in_every_interface_language(client, auth, make_user, translated_thread, lang):
    moderator = make_user(role="moderator", language="en")
    auth.login(moderator)
    page = client.get(f"/posts/{translated_thread.posts[0].id}/translations/pt/correct?lang={lang}")
    assert page.status_code == 200 and f'<html lang="{lang}"' in page.get_data(as_text=True)


def test_a_correction_is_shown_instead_of_the_machine_text(client, auth, reviewer, translated_thread):
    first, reply = translated_thread.posts
    auth.login(reviewer)
    response = client.post(f"/posts/{first.id}/translations/es/correct",
                           data={"title": "¿Cómo arreglan las fugas?", "body": "Perdemos el **30 %** del agua.",
                                 "revision": str(first.revision)})
    assert response.status_code == 302
    row = _correction(first.id)
    assert (row.body, row.title, row.revision, row.corrector_id) == (
        "Perdemos el **30 %** del agua.", "¿Cómo arreglan las fugas?", first.revision, reviewer.id)
    assert row.body_html == "<p>Perdemos el <strong>30 %</strong> del agua.</p>\n"
    assert row.source_hash == jobs.source_hash("How do you fix leaks?", first.body)
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="correction.save")).scalar_one()
    assert (entry.target_type, entry.target_id, entry.actor_id, entry.before) == ("post", first.id, reviewer.id, None)
    assert json.loads(entry.after)["body"] == "Perdemos el **30 %** del agua."

    page = client.get(f"/t/{translated_thread.id}").get_data(as_text=True)
    article = _article(page, first.id)
    assert 'data-state="reviewed"' in article and "Perdemos el <strong>30 %</strong> del agua." in article
    assert "Rita Reviewer" in article and f'href="/u/{reviewer.id}"' in article
    assert "[es] We lose" not in article
    assert "¿Cómo arreglan las fugas?" in page.split("</h1>")[0]
    assert 'data-state="machine"' in _article(page, reply.id)  # the reply is still the machine's
    listing = client.get("/c/questions").get_data(as_text=True)
    assert "¿Cómo arreglan las fugas?" in listing

    api = Api(client, reviewer)
    data = api.get(f"/threads/{translated_thread.id}?lang=es").get_json()
    assert data["title"] == "¿Cómo arreglan las fugas?"
    post = data["posts"][0]
    assert (post["status"], post["language"], post["body"], post["engine"]) == (
        "reviewed", "es", "Perdemos el **30 %** del agua.", None)
    assert post["reviewed_by"]["display_name"] == "Rita Reviewer"
    assert data["posts"][1]["status"] == "machine" and data["posts"][1]["reviewed_by"] is None

    # Another reader of English still gets the original; of Portuguese, the machine translation.
    assert api.get(f"/threads/{translated_thread.id}?lang=pt").get_json()["posts"][0]["status"] == "machine"


def test_saving_again_updates_the_one_correction_and_audits_before_and_after(client, auth, reviewer,
                                                                              translated_thread):
    reply = translated_thread.posts[1]
    auth.login(reviewer)
    for body in ("Respuesta uno", "Respuesta número cero"):
        assert client.post(f"/posts/{reply.id}/translations/es/correct",
                           data={"body": body, "revision": str(reply.revision)}).status_code == 302
    rows = db.session.execute(db.select(TranslationCorrection)).scalars().all()
    assert [(r.body, r.title) for r in rows] == [("Respuesta número cero", None)]
    entries = db.session.execute(db.select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    assert json.loads(entries[1].before)["body"] == "Respuesta uno"
    assert json.loads(entries[1].after)["body"] == "Respuesta número cero"


def test_a_job_finishing_after_a_correction_never_replaces_it(client, auth, reviewer, author, engine,
                                                             translated_thread):
    first = translated_thread.posts[0]
    auth.login(reviewer)
    client.post(f"/posts/{first.id}/translations/es/correct",
                data={"title": "Título revisado", "body": "Texto revisado", "revision": str(first.revision)})
    engine.version = "2.0"  # a retranslation of the same revision (a new model, a glossary change)
    db.session.execute(sa.update(TranslationJob).where(TranslationJob.post_id == first.id)
                       .values(status=JobStatus.PENDING, finished_at=None))
    db.session.commit()
    assert jobs.run_pending() == 2
    db.session.expire_all()
    machine = db.session.execute(db.select(PostTranslation).filter_by(post_id=first.id, language="es")).scalar_one()
    assert machine.model_version == "2.0"                      # the job did its work...
    assert _correction(first.id).body == "Texto revisado"       # ...beside the correction
    article = _article(client.get(f"/t/{translated_thread.id}").get_data(as_text=True), first.id)
    assert 'data-state="reviewed"' in article and "Texto revisado" in article


def test_after_an_edit_the_correction_is_out_of_date_and_shown_only_on_request(client, auth, reviewer, author,
                                                                               engine, translated_thread):
    first = translated_thread.posts[0]
    auth.login(reviewer)
    client.post(f"/posts/{first.id}/translations/es/correct",
                data={"title": "Título revisado", "body": "Texto revisado", "revision": str(first.revision)})
    services.edit_post(db.session.get(Post, first.id), author, "We lose 40% now.", "en", title="Leaks, again")
    jobs.run_pending()
    page = client.get(f"/t/{translated_thread.id}").get_data(as_text=True)
    article = _article(page, first.id)
    assert 'data-state="machine"' in article and "[es] We lose 40% now." in article
    before, details = article.split('class="outdated-correction"')
    assert "Texto revisado" not in before and "Texto revisado" in details
    with force_locale("es"):  # the reviewer reads the page in Spanish
        assert gettext("An earlier reviewed translation (out of date)") in details
    assert "[es] Leaks, again" in page.split("</h1>")[0] and "Título revisado" not in page
    assert _correction(first.id).revision == 1  # kept, not deleted
    post = Api(client, reviewer).get(f"/threads/{translated_thread.id}?lang=es").get_json()["posts"][0]
    assert post["status"] == "machine" and post["body"] == "[es] We lose 40% now."

    # Before the new machine translation arrives the old correction is still not shown as current.
    services.edit_post(db.session.get(Post, first.id), author, "We lose 50% now.", "en", title="Leaks, again")
    article = _article(client.get(f"/t/{translated_thread.id}").get_data(as_text=True), first.id)
    assert 'data-state="pending"' in article and "outdated-correction" in article

    # The form starts from the new machine text, not the old correction.
    jobs.run_pending()
    form = client.get(f"/posts/{first.id}/translations/es/correct").get_data(as_text=True)
    assert "[es] We lose 50% now." in form


def test_an_edit_while_correcting_is_noticed(client, auth, reviewer, author, translated_thread):
    reply = translated_thread.posts[1]
    auth.login(reviewer)
    services.edit_post(db.session.get(Post, reply.id), author, "Changed meanwhile", "en")
    response = client.post(f"/posts/{reply.id}/translations/es/correct", data={"body": "Vieja", "revision": "1"})
    assert response.status_code == 409 and _correction(reply.id) is None


def test_the_post_footer_links_to_the_form_for_those_who_may_correct(client, auth, reviewer, make_user,
                                                                    translated_thread):
    first = translated_thread.posts[0]
    link = f'href="/posts/{first.id}/translations/es/correct"'
    auth.login(reviewer)
    assert link in client.get(f"/t/{translated_thread.id}").get_data(as_text=True)
    auth.logout()
    auth.login(make_user(language="en"))  # reads English only: the post's own language
    assert "/translations/" not in client.get(f"/t/{translated_thread.id}?lang=es").get_data(as_text=True)


def test_bad_input_gets_a_message_and_changes_nothing(client, auth, reviewer, translated_thread):
    first = translated_thread.posts[0]
    auth.login(reviewer)
    for data in ({"title": "T", "body": "", "revision": "1"}, {"title": "", "body": "Texto", "revision": "1"},
                 {"title": "T", "body": "x" * 50_001, "revision": "1"}, {"title": "T", "body": "a\x00b",
                                                                          "revision": "1"},
                 {"title": "Line\nbreak", "body": "Texto", "revision": "1"}):
        response = client.post(f"/posts/{first.id}/translations/es/correct?lang=es", data=data)
        assert response.status_code == 400, data
        assert 'class="error"' in response.get_data(as_text=True)
    assert _correction(first.id) is None


# --- the API --------------------------------------------------------------------------------------------

def test_api_put_corrects_and_the_post_reads_reviewed(client, make_user, translated_thread):
    moderator = make_user(role="moderator", language="en")
    api = Api(client, moderator)
    first, reply = translated_thread.posts
    response = api.put(f"/posts/{reply.id}/translations/pt", json={"body": "Resposta *zero*"})
    assert response.status_code == 200
    data = response.get_json()
    assert (data["status"], data["language"], data["body"], data["body_html"]) == (
        "reviewed", "pt", "Resposta *zero*", "<p>Resposta <em>zero</em></p>\n")
    assert data["reviewed_by"]["id"] == moderator.id
    assert api.put(f"/posts/{reply.id}/translations/pt", json={"body": "x", "title": "No"}).status_code == 422
    assert _correction(reply.id, "pt").body == "Resposta *zero*"

    assert api.put(f"/posts/{first.id}/translations/pt",
                   json={"body": "Perdemos 30%", "title": "Como consertar vazamentos?"}).status_code == 200
    summary = api.get("/threads?lang=pt").get_json()["threads"][0]
    assert summary["title"] == "Como consertar vazamentos?" and summary["title_language"] == "pt"
    # Left out, the title of a current correction is kept.
    assert api.put(f"/posts/{first.id}/translations/pt", json={"body": "Perdemos 30 %"}).status_code == 200
    assert _correction(first.id, "pt").title == "Como consertar vazamentos?"


@pytest.mark.parametrize("body, status", [
    ({}, 422), ({"body": ""}, 422), ({"body": 3}, 422), ({"body": "x" * 50_001}, 422),
    ({"body": "ok", "extra": 1}, 422), ({"body": "ok", "title": "a\nb"}, 422),
])
def test_api_bad_bodies_are_refused(client, make_user, translated_thread, body, status):
    api = Api(client, make_user(role="moderator"))
    response = api.put(f"/posts/{translated_thread.posts[0].id}/translations/es", json=body)
    assert response.status_code == status and _correction(translated_thread.posts[0].id) is None


def test_api_unknown_post_or_language_is_404(client, make_user, translated_thread):
    api = Api(client, make_user(role="moderator"))
    assert api.put("/posts/999999/translations/es", json={"body": "x"}).status_code == 404
    assert api.put(f"/posts/{translated_thread.posts[0].id}/translations/fr", json={"body": "x"}).status_code == 404
    assert api.put("/posts/99999999999/translations/es", json={"body": "x"}).status_code == 404


def test_demo_seed_adds_one_reviewed_translation_and_a_reader(app, runner):
    from forum import demo_data
    from forum.corrections import demo
    from forum.models import City, User

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    users = {u.email: u for u in db.session.execute(db.select(User)).scalars()}
    cities = {c.name: c for c in db.session.execute(db.select(City)).scalars()}
    demo.seed(users, cities)
    demo.seed(users, cities)  # idempotent
    rows = db.session.execute(db.select(TranslationCorrection)).scalars().all()
    assert [(r.language, r.title) for r in rows] == [("pt", demo.TITLE_PT)]
    assert users[demo.READER].read_languages == "pt"
    assert demo.QUESTION_TITLE in [t["title"] for t in demo_data.THREADS]


def test_the_delete_page_labels_a_reviewed_translation(client, auth, make_user, translated_thread):
    moderator = make_user(role="moderator", language="es", name="Mara Moderadora")
    reply = translated_thread.posts[1]
    auth.login(moderator)
    client.post(f"/posts/{reply.id}/translations/es/correct", data={"body": "Respuesta revisada", "revision": "1"})
    page = client.get(f"/p/{reply.id}/delete").get_data(as_text=True)
    assert "Respuesta revisada" in page and "Mara Moderadora" in page and "badge-machine" not in page
