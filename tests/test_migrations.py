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
