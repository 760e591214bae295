from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField, ValidationError
from wtforms.validators import DataRequired, Email, Length

from ..countries import country_choices, is_country_code
from ..forms_common import choices, lower_strip, no_control_characters, single_line_text, strip
from ..i18n import AUTONYMS, ROLE_NAMES

def known_country(_form, field) -> None:
    if not is_country_code(field.data):
        raise ValidationError(_l("Please choose a country from the list."))


def role_choices():
    return choices(ROLE_NAMES.items())


class CityForm(FlaskForm):
    name = StringField(_l("City"), filters=[strip],
                       validators=[DataRequired(_l("Please enter the city's name.")),
                                   Length(max=120, message=_l("At most %(max)d characters.", max=120)),
                                   no_control_characters, single_line_text])
    # Codes stored, names shown in the administrator's language (forum/countries.py).
    # A blank first choice: a city whose country is unknown ("ZZ") must not get the first country of the
    # list by being saved for another change.
    country = SelectField(_l("Country"), choices=lambda: choices([("", _l("Choose a country")), *country_choices()]),
                          validate_choice=False,
                          validators=[DataRequired(_l("Please choose the country.")), known_country])
    default_language = SelectField(_l("Default language"), choices=lambda: choices(AUTONYMS.items()))
    submit = SubmitField(_l("Add city"))


class EditCityForm(CityForm):
    submit = SubmitField(_l("Save"))


class InviteForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[lower_strip],
                       validators=[DataRequired(_l("Please enter an email.")),
                                   Email(_l("Please enter a valid email address.")), Length(max=254)])
    city = SelectField(_l("City"), coerce=int,
                       validate_choice=True)
    role = SelectField(_l("Role"), choices=role_choices)
    # Blank: the city's default language (looked up when the email is sent again, too).
    language = SelectField(_l("Language of the invitation email"), default="",
                           choices=lambda: choices([("", _l("The city's default language")), *AUTONYMS.items()]))
    submit = SubmitField(_l("Create invitation"))


class MemberForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)
    status = SelectField(_l("Status"), choices=lambda: choices([("active", _l("Active")), ("suspended", _l("Suspended"))]))
    submit = SubmitField(_l("Save"))


class RevokeInviteForm(FlaskForm):
    submit = SubmitField(_l("Revoke"))


class ResendInviteForm(FlaskForm):
    submit = SubmitField(_l("Send again"))
