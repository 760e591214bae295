"""Job descriptions as structured posts: the form and the API, validation, the list with its filters,
the job box (localized dates and money, the translated department), permissions, hidden descriptions."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from forum import jobs
from forum.extensions import db
from forum.jobs_board import services as job_services
from forum.jobs_board.validation import today
from forum.models import (Category, CategoryKind, EmploymentType, FieldTranslation, JobPosting, Post, PostRevision,
                          Thread, TranslationJob, utcnow)
from forum.tokens import create_token


def future(days: int = 30) -> date:
    return today() + timedelta(days=days)


@pytest.fixture
def mexico(make_city):
    return make_city("Guadalajara", country="MX", language="es")


@pytest.fixture
def brazil(make_city):
    return make_city("Curitiba", country="BR", language="pt")


@pytest.fixture
def author(make_user, mexico):
    return make_user(language="es", name="Lucía Autora", city=mexico)


def form_data(**overrides) -> dict:
    data = {"title": "Jefa de datos abiertos", "city": "", "department": "Secretaría de Innovación",
            "employment_type": "full_time", "salary_min": "45000", "salary_max": "60000",
            "salary_currency": "USD", "closes_on": future().isoformat(),
            "apply_to": "https://empleos.example.org/datos", "body": "Buscamos una persona para **datos**.",
            "language": "es"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def make_job(author, title="Jefa de datos abiertos", department="Secretaría de Innovación", language="es",
             closes_on=None, city=None, kind=EmploymentType.FULL_TIME, **extra):
    fields = job_services.JobFields(city_id=(city or author.city).id, employment_type=kind,
                                    closes_on=closes_on or future(), apply_to=extra.pop("apply_to", "rh@example.org"),
                                    department=department, **extra)
    return job_services.create_job(author, title, "Buscamos una persona con experiencia.", language, fields)


def close(thread, days_ago: int = 3) -> None:
    posting = job_services.posting_for_thread(thread.id)
    posting.closes_on = today() - timedelta(days=days_ago)
    db.session.commit()


def postings() -> list[JobPosting]:
    db.session.expire_all()
    return db.session.execute(db.select(JobPosting).order_by(JobPosting.id)).scalars().all()


def thread_count() -> int:
    return db.session.execute(db.select(db.func.count(Thread.id))).scalar_one()


@pytest.fixture
def api(client):
    def make(user):
        token = create_token(user, "tests")[1]

        class Api:
            def __getattr__(self, method):
                def call(url, **kwargs):
                    return getattr(client, method)(f"/api/v1{url}", headers={"Authorization": f"Bearer {token}"},
                                                   **kwargs)
                return call
        return Api()
    return make


# --- creating through the page ---------------------------------------------------------------

def test_new_thread_in_jobs_opens_the_job_form(client, auth, author):
    auth.login(author)
    jobs_category = db.session.execute(db.select(Category).filter_by(kind=CategoryKind.JOBS)).scalar_one()
    page = client.get(f"/c/{jobs_category.slug}").get_data(as_text=True)
    assert 'href="/jobs/new"' in page
    response = client.get(f"/c/{jobs_category.slug}/new")
    assert response.status_code == 302 and response.headers["Location"].endswith("/jobs/new")
    form = client.get("/jobs/new").get_data(as_text=True)
    assert ("<h1>New job description</h1>" in form or "<h1>Nueva descripción de puesto</h1>" in form) \
        and 'type="date"' in form
    # The author's city is chosen already.
    assert f'<option selected value="{author.city_id}">' in form


def test_create_a_job_through_the_page(client, auth, author, engine):
    auth.login(author)
    response = client.post("/jobs/new", data=form_data(city=str(author.city_id)))
    assert response.status_code == 302
    thread = db.session.execute(db.select(Thread)).scalar_one()
    assert thread.title == "Jefa de datos abiertos" and thread.category.kind == CategoryKind.JOBS
    posting = postings()[0]
    assert (posting.thread_id, posting.city_id, posting.employment_type) == (thread.id, author.city_id,
                                                                          EmploymentType.FULL_TIME)
    assert (posting.salary_min, posting.salary_max, posting.salary_currency) == (45000, 60000, "USD")
    assert posting.department == "Secretaría de Innovación" and posting.closes_on == future()
    # The title and description are translated like posts, the department as a field of the same revision.
    queued = {(j.field, j.target_language, j.revision) for j in db.session.execute(db.select(TranslationJob)).scalars()}
    assert queued == {("body", "en", 1), ("body", "pt", 1), ("department", "en", 1), ("department", "pt", 1)}


def test_today_is_a_valid_closing_date_and_salary_is_optional(client, auth, author):
    auth.login(author)
    response = client.post("/jobs/new", data=form_data(city=str(author.city_id), closes_on=today().isoformat(),
                                                       salary_min="", salary_max="", salary_currency="",
                                                       department="", apply_to="mailto:RH@Example.org"))
    assert response.status_code == 302
    posting = postings()[0]
    assert posting.salary_currency is None and posting.salary_min is None and posting.department is None
    assert posting.apply_to == "RH@example.org"


def test_only_a_minimum_or_only_a_maximum(client, auth, author):
    auth.login(author)
    assert client.post("/jobs/new", data=form_data(city=str(author.city_id), salary_max="")).status_code == 302
    assert client.post("/jobs/new", data=form_data(city=str(author.city_id), salary_min="")).status_code == 302
    assert [(p.salary_min, p.salary_max) for p in postings()] == [(45000, None), (None, 60000)]


BAD_VALUES = [
    ("closes_on", (today() - timedelta(days=1)).isoformat()),
    ("closes_on", "2026-02-30"),
    ("closes_on", (today() + timedelta(days=5000)).isoformat()),
    ("salary_min", "-100"),
    ("salary_min", "45.000"),
    ("salary_min", "²"),
    ("salary_max", "99999999999"),
    ("salary_currency", "XXX"),
    ("employment_type", "volunteer"),
    ("apply_to", "javascript:alert(1)"),
    ("apply_to", "JavaScript:alert(1)//@example.org"),
    ("apply_to", "data:text/html,<script>alert(1)</script>"),
    ("apply_to", "ftp://example.org/job"),
    ("apply_to", "empleos.example.org/job"),
    ("apply_to", "https://example.org/a job"),
    ("apply_to", "https://" + "a" * 500 + ".org"),
    ("apply_to", "not-an-email@"),
    ("apply_to", "rh@@example.org"),
    ("apply_to", ""),
    ("title", ""),
    ("body", ""),
    ("city", "999999"),
    ("department", "x" * 121),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_bad_values_are_refused_on_the_page_and_nothing_is_saved(client, auth, author, name, value):
    auth.login(author)
    data = form_data(**{"city": str(author.city_id), name: value})
    response = client.post("/jobs/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{name}"' in html and 'class="field has-error"' in html
    # The field in error is the one that was bad.
    before_field = html.split(f'id="{name}"')[0]
    assert before_field.rfind('class="field has-error"') > before_field.rfind('class="field"')
    assert thread_count() == 0 and postings() == []


@pytest.mark.parametrize(("fields", "in_error"), [
    ({"salary_min": "70000", "salary_max": "60000"}, "salary_max"),
    ({"salary_currency": ""}, "salary_currency"),
    ({"salary_min": "", "salary_max": ""}, "salary_currency"),
])
def test_salary_range_rules(client, auth, author, fields, in_error):
    auth.login(author)
    response = client.post("/jobs/new", data=form_data(city=str(author.city_id), **fields))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    field_html = html.split(f'id="{in_error}"')[1].split('class="field')[0]
    assert 'role="alert"' in field_html
    assert thread_count() == 0


def test_errors_are_in_the_authors_language(client, auth, author, monkeypatch):
    """The message goes through gettext in the author's language (the es catalog may not have it yet):
    a stand-in catalog marks every string it translates, with the locale it was asked for."""
    import flask_babel

    real = flask_babel.Domain.get_translations

    class Marking:
        def __init__(self, translations):
            self.translations = translations

        def ugettext(self, text):
            return f"<<{flask_babel.get_locale()}:{text}>>"

        gettext = ugettext

        def __getattr__(self, name):
            return getattr(self.translations, name)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", lambda self: Marking(real(self)))
    auth.login(author)  # a Spanish member
    response = client.post("/jobs/new", data=form_data(city=str(author.city_id), apply_to="javascript:alert(1)",
                                                       closes_on="2001-01-01"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and '<html lang="es">' in html
    # (Lazy strings are markup-safe: the interface's own words are not escaped, hence the raw marks.)
    assert "<<es:Only web links (https://…) and e-mail addresses are accepted.>>" in html
    assert "<<es:The closing date cannot be in the past.>>" in html
    assert thread_count() == 0


# --- creating through the API ----------------------------------------------------------------

def api_body(**overrides) -> dict:
    body = {"title": "Analista de movilidad", "body": "Buscamos analista.", "language": "es",
            "employment_type": "contract", "salary_min": 30000, "salary_currency": "MXN",
            "closes_on": future(10).isoformat(), "apply_to": "https://jobs.example.org/42",
            "department": "Movilidad"}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def test_create_a_job_through_the_api(api, author, brazil):
    response = api(author).post("/jobs", json=api_body(city_id=brazil.id))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    job = data["job"]
    assert job["employment_type"] == "contract" and job["city"]["country"] == "BR"
    assert (job["salary_min"], job["salary_max"], job["salary_currency"]) == (30000, None, "MXN")
    assert job["closes_on"] == future(10).isoformat() and job["closed"] is False
    assert job["department"] == "Movilidad" and job["original_department"] == "Movilidad"
    assert postings()[0].city_id == brazil.id
    # The author's city when none is given.
    assert api(author).post("/jobs", json=api_body()).status_code == 201
    assert postings()[1].city_id == author.city_id


@pytest.mark.parametrize(("name", "value"), [
    ("closes_on", (today() - timedelta(days=1)).isoformat()),
    ("closes_on", "31/12/2026"),
    ("salary_min", -5),
    ("salary_min", 10**12),
    ("salary_min", 1.5),
    ("salary_min", "45000"),
    ("salary_currency", "XXX"),
    ("employment_type", "volunteer"),
    ("apply_to", "javascript:alert(1)"),
    ("apply_to", "data:text/html,hi"),
    ("apply_to", "www.example.org"),
    ("apply_to", "https://example.org/a b"),
    ("apply_to", "https://example.org/" + "a" * 490),
    ("apply_to", "someone@"),
    ("city_id", 999999),
    ("department", ""),
    ("title", None),
])
def test_bad_values_get_422_from_the_api(api, author, name, value):
    body = api_body(**{name: value})
    if value is None:
        body.pop(name, None)
    response = api(author).post("/jobs", json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and name in error["fields"]
    assert thread_count() == 0 and postings() == []


def test_api_min_above_max(api, author):
    response = api(author).post("/jobs", json=api_body(salary_min=9, salary_max=3))
    assert response.status_code == 422 and "salary_max" in response.get_json()["error"]["fields"]
    response = api(author).post("/jobs", json=api_body(salary_currency=None))
    assert response.status_code == 422 and "salary_currency" in response.get_json()["error"]["fields"]
    assert thread_count() == 0


def test_api_errors_in_the_readers_language(api, make_user, mexico):
    spanish = make_user(language="es", city=mexico)
    response = api(spanish).post("/jobs?lang=es", json=api_body(closes_on="2001-01-01"))
    assert response.status_code == 422
    # The catalog may not translate it yet, but the message is the gettext'd one for the field.
    assert response.get_json()["error"]["fields"]["closes_on"]


def test_thread_api_has_the_job_or_null(api, author, make_thread):
    thread = make_job(author, salary_min=1000, salary_max=2000, salary_currency="USD")
    plain = make_thread(author)
    job = api(author).get(f"/threads/{thread.id}").get_json()["job"]
    assert job["thread_id"] == thread.id and job["salary_max"] == 2000 and job["apply_url"] == "mailto:rh@example.org"
    assert api(author).get(f"/threads/{plain.id}").get_json()["job"] is None


# --- the list and its filters ----------------------------------------------------------------

def test_list_filters_and_order(client, author, make_user, brazil):
    carioca = make_user(language="pt", city=brazil)
    soon = make_job(author, "Soon", closes_on=future(2))
    later = make_job(author, "Later", closes_on=future(40), kind=EmploymentType.INTERNSHIP)
    brazilian = make_job(carioca, "Analista", language="pt", closes_on=future(20), department=None)
    long_closed = make_job(author, "Long closed")
    close(long_closed, days_ago=30)
    just_closed = make_job(author, "Just closed")
    close(just_closed, days_ago=1)

    def titles(query=""):
        html = client.get(f"/jobs{query}").get_data(as_text=True)
        order = [t for t in ("Soon", "Analista", "Later", "Just closed", "Long closed") if f">{t}<" in html]
        return sorted(order, key=lambda t: html.index(f">{t}<"))

    # Open ones first, the soonest closing first; then closed ones, the most recently closed first.
    assert titles() == ["Soon", "Analista", "Later", "Just closed", "Long closed"]
    assert titles("?country=BR") == ["Analista"]
    assert titles("?country=MX&open=true") == ["Soon", "Later"]
    assert titles("?open=false") == ["Just closed", "Long closed"]
    assert titles(f"?city={brazil.id}") == ["Analista"]
    assert titles("?type=internship") == ["Later"]
    html = client.get("/jobs").get_data(as_text=True)
    assert html.count('class="badge badge-closed"') == 2
    del soon, later, brazilian


@pytest.mark.parametrize("query", ["?country=QQ", "?country=%00", "?city=abc", "?city=99999999999999999999",
                                   "?type=volunteer", "?open=maybe", "?page=-1", "?page=abc", "?city[]=1"])
def test_bad_filters_are_shown_and_ignored(client, author, query):
    make_job(author)
    response = client.get(f"/jobs{query}")
    assert response.status_code == 200
    assert ">Jefa de datos abiertos<" in response.get_data(as_text=True)


def test_pagination_keeps_the_filters(app, client, author):
    app.config["THREADS_PER_PAGE"] = 2
    for n in range(5):
        make_job(author, f"Job {n}", closes_on=future(n + 1))
    html = client.get("/jobs?country=MX&open=true").get_data(as_text=True)
    assert "page=2" in html and "country=MX" in html.split('rel="next"')[1].split(">")[0]
    assert "open=true" in html.split('rel="next"')[1].split(">")[0]
    second = client.get("/jobs?country=MX&open=true&page=2").get_data(as_text=True)
    assert ">Job 2<" in second and ">Job 0<" not in second


def test_api_list_filters_and_validation(api, author, make_user, brazil):
    carioca = make_user(language="pt", city=brazil)
    make_job(author, "Soon", closes_on=future(2))
    make_job(carioca, "Analista", language="pt", closes_on=future(20))
    closed = make_job(author, "Closed one")
    close(closed)
    client = api(author)
    data = client.get("/jobs").get_json()
    assert [j["original_title"] for j in data["jobs"]] == ["Soon", "Analista", "Closed one"]
    assert [j["closed"] for j in data["jobs"]] == [False, False, True]
    assert [j["original_title"] for j in client.get("/jobs?country=BR").get_json()["jobs"]] == ["Analista"]
    assert [j["original_title"] for j in client.get("/jobs?open=false").get_json()["jobs"]] == ["Closed one"]
    assert client.get("/jobs?open=true&type=full_time&country=MX").get_json()["total"] == 1
    assert client.get(f"/jobs?city={brazil.id}").get_json()["total"] == 1
    for bad in ("country=mx", "type=x", "open=1", "city=abc", "page=0"):
        response = client.get(f"/jobs?{bad}")
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["fields"]


def test_hidden_or_deleted_descriptions_disappear_for_members(client, api, auth, author, make_user):
    from forum.threads import services

    moderator = make_user(role="moderator")
    hidden = make_job(author, "Hidden job")
    deleted = make_job(author, "Deleted job")
    make_job(author, "Visible job")
    db.session.get(Post, hidden.first_post_id).hidden_at = utcnow()
    db.session.commit()
    services.delete_post(db.session.get(Post, deleted.first_post_id))
    html = client.get("/jobs").get_data(as_text=True)
    assert ">Visible job<" in html and "Hidden job" not in html and "Deleted job" not in html
    listed = [j["original_title"] for j in api(author).get("/jobs").get_json()["jobs"]]
    assert listed == ["Visible job"]
    assert api(author).get(f"/threads/{hidden.id}").status_code == 404  # a hidden first post hides the thread
    # Moderators see the hidden one, marked; the deleted one is gone for everyone.
    auth.login(moderator)
    html = client.get("/jobs").get_data(as_text=True)
    assert "Hidden job" in html and "Hidden by a moderator" in html and "Deleted job" not in html


# --- the job box, localized ------------------------------------------------------------------

def test_job_box_localized(client, author):
    thread = make_job(author, closes_on=future(), salary_min=45000, salary_max=60000, salary_currency="USD",
                      apply_to="https://empleos.example.org/x")
    closing = future()
    from babel.dates import format_date
    from babel.numbers import format_decimal

    es = client.get(f"/t/{thread.id}?lang=es").get_data(as_text=True)
    assert format_date(closing, "medium", locale="es") in es          # e.g. "31 dic 2026"
    assert f"{format_decimal(45000, locale='es')}\xa0US$" in es        # "45.000 US$"
    assert "México" in es  # the country in the reader's language (Babel)
    assert 'href="https://empleos.example.org/x" rel="nofollow noopener"' in es
    en = client.get(f"/t/{thread.id}?lang=en").get_data(as_text=True)
    assert format_date(closing, "medium", locale="en") in en and "$45,000 – $60,000" in en
    assert "Mexico" in en and "badge-closed" not in en
    close(thread)
    assert "badge-closed" in client.get(f"/t/{thread.id}?lang=en").get_data(as_text=True)


def test_email_apply_link(client, author):
    thread = make_job(author, apply_to="rh@example.org")
    html = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert 'href="mailto:rh@example.org" rel="nofollow noopener"' in html


def test_department_translated_labelled_and_retranslated_after_an_edit(client, auth, author, engine):
    thread = make_job(author, department="Secretaría de Innovación")
    jobs.run_pending()
    html = client.get(f"/t/{thread.id}?lang=en").get_data(as_text=True)
    box = html.split('class="job-box')[1].split("</section>")[0]
    assert "[en] Secretaría de Innovación" in box and "Machine-translated from Spanish" in box
    assert "[en] Secretaría de Innovación" in client.get("/jobs?lang=en").get_data(as_text=True)
    api_job = client.get(f"/t/{thread.id}?lang=es").get_data(as_text=True)
    assert "[es]" not in api_job  # the original for Spanish readers

    auth.login(author)
    response = client.post(f"/jobs/{thread.id}/edit", data=form_data(
        city=str(author.city_id), title="Jefa de datos", department="Dirección de Datos", revision="1"))
    assert response.status_code == 302
    post = db.session.get(Post, thread.first_post_id)
    db.session.refresh(post)
    assert post.revision == 2
    assert db.session.execute(db.select(db.func.count(PostRevision.id)).filter_by(post_id=post.id)).scalar_one() == 2
    # Until the new translation is there, the reader sees the original (never the stale translation).
    html = client.get(f"/t/{thread.id}?lang=en").get_data(as_text=True)
    assert "Dirección de Datos" in html and "[en] Secretaría" not in html
    pending = db.session.execute(db.select(TranslationJob).filter_by(field="department", status="pending")).scalars()
    assert {(j.revision, j.target_language) for j in pending} == {(2, "en"), (2, "pt")}
    jobs.run_pending()
    html = client.get(f"/t/{thread.id}?lang=en").get_data(as_text=True)
    assert "[en] Dirección de Datos" in html
    row = db.session.execute(db.select(FieldTranslation).filter_by(post_id=post.id, language="pt")).scalar_one()
    assert row.revision == 2 and row.text == "[pt] Dirección de Datos"


def test_an_edit_of_the_description_alone_retranslates_the_department(client, auth, author, engine):
    thread = make_job(author)
    jobs.run_pending()
    auth.login(author)
    response = client.post(f"/jobs/{thread.id}/edit", data=form_data(
        city=str(author.city_id), body="Otra descripción.", revision="1"))
    assert response.status_code == 302
    queued = db.session.execute(db.select(TranslationJob.revision).filter_by(field="department", status="pending")
                                ).scalars().all()
    assert queued == [2, 2]


# --- editing and permissions -----------------------------------------------------------------

def test_edit_page_shows_the_fields_and_keeps_a_past_closing_date(client, auth, author):
    thread = make_job(author, salary_min=100, salary_currency="CLP")
    close(thread)
    auth.login(author)
    page = client.get(f"/jobs/{thread.id}/edit").get_data(as_text=True)
    assert 'value="Secretaría de Innovación"' in page and '<option selected value="CLP">' in page
    # The first post's edit link leads to the job's edit page.
    response = client.get(f"/p/{thread.first_post_id}/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/jobs/{thread.id}/edit")
    past = (today() - timedelta(days=3)).isoformat()
    response = client.post(f"/jobs/{thread.id}/edit", data=form_data(city=str(author.city_id), closes_on=past,
                                                                      revision="1", title="Same job, edited"))
    assert response.status_code == 302
    assert postings()[0].closes_on.isoformat() == past
    # A new date in the past is refused.
    older = (today() - timedelta(days=10)).isoformat()
    response = client.post(f"/jobs/{thread.id}/edit", data=form_data(city=str(author.city_id), closes_on=older,
                                                                      revision="2"))
    assert response.status_code == 400 and postings()[0].closes_on.isoformat() == past


def test_edit_conflict_is_detected(client, auth, author):
    thread = make_job(author)
    auth.login(author)
    assert client.post(f"/jobs/{thread.id}/edit", data=form_data(city=str(author.city_id), revision="1",
                                                                 department="A")).status_code == 302
    response = client.post(f"/jobs/{thread.id}/edit", data=form_data(city=str(author.city_id), revision="1",
                                                                     department="B"))
    assert response.status_code == 409 and postings()[0].department == "A"


def test_members_cannot_edit_others_jobs(client, auth, author, make_user):
    thread = make_job(author)
    other = make_user(language="en")
    before = (postings()[0].department, postings()[0].salary_min)
    auth.login(other)
    assert client.get(f"/jobs/{thread.id}/edit").status_code == 403
    response = client.post(f"/jobs/{thread.id}/edit", data=form_data(city=str(other.city_id), department="Hacked",
                                                                     revision="1"))
    assert response.status_code == 403
    assert (postings()[0].department, postings()[0].salary_min) == before
    post = db.session.get(Post, thread.first_post_id)
    db.session.refresh(post)
    assert post.revision == 1
    assert client.get("/jobs/999999/edit").status_code == 404


def test_members_cannot_edit_others_jobs_through_the_api(api, author, make_user):
    thread = make_job(author)
    other = make_user()
    response = api(other).patch(f"/posts/{thread.first_post_id}", json={"body": "Hacked"})
    assert response.status_code == 403
    assert db.session.get(Post, thread.first_post_id).body == "Buscamos una persona con experiencia."


def test_moderators_may_edit_a_job(client, auth, author, make_user):
    thread = make_job(author)
    moderator = make_user(role="moderator")
    auth.login(moderator)
    response = client.post(f"/jobs/{thread.id}/edit", data=form_data(city=str(author.city_id), revision="1",
                                                                      department="Corrected"))
    assert response.status_code == 302 and postings()[0].department == "Corrected"
    revision = db.session.execute(db.select(PostRevision).filter_by(revision=2)).scalar_one()
    assert revision.editor_id == moderator.id


def test_anonymous_visitors_cannot_post(client, author):
    assert client.post("/jobs/new", data=form_data(city=str(author.city_id))).status_code == 302
    assert thread_count() == 0


# --- demo ----------------------------------------------------------------------------------

def test_demo_seed_is_idempotent(app, author, make_user, brazil, engine):
    from forum.jobs_board.demo import DEMO_THREADS, seed

    carioca = make_user(language="pt", city=brazil)
    jobs_category = job_services.jobs_category()
    from forum.threads import services

    services.create_thread(jobs_category, carioca, next(iter(DEMO_THREADS)), "We are hiring.", "en")
    users = {author.email: author, carioca.email: carioca}
    cities = {author.city.name: author.city, brazil.name: brazil}
    seed(users, cities)
    seed(users, cities)
    rows = postings()
    assert len(rows) == 3
    assert sorted(p.closes_on < today() for p in rows) == [False, False, True]
    assert {p.thread.language for p in rows} == {"es", "pt", "en"}
    jobs.run_pending()
    assert db.session.execute(db.select(db.func.count(FieldTranslation.id))).scalar_one() == 6


def test_an_api_edit_of_the_description_retranslates_the_department(api, author, engine):
    thread = make_job(author)
    jobs.run_pending()
    response = api(author).patch(f"/posts/{thread.first_post_id}", json={"body": "Nueva descripción.", "revision": 1})
    assert response.status_code == 200
    queued = db.session.execute(db.select(TranslationJob.revision).filter_by(field="department", status="pending")
                                ).scalars().all()
    assert queued == [2, 2]
    assert postings()[0].department == "Secretaría de Innovación"


def test_the_plain_edit_form_cannot_bypass_the_job_rules(client, auth, author, make_user):
    thread = make_job(author)
    other = make_user()
    auth.login(other)
    response = client.post(f"/p/{thread.first_post_id}/edit", data={"body": "Hacked", "title": "Hacked",
                                                                     "language": "en", "revision": "1"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    post = db.session.get(Post, thread.first_post_id)
    db.session.refresh(post)
    assert post.revision == 1 and post.body == "Buscamos una persona con experiencia."


def test_the_job_box_is_only_on_the_first_page(app, client, author):
    app.config["POSTS_PER_PAGE"] = 1
    from forum.threads import services

    thread = make_job(author)
    services.add_reply(thread, author, "Una pregunta.", "es")
    assert 'class="job-box' in client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert 'class="job-box' not in client.get(f"/t/{thread.id}?page=2").get_data(as_text=True)


def test_api_list_in_the_readers_language(api, author, engine):
    make_job(author, "Jefa de datos", department="Innovación")
    jobs.run_pending()
    job = api(author).get("/jobs?lang=en").get_json()["jobs"][0]
    assert (job["title"], job["title_language"], job["original_title"], job["original_language"]) == \
        ("[en] Jefa de datos", "en", "Jefa de datos", "es")
    assert (job["department"], job["department_language"], job["original_department"]) == \
        ("[en] Innovación", "en", "Innovación")
    job = api(author).get("/jobs?lang=es").get_json()["jobs"][0]
    assert (job["title"], job["department"], job["department_language"]) == ("Jefa de datos", "Innovación", "es")
