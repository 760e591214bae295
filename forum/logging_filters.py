"""Keep secrets out of log lines: credentials in headers, and the tokens that invitation and
password-reset links carry in their path or query, wherever a log line repeats them (the request
line, the path, the query string, the Referer of the next request, the WSGI environ)."""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping, MutableMapping

REDACTED = "[redacted]"

# A token in a path segment after /invite/ or /reset/ (also percent-encoded, as in ?next=%2Finvite%2F...),
# and the value of any query parameter named like a secret (token=, reset_token=, password=, api_key=).
# Single quantifiers over disjoint classes: linear on any input.
_SECRET_PATH = re.compile(r"(/(?:invite|reset)/)[^/?#\s\"']+|(%2F(?:invite|reset)%2F)[^&;#\s\"'%]+", re.I)
_SECRET_QUERY = re.compile(r"((?:^|[?&;])[\w.\-]*(?:token|password|secret|key)[\w.\-]*=)[^&;#\s\"']*", re.I)

# gunicorn's atoms for headers and environ variables are "{name}i", "{name}o" and "{name}e";
# these names carry credentials whole (Authorization, Cookie, Set-Cookie, HTTP_COOKIE, X-Api-Key...).
_HEADER_ATOM = re.compile(r"\{(.*)\}[ioe]", re.S)
_SECRET_NAME = re.compile(r"authorization|cookie|token|secret|password|api[-_]?key|session", re.I)


def redact(text: str) -> str:
    text = _SECRET_PATH.sub(lambda m: (m.group(1) or m.group(2)) + REDACTED, text)
    return _SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, text)


def _redact_atom(key, value):
    header = _HEADER_ATOM.fullmatch(key) if isinstance(key, str) else None
    if header and _SECRET_NAME.search(header.group(1)):
        return REDACTED
    if isinstance(value, str):
        return redact(value)
    if header:
        # An environ object (werkzeug's request, say) prints its URL in its repr.
        return redact(str(value))
    return value  # numbers: sizes and durations, which a format may print with %d


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        args = record.args
        if isinstance(args, MutableMapping):
            # gunicorn's access log passes its atoms as one mapping (formatted with %(name)s): it must
            # stay a mapping, of its own class (gunicorn's answers "-" for an atom it lacks). Changed in
            # place: the mapping is made for this one log call.
            for key, value in list(args.items()):
                args[key] = _redact_atom(key, value)
        elif isinstance(args, Mapping):
            record.args = {key: _redact_atom(key, value) for key, value in args.items()}
        elif args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        return True


def install() -> None:
    """Request logs of the development server (werkzeug) and of gunicorn, and the app's own."""
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "forum"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
