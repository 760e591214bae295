"""Search across languages (forum/search/): the database's own full-text index on SQLite and
PostgreSQL, stems and accents, translations and the glossary, phrases and exclusions, what members
may not see, and hostile queries."""
from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext

from forum import jobs
from forum.extensions import db
from forum.models import GlossaryTerm, SearchDocument, utcnow
from forum.search.results import search
from forum.threads import services
from testkit import FakeEngine, MemberApi, use_engines


def _found(text: str, language: str = "es", **kwargs) -> list[int]:
    return [r.title.thread.id for r in search(text, language, **kwargs).threads]


def test_accents_and_plurals_do_not_matter(app, member, make_thread):
    thread = make_thread(member, title="Construcción de tuberías", body="Las fugas de agua potable.", language="es")
    for query in ("construccion", "CONSTRUCCIÓN", "construcciones", "tuberia", "fuga", "Fugas", "potables"):
        assert _found(query) == [thread.id], query
    assert _found("incendio") == []


class WordEngine(FakeEngine):
    """Translates a few words, as a real engine would: the Spanish and English texts have words the
    Portuguese original has not."""

    WORDS = {"es": {"Vazamentos": "Fugas", "rede": "red", "água": "agua"},
             "en": {"Vazamentos": "Leaks", "rede": "network", "água": "water"},
             "pt": {}}

    def translate(self, texts, source, target):
        return [" ".join(self.WORDS[target].get(w, w) for w in t.split(" ")) for t in texts]


def test_a_spanish_searcher_finds_a_portuguese_thread_through_its_translation(app, make_user, make_thread):
    use_engines(app, [WordEngine()])
    author = make_user(language="pt")
    thread = make_thread(author, title="Vazamentos na rede", body="Perdemos muita água.", language="pt")
    assert _found("fugas", "es") == []  # not translated yet: only the Portuguese words are there
    jobs.run_pending()
    results = search("fugas", "es")
    [result] = results.threads
    assert result.title.thread.id == thread.id and result.title.title == "Fugas na red"
    [match] = result.matches
    assert (match.language, match.source, match.through_other_text) == ("es", "machine", False)
    assert str(match.snippet) == "Perdemos muita água."  # the title matched: the body has no mark
    # An English reader finds it with Spanish words too: shown in English, found in the Spanish text.
    [english] = search("fugas", "en").threads
    assert english.title.title == "Leaks na network"
    assert english.matches[0].through_other_text and english.matches[0].shown_language == "en"
    # A Portuguese word finds it for a Spanish reader, through the original.
    [original] = search("vazamento", "es").threads
    assert (original.matches[0].language, original.matches[0].source) == ("pt", "original")


def test_the_glossary_connects_words_across_languages(app, make_user, make_thread):
    author = make_user(language="pt")
    thread = make_thread(author, title="Redução de vazamentos", body="Como medir?", language="pt")
    assert _found("fugas", "es") == []
    db.session.add_all([
        GlossaryTerm(kind="prefer", source_language="en", target_language="es", term="leak", term_key="leak",
                     translation="fuga"),
        GlossaryTerm(kind="prefer", source_language="en", target_language="pt", term="leak", term_key="leak",
                     translation="vazamento")])
    db.session.commit()
    results = search("fugas", "es")
    assert [r.title.thread.id for r in results.threads] == [thread.id]
    assert ("pt", "vazamento") in results.expanded["fugas"] and ("en", "leak") in results.expanded["fugas"]
    assert _found("leaks", "en") == [thread.id]


def test_phrases_and_exclusions(app, member, make_thread):
    both = make_thread(member, title="Water", body="Drinking water meters in every home.")
    apart = make_thread(member, title="Other", body="Water for drinking, and meters elsewhere.")
    assert sorted(_found("drinking water", "en")) == sorted([both.id, apart.id])
    assert _found('"drinking water"', "en") == [both.id]
    assert _found("water -home", "en") == [apart.id]
    assert _found('water -"every home"', "en") == [apart.id]
    assert _found("-water", "en") == []  # only exclusions: nothing to find


@pytest.mark.parametrize("query", ['"', "*", "NEAR(", "NEAR(a b)", "OR", "AND", "NOT", "water OR", "^water",
                                   "title:water", "-", "--", '"""', "(", ")", "{x}", "a:b", "'", "\\", "%", "_",
                                   "water*", '"water', "¿¡", "💧", "x" * 200, "água " * 50, "'); DROP TABLE posts; --",
                                   "&amp;", "<b>water</b>", "@@", "!!water", "water & meters | home"])
def test_any_syntax_is_words_never_an_error(client, member, make_thread, query):
    make_thread(member, title="Water", body="Water meters.")
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert MemberApi(client, member).get("/search", query_string={"q": query}).status_code in (200, 422)


def test_words_removed_by_an_edit_stop_matching(app, member, make_thread, engine):
    thread = make_thread(member, title="Budget", body="The old pumps are broken.")
    jobs.run_pending()
    post = thread.posts[0]
    assert _found("pumps", "en") == [thread.id] and _found("pumps", "es") == [thread.id]
    services.edit_post(post, member, "The new valves work.", "en")
    assert _found("pumps", "en") == [] and _found("pumps", "es") == []  # nor through a stale translation
    assert _found("valves", "en") == [thread.id]


def test_hidden_and_deleted_posts_match_only_for_moderators(client, auth, member, make_user, make_thread):
    moderator = make_user(role="moderator")
    thread = make_thread(member, title="Public", body="Open topic.", replies=2)
    hidden, deleted = thread.posts[1], thread.posts[2]
    services.edit_post(hidden, member, "Whisper secretword.", "en")
    services.edit_post(deleted, member, "Deleted secretword.", "en")
    hidden.hidden_at = utcnow()
    db.session.commit()
    services.delete_post(deleted)
    assert _found("secretword", "en") == []
    assert "Whisper" not in client.get("/search?q=secretword").get_data(as_text=True)
    auth.login(moderator)
    page = client.get("/search?q=secretword").get_data(as_text=True)
    assert "Whisper <mark>secretword</mark>" in page and "Deleted <mark>" not in page


def test_results_are_threads_ranked_with_boosts_and_pages(app, member, make_user, make_thread):
    from forum.questions.services import accept

    asker = make_user()
    plain = make_thread(member, title="Meters", body="meters meters")
    answered = make_thread(asker, title="Question", body="How do you read meters?")
    reply = services.add_reply(answered, member, "We read meters by radio.", "en")
    accept(answered, reply, asker)
    results = search("meters", "en")
    assert sorted(r.title.thread.id for r in results.threads) == sorted([plain.id, answered.id])
    first = next(r for r in results.threads if r.title.thread.id == answered.id)
    assert len(first.matches) == 2  # grouped: both posts of the thread under one result
    for i in range(12):
        make_thread(member, title=f"Filler {i}", body="meters")
    page1, page2 = search("meters", "en", per_page=10), search("meters", "en", page=2, per_page=10)
    assert page1.total == page2.total == 14 and page1.pages == 2 and len(page2.threads) == 4
    assert not {r.title.thread.id for r in page1.threads} & {r.title.thread.id for r in page2.threads}


def test_an_accepted_answer_outranks_an_equal_newer_post(app, member, make_user, make_thread):
    from forum.questions.services import accept

    asker = make_user()
    older = make_thread(asker, title="First question", body="Anything?")
    accepted = services.add_reply(older, member, "Use pressure valves.", "en")
    newer = make_thread(asker, title="Second question", body="Anything?")
    services.add_reply(newer, member, "Use pressure valves.", "en")
    assert _found("valves", "en") == [newer.id, older.id]  # equal text: the newer first
    accept(older, accepted, asker)
    assert _found("valves", "en") == [older.id, newer.id]


def test_filters(client, member, make_user, make_city, make_thread):
    lima = make_city("Lima", country="PE")
    peruvian = make_user(city=lima, language="es")
    here = make_thread(peruvian, title="Medidores", body="Medidores de agua.", language="es")
    make_thread(member, title="Meters", body="Medidores de agua.", language="en")
    assert sorted(_found("medidores")) == sorted([here.id, here.id + 1])
    from forum.search.routes import where_for

    assert _found("medidores", where=where_for(city_id=lima.id)) == [here.id]
    assert _found("medidores", where=where_for(country="PE")) == [here.id]
    assert _found("medidores", where=where_for(written_in="es")) == [here.id]
    assert _found("medidores", where=where_for(category_slug="jobs")) == []
    assert _found("medidores", where=where_for(answered=True)) == []
    page = client.get(f"/search?q=medidores&city={lima.id}").get_data(as_text=True)
    assert f"/t/{here.id}" in page and f"/t/{here.id + 1}" not in page
    bad = client.get("/search?q=medidores&city=999999&since=notadate")
    assert bad.status_code == 200 and "/t/" not in bad.get_data(as_text=True).split("<main>")[1]


def test_the_snippet_is_escaped_before_highlighting(app, member, make_thread):
    make_thread(member, title="Code", body="Write `<script>alert(1)</script>` and <b>bold</b> water.")
    [result] = search("script water", "en").threads
    snippet = str(result.matches[0].snippet)
    assert "<script>" not in snippet and "&lt;<mark>script</mark>&gt;" in snippet
    assert "<mark>water</mark>" in snippet


def test_the_empty_state_suggests_something(client):
    page = client.get("/search?q=zzzznothing").get_data(as_text=True)
    assert "Nothing found." in page and "another word" in page


def test_the_api_returns_grouped_results_with_snippets(client, member, make_thread, engine):
    thread = make_thread(member, title="Leaks", body="We fix leaks fast.", replies=1)
    services.add_reply(thread, member, "Leaks again.", "en")
    api = MemberApi(client, member)
    data = api.get("/search", query_string={"q": "leak", "lang": "en"}).get_json()
    [result] = data["results"]
    assert data["total"] == 1 and data["pages"] == 1 and result["thread_id"] == thread.id
    assert all("<mark>" in m["snippet_html"] for m in result["matches"])
    assert api.get("/search", query_string={"q": "leak", "category": "nope"}).status_code == 422
    assert api.get("/search", query_string={"q": "leak", "page": "0"}).status_code == 422


def test_documents_follow_translations_and_corrections(app, member, make_user, make_thread, engine):
    from forum.corrections.services import save

    thread = make_thread(member, title="Pumps", body="Pumps fail.")
    post = thread.posts[0]
    assert {d.language for d in db.session.execute(db.select(SearchDocument)).scalars()} == {"en"}
    jobs.run_pending()
    docs = {d.language: d.source for d in db.session.execute(db.select(SearchDocument)).scalars()}
    assert docs == {"en": "original", "es": "machine", "pt": "machine"}
    reviewer = make_user(language="es", role="moderator")
    save(post, reviewer, "es", "Las bombas fallan.", "Bombas")
    assert _found("bombas", "es") == [thread.id]
    doc = db.session.execute(db.select(SearchDocument).filter_by(post_id=post.id, language="es")).scalar_one()
    assert (doc.source, doc.title) == ("reviewed", "Bombas")


def test_reindex_rebuilds_what_was_lost(app, runner, member, make_thread):
    thread = make_thread(member, title="Pumps", body="Pumps fail.")
    db.session.execute(db.text("DELETE FROM search_fts") if db.engine.dialect.name == "sqlite"
                       else db.text("SELECT 1"))
    db.session.execute(db.delete(SearchDocument))
    db.session.commit()
    assert _found("pumps", "en") == []
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Indexed 1 post(s): 1 document(s)." in result.output
    assert _found("pumps", "en") == [thread.id]


def test_similar_threads_from_any_language_in_the_writers_language(client, auth, make_user, make_thread):
    use_engines(client.application, [WordEngine()])
    author = make_user(language="pt")
    asked = make_thread(author, title="Vazamentos na rede", body="Perdemos muita água.", language="pt")
    make_thread(author, title="Outro assunto", body="Nada.", language="pt")
    jobs.run_pending()
    writer = make_user(language="es")
    auth.login(writer)
    # Live, as they type (the script asks for the fragment): in Spanish, found through the translation.
    fragment = client.get("/search/similar?fragment=1&q=¿Cómo reducen las fugas?").get_data(as_text=True)
    assert f"/t/{asked.id}" in fragment and "Fugas na red" in fragment and "<html" not in fragment
    with force_locale("es"):
        none_yet = gettext("No similar thread yet.")
    assert none_yet in client.get("/search/similar?fragment=1&q=incendios").get_data(as_text=True)
    assert "<html" in client.get("/search/similar?q=fugas").get_data(as_text=True)
    # Without JavaScript: a step after the title; nothing is posted, what was typed comes back.
    before = db.session.execute(db.select(db.func.count()).select_from(SearchDocument)).scalar()
    response = client.post("/c/questions/new", data={"title": "Fugas en la red", "body": "Mi borrador",
                                                     "language": "es", "check_similar": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"/t/{asked.id}" in page and "Mi borrador" in page
    assert db.session.execute(db.select(db.func.count()).select_from(SearchDocument)).scalar() == before
    # The page's script posts the title alone to the same form and gets the list alone.
    fragment = client.post("/c/questions/new", data={"title": "Fugas", "check_similar": "1", "fragment": "1"})
    assert f"/t/{asked.id}" in fragment.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count()).select_from(SearchDocument)).scalar() == before
    for hostile in ('"', "NEAR(", "*", "de la", "", "a\x00b"):
        assert client.get("/search/similar", query_string={"q": hostile, "fragment": "1"}).status_code == 200
