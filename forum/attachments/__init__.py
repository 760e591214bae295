"""Attachments on posts: checked from their bytes, stored under random names, served as downloads."""
from flask import Blueprint

bp = Blueprint("attachments", __name__)

from . import routes  # noqa: E402,F401
