"""Interface language: which one a request is served in, and language names."""
from __future__ import annotations

from flask import current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# Shown in the switcher in their own language, so anyone can find theirs.
AUTONYMS = {"en": "English", "es": "Español", "pt": "Português"}

# Used in sentences ("written in Spanish"), so translated into the reader's language.
LANGUAGE_NAMES = {"en": _l("English"), "es": _l("Spanish"), "pt": _l("Portuguese")}


def language_choices() -> list[tuple[str, str]]:
    return [(code, AUTONYMS[code]) for code in current_app.config["LANGUAGES"]]


def select_locale() -> str:
    """?lang= (remembered in the session), then the member's preference, then Accept-Language, then English."""
    languages = current_app.config["LANGUAGES"]
    requested = request.args.get("lang")
    api_user = g.get("api_user")  # the API knows its caller by token, and keeps no session
    if requested in languages:
        if api_user is None:
            session["lang"] = requested
        return requested
    if api_user is not None:
        if api_user.language in languages:
            return api_user.language
    else:
        remembered = session.get("lang")
        if remembered in languages:
            return remembered
        if current_user and current_user.is_authenticated and current_user.language in languages:
            return current_user.language
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]

ROLE_NAMES = {"member": _l("Member"), "moderator": _l("Moderator"), "admin": _l("Administrator")}

JOB_STATUS_NAMES = {"pending": _l("Pending"), "running": _l("Running"), "done": _l("Done"), "failed": _l("Failed"),
                    "superseded": _l("Superseded")}
