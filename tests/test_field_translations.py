"""Short fields of a post (a job's department, a library summary) translated through the same outbox."""
from __future__ import annotations

import pytest

from forum import jobs
from forum.extensions import db
from forum.models import FieldTranslation, JobStatus, TranslationJob
from forum.threads import reading

FIELD = "test_note"


@pytest.fixture
def note(app, monkeypatch):
    """A field whose text, language and revision the test sets: {post_id: (text, language, revision)}."""
    values: dict[int, tuple[str, str, int]] = {}
    monkeypatch.setitem(jobs._FIELD_SOURCES, FIELD, lambda post: values.get(post.id))
    return values


def _field_jobs(post_id: int) -> list[TranslationJob]:
    return list(db.session.execute(db.select(TranslationJob).filter_by(post_id=post_id, field=FIELD)
                                   .order_by(TranslationJob.id)).scalars())


def _queue(post) -> list[int]:
    ids = [job.id for job in jobs.enqueue_field(post, FIELD)]
    db.session.commit()
    return ids


def test_a_field_is_translated_from_its_own_language_into_the_others(member, make_thread, engine, note):
    post = make_thread(member, body="We lose water.", language="en").posts[0]
    jobs.run_pending()  # the post's own jobs
    note[post.id] = ("Agua y saneamiento", "es", 1)
    _queue(post)
    assert {(j.source_language, j.target_language, j.status) for j in _field_jobs(post.id)} == {
        ("es", "en", JobStatus.PENDING), ("es", "pt", JobStatus.PENDING)}
    assert jobs.run_pending() == 2
    rows = {r.language: r for r in db.session.execute(db.select(FieldTranslation).filter_by(field=FIELD)).scalars()}
    assert rows["en"].text == "[en] Agua y saneamiento" and rows["pt"].text == "[pt] Agua y saneamiento"
    assert rows["en"].source_hash == jobs.field_hash("Agua y saneamiento")
    # The post's own translation is untouched by the field's jobs.
    english = reading.field_texts(FIELD, {post.id: ("Agua y saneamiento", "es")}, "en")[post.id]
    assert (english.text, english.translated) == ("[en] Agua y saneamiento", True)
    spanish = reading.field_texts(FIELD, {post.id: ("Agua y saneamiento", "es")}, "es")[post.id]
    assert (spanish.text, spanish.translated) == ("Agua y saneamiento", False)


def test_a_changed_field_stops_using_the_old_translation_and_supersedes_old_jobs(member, make_thread, engine, note):
    post = make_thread(member, language="en").posts[0]
    jobs.run_pending()
    note[post.id] = ("Water", "en", 1)
    _queue(post)
    jobs.run_pending()
    note[post.id] = ("Water and sanitation", "en", 2)
    # Until the new text is translated, readers see the original, never the old translation.
    shown = reading.field_texts(FIELD, {post.id: ("Water and sanitation", "en")}, "es")[post.id]
    assert (shown.text, shown.translated) == ("Water and sanitation", False)
    _queue(post)
    note[post.id] = ("Water, sanitation", "en", 3)
    _queue(post)
    statuses = {(j.revision, j.status) for j in _field_jobs(post.id)}
    assert (2, JobStatus.SUPERSEDED) in statuses and (3, JobStatus.PENDING) in statuses
    jobs.run_pending()
    shown = reading.field_texts(FIELD, {post.id: ("Water, sanitation", "en")}, "es")[post.id]
    assert shown.text == "[es] Water, sanitation"


def test_a_field_changed_while_its_job_runs_is_not_stored(member, make_thread, engine, note):
    post = make_thread(member, language="en").posts[0]
    jobs.run_pending()
    note[post.id] = ("Housing", "en", 1)
    _queue(post)
    engine.hook = lambda texts, source, target: note.__setitem__(post.id, ("Housing policy", "en", 2))
    jobs.run_pending()
    assert db.session.execute(db.select(FieldTranslation).filter_by(field=FIELD)).first() is None
    assert {j.status for j in _field_jobs(post.id)} == {JobStatus.SUPERSEDED}


def test_a_field_that_failed_is_retried_like_a_post(app, member, make_thread, engine, note):
    app.config["TRANSLATION_MAX_ATTEMPTS"] = 1
    post = make_thread(member, language="en").posts[0]
    jobs.run_pending()
    note[post.id] = ("Budget", "en", 1)
    _queue(post)
    engine.fail = -1
    jobs.run_pending()
    assert {j.status for j in _field_jobs(post.id)} == {JobStatus.FAILED}
    engine.fail = 0
    assert len(jobs.retry_failed()) == 2
    jobs.run_pending()
    assert {j.status for j in _field_jobs(post.id)} == {JobStatus.DONE}


def test_an_edit_of_the_post_does_not_supersede_its_fields_jobs(member, make_thread, note):
    from forum.threads import services

    post = make_thread(member, language="en").posts[0]
    note[post.id] = ("Mobility", "en", 1)
    _queue(post)
    services.edit_post(post, member, "A new body", "en")
    assert {j.status for j in _field_jobs(post.id)} == {JobStatus.PENDING}


def test_a_field_without_text_queues_nothing(member, make_thread, note):
    post = make_thread(member, language="en").posts[0]
    note[post.id] = ("   ", "en", 1)
    assert _queue(post) == []


def test_an_author_who_asked_for_no_machine_translation_gets_none_for_the_fields_either(
        member, make_thread, engine, note):
    post = make_thread(member, body="We lose water.", language="en").posts[0]
    jobs.run_pending()
    note[post.id] = ("Agua y saneamiento", "es", 1)
    _queue(post)
    assert jobs.run_pending() == 2  # translated while the author allowed it
    post.no_machine_translation = True
    db.session.commit()
    note[post.id] = ("Agua potable", "es", 2)
    assert _queue(post) == []
    note[post.id] = ("Agua y saneamiento", "es", 1)  # the text the stored translations were made from
    english = reading.field_texts(FIELD, {post.id: ("Agua y saneamiento", "es")}, "en")[post.id]
    assert (english.text, english.translated) == ("Agua y saneamiento", False)
