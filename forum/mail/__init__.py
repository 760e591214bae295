"""Email: the outbox (rows committed with their event, sent by the worker), what each kind of
email says (composers, in the recipient's language), the daily digest and unsubscribing."""
from flask import Blueprint

bp = Blueprint("mail", __name__)

from . import routes  # noqa: E402,F401
