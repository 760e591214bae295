"""The glossary: terms never translated and preferred translations per language pair, managed by
moderators at /glossary and applied to every new translation (see build.py)."""
from flask import Blueprint

from .build import forum_glossary  # noqa: F401  (forum/jobs.py imports it from here)

bp = Blueprint("glossary", __name__)
__all__ = ["bp", "forum_glossary"]

from . import routes  # noqa: E402,F401
