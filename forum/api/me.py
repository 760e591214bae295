"""GET/PATCH /api/v1/me: the token owner's own settings.

PATCH takes any of the profile page's fields and checks each one sent with that page's form
(forum/auth/forms.ProfileForm: the same validators, the same messages); the JSON types are the API's
own. Any bad or unknown field: 422 naming each, and nothing is changed.
"""
from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ..auth.forms import ProfileForm
from ..extensions import db
from ..models import User
from ..threads.reading import parse_languages
from . import bp
from .errors import ApiError
from .people import city_json
from .routes import _language
from .validation import json_object

TEXT_FIELDS = ("display_name", "language", "email_frequency")
OPTIONAL_TEXT_FIELDS = ("position", "department")  # null or "" clears them, as a blank line on the page


def me_json(user: User, language: str) -> dict:
    return {"id": user.id, "display_name": user.display_name, "email": user.email, "language": user.language,
            "city": city_json(user.city, language), "role": user.role.value, "position": user.position,
            "department": user.department, "read_languages": parse_languages(user.read_languages),
            "originals_first": bool(user.originals_first), "email_frequency": user.email_frequency.value}


def _form_data(data: dict, problems: dict) -> MultiDict:
    """The sent fields as the profile form would receive them from the page, after the JSON type checks."""
    form = MultiDict()
    for name, value in data.items():
        if name in problems:
            continue
        if name in TEXT_FIELDS or name in OPTIONAL_TEXT_FIELDS:
            if value is None and name in OPTIONAL_TEXT_FIELDS:
                value = ""
            if not isinstance(value, str):
                problems[name] = _l("Must be a string.")
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


@bp.route("/me", methods=["GET", "PATCH"])
def me():
    user = g.api_user
    if request.method == "PATCH":
        data, problems = json_object(ProfileForm.EDITABLE)
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
