"""The guardrails in the forum: engines that loop or truncate; a fallback engine fixes the run, or the
post is kept, flagged for review, counted in `flask translation status` and on the moderators' page."""
from __future__ import annotations

import shutil

import pytest

from forum import jobs
from forum.extensions import db
from forum.models import Flag, FlagReason, JobStatus, TranslationMemoryEntry
from forum.threads import services
from testkit import FakeEngine, stored_jobs, stored_translation

BODY = "Los estudiantes matriculados en el programa de formación recibirán un certificado al final del curso."
TITLE = "Certificados del programa"


class LoopingEngine(FakeEngine):
    """A neural model stuck in a loop on every run that mentions "matriculados"."""

    name = "looping"

    def translate(self, texts, source, target):
        good = super().translate(texts, source, target)
        return [" ".join(["enrolled"] * 9) if "matriculados" in t else g for t, g in zip(texts, good)]


class TruncatingEngine(FakeEngine):
    """A model that stops halfway through long runs."""

    name = "truncating"

    def translate(self, texts, source, target):
        return [o if len(o) < 60 else o[:len(o) // 3] for o in super().translate(texts, source, target)]


class GoodEngine(FakeEngine):
    name = "good"


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", language="en", name="Mo Derator")


def _guardrail_flags(post_id):
    db.session.expire_all()
    return db.session.execute(db.select(Flag).filter_by(post_id=post_id).order_by(Flag.id)).scalars().all()


def _memory(engine=None):
    entries = db.session.execute(db.select(TranslationMemoryEntry)).scalars()
    return sorted(e.translation for e in entries if engine is None or e.engine == engine)


def _status(runner):
    """`flask translation status`: its text, and the guardrail rows {pair: [suspect, fallback, review]}."""
    output = runner.invoke(args=["translation", "status"]).output
    after = output.split("Suspect translations (guardrails):", 1)[1]
    rows = {line.split()[0]: [int(n) for n in line.split()[1:]] for line in after.splitlines()
            if "->" in line and line.split()[1].isdigit()}
    return output, rows


@pytest.mark.parametrize("bad_engine", [LoopingEngine, TruncatingEngine])
def test_a_fallback_engine_redoes_the_suspect_run(member, make_thread, set_engines, runner, bad_engine):
    bad, good = bad_engine(pairs=[("es", "en")]), GoodEngine()
    set_engines([bad, good])
    post = make_thread(member, title=TITLE, body=BODY, language="es").posts[0]
    jobs.run_pending()
    english = stored_translation(post.id, "en")
    assert english.body == f"[en] {BODY}"  # the good engine's run, not the loop or the stump
    assert english.title == f"[en] {TITLE}"  # the title was fine: the first engine's
    assert (english.engine, english.suspect_reason) == (f"{bad.name}+good", None)
    job = next(j for j in stored_jobs(post.id) if j.target_language == "en")
    assert job.status == JobStatus.DONE and job.suspect_reason.startswith("fallback good: ")
    assert _guardrail_flags(post.id) == []  # nothing to review
    assert _memory(bad.name) == [f"[en] {TITLE}"]  # the loop or the stump is not remembered
    assert f"[en] {BODY}" in _memory("good")
    status, rows = _status(runner)
    assert "Suspect translations (guardrails): 1" in status and rows == {"es->en": [1, 1, 0]}
    assert "Post translations kept for review now: 0" in status


def test_a_loop_with_no_other_engine_is_kept_flagged_and_not_remembered(member, make_thread, set_engines, runner):
    looping = LoopingEngine()
    set_engines([looping])
    post = make_thread(member, title=TITLE, body=BODY, language="es").posts[0]
    jobs.run_pending()
    english = stored_translation(post.id, "en")
    assert english.body == " ".join(["enrolled"] * 9)  # kept: a rough translation beats none
    assert english.suspect_reason == "repetition: 'enrolled' x9"
    job = next(j for j in stored_jobs(post.id) if j.target_language == "en")
    assert job.suspect_reason == "review: repetition: 'enrolled' x9"
    flags = _guardrail_flags(post.id)
    assert [(f.reporter_id, f.reason, f.language, f.note, f.resolved_at) for f in flags] == [
        (None, FlagReason.TRANSLATION, "en", "repetition: 'enrolled' x9", None),
        (None, FlagReason.TRANSLATION, "pt", "repetition: 'enrolled' x9", None)]
    # the memory holds the clean title runs only, never the loop
    assert _memory() == [f"[en] {TITLE}", f"[pt] {TITLE}"]
    status, rows = _status(runner)
    assert "Suspect translations (guardrails): 2" in status
    assert rows == {"es->en": [1, 0, 1], "es->pt": [1, 0, 1]}
    assert "Post translations kept for review now: 2" in status

    # a retry asks the engine again (nothing remembered) and does not flag the post twice
    calls = len(looping.calls)
    assert "Queued 2 translations" in runner.invoke(args=["translation", "retranslate", "--all"]).output
    jobs.run_pending()
    assert any(BODY in texts for _s, _t, texts in looping.calls[calls:])
    assert len(_guardrail_flags(post.id)) == 2

    # the author's next revision translates clean: the suspect mark goes
    services.edit_post(post, member, "Todos recibirán un certificado al final del curso.", "es")
    jobs.run_pending()
    english = stored_translation(post.id, "en")
    assert english.suspect_reason is None and english.body == "[en] Todos recibirán un certificado al final del curso."
    latest = [j for j in stored_jobs(post.id) if j.revision == 2]
    assert latest and all(j.suspect_reason is None for j in latest)
    assert "Post translations kept for review now: 0" in _status(runner)[0]


def test_a_truncation_with_no_other_engine_is_flagged(member, make_thread, set_engines, runner):
    set_engines([TruncatingEngine()])
    post = make_thread(member, title=TITLE, body=BODY, language="es").posts[0]
    jobs.run_pending()
    english = stored_translation(post.id, "en")
    assert english.body == f"[en] {BODY}"[:len(f"[en] {BODY}") // 3]  # the stump, kept
    assert english.suspect_reason.startswith("length ratio 0.3")
    assert [(f.reporter_id, f.language, f.note) for f in _guardrail_flags(post.id)] == [
        (None, "en", english.suspect_reason), (None, "pt", stored_translation(post.id, "pt").suspect_reason)]
    assert _memory() == [f"[en] {TITLE}", f"[pt] {TITLE}"]  # not the stumps
    status, rows = _status(runner)
    assert rows == {"es->en": [1, 0, 1], "es->pt": [1, 0, 1]}
    assert "Post translations kept for review now: 2" in status


def test_an_open_member_flag_does_not_stop_the_guardrail_flag_and_a_resolved_one_allows_a_new_one(
        member, make_thread, set_engines, runner):
    from forum.models import utcnow

    set_engines([LoopingEngine(pairs=[("es", "en")])])
    post = make_thread(member, title=TITLE, body=BODY, language="es").posts[0]
    db.session.add(Flag(post_id=post.id, reporter_id=member.id, reason=FlagReason.TRANSLATION, language="en"))
    db.session.commit()
    jobs.run_pending()
    flags = _guardrail_flags(post.id)
    assert [f.reporter_id for f in flags] == [member.id, None]
    flags[1].resolved_at = utcnow()
    db.session.commit()
    runner.invoke(args=["translation", "retranslate", "--all"])
    jobs.run_pending()
    assert [f.reporter_id for f in _guardrail_flags(post.id)] == [member.id, None, None]


def test_a_suspect_field_translation_flags_the_post(app, member, make_thread, set_engines, monkeypatch):
    field = "test_note"
    monkeypatch.setitem(jobs._FIELD_SOURCES, field, lambda post: ("matriculados en el curso", "es", 1))
    set_engines([LoopingEngine(pairs=[("es", "en")])])
    post = make_thread(member, title=TITLE, body="Hola a todos.", language="es").posts[0]
    jobs.run_pending()
    jobs.enqueue_field(post, field)
    db.session.commit()
    jobs.run_pending()
    job = next(j for j in stored_jobs(post.id) if j.field == field)
    assert job.status == JobStatus.DONE and job.suspect_reason == "review: repetition: 'enrolled' x9"
    assert [(f.reporter_id, f.language, f.note) for f in _guardrail_flags(post.id)] == [
        (None, "en", "test_note: repetition: 'enrolled' x9")]


def test_the_moderators_page_counts_and_links_the_suspect_jobs(client, auth, member, moderator, make_thread,
                                                               set_engines):
    # es->en loops with no other engine (kept for review); es->pt has a good fallback (fixed)
    set_engines([LoopingEngine(pairs=[("es", "en"), ("es", "pt")]), GoodEngine(pairs=[("es", "pt")])])
    post = make_thread(member, title="<script>alert(1)</script>", body=BODY, language="es").posts[0]
    jobs.run_pending()
    auth.login(moderator)
    for lang in ("en", "es", "pt"):
        assert client.get(f"/moderation/translations?lang={lang}").status_code == 200
    page = client.get("/moderation/translations?lang=en").get_data(as_text=True)
    assert "Suspect: 2" in page and "Fixed by another engine: 1" in page and "Kept for review: 1" in page
    assert f'href="/p/{post.id}"' in page
    assert "review: repetition: &#39;enrolled&#39; x9" in page and "fallback good: repetition" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    auth.logout()
    auth.login(member)
    assert client.get("/moderation/translations").status_code == 403


def test_real_apertium_never_flags_normal_forum_posts(member, make_thread, set_engines, runner):
    from testkit import skip_or_fail

    from translation.engines.apertium import ApertiumEngine

    engine = ApertiumEngine()
    if shutil.which("apertium") is None or len(engine.pairs()) < 6:
        skip_or_fail("Apertium with its en/es/pt language data is not installed")
    set_engines([engine])
    posts = [
        ("en", "Open data portals", "Our city publishes **85 datasets** on its portal since 3 February 2025.\n\n"
         "- Bus stops (CSV)\n- Budget 2025\n- Air quality\n\nDoes anyone use `CKAN 2.10`? See [our notes]"
         "(https://example.org/notes)."),
        ("es", "Presupuesto participativo", "El ayuntamiento aprobó el presupuesto participativo el 14 de marzo "
         "de 2025, después de tres audiencias públicas.\n\n¿Cómo lo hacen ustedes? Gracias."),
        ("pt", "Ilhas de calor", "Alguém já usou o `QGIS` para mapear ilhas de calor?\n\n1. Drenagem urbana\n"
         "2. Arborização\n\nObrigado!"),
    ]
    ids = [make_thread(member, title=title, body=body, language=lang).posts[0].id for lang, title, body in posts]
    jobs.run_pending()
    for post_id in ids:
        assert {j.status for j in stored_jobs(post_id)} == {JobStatus.DONE}
        assert [j.suspect_reason for j in stored_jobs(post_id)] == [None, None]
        assert _guardrail_flags(post_id) == []
    assert "Suspect translations (guardrails): 0" in runner.invoke(args=["translation", "status"]).output


def test_the_translate_command_reports_suspect_runs_on_stderr(tmp_path, monkeypatch):
    from forum import create_app
    from forum.cli import translation as cli
    from translation import Translator

    monkeypatch.setattr(cli, "_translator", lambda: Translator([LoopingEngine()]))
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "ARGOS_DATA_DIR": str(tmp_path / "argos"), "APERTIUM_ENABLED": False})
    result = app.test_cli_runner().invoke(cli.translation_cli, ["translate", BODY, "-s", "es", "-t", "en"])
    assert result.exit_code == 0
    assert result.stdout.strip() == " ".join(["enrolled"] * 9)
    assert result.stderr.strip() == "suspect run: repetition: 'enrolled' x9"
