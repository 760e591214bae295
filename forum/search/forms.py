"""The search form: words and filters, read from the query string (a GET form: no CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..countries import country_name
from ..extensions import db
from ..forms_common import choices, no_control_characters, strip
from ..i18n import LANGUAGE_NAMES
from ..models import Category, City
from .query import MAX_QUERY_CHARS


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a search changes nothing; its URL is shared and bookmarked

    q = StringField(_l("Words to find, in any of the three languages"), filters=[strip],
                    validators=[Length(max=MAX_QUERY_CHARS, message=_l(
                        "A search can have at most %(max)d characters.", max=MAX_QUERY_CHARS)),
                        no_control_characters],
                    description=_l('"A phrase" in quotes; -word leaves out posts with that word.'),
                    render_kw={"type": "search", "maxlength": MAX_QUERY_CHARS})
    category = SelectField(_l("Category"), validators=[Optional()], validate_choice=True)
    country = SelectField(_l("Country"), validators=[Optional()], validate_choice=True)
    city = SelectField(_l("City"), validators=[Optional()], validate_choice=True)
    written_in = SelectField(_l("Written in"), validators=[Optional()], validate_choice=True)
    answered = SelectField(_l("Questions"), validators=[Optional()], validate_choice=True, choices=lambda: choices([
        ("", _l("All")), ("yes", _l("Answered")), ("no", _l("Not answered yet"))]))
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])

    def __init__(self, *args, category_names=None, **kwargs):
        super().__init__(*args, **kwargs)
        categories = db.session.execute(db.select(Category).order_by(Category.position)).scalars().all()
        self.category.choices = choices([("", _l("All"))] + [
            (c.slug, category_names(c) if category_names else c.slug) for c in categories])
        cities = db.session.execute(db.select(City).order_by(City.name)).scalars().all()
        self.city.choices = choices([("", _l("All"))] + [(str(c.id), c.name) for c in cities])
        countries = sorted({c.country for c in cities})
        self.country.choices = choices([("", _l("All"))] + [(code, country_name(code)) for code in countries])
        self.written_in.choices = choices([("", _l("Any language"))] + list(LANGUAGE_NAMES.items()))

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date comes before the start date."))

    @property
    def has_filters(self) -> bool:
        return any(f.data for f in (self.category, self.country, self.city, self.written_in, self.answered,
                                    self.since, self.until))
