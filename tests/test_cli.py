from forum.extensions import db
from forum.models import City, Invite, Post, Role, Thread, User


def test_users_create_makes_the_first_admin_and_its_city(runner):
    result = runner.invoke(args=["users", "create", "--email", "Admin@Tucson.example.org", "--password",
                                 "a long enough password", "--name", "Admin", "--city", "Tucson",
                                 "--country", "United States", "--role", "admin", "--language", "en"])
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User)).scalar_one()
    assert user.email == "admin@tucson.example.org" and user.role is Role.ADMIN
    assert user.city.name == "Tucson" and user.city.default_language == "en" and user.city.country == "US"
    assert user.check_password("a long enough password")


def test_users_create_reuses_an_existing_city(runner, make_city):
    city = make_city("Recife", "BR", "pt")
    result = runner.invoke(args=["users", "create", "--email", "a@recife.example.org", "--password",
                                 "a long enough password", "--name", "A", "--city", "Recife", "--country", "Brazil"])
    assert result.exit_code == 0
    assert db.session.execute(db.select(db.func.count(City.id))).scalar() == 1
    assert db.session.execute(db.select(User)).scalar_one().city_id == city.id


def test_users_create_refuses_bad_input(runner, member):
    base = ["users", "create", "--name", "A", "--city", "X", "--country", "MX"]
    short = runner.invoke(args=base + ["--email", "new@x.org", "--password", "short"])
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    dup = runner.invoke(args=base + ["--email", member.email, "--password", "a long enough password"])
    assert dup.exit_code == 1 and "already exists" in dup.output
    role = runner.invoke(args=base + ["--email", "n@x.org", "--password", "a long enough password", "--role", "root"])
    assert role.exit_code == 2
    assert db.session.execute(db.select(db.func.count(User.id))).scalar() == 1


def test_invites_create_prints_a_working_link(runner, client, make_city):
    make_city("Halifax", "CA", "en")
    result = runner.invoke(args=["invites", "create", "--email", "priya@halifax.example.org", "--city", "Halifax",
                                 "--role", "moderator"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http://forum.test/invite/")
    invite = db.session.execute(db.select(Invite)).scalar_one()
    assert invite.role is Role.MODERATOR
    assert client.get(link.replace("http://forum.test", "")).status_code == 200


def test_invites_create_for_an_unknown_city_fails_clearly(runner):
    result = runner.invoke(args=["invites", "create", "--email", "a@b.org", "--city", "Atlantis"])
    assert result.exit_code == 1 and "no city named 'Atlantis'" in result.output


def test_demo_seed_is_idempotent_and_covers_the_three_languages(runner):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    counts = [db.session.execute(db.select(db.func.count(m.id))).scalar() for m in (City, User, Thread, Post)]
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0
    assert [db.session.execute(db.select(db.func.count(m.id))).scalar() for m in (City, User, Thread, Post)] == counts
    languages = set(db.session.execute(db.select(Thread.language)).scalars())
    assert languages == {"en", "es", "pt"}
    kinds = {t.category.slug for t in db.session.execute(db.select(Thread)).scalars()}
    assert {"jobs", "best-practices", "questions"} <= kinds
    assert "demo-password-2026" in first.output and "admin@network.example.org" in first.output


def test_demo_seed_if_empty_leaves_a_used_forum_alone(runner, member):
    result = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert result.exit_code == 0
    assert db.session.execute(db.select(db.func.count(Thread.id))).scalar() == 0
