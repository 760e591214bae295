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
    assert foreign_keys == {"fk_posts_author_id_users", "fk_posts_thread_id_threads"}
