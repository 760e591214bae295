"""Keep secrets out of log lines: invitation links carry their token in the path."""
from __future__ import annotations

import logging
import re

_INVITE = re.compile(r"(/invite/)[A-Za-z0-9_\-]+")


def redact(text: str) -> str:
    return _INVITE.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        return True


def install() -> None:
    """Request logs of the development server (werkzeug) and of gunicorn, and the app's own."""
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "forum"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
