from flask import Blueprint

bp = Blueprint("threads", __name__)

from . import routes  # noqa: E402,F401
