"""What user text may contain, and how it is stored: one rule for pages and the API."""
from __future__ import annotations

import re

# NUL and other C0 controls (tab, newline and carriage return excepted) have no place in
# text, PostgreSQL refuses NUL outright, and lone surrogates (which Python's JSON decoder lets
# through as "\ud800") cannot be stored as UTF-8.
DISALLOWED_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Browsers send textarea line breaks as CRLF; store LF like every other writer does, so
    revisions and the translation memory compare equal texts as equal. Outer spaces go."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()
