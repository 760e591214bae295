"""The schema comes from Alembic: upgrade from empty works, and the models match it."""
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from forum.extensions import db


def test_upgrade_from_empty_has_no_drift(runner):
    # The app fixture's database was built by `upgrade` from empty.
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_the_four_categories_come_with_the_schema(app):
    slugs = db.session.execute(sa.text("SELECT slug FROM categories ORDER BY position")).scalars().all()
    assert slugs == ["questions", "jobs", "best-practices", "general"]


def test_downgrade_to_empty_and_back(app):
    db.session.remove()
    downgrade(revision="base")
    assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
    upgrade()
    assert {"users", "posts", "post_revisions", "invites"} <= set(sa.inspect(db.engine).get_table_names())


def test_constraint_names_follow_the_convention(app):
    inspector = sa.inspect(db.engine)
    foreign_keys = {fk["name"] for fk in inspector.get_foreign_keys("posts")}
    assert foreign_keys == {"fk_posts_author_id_users", "fk_posts_thread_id_threads",
                            "fk_posts_deleted_by_id_users", "fk_posts_hidden_by_id_users"}


def test_posts_stored_with_remote_images_are_rendered_again(app, member, make_thread):
    """0005: HTML stored before remote images became links no longer embeds them (the API serves it)."""
    from forum.models import Post

    thread = make_thread(member, body="Map: ![plan](https://tracker.example.net/p.png) and ![ok](/static/x.png)")
    post_id = thread.first_post_id
    old_html = '<p>Map: <img src="https://tracker.example.net/p.png" alt="plan"></p>'
    db.session.execute(sa.update(Post).where(Post.id == post_id).values(body_html=old_html))
    db.session.commit()
    db.session.remove()
    downgrade(revision="0004")
    upgrade()
    html = db.session.execute(sa.select(Post.body_html).where(Post.id == post_id)).scalar_one()
    assert "<img" in html and "tracker.example.net/p.png" in html  # the local image stays, the remote is a link
    assert 'src="https://tracker.example.net' not in html


def test_free_text_countries_become_codes(app, capsys):
    """0007: names in en/es/pt (any case, accents or not), short forms and codes become codes; a city
    written twice is merged (its members follow); what matches nothing is "ZZ", listed in a warning."""
    from datetime import datetime

    db.session.remove()
    downgrade(revision="0006")
    cities = sa.table("cities", sa.column("id", sa.Integer), sa.column("name", sa.String),
                      sa.column("country", sa.String), sa.column("default_language", sa.String),
                      sa.column("created_at", sa.DateTime))
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String),
                     sa.column("display_name", sa.String), sa.column("password_hash", sa.String),
                     sa.column("role", sa.String), sa.column("language", sa.String), sa.column("city_id", sa.Integer),
                     sa.column("suspended", sa.Boolean), sa.column("session_version", sa.Integer),
                     sa.column("created_at", sa.DateTime))
    rows = [(1, "Monterrey", "México"), (2, "Monterrey", "mexico"), (3, "Recife", "Brasil"),
            (4, "Tucson", "EE. UU."), (5, "Halifax", "CA"), (6, "Springfield", "Narnia"),
            (7, "Springfield", "Atlantis"), (8, "Lima", "perú"), (9, "Austin", "USA"),
            (10, "Curitiba", "Brazil")]
    now = datetime(2026, 1, 1)
    with db.engine.begin() as conn:
        conn.execute(cities.insert(), [{"id": i, "name": n, "country": c, "default_language": "es",
                                        "created_at": now} for i, n, c in rows])
        conn.execute(users.insert(), [{"id": 1, "email": "a@x.org", "display_name": "A", "password_hash": "x",
                                       "role": "member", "language": "es", "city_id": 2, "suspended": False,
                                       "session_version": 1, "created_at": now}])
        if db.engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT setval('cities_id_seq', 10)"))
    upgrade()
    got = dict(((r.id, (r.name, r.country)) for r in db.session.execute(
        sa.select(cities.c.id, cities.c.name, cities.c.country))))
    assert got == {1: ("Monterrey", "MX"), 3: ("Recife", "BR"), 4: ("Tucson", "US"), 5: ("Halifax", "CA"),
                   6: ("Springfield", "ZZ"), 7: ("Springfield (Atlantis)", "ZZ"), 8: ("Lima", "PE"),
                   9: ("Austin", "US"), 10: ("Curitiba", "BR")}
    assert db.session.execute(sa.select(users.c.city_id)).scalar_one() == 1  # followed the merged city
    out = capsys.readouterr().out
    assert "WARNING" in out and "Springfield, Narnia" in out and "Springfield, Atlantis" in out
    assert "2 into 1" in out and "Recife" not in out
    db.session.remove()
    # Back: English names, one per code.
    downgrade(revision="0006")
    back = dict(db.session.execute(sa.select(cities.c.id, cities.c.country)).all())
    assert back[1] == "Mexico" and back[3] == "Brazil" and back[4] == "United States" and back[6] == "Unknown Region"
    db.session.remove()
    upgrade()
    again = dict(db.session.execute(sa.select(cities.c.id, cities.c.country)).all())
    assert again[1] == "MX" and again[3] == "BR" and again[6] == "ZZ"


def test_country_plan_keeps_codes_and_tells_unknown_cities_apart():
    from importlib import import_module

    plan = import_module("migrations.versions.0007_country_codes").plan
    new, merged, unmatched = plan([(1, "A", "BR"), (2, "A", "Brasil"), (3, "B", "??"), (4, "B", "!!"),
                                   (5, "B", "!!"), (6, "X" * 120, "Nowhere"), (7, "X" * 120, "Elsewhere")])
    assert merged == {2: 1}
    assert new[1] == ("A", "BR") and new[3] == ("B", "ZZ") and new[4] == ("B (!!)", "ZZ")
    assert new[5] == ("B (!!) 2", "ZZ")
    assert len(new[7][0]) <= 120 and new[7] != new[6]
    assert len(unmatched) == 5
