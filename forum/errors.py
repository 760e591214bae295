"""Error pages: a clear message in the reader's language, never a stack trace."""
from __future__ import annotations

from flask import Flask, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from .extensions import db

MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    401: _l("Please log in to see this page."),
    403: _l("You do not have permission to do that."),
    404: _l("This page does not exist, or it has been removed."),
    405: _l("That action is not allowed here."),
    410: _l("This link is no longer valid."),
    413: _l("What you sent is too large."),
    415: _l("Please send this form from its page."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Nothing was changed; please try again."),
}


def _page(code: int, message, headers=()):
    if request.path.startswith("/api/"):
        from .api.errors import error_response

        return error_response(code, headers=headers)
    response = make_response(render_template("errors/error.html", code=code, message=message), code)
    response.headers.extend(headers)
    return response


def _http_headers(error: HTTPException) -> list[tuple[str, str]]:
    """The headers werkzeug gives the error besides its own body's type: Allow on a 405 (RFC 9110
    requires it), WWW-Authenticate, Retry-After."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return _page(400, _l("Your form expired or did not come from this site. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if isinstance(error, SecurityError) and not request.path.startswith("/api/"):
            # A Host header outside TRUSTED_HOSTS: no URL can be built for that host, so no page
            # (stylesheet, links) around the message.
            return make_response(str(MESSAGES[400]), 400, {"Content-Type": "text/plain; charset=utf-8"})
        return _page(code, MESSAGES.get(code, MESSAGES[400]), _http_headers(error))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return _page(500, MESSAGES[500])
