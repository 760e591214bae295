from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField

from ..threads.forms import body_field, title_field


class CorrectionForm(FlaskForm):
    title = title_field()  # removed for posts that are not a thread's first
    body = body_field(_l("Translation"))
    # The post revision the corrector read: an edit meanwhile is noticed, not silently corrected.
    revision = HiddenField()
    submit = SubmitField(_l("Save the corrected translation"))
