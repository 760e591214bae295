"""The glossary's forms: an entry (add and edit), the search over the list, delete (CSRF only)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from ..forms_common import choices, strip
from ..i18n import LANGUAGE_NAMES
from .services import NOTE_MAX, TERM_MAX

KIND_NAMES = {"keep": _l("Never translate"), "prefer": _l("Preferred translation")}


def _language_choices(blank):
    return choices([("", blank)] + list(LANGUAGE_NAMES.items()))


class TermForm(FlaskForm):
    # Checks beyond lengths live in services.validate, shared with the API.
    kind = SelectField(_l("Kind"), choices=choices(KIND_NAMES.items()))
    source_language = SelectField(_l("From"), choices=_language_choices(_l("Any (never translate)")),
                                  validate_choice=False)
    target_language = SelectField(_l("To"), choices=_language_choices(_l("Any (never translate)")),
                                  validate_choice=False)
    term = StringField(_l("Term"), filters=[strip], validators=[Length(max=TERM_MAX)])
    term_plural = StringField(_l("Plural of the term (optional)"), filters=[strip],
                              validators=[Optional(), Length(max=TERM_MAX)],
                              description=_l("Left empty, the plural is derived by simple rules."))
    translation = StringField(_l("Translation"), filters=[strip], validators=[Optional(), Length(max=TERM_MAX)])
    translation_plural = StringField(_l("Plural of the translation (optional)"), filters=[strip],
                                     validators=[Optional(), Length(max=TERM_MAX)])
    note = StringField(_l("Note (optional)"), filters=[strip], validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Save"))

    def values(self) -> dict:
        return {name: getattr(self, name).data or None for name in
                ("kind", "source_language", "target_language", "term", "term_plural", "translation",
                 "translation_plural", "note")}


class DeleteForm(FlaskForm):
    submit = SubmitField(_l("Delete"))
