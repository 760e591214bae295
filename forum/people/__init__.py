"""Member profiles, city pages and the city directory."""
from flask import Blueprint

bp = Blueprint("people", __name__)

from . import routes  # noqa: E402,F401
