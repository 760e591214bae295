"""Validators and filters shared by the forum's forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, ValidationError

from .text import DISALLOWED_CHARACTERS, clean_text


PASSWORD_MIN_LENGTH = 12


def strip(value):
    return clean_text(value) if isinstance(value, str) else value


def lower_strip(value):
    return value.strip().lower() if isinstance(value, str) else value


def no_control_characters(_form, field) -> None:
    if isinstance(field.data, str) and DISALLOWED_CHARACTERS.search(field.data):
        raise ValidationError(_l("This text contains characters that are not allowed."))


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
