"""Job descriptions as structured posts: a thread in the Jobs category with a JobPosting row."""
from flask import Blueprint

bp = Blueprint("jobs_board", __name__)

from . import routes, services  # noqa: E402,F401  (services registers the department field's source)
