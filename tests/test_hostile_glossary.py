"""Attacks on the glossary: a member writing it (pages and API), markup in a term, translation or note,
regex syntax in a term, forms without a valid CSRF token. Each leaves the database as it was."""
from __future__ import annotations

import time

import pytest

from forum import jobs
from forum.extensions import db
from forum.models import GlossaryTerm
from forum.tokens import create_token
from test_hostile_member import Api, csrf_token, db_state, error_of, no_script
from testkit import stored_translation

XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>'
PREFER = {"kind": "prefer", "source_language": "en", "target_language": "es", "term": "dashboard",
          "translation": "tablero"}


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", language="es", name="Moderadora")


@pytest.fixture
def hostile(make_user):
    return make_user(language="es", name="Hostil")


@pytest.fixture
def entry(moderator):
    from forum.glossary import services

    return services.add(services.validate(PREFER), moderator)


def test_a_member_cannot_add_edit_or_delete_in_the_pages(client, auth, hostile, entry):
    auth.login(hostile)
    before = db_state()
    for method, url, data in [("post", "/glossary", {**PREFER, "term": "open data"}),
                              ("get", f"/glossary/{entry.id}/edit", None),
                              ("post", f"/glossary/{entry.id}/edit", {**PREFER, "translation": "salpicadero"}),
                              ("get", f"/glossary/{entry.id}/delete", None),
                              ("post", f"/glossary/{entry.id}/delete", {}),
                              ("post", f"/glossary/{entry.id + 1}/delete", {})]:
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 403, url
    assert db_state() == before


def test_a_member_cannot_add_or_delete_through_the_api(client, hostile, entry):
    api = Api(client, create_token(hostile, "attack")[1])
    before = db_state()
    response = api.post("/glossary", json={**PREFER, "term": "open data"})
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"
    response = client.delete(f"/api/v1/glossary/{entry.id}", headers=api.headers)
    assert response.status_code == 403
    assert client.delete(f"/api/v1/glossary/{entry.id}").status_code == 401
    assert db_state() == before


def test_markup_in_an_entry_is_text_in_every_page(client, auth, moderator, hostile):
    from forum.glossary import services

    row = services.add(services.validate({**PREFER, "term": f"board{XSS}", "translation": f"t{XSS}",
                                          "note": f"n{XSS}", "term_plural": f"p{XSS}"}), moderator)
    for user in (hostile, moderator):
        auth.login(user)
        for url in ("/glossary", f"/glossary?q={XSS}", f"/glossary/{row.id}/edit", f"/glossary/{row.id}/delete"):
            response = client.get(url)
            if response.status_code == 403:
                continue
            page = response.get_data(as_text=True)
            assert "<script>alert" not in page and "onerror=alert" not in page.replace("onerror=alert(2)&gt;", "")
            no_script(page)
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        auth.logout()
    api = Api(client, create_token(hostile, "reader")[1])
    assert api.get("/glossary").get_json()["terms"][0]["translation"] == f"t{XSS}"  # JSON: data, not markup


def test_markup_in_a_preferred_translation_never_reaches_a_translated_post(client, moderator, hostile, make_thread,
                                                                          engine):
    from forum.glossary import services

    services.add(services.validate({**PREFER, "translation": f"tablero{XSS}"}), moderator)
    thread = make_thread(hostile, title="Our dashboard", body="The dashboard is public.", language="en")
    jobs.run_pending()
    translation = stored_translation(thread.posts[0].id, "es")
    assert "tablero" in translation.body and "<script" not in translation.body_html
    assert "onerror" not in translation.body_html.replace("onerror=alert(2)&gt;", "")
    page = client.get(f"/t/{thread.id}?lang=es").get_data(as_text=True)
    no_script(page)
    assert "<script>alert" not in page


@pytest.mark.parametrize("term", [".*", "(", "[", "\\", "%", "_"])
def test_regex_syntax_without_a_letter_is_refused(client, auth, moderator, term):
    auth.login(moderator)
    before = db_state()
    response = client.post("/glossary?lang=es", data={**PREFER, "term": term})
    assert response.status_code == 422
    assert db_state() == before


@pytest.mark.parametrize("term", ["a.+b", "(a", "a" * 120, "x|y", "a+b?"])
def test_terms_with_regex_syntax_are_literal_and_linear(moderator, hostile, make_thread, engine, term):
    from forum.glossary import forum_glossary, services

    services.add(services.validate({**PREFER, "term": term, "translation": "LITERAL"}), moderator)
    body = "axxxb a aa x y ab aab " + term  # only the literal term matches
    thread = make_thread(hostile, title="Title", body=body, language="en")
    jobs.run_pending()
    assert stored_translation(thread.posts[0].id, "es").body.count("LITERAL") == 1
    hostile_text = "a" * 100_000 + "(" + "a" * 119 + "b"
    start = time.perf_counter()
    forum_glossary().apply([hostile_text], "en", "es")
    assert time.perf_counter() - start < 2


def test_an_oversized_or_control_character_term_is_refused_by_the_api(client, moderator):
    api = Api(client, create_token(moderator, "mod")[1])
    before = db_state()
    for term in ("a" * 121, "dash\x00board", "dash\u202eboard", "dash\nboard"):
        response = api.post("/glossary", json={**PREFER, "term": term})
        assert response.status_code == 422, term
    assert api.post("/glossary", data="not json").status_code == 415
    assert db_state() == before


@pytest.mark.csrf
@pytest.mark.parametrize("forged", [None, "forged"])
def test_glossary_forms_refuse_a_missing_or_forged_csrf_token(client, moderator, password, entry, forged):
    response = client.post("/login", data={"email": moderator.email, "password": password,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    extra = {} if forged is None else {"csrf_token": forged}
    before = db_state()
    for url, data in [("/glossary", {**PREFER, "term": "open data"}),
                      (f"/glossary/{entry.id}/edit", {**PREFER, "translation": "salpicadero"}),
                      (f"/glossary/{entry.id}/delete", {})]:
        assert client.post(url, data={**data, **extra}).status_code == 400, url
    assert db_state() == before
    assert db.session.get(GlossaryTerm, entry.id) is not None


def test_the_search_takes_wildcards_literally_and_control_characters_harmlessly(client, auth, hostile, entry):
    auth.login(hostile)
    assert client.get("/glossary?q=dash%00board").status_code == 200
    assert "tablero" not in client.get("/glossary?q=%25").get_data(as_text=True)  # "%" is no wildcard
    assert "tablero" not in client.get("/glossary?q=_").get_data(as_text=True)
    api = Api(client, create_token(hostile, "reader")[1])
    assert api.get("/glossary?q=dash%00").status_code == 422
    assert api.get("/glossary?q=%25").get_json()["total"] == 0
    assert api.get("/glossary?q=").get_json()["total"] == 1
