"""Demo content for the moderation queue: two open flags on demo posts (idempotent: a member's flag
of a post is there at most once, by the unique key and by the check below)."""
from __future__ import annotations

from ..extensions import db
from ..models import City, Flag, FlagReason, Post, Thread, User

SENSORS_TITLE = "Alguém usa sensores para monitorar alagamentos em tempo real?"
BUS_TITLE = "Boas práticas: faixas exclusivas de ônibus que funcionaram"

# (thread title, which post: 0 the first, 1 the first reply..., reporter's e-mail, reason, language, note)
FLAGS = [
    (SENSORS_TITLE, 1, "sam.carter@tucson.example.org", FlagReason.TRANSLATION, "en",
     "The English version says \"stream\" where the original means a storm channel."),
    (BUS_TITLE, 0, "andres.rios@medellin.example.org", FlagReason.PERSONAL_DATA, None,
     "The post gives a staff e-mail address; is it meant to be public?"),
]


def _post(title: str, index: int) -> Post | None:
    thread = db.session.execute(db.select(Thread).filter_by(title=title).order_by(Thread.id)).scalars().first()
    if thread is None:
        return None
    posts = db.session.execute(db.select(Post).filter_by(thread_id=thread.id).order_by(Post.id)
                               .offset(index).limit(1)).scalars().all()
    return posts[0] if posts else None


def seed(users: dict[str, User], cities: dict[str, City]) -> None:
    for title, index, email, reason, language, note in FLAGS:
        post, reporter = _post(title, index), users.get(email)
        if post is None or reporter is None or post.author_id == reporter.id:
            continue
        if db.session.execute(db.select(Flag.id).filter_by(post_id=post.id, reporter_id=reporter.id)).first():
            continue
        db.session.add(Flag(post_id=post.id, reporter_id=reporter.id, reason=reason, language=language, note=note))
    db.session.commit()
