"""The managed glossary: members read /glossary, moderators add, edit and delete entries (pages and
API), each change is audited, applies to the next translation job (plurals and case included) and
marks the translations it touches stale for `retranslate --stale`."""
from __future__ import annotations

import json

import pytest

from forum import jobs
from forum.extensions import db
from forum.models import AuditEntry, FieldTranslation, GlossaryTerm, JobStatus, TranslationJob
from testkit import MemberApi, stored_translation


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", language="en", name="Mo Derator")


PREFER = {"kind": "prefer", "source_language": "en", "target_language": "es", "term": "dashboard",
          "translation": "tablero"}


def _terms():
    db.session.expire_all()
    return db.session.execute(db.select(GlossaryTerm).order_by(GlossaryTerm.id)).scalars().all()


def _audit(action):
    return db.session.execute(db.select(AuditEntry).filter_by(action=action)).scalars().all()


# ---------------------------------------------------------------- pages

def test_members_read_the_glossary_and_filter_it(client, auth, member, moderator):
    from forum.glossary import services

    services.add(services.validate(PREFER), moderator)
    services.add(services.validate({"kind": "keep", "term": "SABESP", "note": "Water company"}), moderator)
    services.add(services.validate({**PREFER, "target_language": "pt", "translation": "painel"}), moderator)
    assert client.get("/glossary").status_code == 302  # members only, even with public reading
    auth.login(member)
    page = client.get("/glossary").get_data(as_text=True)
    assert "tablero" in page and "painel" in page and "SABESP" in page
    assert "Add a term" not in page and "/edit" not in page  # reading only
    page = client.get("/glossary?pair=en-pt").get_data(as_text=True)
    assert "painel" in page and "tablero" not in page and "SABESP" in page  # keep terms apply to every pair
    page = client.get("/glossary?pair=keep").get_data(as_text=True)
    assert "SABESP" in page and "painel" not in page
    page = client.get("/glossary?q=TABLE").get_data(as_text=True)
    assert "tablero" in page and "painel" not in page
    assert client.get("/glossary?pair=zz-qq&q=%25&page=-3").status_code == 200
    assert 'href="/glossary"' in client.get("/").get_data(as_text=True)  # in the header
    for lang in ("es", "pt"):  # (the words are translated when the catalogs are extracted after the merge)
        page = client.get(f"/glossary?lang={lang}")
        assert page.status_code == 200 and f'lang="{lang}"' in page.get_data(as_text=True)


def test_the_glossary_pages_are_paginated(client, auth, member, moderator):
    from forum.glossary import services

    for n in range(services.PER_PAGE + 3):
        services.add(services.validate({"kind": "keep", "term": f"Term{n:03d}"}), moderator)
    auth.login(member)
    first = client.get("/glossary").get_data(as_text=True)
    second = client.get("/glossary?page=2").get_data(as_text=True)
    assert "Term000" in first and "Term052" not in first and "Term052" in second


def test_moderators_add_edit_and_delete_with_audit_entries(client, auth, moderator):
    auth.login(moderator)
    page = client.get("/glossary").get_data(as_text=True)
    assert "Add a term" in page
    response = client.post("/glossary", data={**PREFER, "term": "  Dashboard ", "note": "network term"})
    assert response.status_code == 302
    [row] = _terms()
    assert (row.term, row.term_key, row.translation, row.created_by_id) == ("Dashboard", "dashboard", "tablero",
                                                                              moderator.id)
    [added] = _audit("glossary.add")
    assert added.actor_id == moderator.id and json.loads(added.after)["term"] == "Dashboard"

    assert client.get(f"/glossary/{row.id}/edit").status_code == 200
    response = client.post(f"/glossary/{row.id}/edit", data={**PREFER, "translation": "panel de control"})
    assert response.status_code == 302
    [row] = _terms()
    assert row.translation == "panel de control"
    [edited] = _audit("glossary.edit")
    assert json.loads(edited.before)["translation"] == "tablero"
    assert json.loads(edited.after)["translation"] == "panel de control"

    row_id = row.id
    assert "Delete" in client.get(f"/glossary/{row_id}/delete").get_data(as_text=True)  # asks first
    assert _terms()
    assert client.post(f"/glossary/{row_id}/delete").status_code == 302
    assert _terms() == []
    [deleted] = _audit("glossary.delete")
    assert json.loads(deleted.before)["translation"] == "panel de control" and deleted.after is None
    assert client.get(f"/glossary/{row_id}/edit").status_code == 404
    assert client.post(f"/glossary/{2**40}/delete").status_code == 404


@pytest.mark.parametrize("data, field", [
    ({**PREFER, "source_language": "xx"}, "source_language"),
    ({**PREFER, "target_language": "en"}, "target_language"),
    ({**PREFER, "term": ""}, "term"),
    ({**PREFER, "term": "a" * 121}, "term"),
    ({**PREFER, "term": "1234"}, "term"),
    ({**PREFER, "term": "dash\x07board"}, "term"),
    ({**PREFER, "term": "dash\u202eboard"}, "term"),
    ({**PREFER, "translation": ""}, "translation"),
    ({**PREFER, "kind": "other"}, "kind"),
])
def test_bad_entries_are_refused_with_a_message_and_change_nothing(client, auth, moderator, data, field):
    auth.login(moderator)
    response = client.post("/glossary?lang=es", data=data)
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
    assert _terms() == [] and _audit("glossary.add") == []


def test_duplicates_are_refused_in_any_case(client, auth, moderator):
    auth.login(moderator)
    assert client.post("/glossary", data=PREFER).status_code == 302
    response = client.post("/glossary", data={**PREFER, "term": "DASHBOARD", "translation": "panel"})
    assert response.status_code == 409 and "already in the glossary" in response.get_data(as_text=True)
    # Another pair or kind is another entry.
    assert client.post("/glossary", data={**PREFER, "target_language": "pt", "translation": "painel"}).status_code == 302
    [first, second] = _terms()
    response = client.post(f"/glossary/{second.id}/edit", data={**PREFER, "translation": "x y"})
    assert response.status_code == 409
    assert [t.translation for t in _terms()] == ["tablero", "painel"]


def test_the_database_refuses_a_duplicate_that_slips_past_the_check(moderator, monkeypatch):
    from forum.glossary import services

    services.add(services.validate(PREFER), moderator)
    monkeypatch.setattr(services, "_duplicate", lambda *a, **k: False)  # as if two requests raced
    with pytest.raises(services.GlossaryError) as error:
        services.add(services.validate(PREFER), moderator)
    assert error.value.duplicate and len(_terms()) == 1


def test_members_may_not_change_the_glossary(client, auth, member, moderator):
    from forum.glossary import services

    row = services.add(services.validate(PREFER), moderator)
    auth.login(member)
    assert client.post("/glossary", data={**PREFER, "term": "open data"}).status_code == 403
    assert client.get(f"/glossary/{row.id}/edit").status_code == 403
    assert client.post(f"/glossary/{row.id}/edit", data={**PREFER, "translation": "x"}).status_code == 403
    assert client.post(f"/glossary/{row.id}/delete").status_code == 403
    assert [(t.term, t.translation) for t in _terms()] == [("dashboard", "tablero")]


# ---------------------------------------------------------------- API

def test_api_lists_adds_and_deletes(client, member, moderator):
    mod, reader = MemberApi(client, moderator), MemberApi(client, member)
    response = mod.post("/glossary", json={**PREFER, "term_plural": None, "note": "network term"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["term"] == "dashboard" and body["translation"] == "tablero" and body["note"] == "network term"
    assert mod.post("/glossary", json={**PREFER, "term": "Dashboard"}).status_code == 409
    bad = mod.post("/glossary", json={**PREFER, "translation": None})
    assert bad.status_code == 422 and "translation" in bad.get_json()["error"]["fields"]
    assert mod.post("/glossary", json={**PREFER, "extra": 1}).status_code == 422
    assert mod.post("/glossary", json={"kind": "keep", "term": "SABESP"}).status_code == 201

    listing = reader.get("/glossary?source=en&target=es&q=dash").get_json()
    assert [t["term"] for t in listing["terms"]] == ["dashboard"] and listing["total"] == 1
    assert {t["term"] for t in reader.get("/glossary?source=en&target=es").get_json()["terms"]} == {
        "dashboard", "SABESP"}
    assert reader.get("/glossary?source=xx").status_code == 422
    assert reader.get("/glossary?q=" + "a" * 121).status_code == 422

    assert reader.delete(f"/glossary/{body['id']}").status_code == 403
    assert reader.post("/glossary", json={**PREFER, "term": "open data"}).status_code == 403
    assert mod.delete(f"/glossary/{body['id']}").status_code == 204
    assert mod.delete(f"/glossary/{body['id']}").status_code == 404
    assert mod.delete(f"/glossary/{2**40}").status_code == 404
    assert [t.term for t in _terms()] == ["SABESP"]
    assert [e.action for e in db.session.execute(db.select(AuditEntry).order_by(AuditEntry.id)).scalars()] == [
        "glossary.add", "glossary.add", "glossary.delete"]


# ---------------------------------------------------------------- application and stale translations

def test_a_change_applies_to_the_next_translation_with_plurals_and_case(member, moderator, make_thread, engine):
    from forum.glossary import services

    services.add(services.validate(PREFER), moderator)
    post = make_thread(member, title="Dashboards", body="Our Dashboard and two DASHBOARDS.", language="en").posts[0]
    jobs.run_pending()
    spanish = stored_translation(post.id, "es")
    assert spanish.body == "[es] Our Tablero and two TABLEROS." and spanish.title == "[es] Tableros"
    assert not any("ashboard" in t.lower() for _s, target, texts in engine.calls if target == "es" for t in texts)

    # An edit of the entry is used by the very next job (the cached glossary notices the change).
    [row] = _terms()
    services.edit(row, services.validate({**PREFER, "translation": "panel"}), moderator)
    other = make_thread(member, title="Another", body="A dashboard.", language="en").posts[0]
    jobs.run_pending()
    assert stored_translation(other.id, "es").body == "[es] A panel."


def test_a_change_marks_affected_translations_stale_and_retranslate_redoes_them(
        app, member, moderator, make_thread, engine, runner):
    from forum.glossary import services

    touched = make_thread(member, title="Plain title", body="Our DASHBOARDS are public.", language="en").posts[0]
    in_title = make_thread(member, title="The dashboard", body="Nothing here.", language="en").posts[0]
    untouched = make_thread(member, title="Water", body="We fix 100% of leaks_here.", language="en").posts[0]
    spanish = make_thread(member, title="Tablero", body="Nuestro dashboard.", language="es").posts[0]
    jobs.run_pending()
    assert stored_translation(touched.id, "es").body == "[es] Our DASHBOARDS are public."

    services.add(services.validate(PREFER), moderator)
    stale = {(t.post_id, t.language) for t in _stale()}
    # en->es only: the Portuguese translations and the Spanish post are not this pair.
    assert stale == {(touched.id, "es"), (in_title.id, "es")}
    assert untouched.id not in {p for p, _ in stale} and spanish.id not in {p for p, _ in stale}

    result = runner.invoke(args=["translation", "retranslate", "--stale"])
    assert result.exit_code == 0 and "Queued 2 translations" in result.output, result.output
    jobs.run_pending()
    assert stored_translation(touched.id, "es").body == "[es] Our TABLEROS are public."
    assert stored_translation(in_title.id, "es").title == "[es] The tablero"
    assert _stale() == []  # stored again: no longer stale
    assert "Queued 0 translations" in runner.invoke(args=["translation", "retranslate", "--stale"]).output


def test_a_wildcard_in_a_term_is_matched_literally_when_marking(member, moderator, make_thread, engine):
    from forum.glossary import services

    make_thread(member, title="Title", body="Anything at all.", language="en")
    jobs.run_pending()
    services.add(services.validate({**PREFER, "term": "a%b_c"}), moderator)
    assert _stale() == []


def _stale():
    from forum.models import PostTranslation

    db.session.expire_all()
    return db.session.execute(db.select(PostTranslation).filter_by(stale=True)).scalars().all()


def test_stale_fields_are_marked_and_requeued(member, moderator, engine, runner):
    from forum.glossary import services
    from forum.jobs_board import services as job_services
    from forum.jobs_board.validation import today
    from datetime import timedelta
    from forum.models import EmploymentType

    thread = job_services.create_job(member, "Analyst", "We need an analyst.", "en", job_services.JobFields(
        city_id=member.city_id, employment_type=EmploymentType.CONTRACT, closes_on=today() + timedelta(days=30),
        apply_to="hr@city.example.org", department="Dashboard office"))
    jobs.run_pending()
    field = db.session.execute(db.select(FieldTranslation).filter_by(language="es")).scalar_one()
    assert field.text == "[es] Dashboard office" and not field.stale
    services.add(services.validate(PREFER), moderator)
    db.session.expire_all()
    assert db.session.get(FieldTranslation, field.id).stale
    assert not db.session.execute(db.select(FieldTranslation).filter_by(language="pt")).scalar_one().stale
    result = runner.invoke(args=["translation", "retranslate", "--stale"])
    assert "Queued 1 translations" in result.output, result.output
    jobs.run_pending()
    db.session.expire_all()
    field = db.session.get(FieldTranslation, field.id)
    assert field.text == "[es] Tablero office" and not field.stale
    assert db.session.execute(db.select(db.func.count(TranslationJob.id)).where(
        TranslationJob.post_id == thread.first_post_id, TranslationJob.status != JobStatus.DONE)).scalar_one() == 0


def test_load_starter_is_idempotent_and_a_command(runner):
    from forum.glossary.starter import STARTER

    first = runner.invoke(args=["glossary", "load-starter"])
    assert first.exit_code == 0 and f"{len(STARTER)} entries added" in first.output, first.output
    assert "0 entries added" in runner.invoke(args=["glossary", "load-starter"]).output
    assert len(_terms()) == len(STARTER)


def test_demo_seed_loads_the_starter(app):
    from forum.glossary import demo
    from forum.glossary.starter import STARTER

    demo.seed({}, {})
    demo.seed({}, {})
    assert len(_terms()) == len(STARTER)


def test_the_glossary_has_a_size_limit(client, moderator, monkeypatch):
    """Each translation runs every term's pattern: the glossary stays a curated list."""
    from forum.glossary import services

    monkeypatch.setattr(services, "TERMS_MAX", 1)
    services.add(services.validate(PREFER), moderator)
    with pytest.raises(services.GlossaryError) as refused:
        services.add(services.validate({"kind": "keep", "term": "SABESP"}), moderator)
    assert "term" in refused.value.fields and not refused.value.duplicate
    assert db.session.execute(db.select(db.func.count(GlossaryTerm.id))).scalar_one() == 1
