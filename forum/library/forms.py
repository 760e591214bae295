from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..forms_common import choices, no_control_characters, single_line_text, strip
from ..i18n import AUTONYMS
from ..models import City
from .reading import city_label
from .services import SUMMARY_MAX
from .topics import TOPIC_NAMES

NO_CITY = ""


def _language_choices():
    return choices([("auto", _l("Detect automatically")), *AUTONYMS.items()])


def _topic_choices():
    return choices((topic.value, name) for topic, name in TOPIC_NAMES.items())


def _city_choices():
    cities = db.session.execute(db.select(City).order_by(City.name, City.country)).scalars()
    return choices([(NO_CITY, _l("No particular city")), *((str(c.id), city_label(c)) for c in cities)])


class LibraryEntryForm(FlaskForm):
    # One line, like a thread title: the same validators, so the same messages.
    summary = StringField(
        _l("Summary"), filters=[strip],
        validators=[DataRequired(_l("Please write a one-line summary.")),
                    Length(max=SUMMARY_MAX,
                           message=_l("The summary can have at most %(max)d characters.", max=SUMMARY_MAX)),
                    no_control_characters, single_line_text],
        description=_l("One line on what worked, with a number if you have one. It is translated for readers "
                       "of the other languages."))
    language = SelectField(_l("Summary written in"), choices=_language_choices, default="auto")
    topic = SelectField(_l("Topic"), choices=_topic_choices)
    city = SelectField(_l("City it is about"), choices=_city_choices, default=NO_CITY)
    submit = SubmitField(_l("Save"))

    def city_id(self) -> int | None:
        """The chosen city (the select only offers existing ones: WTForms refuses any other value)."""
        return int(self.city.data) if self.city.data and self.city.data.isascii() and self.city.data.isdigit() \
            else None


class RemoveEntryForm(FlaskForm):
    submit = SubmitField(_l("Remove from the library"))
