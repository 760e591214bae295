"""Per-request glue for the HTML pages: template globals and security headers."""
from __future__ import annotations

from flask import Flask, abort, request, url_for
from flask_babel import format_date, format_datetime, get_locale

from .countries import country_name
from .i18n import AUTONYMS, JOB_STATUS_NAMES, LANGUAGE_NAMES, ROLE_NAMES

# No inline script anywhere; styles come from our own stylesheet only; images from this site only (a
# remote image reports its readers to its host; posts show those as links, and the CSP also covers
# rows rendered before that rule), data: for the empty favicon.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def url_with_lang(code: str) -> str:
    """The current page in another interface language."""
    args = dict(request.view_args or {})
    args.update({k: v for k, v in request.args.items() if k != "lang"})
    args["lang"] = code
    endpoint = request.endpoint or "threads.index"
    try:
        return url_for(endpoint, **args)
    except Exception:  # e.g. an error page with no endpoint of its own
        return url_for("threads.index", lang=code)


SECRET_URL_ENDPOINTS = frozenset({"auth.accept_invite", "auth.reset_password", "mail.unsubscribe"})


def register_web_hooks(app: Flask) -> None:
    from .access import register_access_rule

    register_access_rule(app)  # members-only reading unless FORUM_PUBLIC_READ

    @app.before_request
    def pages_take_forms_only():
        # Flask-WTF would read a JSON body as form data (any shape, any depth, past the API's
        # checks); pages are forms, and JSON belongs to /api/.
        if request.is_json and request.method not in ("GET", "HEAD", "OPTIONS") \
                and not request.path.startswith("/api/"):
            abort(415)

    @app.context_processor
    def template_globals() -> dict:
        return {
            "current_locale": str(get_locale() or "en"),
            "autonyms": AUTONYMS,
            "language_names": LANGUAGE_NAMES,
            "url_with_lang": url_with_lang,
            "role_names": ROLE_NAMES,
            "country_name": country_name,  # a code shown in the reader's language
            "job_status_names": JOB_STATUS_NAMES,
            "format_date": format_date,
            "format_datetime": format_datetime,
        }

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # A page whose URL holds a secret (an invitation, a reset, an unsubscribe token) tells no one,
        # not even this site's other pages, where the member came from.
        secret_url = request.endpoint in SECRET_URL_ENDPOINTS
        response.headers.setdefault("Referrer-Policy", "no-referrer" if secret_url else "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Pages differ by interface language and by who is logged in.
        response.headers.add("Vary", "Cookie, Accept-Language")
        return response
