from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import demo_data
from ..extensions import db
from ..models import Category, Post, Role, Thread, User
from ..threads import services
from .users import get_or_create_city

demo_cli = AppGroup("demo", help="Demo data for trying the forum.")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no member yet.")
def seed(if_empty: bool):
    """Add demo cities, members and threads. Running it again adds nothing twice."""
    if if_empty and db.session.execute(db.select(User.id).limit(1)).first():
        click.echo("The database already has members; no demo data added.")
        _print_logins()
        return
    cities = {name: get_or_create_city(name, country, lang) for name, country, lang in demo_data.CITIES}
    users: dict[str, User] = {}
    for email, name, city, role, lang in demo_data.MEMBERS:
        user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, display_name=name, role=Role(role), language=lang, city=cities[city])
            user.set_password(demo_data.DEMO_PASSWORD)
            db.session.add(user)
        users[email] = user
    db.session.commit()

    created = 0
    for spec in demo_data.THREADS:
        if db.session.execute(db.select(Thread.id).filter_by(title=spec["title"])).first():
            continue
        category = db.session.execute(db.select(Category).filter_by(slug=spec["category"])).scalar_one()
        thread = services.create_thread(category, users[spec["author"]], spec["title"], spec["body"],
                                        spec["language"])
        for author, lang, body in spec["replies"]:
            services.add_reply(thread, users[author], body, lang)
        created += 1
    for seed_feature in _feature_seeds():
        seed_feature(users, cities)
    click.echo(f"Demo data ready: {len(cities)} cities, {len(users)} members, {created} new threads.")
    _print_logins()


def _feature_seeds():
    """Each feature's own demo content (each is idempotent), after the members and threads exist."""
    from ..corrections import demo as corrections
    from ..flags import demo as flags
    from ..glossary import demo as glossary
    from ..jobs_board import demo as jobs_board
    from ..library import demo as library
    from ..moderation import demo as moderation
    from ..people import demo as people
    from ..questions import demo as questions

    return [glossary.seed, people.seed, questions.seed, jobs_board.seed, _attach_job_description_file, library.seed,
            moderation.seed, flags.seed, corrections.seed]


def _attach_job_description_file(users, cities) -> None:
    """The first demo job description gets a PDF (the attachments' demo file)."""
    from ..attachments import demo as attachments
    from ..models import JobPosting

    thread = db.session.execute(db.select(Thread).join(JobPosting, JobPosting.thread_id == Thread.id)
                                .order_by(Thread.id).limit(1)).scalar_one_or_none()
    if thread is not None and thread.first_post_id is not None:
        attachments.seed(db.session.get(Post, thread.first_post_id))


def _print_logins() -> None:
    if not db.session.execute(db.select(User.id).filter_by(email=demo_data.MEMBERS[0][0])).first():
        return
    click.echo(f"Demo logins (password for all: {demo_data.DEMO_PASSWORD}):")
    for email, name, city, role, lang in demo_data.MEMBERS:
        click.echo(f"  {email:40} {role:9} {lang}  {name}, {city}")
