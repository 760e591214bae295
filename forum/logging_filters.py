"""Keep secrets out of log lines: credentials in headers, and the tokens that invitation and
password-reset links carry in their path or query, wherever a log line repeats them (the request
line, the path, the query string, the Referer of the next request, the WSGI environ)."""
from __future__ import annotations

import logging
import numbers
import re
from collections import ChainMap
from collections.abc import Mapping

REDACTED = "[redacted]"

# Log lines carry what clients send, so every pattern here must stay linear on any input: no nested
# or overlapping quantifiers, and each repeated part starts only after a delimiter (a lookbehind), so
# that a long run is not rescanned from each of its positions.

# A character as written or percent-encoded up to three times (%69, %2569, %252569 are all "i"):
# /%69nvite/<token> and /invite%2F<token> reach the invitation page, and ?next= may encode it again.
_LEVELS = "(?:25){0,2}"


def _spelled(word: str) -> str:
    return "".join(f"(?:{re.escape(c)}|%{_LEVELS}(?:{ord(c.lower()):02X}|{ord(c.upper()):02X}))" for c in word)


# The token after /invite/, /reset/ or /unsubscribe/ (a signed one: it turns a member's emails off), however spelled: the rest of the path, up to the query or
# fragment or the end of an enclosing parameter (?, #, &, ; or their encodings), a space or a quote.
_SECRET_PATH = re.compile(
    f"({_spelled('/')}(?:{_spelled('invite')}|{_spelled('reset')}|{_spelled('unsubscribe')}){_spelled('/')})"
    f"(?:[^?#&;\\s\"'%]|%(?!{_LEVELS}(?:3F|23|26|3B)))+", re.I)

# The same in an email written to the log (no MAIL_SERVER: forum/mail/transport.py): its parts are
# quoted-printable, whose soft line breaks ("=" at a line's end) may fall anywhere in a long link,
# inside "/reset/" as inside the token. Tokens are URL-safe base64 (secrets.token_urlsafe), so the
# run is those characters (and ".", which an unsubscribe token's signature follows) and soft breaks: two alternatives that cannot both match, read once.
_SOFT_BREAK = "(?:=\\r?\\n)"
_SECRET_PATH_QP = re.compile(
    "(" + "|".join(f"{_SOFT_BREAK}?".join(re.escape(c) for c in word) for word in ("/invite/", "/reset/", "/unsubscribe/")) + ")"
    f"(?:{_SOFT_BREAK}|[A-Za-z0-9_.-])+")

# The value of a query parameter whose name holds a secret's word (token=, reset_token=, api_key=,
# %74oken=). The name is found by a lookahead (atomic: never retried) within a run that starts only
# after a delimiter, so each run is read once. A secret's value runs to the next & ; # space or quote.
_KEYWORD = "|".join(_spelled(word) for word in ("token", "password", "secret", "key"))
_NAME = "[^=&;?#\\s\"']"
_SECRET_QUERY = re.compile(f"((?:^|(?<=[?&;]))(?={_NAME}*?(?:{_KEYWORD})){_NAME}*=)[^&;#\\s\"']*", re.I)
# The same inside an encoded URL (?next=%2Flogin%3Ftoken%3D...): delimiters and "=" are encoded there.
# (?<=[FB6]) first: one cheap test at most positions before the nine lookbehinds.
_ENC_NAME = f"(?:[^=&;?#\\s\"'%]|%(?!{_LEVELS}(?:3D|26|3F|3B|23)))"
_AFTER_ENCODED = "|".join(f"(?<=%{'25' * n}{code})" for n in range(3) for code in ("3F", "26", "3B"))
_SECRET_QUERY_ENCODED = re.compile(
    f"((?<=[FB6])(?:{_AFTER_ENCODED})(?={_ENC_NAME}*?(?:{_KEYWORD})){_ENC_NAME}*%{_LEVELS}3D)"
    f"(?:[^&;#\\s\"'%]|%(?!{_LEVELS}(?:26|3B|23)))*", re.I)

# gunicorn's atoms for headers and environ variables are "{name}i", "{name}o" and "{name}e";
# these names carry credentials whole (Authorization, Cookie, Set-Cookie, HTTP_COOKIE, X-Api-Key...).
_HEADER_ATOM = re.compile(r"\{(.*)\}[ioe]", re.S)
_SECRET_NAME = re.compile(r"authorization|cookie|token|secret|password|api[-_]?key|session", re.I)
# The keys a %-format reads from a mapping ("%(r)s", "%({cookie}i)s"); header names hold no parentheses.
_FORMAT_KEY = re.compile(r"%\(([^()]*)\)")


def redact(text: str) -> str:
    if "=\n" in text or "=\r\n" in text:  # first: the generic pass would stop at a soft break
        text = _SECRET_PATH_QP.sub(lambda m: m.group(1) + REDACTED, text)
    text = _SECRET_PATH.sub(lambda m: m.group(1) + REDACTED, text)
    if "=" in text:
        text = _SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, text)
    if "%" in text:
        text = _SECRET_QUERY_ENCODED.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class _Redacting:
    """An argument that is not text (an exception, a request object): redacted when printed."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __str__(self) -> str:
        return redact(str(self.value))

    def __repr__(self) -> str:
        return redact(repr(self.value))


def _redact_arg(value):
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, (numbers.Number, _Redacting)):
        return value  # sizes and durations, which a format may print with %d
    return _Redacting(value)


def _redact_atom(key, value):
    header = _HEADER_ATOM.fullmatch(key) if isinstance(key, str) else None
    if header and _SECRET_NAME.search(header.group(1)):
        return REDACTED
    return _redact_arg(value)


_FORMATTER = logging.Formatter()


def _redact_mapping(msg, args: Mapping) -> Mapping:
    keys = set(_FORMAT_KEY.findall(msg)) if isinstance(msg, str) else set()
    if not keys:  # printed whole, if at all, by a "%s": a redacted copy
        return {key: _redact_arg(value) for key, value in args.items()}
    # gunicorn's mapping holds every header and environ variable; only those the format names are
    # printed, so only those are read. In front of the original, not instead of it (nor changed:
    # it may be the caller's), so that its own lookup still answers the rest (gunicorn's lowers the
    # case of "{...}" keys and answers "-" for an atom it lacks).
    redacted = {}
    for key in keys:
        try:
            redacted[key] = _redact_atom(key, args[key])
        except KeyError:
            pass  # formatting fails on it as it would have
    return ChainMap(redacted, args)


def _redact_record(record: logging.LogRecord) -> None:
    if record.__dict__.get("_secrets_redacted"):
        return  # the factory and a logger's filter may both see it
    record._secrets_redacted = True
    try:
        msg, args = record.msg, record.args
        if isinstance(args, Mapping):
            record.args = _redact_mapping(msg, args)
        elif args:
            record.args = tuple(_redact_arg(a) for a in args)
        if isinstance(msg, str):
            clean = redact(msg)
            if clean != msg and args and clean.count("%") != msg.count("%"):
                # The secret's value was a placeholder ("?token=%s"): format, then redact the line.
                clean, record.args = redact(record.getMessage()), None
            record.msg = clean
        elif isinstance(msg, BaseException):
            record.msg = _Redacting(msg)
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when it is set, instead of formatting the exception again.
            record.exc_text = redact(_FORMATTER.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
    except Exception:  # never let logging raise into the caller, nor print what could not be redacted
        record.msg, record.args, record.exc_info, record.exc_text, record.stack_info = REDACTED, None, None, None, None


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def _redacting(factory):
    def make_record(*args, **kwargs):
        record = factory(*args, **kwargs)
        _redact_record(record)
        return record

    make_record.redacts_secrets = True
    return make_record


def install() -> None:
    """Every record the process creates (the app's, its child loggers', gunicorn's and werkzeug's,
    with their tracebacks), redacted once when made. Filters on the request loggers as well, in case
    something replaces the record factory later."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "redacts_secrets", False):
        logging.setLogRecordFactory(_redacting(factory))
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "forum"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
