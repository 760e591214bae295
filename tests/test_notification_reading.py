"""A notification as its reader sees it (forum/notifications/reading.py): the excerpt and title in
the reader's language where a translation is stored, else the original, marked pending."""
from __future__ import annotations

from flask_babel import force_locale

from forum import jobs
from forum.extensions import db
from forum.models import Notification, NotificationKind, utcnow
from forum.notifications.reading import excerpt_of, notification_views
from forum.threads.services import add_reply


def test_the_excerpt_is_the_stored_translation_in_the_readers_language(app, make_user, make_thread, engine):
    author = make_user(language="es")
    thread = make_thread(author, title="¿Fugas?", body="Perdemos **agua** cada día.", language="es")
    post = thread.posts[0]
    pending = excerpt_of(post, "pt")
    assert (pending.text, pending.language, pending.translated, pending.pending) == (
        "Perdemos agua cada día.", "es", False, True)
    jobs.run_pending()
    translated = excerpt_of(post, "pt")
    assert (translated.text, translated.language, translated.translated, translated.pending) == (
        "[pt] Perdemos agua cada día.", "pt", True, False)
    original = excerpt_of(post, "es")
    assert (original.text, original.translated, original.pending) == ("Perdemos agua cada día.", False, False)


def test_a_hidden_or_deleted_post_has_no_excerpt(app, make_user, make_thread):
    author = make_user(language="en")
    thread = make_thread(author, replies=2)
    hidden, deleted = thread.posts[1], thread.posts[2]
    hidden.hidden_at = utcnow()
    deleted.deleted_at = utcnow()
    db.session.commit()
    assert excerpt_of(hidden, "en") is None and excerpt_of(deleted, "en") is None
    assert excerpt_of(thread.posts[0], "en") is not None


def test_views_speak_the_readers_language_with_the_translated_title(app, make_user, make_thread, engine):
    asker, colleague = make_user(language="pt", name="Joana"), make_user(language="es", name="Luis")
    thread = make_thread(asker, title="Vazamentos", body="Como reduzir?", language="pt")
    reply = add_reply(thread, colleague, "Con sensores.", "es")
    jobs.run_pending()
    # The reply told the asker (forum/notifications/events.py): that notification, as she reads it.
    notification = db.session.execute(db.select(Notification).filter_by(
        user_id=asker.id, kind=NotificationKind.REPLY, post_id=reply.id)).scalar_one()
    with app.test_request_context(), force_locale("pt"):
        [view] = notification_views([notification], "pt")
        assert view.title == "Vazamentos" and view.excerpt.text == "[pt] Con sensores."
        assert "Luis" in view.sentence and view.unread and view.path == f"/p/{reply.id}"
    with app.test_request_context(), force_locale("en"):
        [view] = notification_views([notification], "en")
        assert view.title == "[en] Vazamentos" and view.url.startswith("http")
