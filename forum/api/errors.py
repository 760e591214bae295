"""API errors: {"error": {"code", "message"}} with the right status, message in the reader's language."""
from __future__ import annotations

from flask import jsonify
from flask_babel import lazy_gettext as _l

CODES = {
    400: ("bad_request", _l("The request could not be understood.")),
    401: ("unauthorized", _l("A valid API token is required: send it as 'Authorization: Bearer <token>'.")),
    403: ("forbidden", _l("You do not have permission to do that.")),
    404: ("not_found", _l("Not found.")),
    405: ("method_not_allowed", _l("That method is not allowed here.")),
    409: ("conflict", _l("The resource changed meanwhile. Reload it and try again.")),
    410: ("gone", _l("This link is no longer valid.")),
    413: ("payload_too_large", _l("What you sent is too large.")),
    415: ("unsupported_media_type", _l("Send JSON with 'Content-Type: application/json'.")),
    422: ("validation_error", _l("Some fields are not valid.")),
    429: ("rate_limited", _l("Too many requests. Please wait a moment and try again.")),
    500: ("server_error", _l("Something went wrong on our side. Nothing was changed; please try again.")),
}


class ApiError(Exception):
    def __init__(self, status: int, message=None, fields: dict | None = None) -> None:
        super().__init__(str(message or CODES[status][1]))
        self.status = status
        self.message = message
        self.fields = fields


def error_response(status: int, message=None, fields: dict | None = None, headers=()):
    """`headers`: what the HTTP error carries besides its body (Allow on a 405, Retry-After)."""
    code, default = CODES.get(status, CODES[400])
    body = {"error": {"code": code, "message": str(message or default)}}
    if fields:
        body["error"]["fields"] = {name: str(text) for name, text in fields.items()}
    response = jsonify(body)
    response.status_code = status
    for name, value in headers:
        if name.lower() != "www-authenticate":  # the API's own challenge below, not werkzeug's
            response.headers.add(name, value)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
