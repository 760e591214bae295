"""The audit page's filters: a GET form (it changes nothing, so it has no CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional

from ..forms_common import no_control_characters, strip
from .reading import ACTOR_MAX

MAX_ID = 2**31 - 1  # ids are 32-bit in PostgreSQL: a bigger one names nothing


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validate_choice=True)
    actor = StringField(_l("Who (a member's id or name)"), filters=[strip],
                        validators=[Optional(), Length(max=ACTOR_MAX, message=_l("At most %(max)d characters.",
                                                                                  max=ACTOR_MAX)),
                                    no_control_characters])
    target_type = SelectField(_l("Target"), validate_choice=True)
    target_id = IntegerField(_l("Target id"), validators=[
        Optional(), NumberRange(min=1, max=MAX_ID, message=_l("Must be a whole number from 1 to %(max)d.",
                                                             max=MAX_ID))])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))
