"""Demo content for the glossary: the starter entries (idempotent)."""
from __future__ import annotations

from ..models import City, User
from . import services


def seed(users: dict[str, User], cities: dict[str, City]) -> None:
    services.load_starter()
