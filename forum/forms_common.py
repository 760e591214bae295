"""Validators and filters shared by the forum's forms."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, ValidationError

# NUL and other C0 controls (tab, newline and carriage return excepted) have no
# place in text; PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

PASSWORD_MIN_LENGTH = 12


def strip(value):
    # Browsers send textarea line breaks as CRLF; store LF like every other writer does,
    # so revisions and the translation memory compare equal texts as equal.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) else value


def lower_strip(value):
    return value.strip().lower() if isinstance(value, str) else value


def no_control_characters(_form, field) -> None:
    if isinstance(field.data, str) and _CONTROL.search(field.data):
        raise ValidationError(_l("This text contains characters that are not allowed."))


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
