"""Validators and filters shared by the forum's forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice, ValidationError

from .extensions import db
from .models import User
from .text import (BIDI_CONTROLS, DISALLOWED_CHARACTERS, clean_text, has_letter_or_number, is_single_line_text,
                   name_keys)


PASSWORD_MIN_LENGTH = 12

# Shared with the API's validation, so pages and JSON say the same thing.
NOT_SINGLE_LINE = _l("Line breaks, invisible characters (such as zero-width spaces) and characters that change the "
                     "writing direction are not allowed here.")
BIDI_CONTROL_FOUND = _l("This text contains characters that change the writing direction of the text after them "
                        "(bidi overrides or isolates). Please remove them.")
NO_LETTER_OR_NUMBER = _l("Use at least one letter or number.")


def strip(value):
    return clean_text(value) if isinstance(value, str) else value


def lower_strip(value):
    return value.strip().lower() if isinstance(value, str) else value


def no_control_characters(_form, field) -> None:
    if isinstance(field.data, str) and DISALLOWED_CHARACTERS.search(field.data):
        raise ValidationError(_l("This text contains characters that are not allowed."))


def single_line_text(_form, field) -> None:
    """Names and titles: one visible line, no invisible or direction-changing characters, and something
    to read in it (a letter or a number, not only accents, symbols or punctuation)."""
    if isinstance(field.data, str) and not is_single_line_text(field.data):
        raise ValidationError(NOT_SINGLE_LINE)
    if isinstance(field.data, str) and field.data and not has_letter_or_number(field.data):
        raise ValidationError(NO_LETTER_OR_NUMBER)


def no_bidi_controls(_form, field) -> None:
    """Post bodies: any script, joiners and direction marks, but no embedding, override or isolate."""
    if isinstance(field.data, str) and BIDI_CONTROLS.search(field.data):
        raise ValidationError(BIDI_CONTROL_FOUND)


class NotAnotherMembersName:
    """A display name no other member's name could be taken for (see forum.text.name_keys).

    Compared with every member at check time; `except_current_user` for a member changing their own
    (the form's `member` when it names one, else the logged-in member)."""

    def __init__(self, except_current_user: bool = False) -> None:
        self.except_current_user = except_current_user

    def __call__(self, _form, field) -> None:
        if not isinstance(field.data, str) or not field.data:
            return
        keys = name_keys(field.data)
        query = db.select(User.display_name)
        # The member the form is for (form.member: the API's token owner), else the one logged in.
        member = getattr(_form, "member", None) or (current_user if current_user.is_authenticated else None)
        if self.except_current_user and member is not None:
            if name_keys(member.display_name) & keys:
                return  # keeping one's own name (say, saving a new language) is not copying anyone
            query = query.where(User.id != member.id)
        if any(name_keys(name) & keys for name in db.session.execute(query).scalars()):
            raise ValidationError(_l("Another member already has this name, or one that looks the same. Please "
                                     "add something that tells you apart, such as your second surname."))


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
