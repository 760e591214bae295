from __future__ import annotations

from babel.numbers import get_currency_name
from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from ..countries import country_name
from ..forms_common import choices, no_control_characters, single_line_text, strip
from ..threads.forms import TITLE_MAX, _body_field, _language_field
from . import validation
from .validation import CURRENCIES, DEPARTMENT_MAX, EMPLOYMENT_TYPE_NAMES, Invalid


def currency_choices():
    locale = get_locale()
    return choices([("", _l("No salary given")),
                    *((code, f"{code} · {get_currency_name(code, locale=locale)}") for code in CURRENCIES)])


def type_choices(blank=None):
    pairs = [(t.value, name) for t, name in EMPLOYMENT_TYPE_NAMES.items()]
    return choices([("", blank), *pairs] if blank else pairs)


def city_label(city) -> str:
    return f"{city.name}, {country_name(city.country)}"


def _check(check):
    """A form validator from one of validation.py's checks (the same rule and message as the API)."""
    def validator(_form, field):
        try:
            field.data = check(field.data)
        except Invalid as error:
            raise ValidationError(error.message) from None
    return validator


class JobForm(FlaskForm):
    title = StringField(
        _l("Position"), filters=[strip],
        validators=[InputRequired(_l("Please enter the position's title.")),
                    Length(max=TITLE_MAX, message=_l("The title can have at most %(max)d characters.", max=TITLE_MAX)),
                    no_control_characters, single_line_text])
    city = SelectField(_l("City"), coerce=int, validate_choice=True)
    department = StringField(
        _l("Department (optional)"), filters=[strip],
        validators=[Optional(), Length(max=DEPARTMENT_MAX, message=_l("At most %(max)d characters.",
                                                                      max=DEPARTMENT_MAX)),
                    no_control_characters, single_line_text],
        description=_l("Translated for readers of the other languages."))
    # Checked by validation.employment_type (the API's rule and words), not by WTForms' choice check.
    employment_type = SelectField(_l("Type of employment"), choices=type_choices, validate_choice=False,
                                  validators=[_check(validation.employment_type)])
    salary_min = StringField(_l("Minimum salary (optional)"), validators=[_check(validation.amount)],
                             render_kw={"inputmode": "numeric"},
                             description=_l("Whole numbers, without separators. Per year unless the description "
                                            "says otherwise."))
    salary_max = StringField(_l("Maximum salary (optional)"), validators=[_check(validation.amount)],
                             render_kw={"inputmode": "numeric"})
    salary_currency = SelectField(_l("Currency"), choices=currency_choices, default="")
    closes_on = DateField(_l("Applications close on"),
                          validators=[InputRequired(_l("Enter the closing date."))])
    apply_to = StringField(_l("How to apply"), filters=[strip],
                           validators=[_check(validation.apply_to)],
                           description=_l("A web link (https://…) or an e-mail address."))
    body = _body_field(_l("Description"))
    language = _language_field()
    revision = HiddenField()  # the description's revision the editor started from (edits only)
    submit = SubmitField(_l("Publish the job description"))

    # An edit may keep a closing date that has passed meanwhile; a new date must not be past.
    previous_closes_on = None

    def validate_closes_on(self, field):
        if field.data is not None:
            _check(lambda value: validation.closes_on(value, self.previous_closes_on))(self, field)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.salary_min.errors or self.salary_max.errors or self.salary_currency.errors:
            return False
        problems = validation.salary(self.salary_min.data, self.salary_max.data, self.salary_currency.data or None)
        for name, message in problems.items():
            getattr(self, name).errors.append(message)
        return valid and not problems


class JobFilterForm(FlaskForm):
    """The list's filters: a GET form (it changes nothing, so it has no CSRF token)."""

    class Meta:
        csrf = False

    country = SelectField(_l("Country"), validate_choice=True)
    city = SelectField(_l("City"), validate_choice=True)
    type = SelectField(_l("Type of employment"), validate_choice=True,
                       choices=lambda: type_choices(_l("Any type")))
    open = SelectField(_l("Status"), validate_choice=True,
                       choices=lambda: choices([("", _l("Open and closed")), ("true", _l("Open")),
                                                ("false", _l("Closed"))]))
    submit = SubmitField(_l("Filter"))
