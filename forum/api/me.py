"""GET/PATCH /api/v1/me: the token owner's own settings.

PATCH takes any of the profile page's fields and checks each one sent with that page's form
(forum/auth/forms.ProfileForm: the same validators, the same messages); the JSON types are the API's
own. A field sent as null is not given; "" clears the position or the department. Any bad or unknown
field: 422 naming each, and nothing is changed.
"""
from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms.validators import Length

from ..auth.forms import ProfileForm
from ..extensions import db
from ..models import User
from ..threads.reading import parse_languages
from . import bp
from .errors import ApiError
from .people import city_json
from .routes import _language
from .validation import json_object

TEXT_FIELDS = ("display_name", "language", "email_frequency", "position", "department")


def me_json(user: User, language: str) -> dict:
    return {"id": user.id, "display_name": user.display_name, "email": user.email, "language": user.language,
            "city": city_json(user.city, language), "role": user.role.value, "position": user.position,
            "department": user.department, "read_languages": parse_languages(user.read_languages),
            "originals_first": bool(user.originals_first), "email_frequency": user.email_frequency.value}


def _form_data(data: dict, problems: dict) -> MultiDict:
    """The sent fields as the profile form would receive them from the page, after the JSON type checks
    (and the length as sent, as the OpenAPI maxLength: the form measures the text once stripped)."""
    form = MultiDict()
    for name, value in data.items():
        if name in problems:
            continue
        if name in TEXT_FIELDS:
            if not isinstance(value, str):
                problems[name] = _l("Must be a string.")
                continue
            longest = _max_length(name)
            if longest is not None and len(value) > longest:
                problems[name] = _l("At most %(max)d characters.", max=longest)
                continue
            form.add(name, value)
        elif name == "read_languages":
            if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
                problems[name] = _l("Must be a list of language codes.")
                continue
            for code in value:
                form.add(name, code)
        elif name == "originals_first":
            if not isinstance(value, bool):
                problems[name] = _l("Must be true or false.")
                continue
            if value:
                form.add(name, "y")
    return form


def _max_length(name: str) -> int | None:
    """The profile form's own limit for the field (its Length validator)."""
    field = getattr(ProfileForm, name)  # an unbound field: its validators as declared
    lengths = [v.max for v in field.kwargs.get("validators", ()) if isinstance(v, Length) and v.max >= 0]
    return min(lengths, default=None)


@bp.route("/me", methods=["GET", "PATCH"])
def me():
    user = g.api_user
    if request.method == "PATCH":
        data, problems = json_object(ProfileForm.EDITABLE)
        # null is "not given", as everywhere in the API ("" clears an optional line).
        data = {name: value for name, value in data.items() if value is not None}
        form = ProfileForm(formdata=_form_data(data, problems), obj=user, member=user, meta={"csrf": False})
        for name in data:
            if name in problems:
                continue
            field = form[name]
            inline = getattr(form, f"validate_{name}", None)  # as Form.validate runs them
            if not field.validate(form, [inline] if inline else []):
                problems[name] = field.errors[0]
        if problems:
            raise ApiError(422, fields=problems)
        form.save_to(user, names=list(data))
        db.session.commit()
    return jsonify(me_json(user, _language()))
