"""Hostile tests for the translation guardrails: what a looping engine writes never runs in a page, and
members cannot reach the moderators' view of suspect translations nor change anything through it."""
from __future__ import annotations

from forum import jobs
from forum.extensions import db
from forum.models import Flag, PostTranslation
from test_hostile_member import XSS, db_state, no_script
from testkit import FakeEngine


class LoopingHostileEngine(FakeEngine):
    """A compromised engine that loops on markup: the guardrails flag it, the pages must stay inert."""

    name = "hostile-loop"

    def translate(self, texts, source, target):
        self.calls.append((source, target, list(texts)))
        return [" ".join([XSS, '<img src=x onerror="alert(1)">'] * 6) for _ in texts]


def test_a_looping_engine_writing_markup_is_flagged_and_stays_inert(client, auth, make_user, set_engines,
                                                                   make_thread):
    author = make_user(role="member", name="Ana Member")
    moderator = make_user(role="moderator", name="Mo Derator")
    set_engines([LoopingHostileEngine()])
    thread = make_thread(author, title=f"{XSS} datos", body="Perdemos mucha agua en la red de la ciudad.",
                         language="es")
    jobs.run_pending()
    stored = db.session.execute(db.select(PostTranslation).filter_by(language="en")).scalar_one()
    assert stored.suspect_reason.startswith("length ratio ")  # a 10-word loop: longer than MAX_NGRAM
    assert "<" not in stored.suspect_reason  # reasons are built from words, never from markup
    no_script(stored.body_html)
    assert db.session.execute(db.select(Flag).filter_by(post_id=thread.first_post_id)).scalars().all()
    auth.login(moderator)
    for lang in ("en", "es", "pt"):
        page = client.get(f"/moderation/translations?lang={lang}").get_data(as_text=True)
        no_script(page)
        assert "&lt;script&gt;alert(1)&lt;/script&gt; datos" in page
    no_script(client.get(f"/t/{thread.id}?lang=en").get_data(as_text=True))


def test_members_and_visitors_cannot_see_or_use_the_suspect_translations_view(client, auth, make_user,
                                                                               set_engines, make_thread):
    author = make_user(role="member", name="Ana Member")
    set_engines([LoopingHostileEngine()])
    make_thread(author, title="Agua", body="Perdemos mucha agua en la red de la ciudad.", language="es")
    jobs.run_pending()
    before = db_state()
    anonymous = client.get("/moderation/translations")
    assert anonymous.status_code in (302, 401, 403) and "suspect" not in anonymous.get_data(as_text=True).lower()
    auth.login(author)
    assert client.get("/moderation/translations").status_code == 403
    assert client.post("/moderation/translations/retry").status_code in (400, 403)
    assert db_state() == before
