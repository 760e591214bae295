"""Profiles, city pages, the city directory, countries as codes shown in the reader's language, and their API."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum import jobs
from forum.countries import UNKNOWN, country_choices, country_code, country_name, is_country_code
from forum.extensions import db
from forum.models import City, Post, User, utcnow
from forum.threads import services
from forum.tokens import create_token


def _page(response) -> str:
    return response.get_data(as_text=True)


def _fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


@pytest.fixture
def monterrey(make_city):
    return make_city("Monterrey", "MX", "es")


@pytest.fixture
def official(make_user, monterrey):
    user = make_user(name="Lucía Garza", language="es", city=monterrey, email="lucia@monterrey.example.org")
    user.position, user.department = "Directora de Agua", "Servicios de Agua"
    db.session.commit()
    return user


# --- countries ---------------------------------------------------------------------------------------

def test_country_names_in_the_three_languages():
    assert [country_name("BR", lang) for lang in ("en", "es", "pt")] == ["Brazil", "Brasil", "Brasil"]
    assert [country_name("DE", lang) for lang in ("en", "es", "pt")] == ["Germany", "Alemania", "Alemanha"]
    assert [country_name("MX", lang) for lang in ("en", "es", "pt")] == ["Mexico", "México", "México"]
    assert country_name("") == "" and country_name("QQ", "en") == "QQ"


@pytest.mark.parametrize("text, code", [
    ("Brasil", "BR"), ("brazil", "BR"), ("BRASIL ", "BR"), ("br", "BR"), ("BR", "BR"),
    ("México", "MX"), ("mexico", "MX"), ("Estados Unidos", "US"), ("USA", "US"), ("EE. UU.", "US"),
    ("United States", "US"), ("Trinidad and Tobago", "TT"), ("Trinidad y Tobago", "TT"), ("Perú", "PE"),
    ("Colômbia", "CO"), ("Canadá", "CA"), ("Saint Lucia", "LC"),
    ("Narnia", None), ("", None), ("ZZ", None), ("EU", None), ("x" * 10_000, None),
])
def test_country_codes_from_what_people_write(text, code):
    assert country_code(text) == code


def test_country_choices_are_countries_sorted_in_the_readers_language():
    codes = [code for code, _name in country_choices("es")]
    assert len(codes) == 249 and UNKNOWN not in codes and "EU" not in codes and "XA" not in codes
    names = [name for _code, name in country_choices("es")]
    assert names.index("Estados Unidos") < names.index("Etiopía")  # "É..." next to "E...", not after "Z"
    assert all(is_country_code(code) for code in codes) and not is_country_code("br")


def test_a_city_shows_its_country_in_the_readers_language(client, auth, make_user, make_thread, monterrey):
    author = make_user(city=monterrey)
    thread = make_thread(author)
    assert "Monterrey, México" in _page(client.get(f"/t/{thread.id}?lang=es"))
    assert "Monterrey, Mexico" in _page(client.get(f"/t/{thread.id}?lang=en"))
    assert str(monterrey) == "Monterrey, Mexico"  # outside a request: English


# --- profiles ----------------------------------------------------------------------------------------

def test_profile_shows_the_members_fields_and_links_but_no_email(client, auth, member, official, make_thread,
                                                                 monterrey):
    thread = make_thread(official, title="¿Cómo reducen las fugas?", language="es")
    auth.login(member)
    page = _page(client.get(f"/u/{official.id}?lang=es"))
    assert "Lucía Garza" in page and "Directora de Agua" in page and "Servicios de Agua" in page
    assert f'href="/cities/{monterrey.id}"' in page and "Monterrey, México" in page
    assert "Miembro" in page or "Member" in page  # the role, in the reader's language
    assert "Español" in page  # the member's language by its name
    assert f'href="/t/{thread.id}"' in page and "¿Cómo reducen las fugas?" in page
    assert official.email not in page and "@" not in page.split("<main", 1)[-1]


def test_author_names_link_to_their_profiles(client, auth, member, official, make_thread):
    thread = make_thread(official)
    services.add_reply(thread, member, "A reply", "en")
    auth.login(member)
    page = _page(client.get(f"/t/{thread.id}"))
    assert f'href="/u/{official.id}"' in page and f'href="/u/{member.id}"' in page
    assert f'href="/cities/{official.city_id}"' in page
    listing = _page(client.get("/c/questions"))
    assert f'href="/u/{official.id}"' in listing and f'href="/cities/{official.city_id}"' in listing
    assert f'href="/u/{official.id}"' in _page(client.get("/"))
    auth.logout()
    # Public reading (the tests' default) shows names, but profiles are for members: no link to them.
    assert f'href="/u/{official.id}"' not in _page(client.get(f"/t/{thread.id}"))


def test_profiles_and_city_pages_are_for_members_even_with_public_read(client, official):
    assert client.get(f"/u/{official.id}").status_code == 302
    assert client.get(f"/cities/{official.city_id}").status_code == 302
    directory = client.get("/cities")  # city names and counts: public when reading is
    assert directory.status_code == 200 and "Monterrey" in _page(directory)
    assert "Lucía" not in _page(directory)


def test_directory_is_for_members_when_reading_is_not_public(app, client, auth, official):
    app.config["FORUM_PUBLIC_READ"] = False
    assert client.get("/cities").status_code == 302
    auth.login(official)
    assert client.get("/cities").status_code == 200


def test_unknown_member_is_404(client, auth, member):
    auth.login(member)
    assert client.get("/u/999999").status_code == 404
    assert client.get("/u/99999999999999").status_code == 404


def test_suspended_members_profile_is_for_moderators_only(client, auth, make_user, official):
    official.suspended = True
    db.session.commit()
    auth.login(make_user())
    assert client.get(f"/u/{official.id}").status_code == 404
    auth.logout()
    auth.login(make_user(role="moderator"))
    page = client.get(f"/u/{official.id}")
    assert page.status_code == 200 and "Suspended" in _page(page)


def test_profile_lists_titles_in_the_readers_language(client, auth, engine, make_user, official, make_thread):
    thread = make_thread(official, title="How do you fix leaks?", language="en")
    reply_thread = make_thread(make_user(), title="Budget templates", language="en")
    services.add_reply(reply_thread, official, "Ours is attached.", "en")
    jobs.run_pending()
    auth.login(make_user(language="pt"))
    page = _page(client.get(f"/u/{official.id}"))
    assert "[pt] How do you fix leaks?" in page and "[pt] Budget templates" in page
    assert f'href="/t/{thread.id}"' in page


def test_hidden_and_deleted_posts_are_absent_from_a_profile(client, auth, make_user, official, make_thread):
    other = make_user()
    shown = make_thread(official, title="Visible thread")
    hidden_thread = make_thread(official, title="Hidden thread title")
    deleted_thread = make_thread(official, title="Deleted thread title")
    host = make_thread(other, title="Host thread")
    kept = services.add_reply(host, official, "kept reply", "en")
    hidden_reply = services.add_reply(host, official, "hidden reply", "en")
    deleted_reply = services.add_reply(host, official, "deleted reply", "en")
    in_hidden = services.add_reply(hidden_thread, official, "reply in a hidden thread", "en")
    now = utcnow()
    for post_id in (hidden_thread.first_post_id, hidden_reply.id):
        db.session.get(Post, post_id).hidden_at = now
    db.session.commit()
    services.delete_post(deleted_reply)
    services.delete_post(db.session.get(Post, deleted_thread.first_post_id))
    auth.login(other)
    page = _page(client.get(f"/u/{official.id}"))
    assert "Visible thread" in page and f'href="/t/{shown.id}"' in page
    assert f'/p/{kept.id}"' in page
    assert "Hidden thread title" not in page and "Deleted thread title" not in page
    for post in (hidden_reply, deleted_reply, in_hidden):
        assert f'/p/{post.id}"' not in page
    api = client.get(f"/api/v1/members/{official.id}",
                     headers={"Authorization": f"Bearer {create_token(other, 't')[1]}"}).get_json()
    assert [t["title"] for t in api["recent_threads"]] == ["Visible thread"]
    assert [p["id"] for p in api["recent_posts"]] == [kept.id]


# --- editing one's own profile -----------------------------------------------------------------------

def _profile_form(user, **changes) -> dict:
    data = {"profile-display_name": user.display_name, "profile-language": user.language,
            "profile-position": user.position or "", "profile-department": user.department or "",
            "profile-submit": "Save"}
    data.update({f"profile-{name}": value for name, value in changes.items()})
    return data


def test_member_edits_own_position_and_department(client, auth, official):
    auth.login(official)
    response = client.post("/profile", data=_profile_form(official, position="  Jefa de Fugas ",
                                                          department="Agua y Drenaje"))
    assert response.status_code == 302
    user = _fresh(User, official.id)
    assert (user.position, user.department) == ("Jefa de Fugas", "Agua y Drenaje")
    assert "Jefa de Fugas" in _page(client.get(f"/u/{official.id}"))
    client.post("/profile", data=_profile_form(user, position="", department="   "))
    user = _fresh(User, official.id)
    assert user.position is None and user.department is None  # blank is "none", not ""


@pytest.mark.parametrize("field, value, message", [
    ("position", "x" * 121, "At most 120 characters."),
    ("department", "Obras\nPúblicas", "Line breaks"),
    ("position", "Jefa\u202e de agua", "Line breaks"),
    ("department", "Agua\u200b", "Line breaks"),
    ("position", "!!! ---", "Use at least one letter or number."),
    ("department", "Agua\x00", "characters that are not allowed"),
])
def test_bad_profile_values_are_refused_and_nothing_changes(client, auth, official, field, value, message):
    official.language = "en"  # the messages in English (the next test reads one in Spanish)
    db.session.commit()
    auth.login(official)
    response = client.post("/profile", data=_profile_form(official, display_name="A New Name", **{field: value}))
    assert response.status_code == 200 and message in _page(response)
    user = _fresh(User, official.id)
    assert (user.display_name, user.position, user.department) == ("Lucía Garza", "Directora de Agua",
                                                                   "Servicios de Agua")


def test_bad_profile_value_message_in_the_members_language(client, auth, official):
    auth.login(official)  # a Spanish-speaking member
    page = _page(client.post("/profile", data=_profile_form(official, position="x" * 121)))
    assert "At most 120 characters." not in page and "120" in page


def test_another_member_cannot_edit_my_profile(client, auth, make_user, official):
    intruder = make_user(name="Intruder")
    auth.login(intruder)
    # There is no route that edits someone else: /u/<id> takes no POST, /profile changes its caller only.
    assert client.post(f"/u/{official.id}", data=_profile_form(official, position="Hacked")).status_code == 405
    client.post("/profile", data={**_profile_form(intruder, position="Hacked"), "user_id": official.id,
                                  "id": official.id})
    mine = _fresh(User, official.id)
    assert (mine.display_name, mine.position, mine.department) == ("Lucía Garza", "Directora de Agua",
                                                                   "Servicios de Agua")
    assert _fresh(User, intruder.id).position == "Hacked"


# --- city pages and the directory --------------------------------------------------------------------

def test_city_page_shows_country_language_members_and_threads(app, client, auth, make_user, make_thread,
                                                              monterrey, official):
    app.config["THREADS_PER_PAGE"] = 2
    away = make_user(name="Away Member", city=monterrey, suspended=True)
    elsewhere = make_user(name="Elsewhere")
    titles = []
    for i in range(3):
        make_thread(official, title=f"Monterrey thread {i}")
        titles.append(f"Monterrey thread {i}")
    hidden = make_thread(official, title="Hidden one")
    db.session.get(Post, hidden.first_post_id).hidden_at = utcnow()
    db.session.commit()
    make_thread(elsewhere, title="Not from Monterrey")
    auth.login(elsewhere)
    page = _page(client.get(f"/cities/{monterrey.id}?lang=es"))
    assert "Monterrey" in page and "México" in page and "Español" in page
    assert f'href="/u/{official.id}"' in page and "Directora de Agua" in page
    assert "Away Member" not in page and official.email not in page
    assert "Not from Monterrey" not in page and "Hidden one" not in page
    assert page.index("Monterrey thread 2") < page.index("Monterrey thread 1")  # newest first
    assert "Monterrey thread 0" not in page
    second = _page(client.get(f"/cities/{monterrey.id}?page=2"))
    assert "Monterrey thread 0" in second and "Monterrey thread 2" not in second
    assert client.get("/cities/424242").status_code == 404
    assert away.suspended


def test_directory_groups_cities_by_country_with_member_counts(client, make_city, make_user, monterrey):
    recife, curitiba = make_city("Recife", "BR", "pt"), make_city("Curitiba", "BR", "pt")
    tucson = make_city("Tucson", "US", "en")
    make_user(city=monterrey), make_user(city=monterrey), make_user(city=monterrey, suspended=True)
    make_user(city=recife)
    en = _page(client.get("/cities?lang=en"))
    # Brazil, Mexico, United States in English...
    assert en.index("Brazil") < en.index("Mexico") < en.index("United States")
    assert en.index("Curitiba") < en.index("Recife")
    es = _page(client.get("/cities?lang=es"))
    assert "Brasil" in es and "México" in es and "Estados Unidos" in es
    assert 'data-members="2"' in _section(en, "MX") and 'data-members="1"' in _section(en, "BR")
    assert 'data-members="0"' in _section(en, "US") and tucson.name in _section(en, "US")
    assert curitiba.name in _section(en, "BR")


def _section(page: str, code: str) -> str:
    return page.split(f'id="country-{code}"', 1)[1].split("</section>", 1)[0]


def test_directory_is_one_query(app, make_city, make_user):
    from forum.people.services import directory

    for i in range(5):
        make_user(city=make_city(f"City {i}", "BR" if i % 2 else "AR"))
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        db.session.expire_all()
        groups = directory("pt")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert len(statements) == 1
    assert [g.name for g in groups] == ["Argentina", "Brasil"]
    assert sum(e.member_count for g in groups for e in g.cities) == 5


# --- the admin's city form ---------------------------------------------------------------------------

def test_admin_sets_an_unknown_country(client, auth, admin, make_city):
    city = make_city("Springfield", UNKNOWN, "en")
    auth.login(admin)
    listing = _page(client.get("/admin/cities"))
    assert "Unknown country" in listing and f'/admin/cities/{city.id}"' in listing
    form = _page(client.get(f"/admin/cities/{city.id}?lang=es"))
    assert '<option value="BR">Brasil</option>' in form
    bad = client.post(f"/admin/cities/{city.id}", data={"name": "Springfield", "country": "Narnia",
                                                        "default_language": "en"})
    assert bad.status_code == 200 and "Elija un país de la lista." in _page(bad)  # ?lang=es above stays
    assert _fresh(City, city.id).country == UNKNOWN
    assert client.post(f"/admin/cities/{city.id}", data={"name": "Springfield", "country": "US",
                                                         "default_language": "en"}).status_code == 302
    assert _fresh(City, city.id).country == "US"


def test_admin_city_edit_refuses_a_duplicate(client, auth, admin, make_city, monterrey):
    other = make_city("Monterey", "US", "en")
    auth.login(admin)
    response = client.post(f"/admin/cities/{other.id}", data={"name": "Monterrey", "country": "MX",
                                                              "default_language": "en"})
    assert "already in the network" in _page(response)
    assert (_fresh(City, other.id).name, _fresh(City, other.id).country) == ("Monterey", "US")


def test_members_cannot_edit_cities(client, auth, make_user, monterrey):
    for role in ("member", "moderator"):
        auth.login(make_user(role=role))
        assert client.post(f"/admin/cities/{monterrey.id}", data={"name": "X", "country": "BR",
                                                                  "default_language": "pt"}).status_code == 403
        auth.logout()
    city = _fresh(City, monterrey.id)
    assert (city.name, city.country, city.default_language) == ("Monterrey", "MX", "es")


# --- CLI ---------------------------------------------------------------------------------------------

def test_cli_takes_a_country_code_or_name(runner, make_city):
    base = ["users", "create", "--password", "a long enough password", "--name"]
    result = runner.invoke(args=[*base, "A", "--email", "a@x.org", "--city", "Recife", "--country", "Brasil"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=[*base, "B", "--email", "b@x.org", "--city", "Recife", "--country", "br"])
    assert result.exit_code == 0, result.output
    cities = db.session.execute(db.select(City)).scalars().all()
    assert [(c.name, c.country) for c in cities] == [("Recife", "BR")]
    bad = runner.invoke(args=[*base, "C", "--email", "c@x.org", "--city", "Lima", "--country", "Narnia"])
    assert bad.exit_code == 2 and "is not a country" in bad.output
    assert db.session.execute(db.select(db.func.count(User.id))).scalar() == 2
    make_city("Recife", "US", "en")
    ambiguous = runner.invoke(args=["invites", "create", "--email", "n@x.org", "--city", "Recife"])
    assert ambiguous.exit_code == 1 and "add --country" in ambiguous.output
    invite = runner.invoke(args=["invites", "create", "--email", "n@x.org", "--city", "Recife",
                                 "--country", "Brazil"])
    assert invite.exit_code == 0 and "/invite/" in invite.output


# --- API ---------------------------------------------------------------------------------------------

@pytest.fixture
def api(client, member):
    headers = {"Authorization": f"Bearer {create_token(member, 'tests')[1]}"}
    return lambda url: client.get(f"/api/v1{url}", headers=headers)


def test_api_member_profile(api, official, make_thread):
    thread = make_thread(official, title="Fugas", language="es")
    response = api(f"/members/{official.id}?lang=es")
    assert response.status_code == 200
    data = response.get_json()
    assert data["display_name"] == "Lucía Garza" and data["position"] == "Directora de Agua"
    assert data["department"] == "Servicios de Agua" and data["role"] == "member" and data["language"] == "es"
    assert data["country"] == "MX" and data["city"] == "Monterrey, México"
    assert data["city_detail"]["country_name"] == "México"
    assert [t["id"] for t in data["recent_threads"]] == [thread.id]
    assert data["recent_threads"][0]["author"]["country"] == "MX"
    assert official.email not in response.get_data(as_text=True)
    assert api("/members/999999").status_code == 404
    assert api(f"/members/{official.id}?lang=fr").status_code == 422


def test_api_hides_suspended_members_from_members(api, official):
    official.suspended = True
    db.session.commit()
    response = api(f"/members/{official.id}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_api_cities(api, make_city, make_user, monterrey, official):
    recife = make_city("Recife", "BR", "pt")
    make_user(city=recife, suspended=True)
    data = api("/cities?lang=pt").get_json()
    by_name = {c["name"]: c for c in data["cities"]}
    assert by_name["Recife"]["country"] == "BR" and by_name["Recife"]["country_name"] == "Brasil"
    assert by_name["Recife"]["member_count"] == 0
    assert by_name["Monterrey"]["member_count"] >= 1 and by_name["Monterrey"]["country_name"] == "México"
    city = api(f"/cities/{monterrey.id}?lang=en").get_json()
    assert city["country_name"] == "Mexico" and city["default_language"] == "es"
    assert official.id in [m["id"] for m in city["members"]]
    assert all("email" not in m for m in city["members"])
    assert api("/cities/999999").status_code == 404


def test_api_author_has_country_and_localized_city(api, official, make_thread):
    thread = make_thread(official)
    author = api(f"/threads/{thread.id}?lang=pt").get_json()["posts"][0]["author"]
    assert author["country"] == "MX" and author["city"] == "Monterrey, México"
    assert author["url"].endswith(f"/api/v1/members/{official.id}") and "email" not in author


# --- demo --------------------------------------------------------------------------------------------

def test_demo_seed_gives_positions_once(runner):
    from forum import demo_data
    from forum.people import demo

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    users = {u.email: u for u in db.session.execute(db.select(User)).scalars()}
    cities = {c.name: c for c in db.session.execute(db.select(City)).scalars()}
    assert {c.country for c in cities.values()} == {"MX", "CO", "BR", "US", "CA"}
    demo.seed(users, cities)
    assert all(users[email].position for email, *_rest in demo_data.MEMBERS)
    users["sam.carter@tucson.example.org"].position = "Chosen by Sam"
    db.session.commit()
    demo.seed(users, cities)
    assert _fresh(User, users["sam.carter@tucson.example.org"].id).position == "Chosen by Sam"


def test_admin_city_form_starts_with_no_country_for_an_unknown_one(client, auth, admin, make_city):
    city = make_city("Gotham", UNKNOWN, "en")
    auth.login(admin)
    form = _page(client.get(f"/admin/cities/{city.id}"))
    select = form.split('name="country"', 1)[1].split("</select>", 1)[0]
    # Nothing selected, so a browser shows (and sends) the first option: the blank one.
    assert select.split("<option", 2)[1].startswith(' value="">Choose a country') and "selected" not in select
    blank = client.post(f"/admin/cities/{city.id}", data={"name": "Gotham City", "country": "",
                                                          "default_language": "en"})
    assert "Please choose the country." in _page(blank)
    assert (_fresh(City, city.id).name, _fresh(City, city.id).country) == ("Gotham", UNKNOWN)
