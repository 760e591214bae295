"""Forms of the moderators' buttons: each is a POST with a CSRF token."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from ..audit.log import REASON_MAX
from ..extensions import db
from ..forms_common import no_control_characters, strip
from ..models import Category
from ..threads.categories import NAMES


class ModerationForm(FlaskForm):
    """Pin, lock, hide and their undoing: nothing to fill in but the CSRF token."""

    submit = SubmitField(_l("Apply"))


class HideForm(ModerationForm):
    """Hide a post, with an optional reason for the audit log."""

    reason = StringField(_l("Reason (optional)"), filters=[strip],
                         validators=[Optional(), Length(max=REASON_MAX, message=_l("At most %(max)d characters.",
                                                                                   max=REASON_MAX)),
                                     no_control_characters])


def _category_choices() -> list[tuple[str, str]]:
    categories = db.session.execute(db.select(Category).order_by(Category.position)).scalars()
    return [(c.slug, str(NAMES[c.kind])) for c in categories]


class MoveThreadForm(FlaskForm):
    # SelectField refuses any value not among the choices ("Not a valid choice").
    category = SelectField(_l("Move to"), choices=_category_choices)
    submit = SubmitField(_l("Move"))
