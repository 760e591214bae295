"""Demo content for moderation: the welcome thread pinned, one thread locked. Idempotent."""
from __future__ import annotations

from ..extensions import db
from ..models import City, Thread, User
from . import services

PINNED_TITLE = "Welcome to the network forum"
LOCKED_TITLE = "Job description: Senior Data Analyst, Office of Performance"


def _thread(title: str) -> Thread | None:
    return db.session.execute(db.select(Thread).filter_by(title=title).order_by(Thread.id)).scalars().first()


def seed(users: dict[str, User], cities: dict[str, City]) -> None:
    """Run after the demo threads exist; a thread already pinned or locked keeps its time."""
    welcome = _thread(PINNED_TITLE)
    if welcome is not None and welcome.pinned_at is None:
        services.set_pinned(welcome, True)
    closed = _thread(LOCKED_TITLE)
    if closed is not None and closed.locked_at is None:
        services.set_locked(closed, True)
