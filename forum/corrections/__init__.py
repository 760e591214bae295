"""Human corrections of machine translations: a moderator, or a member who reads the target language,
rewrites a post's (and a first post's title) translation; stored apart from the machine text."""
from flask import Blueprint

bp = Blueprint("corrections", __name__)

from . import routes  # noqa: E402,F401
