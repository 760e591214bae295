"""The flag form: a reason, a note (required for "other"), and which translation for "translation"."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms_common import choices, no_bidi_controls, no_control_characters, strip
from ..i18n import LANGUAGE_NAMES
from ..models import FlagReason
from .services import LANGUAGE_REQUIRED, NOTE_MAX, NOTE_REQUIRED, REASON_NAMES


def _reason_choices():
    return choices([(reason.value, REASON_NAMES[reason]) for reason in FlagReason])


class FlagForm(FlaskForm):
    # RadioField refuses any value not among the choices ("Not a valid choice").
    reason = RadioField(_l("What is wrong with this post?"), choices=_reason_choices,
                        validators=[DataRequired(_l("Please choose a reason."))])
    language = SelectField(_l("Which translation is wrong?"), choices=[], default="",
                           description=_l("Only for a bad translation."))
    note = TextAreaField(_l("Note for the moderators"), filters=[strip],
                         validators=[Length(max=NOTE_MAX, message=_l("At most %(max)d characters.", max=NOTE_MAX)),
                                     no_control_characters, no_bidi_controls],
                         description=_l("Required for “Other”; optional otherwise. Moderators read it."))
    submit = SubmitField(_l("Send to the moderators"))

    def __init__(self, languages: list[str], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The languages other than the post's own; "" when the reason is not a translation.
        self.language.choices = choices([("", _l("(not a translation problem)")),
                                         *((code, LANGUAGE_NAMES[code]) for code in languages)])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.reason.data == FlagReason.OTHER.value and not self.note.data:
            self.note.errors = [*self.note.errors, NOTE_REQUIRED]
            ok = False
        if self.reason.data == FlagReason.TRANSLATION.value and not self.language.data:
            self.language.errors = [*self.language.errors, LANGUAGE_REQUIRED]
            ok = False
        return ok


class ResolveForm(FlaskForm):
    """The queue's buttons: dismiss or hide, with an optional note kept in the audit log."""

    note = TextAreaField(_l("Note (optional, kept in the audit log)"), filters=[strip],
                         validators=[Length(max=NOTE_MAX, message=_l("At most %(max)d characters.", max=NOTE_MAX)),
                                     no_control_characters, no_bidi_controls])
    submit = SubmitField(_l("Apply"))


