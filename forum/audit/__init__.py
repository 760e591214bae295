"""The audit log: every moderation and administration action, who, what, when, why, before/after.

`record` adds an entry to the session of the action it describes, so both commit (or neither).
The log is append-only: no route or API edits or deletes it, and database triggers refuse it.
"""
from flask import Blueprint

bp = Blueprint("audit", __name__)

from .log import record  # noqa: E402,F401
from . import routes  # noqa: E402,F401
