"""The best-practice library: moderators promote, edit and remove; the summary is translated through the
outbox; the library page by topic; the open-data export (CSV, JSON, API) with its licence; nothing hidden."""
from __future__ import annotations

import csv
import io
import json

import pytest
from flask_babel import force_locale

from forum import jobs
from forum.extensions import db
from forum.models import FieldTranslation, JobStatus, LibraryEntry, LibraryTopic, Post, TranslationJob, utcnow
from forum.library import services
from forum.library.topics import TOPIC_NAMES
from forum.threads import services as thread_services
from forum.tokens import create_token
from testkit import stored_jobs

SUMMARY = "Sectors with meters at their entrance cut water losses from 38% to 26% in four years."


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", language="en", name="Mona Moderator")


@pytest.fixture
def curitiba(make_city):
    return make_city("Curitiba", country="BR", language="pt")


def _form(**overrides) -> dict:
    return {"summary": SUMMARY, "language": "en", "topic": "water", "city": "", **overrides}


def _promote(thread, moderator, summary=SUMMARY, language="en", topic=LibraryTopic.WATER, city=None):
    return services.promote(thread, moderator, summary, language, topic, city.id if city else None)


def _entries() -> list[LibraryEntry]:
    db.session.expire_all()
    return db.session.execute(db.select(LibraryEntry).order_by(LibraryEntry.id)).scalars().all()


def _summary_jobs(post_id: int) -> list[TranslationJob]:
    return [job for job in stored_jobs(post_id) if job.field == "summary"]


def _snapshot() -> list[tuple]:
    """Everything a library write could change."""
    db.session.expire_all()
    entries = [(e.thread_id, e.summary, e.summary_language, e.summary_revision, e.topic, e.city_id)
               for e in db.session.execute(db.select(LibraryEntry).order_by(LibraryEntry.id)).scalars()]
    job_rows = [(j.id, j.status) for j in db.session.execute(
        db.select(TranslationJob).where(TranslationJob.field == "summary").order_by(TranslationJob.id)).scalars()]
    return [entries, job_rows]


# --- moderators write -----------------------------------------------------------------------------

def test_a_moderator_promotes_edits_and_removes_a_thread(client, auth, member, moderator, make_thread, curitiba):
    thread = make_thread(member, title="How Curitiba cut water losses")
    auth.login(moderator)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Add to the best-practice library" in page and f"/t/{thread.id}/library" in page
    assert "In the best-practice library" not in page

    form_page = client.get(f"/t/{thread.id}/library")
    assert form_page.status_code == 200 and "Curitiba, Brazil" in form_page.get_data(as_text=True)
    response = client.post(f"/t/{thread.id}/library", data=_form(city=str(curitiba.id)))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/t/{thread.id}")
    [entry] = _entries()
    assert (entry.thread_id, entry.summary, entry.summary_language, entry.topic, entry.city_id,
            entry.promoted_by_id, entry.summary_revision) == (thread.id, SUMMARY, "en", LibraryTopic.WATER,
                                                              curitiba.id, moderator.id, 1)
    # The summary's jobs were committed with it: one per other language.
    assert sorted((j.target_language, j.revision, j.status) for j in _summary_jobs(thread.first_post_id)) == [
        ("es", 1, JobStatus.PENDING), ("pt", 1, JobStatus.PENDING)]

    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "In the best-practice library: Water" in page and SUMMARY in page
    assert "Edit the library entry" in page

    # Topic and city only: the summary keeps its revision and its translations are still the right ones.
    response = client.post(f"/t/{thread.id}/library", data=_form(topic="mobility", city=""))
    assert response.status_code == 302
    [entry] = _entries()
    assert (entry.topic, entry.city_id, entry.summary_revision) == (LibraryTopic.MOBILITY, None, 1)
    assert len(_summary_jobs(thread.first_post_id)) == 2

    response = client.post(f"/t/{thread.id}/library/remove", data={})
    assert response.status_code == 302
    assert _entries() == []
    assert {j.status for j in _summary_jobs(thread.first_post_id)} == {JobStatus.SUPERSEDED}
    assert "In the best-practice library" not in client.get(f"/t/{thread.id}").get_data(as_text=True)


def test_the_summary_language_is_detected_when_not_chosen(client, auth, member, moderator, make_thread):
    thread = make_thread(member)
    auth.login(moderator)
    summary = "La sectorización de la red con macromedición redujo las pérdidas de agua a la mitad en la ciudad."
    client.post(f"/t/{thread.id}/library", data=_form(summary=summary, language="auto"))
    [entry] = _entries()
    assert entry.summary_language == "es"
    assert sorted(j.target_language for j in _summary_jobs(thread.first_post_id)) == ["en", "pt"]


def test_a_member_may_not_promote_edit_or_remove(client, auth, member, moderator, make_thread):
    promoted, other = make_thread(member, title="Promoted"), make_thread(member, title="Not promoted")
    _promote(promoted, moderator)
    before = _snapshot()
    auth.login(member)
    page = client.get(f"/t/{other.id}").get_data(as_text=True)
    assert "Add to the best-practice library" not in page and f"/t/{other.id}/library" not in page
    assert client.get(f"/t/{other.id}/library").status_code == 403
    assert client.post(f"/t/{other.id}/library", data=_form()).status_code == 403
    assert client.get(f"/t/{promoted.id}/library").status_code == 403
    assert client.post(f"/t/{promoted.id}/library", data=_form(summary="Changed by a member",
                                                               topic="other")).status_code == 403
    assert client.post(f"/t/{promoted.id}/library/remove", data={}).status_code == 403
    assert _snapshot() == before


def test_a_visitor_is_sent_to_the_login_and_nothing_changes(client, member, moderator, make_thread):
    thread = make_thread(member)
    _promote(thread, moderator)
    before = _snapshot()
    for response in (client.post(f"/t/{thread.id}/library", data=_form(summary="Anonymous")),
                     client.post(f"/t/{thread.id}/library/remove", data={})):
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _snapshot() == before


@pytest.mark.parametrize("changes, message", [
    ({"summary": ""}, "Please write a one-line summary."),
    ({"summary": "x" * 301}, "at most 300 characters"),
    ({"summary": "Two\nlines"}, "Line breaks"),
    ({"summary": "Zero\u200bwidth"}, "Line breaks"),
    ({"summary": "!!! ..."}, "Use at least one letter or number."),
    ({"topic": "sports"}, "Not a valid choice"),
    ({"city": "999999"}, "Not a valid choice"),
    ({"city": "١"}, "Not a valid choice"),
    ({"language": "fr"}, "Not a valid choice"),
])
def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, auth, member, moderator, make_thread,
                                                                 changes, message):
    thread, promoted = make_thread(member), make_thread(member, title="Already in")
    _promote(promoted, moderator)
    before = _snapshot()
    auth.login(moderator)
    for target in (thread, promoted):
        response = client.post(f"/t/{target.id}/library", data=_form(**changes))
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert _snapshot() == before


def _csrf_token(client, url: str) -> str:
    import re

    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.mark.csrf
def test_the_forms_need_their_csrf_token(client, member, moderator, make_thread, password):
    thread, promoted = make_thread(member), make_thread(member, title="Already in")
    _promote(promoted, moderator)
    login = client.post("/login", data={"email": moderator.email, "password": password,
                                        "csrf_token": _csrf_token(client, "/login")})
    assert login.status_code == 302
    before = _snapshot()
    for token in ({}, {"csrf_token": "forged"}):
        assert client.post(f"/t/{thread.id}/library", data={**_form(), **token}).status_code == 400
        assert client.post(f"/t/{promoted.id}/library/remove", data=token).status_code == 400
    assert _snapshot() == before
    # With the page's token it works.
    token = _csrf_token(client, f"/t/{thread.id}/library")
    assert client.post(f"/t/{thread.id}/library", data={**_form(), "csrf_token": token}).status_code == 302
    assert len(_entries()) == 2


def test_a_thread_with_a_hidden_or_deleted_first_post_is_not_promoted(client, auth, member, moderator, make_thread):
    hidden, deleted = make_thread(member, title="Hidden"), make_thread(member, title="Deleted")
    db.session.get(Post, hidden.first_post_id).hidden_at = utcnow()
    db.session.commit()
    thread_services.delete_post(db.session.get(Post, deleted.first_post_id))
    auth.login(moderator)
    for thread in (hidden, deleted):
        response = client.post(f"/t/{thread.id}/library", data=_form(), follow_redirects=True)
        assert "cannot go into the library" in response.get_data(as_text=True)
    assert _entries() == []
    assert client.get("/t/999999/library").status_code == 404


def test_promoted_again_after_removal_gets_new_jobs_and_a_fresh_translation(member, moderator, make_thread, engine):
    thread = make_thread(member)
    jobs.run_pending()
    services.remove(_promote(thread, moderator))
    assert db.session.execute(db.select(FieldTranslation)).scalars().all() == []
    entry = _promote(thread, moderator, summary="Promoted again with another summary.")
    assert entry.summary_revision == 2
    assert sorted(j.target_language for j in _summary_jobs(thread.first_post_id)
                  if j.status == JobStatus.PENDING) == ["es", "pt"]
    jobs.run_pending()
    texts = {t.language: t.text for t in db.session.execute(db.select(FieldTranslation)).scalars()}
    assert texts == {"es": "[es] Promoted again with another summary.",
                     "pt": "[pt] Promoted again with another summary."}


# --- translation ----------------------------------------------------------------------------------

def test_the_summary_is_translated_by_a_job_and_shown_with_the_label(client, member, moderator, make_thread,
                                                                      engine):
    thread = make_thread(member, title="Water sectors")
    jobs.run_pending()  # the post and its title
    _promote(thread, moderator)
    page = client.get("/best-practices?lang=es").get_data(as_text=True)
    assert SUMMARY in page and f"[es] {SUMMARY}" not in page  # pending: the original is shown
    assert jobs.run_pending() == 2

    for url in ("/best-practices?lang=es", f"/t/{thread.id}?lang=es"):
        page = client.get(url).get_data(as_text=True)
        assert f"[es] {SUMMARY}" in page
        with force_locale("es"):
            from flask_babel import gettext

            label = gettext("Machine-translated from %(language)s", language=gettext("English"))
        assert label in page
    page = client.get("/best-practices?lang=pt").get_data(as_text=True)
    assert f"[pt] {SUMMARY}" in page and "[pt] Water sectors" in page
    # The original's readers get the original, unlabelled.
    page = client.get("/best-practices?lang=en").get_data(as_text=True)
    assert SUMMARY in page and "[en]" not in page and "Machine-translated" not in page


def test_a_new_summary_stops_using_the_old_translation_and_queues_a_new_one(client, auth, member, moderator,
                                                                             make_thread, engine):
    thread = make_thread(member)
    _promote(thread, moderator)
    jobs.run_pending()
    assert f"[es] {SUMMARY}" in client.get("/best-practices?lang=es").get_data(as_text=True)

    auth.login(moderator)
    new = "Pressure management at night cut new pipe breaks by a third."
    client.post(f"/t/{thread.id}/library", data=_form(summary=new))
    auth.logout()
    [entry] = _entries()
    assert entry.summary_revision == 2
    page = client.get("/best-practices?lang=es").get_data(as_text=True)
    assert f"[es] {SUMMARY}" not in page and new in page and f"[es] {new}" not in page
    pending = [j for j in _summary_jobs(thread.first_post_id) if j.status == JobStatus.PENDING]
    assert sorted((j.target_language, j.revision) for j in pending) == [("es", 2), ("pt", 2)]
    jobs.run_pending()
    page = client.get("/best-practices?lang=es").get_data(as_text=True)
    assert f"[es] {new}" in page and SUMMARY not in page


def test_a_summary_changed_while_its_job_waits_supersedes_the_job(member, moderator, make_thread, engine):
    thread = make_thread(member)
    entry = _promote(thread, moderator)
    services.update(entry, moderator, "A second summary, written before any worker ran.", "en",
                    LibraryTopic.WATER, None)
    statuses = sorted((j.revision, j.status.value) for j in _summary_jobs(thread.first_post_id))
    assert statuses == [(1, "superseded"), (1, "superseded"), (2, "pending"), (2, "pending")]
    jobs.run_pending()
    assert {t.text for t in db.session.execute(db.select(FieldTranslation)).scalars()} == {
        "[es] A second summary, written before any worker ran.", "[pt] A second summary, written before any worker ran."}


# --- the library page -----------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_the_library_page_groups_entries_by_topic_in_each_language(app, client, member, moderator, make_thread,
                                                                    curitiba, engine, language):
    water = make_thread(member, title="Water sectors")
    bus = make_thread(member, title="Bus lanes that worked")
    _promote(water, moderator, topic=LibraryTopic.WATER, city=curitiba)
    _promote(bus, moderator, summary="Bus lanes enforced by camera from day one.", topic=LibraryTopic.MOBILITY)
    jobs.run_pending()
    page = client.get(f"/best-practices?lang={language}").get_data(as_text=True)
    with app.test_request_context(f"/?lang={language}"), force_locale(language):
        water_name, mobility_name = str(TOPIC_NAMES[LibraryTopic.WATER]), str(TOPIC_NAMES[LibraryTopic.MOBILITY])
        from forum.countries import country_name

        brazil = country_name("BR", language)
    # Topics in the library's order (water before mobility), each with its own entry under it.
    assert page.index(f"<h2>{water_name}</h2>") < page.index("Water sectors") < page.index(f"<h2>{mobility_name}</h2>") \
        < page.index("Bus lanes that worked")
    assert f"Curitiba, {brazil}" in page
    expected = SUMMARY if language == "en" else f"[{language}] {SUMMARY}"
    assert expected in page
    assert "/best-practices/export.csv" in page and "CC BY 4.0" in page
    # The topic filter.
    only_water = client.get(f"/best-practices?lang={language}&topic=water").get_data(as_text=True)
    assert "Water sectors" in only_water and "Bus lanes that worked" not in only_water
    assert 'aria-current="true">' + water_name in only_water


def test_an_unknown_topic_is_a_404_and_the_category_page_links_the_library(client):
    assert client.get("/best-practices?topic=sports").status_code == 404
    assert client.get("/best-practices?topic=").status_code == 200
    assert 'href="/best-practices"' in client.get("/c/best-practices").get_data(as_text=True)
    assert 'href="/best-practices"' not in client.get("/c/questions").get_data(as_text=True)


def test_the_library_follows_the_forum_read_rule(app, client, auth, member, moderator, make_thread):
    _promote(make_thread(member), moderator)
    app.config["FORUM_PUBLIC_READ"] = False
    for url in ("/best-practices", "/best-practices/export.csv", "/best-practices/export.json"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login(member)
    for url in ("/best-practices", "/best-practices/export.csv", "/best-practices/export.json"):
        assert client.get(url).status_code == 200
    auth.logout()
    app.config["FORUM_PUBLIC_READ"] = True
    assert client.get("/best-practices/export.json").status_code == 200


# --- hidden and deleted content -------------------------------------------------------------------

@pytest.fixture
def three_entries(member, moderator, make_thread):
    """One visible entry, one whose first post a moderator hid, one whose first post was deleted."""
    visible = make_thread(member, title="Visible practice")
    hidden = make_thread(member, title="Hidden practice")
    deleted = make_thread(member, title="Deleted practice")
    for thread in (visible, hidden, deleted):
        _promote(thread, moderator, summary=f"Summary of the {thread.title.split()[0].lower()} one.")
    db.session.get(Post, hidden.first_post_id).hidden_at = utcnow()
    db.session.commit()
    thread_services.delete_post(db.session.get(Post, deleted.first_post_id))
    return visible, hidden, deleted


def test_hidden_or_deleted_threads_never_appear(client, auth, member, moderator, three_entries):
    visible, hidden, deleted = three_entries
    token = create_token(member, "tests")[1]
    bodies = [client.get(url).get_data(as_text=True) for url in (
        "/best-practices", "/best-practices/export.csv", "/best-practices/export.json", f"/t/{hidden.id}")]
    bodies.append(client.get("/api/v1/best-practices", headers={"Authorization": f"Bearer {token}"})
                  .get_data(as_text=True))
    for body in bodies:
        assert "hidden one" not in body and "deleted one" not in body  # the summaries
        assert "In the best-practice library" not in body
    for body in bodies[:3] + bodies[4:]:  # the thread page itself is not the library's to filter
        assert "Visible practice" in body and "Hidden practice" not in body and "Deleted practice" not in body
        assert "visible one" in body
    # Moderators see a hidden thread's entry on the library page, marked as hidden.
    auth.login(moderator)
    page = client.get("/best-practices").get_data(as_text=True)
    assert "Hidden practice" in page and "Summary of the hidden one." in page and "Deleted practice" not in page
    assert "Hidden practice" not in client.get("/best-practices/export.csv").get_data(as_text=True)


# --- the export -----------------------------------------------------------------------------------

def _csv_rows(client) -> tuple[str, list[dict]]:
    response = client.get("/best-practices/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="best-practices.csv"' in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    return text, list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_csv_export_has_one_row_per_entry_all_languages_and_the_licence(client, member, moderator, make_thread,
                                                                            curitiba, engine):
    translated = make_thread(member, title="Water sectors")
    jobs.run_pending()
    _promote(translated, moderator, city=curitiba)
    jobs.run_pending()
    spanish = make_thread(member, title="Carriles de autobús", body="Con cámaras desde el primer día.", language="es")
    _promote(spanish, moderator, summary="=HYPERLINK(\"http://evil.example\", \"click\") con \"comillas\", y comas",
             language="es", topic=LibraryTopic.MOBILITY)  # not translated yet

    text, rows = _csv_rows(client)
    assert len(rows) == 2 and len(text.strip().splitlines()) == 3  # a header and one line per entry
    header = text.splitlines()[0].split(",")
    for column in ("title_en", "title_es", "title_pt", "summary_en", "summary_es", "summary_pt",
                   "original_language", "summary_language", "license", "license_url", "country_code", "url"):
        assert column in header
    first, second = rows
    assert first["thread_id"] == str(translated.id)
    assert (first["title_en"], first["title_es"], first["title_pt"]) == (
        "Water sectors", "[es] Water sectors", "[pt] Water sectors")
    assert (first["summary_en"], first["summary_es"], first["summary_pt"]) == (
        SUMMARY, f"[es] {SUMMARY}", f"[pt] {SUMMARY}")
    assert (first["original_language"], first["summary_language"], first["topic"]) == ("en", "en", "water")
    assert (first["city"], first["country_code"]) == ("Curitiba", "BR")
    assert first["url"] == f"http://forum.test/t/{translated.id}"
    assert first["promoted_at"].endswith("Z") and "T" in first["last_activity_at"]
    assert {row["license"] for row in rows} == {"CC BY 4.0"}
    assert {row["license_url"] for row in rows} == {"https://creativecommons.org/licenses/by/4.0/"}
    # Not translated yet: empty, never the original passed off as a translation.
    assert (second["title_es"], second["title_en"], second["title_pt"]) == ("Carriles de autobús", "", "")
    assert (second["summary_en"], second["summary_pt"], second["city"], second["country_code"]) == ("", "", "", "")
    # A cell a spreadsheet would run as a formula is text; quotes and commas survive the quoting.
    assert second["summary_es"] == "'=HYPERLINK(\"http://evil.example\", \"click\") con \"comillas\", y comas"


def test_an_edited_title_or_summary_leaves_the_stale_translation_out_of_the_export(client, member, moderator,
                                                                                   make_thread, engine):
    thread = make_thread(member, title="Old title")
    jobs.run_pending()
    entry = _promote(thread, moderator)
    jobs.run_pending()
    thread_services.edit_post(db.session.get(Post, thread.first_post_id), member, "New body.", "en", title="New title")
    services.update(entry, moderator, "A new summary.", "en", LibraryTopic.WATER, None)
    [row] = _csv_rows(client)[1]
    assert (row["title_en"], row["title_es"], row["summary_en"], row["summary_es"]) == (
        "New title", "", "A new summary.", "")


def test_a_corrected_title_is_the_one_exported_and_listed(client, auth, member, moderator, make_thread, engine):
    from forum.corrections import services as corrections

    thread = make_thread(member, title="Water sectors")
    _promote(thread, moderator)
    jobs.run_pending()
    first = db.session.get(Post, thread.first_post_id)
    corrections.save(first, moderator, "es", "[es] body, reviewed", "Sectores hidráulicos")
    [row] = _csv_rows(client)[1]
    assert (row["title_en"], row["title_es"], row["title_pt"]) == (
        "Water sectors", "Sectores hidráulicos", "[pt] Water sectors")
    auth.login(moderator)
    assert "Sectores hidráulicos" in client.get("/best-practices?lang=es").get_data(as_text=True)


def test_the_json_export_and_the_api_share_one_shape(app, client, member, moderator, make_thread, curitiba, engine):
    app.config.update(LIBRARY_LICENSE="CC0 1.0", LIBRARY_LICENSE_URL="https://creativecommons.org/publicdomain/zero/1.0/")
    thread = make_thread(member, title="Water sectors")
    _promote(thread, moderator, city=curitiba)
    jobs.run_pending()
    response = client.get("/best-practices/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert 'filename="best-practices.json"' in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert (data["license"], data["license_url"]) == ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/")
    assert data["count"] == 1 and data["languages"] == ["en", "es", "pt"]
    [item] = data["entries"]
    assert item["title_es"] == "[es] Water sectors" and item["summary_pt"] == f"[pt] {SUMMARY}"
    assert item["url"] == f"http://forum.test/t/{thread.id}" and item["country_code"] == "BR"

    token = create_token(member, "tests")[1]
    assert client.get("/api/v1/best-practices").status_code == 401
    api = client.get("/api/v1/best-practices", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    api_data = api.get_json()
    assert api_data["generated_at"].endswith("Z")
    assert {k: v for k, v in api_data.items() if k != "generated_at"} == \
        {k: v for k, v in data.items() if k != "generated_at"}


def test_an_empty_library_exports_a_header_and_an_empty_list(client):
    text, rows = _csv_rows(client)
    assert rows == [] and text.startswith("thread_id,url,topic")
    assert client.get("/best-practices/export.json").get_json()["entries"] == []
    assert "The library is empty for now." in client.get("/best-practices").get_data(as_text=True)


# --- the demo -------------------------------------------------------------------------------------

def test_the_demo_seed_promotes_demo_threads_once(runner):
    from forum import demo_data
    from forum.library import demo
    from forum.models import City, User

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0  # `demo seed` runs the library's seed
    users = {u.email: u for u in db.session.execute(db.select(User)).scalars()}
    cities = {c.name: c for c in db.session.execute(db.select(City)).scalars()}
    assert demo.seed(users, cities) == 0
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    entries = _entries()
    assert len(entries) == len(demo.ENTRIES)
    assert {e.topic for e in entries} >= {LibraryTopic.WATER, LibraryTopic.MOBILITY}
    assert all(e.promoted_by.is_moderator for e in entries)
    assert {title for title, *_rest in demo.ENTRIES} <= {t["title"] for t in demo_data.THREADS}
