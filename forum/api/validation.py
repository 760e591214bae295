"""Strict JSON input: known fields only, right types, sane lengths. Nothing is assigned blindly."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request
from flask_babel import lazy_gettext as _l

from ..text import DISALLOWED_CHARACTERS, clean_text
from .errors import ApiError


@dataclass(frozen=True)
class Field:
    required: bool = True
    max_length: int | None = None
    choices: tuple[str, ...] | None = None
    kind: type = str


def json_body(fields: dict[str, Field]) -> dict:
    if not request.mimetype == "application/json":
        raise ApiError(415)
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, _l("The body is not valid JSON."))
    if not isinstance(data, dict):
        raise ApiError(422, _l("The body must be a JSON object."))
    problems = {}
    for name in data:
        if name not in fields:
            problems[name] = _l("Unknown field.")
    clean = {}
    for name, spec in fields.items():
        if name not in data or data[name] is None:
            if spec.required:
                problems[name] = _l("This field is required.")
            continue
        value = data[name]
        if spec.kind is int:
            if not isinstance(value, int) or isinstance(value, bool):
                problems[name] = _l("Must be an integer.")
                continue
        elif not isinstance(value, str):
            problems[name] = _l("Must be a string.")
            continue
        else:
            value = clean_text(value)
            if not value:  # sent but blank: never stored (an optional title must not become "")
                problems[name] = _l("This field is required.") if spec.required else _l("This field cannot be empty.")
                continue
            if spec.max_length and len(value) > spec.max_length:
                problems[name] = _l("At most %(max)d characters.", max=spec.max_length)
                continue
            if DISALLOWED_CHARACTERS.search(value):
                problems[name] = _l("This text contains characters that are not allowed.")
                continue
            if spec.choices and value not in spec.choices:
                problems[name] = _l("Must be one of: %(choices)s.", choices=", ".join(spec.choices))
                continue
        clean[name] = value
    if problems:
        raise ApiError(422, fields=problems)
    return clean


def query_int(name: str, default: int, maximum: int = 100_000) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 0 < int(raw) <= maximum:
        raise ApiError(422, fields={name: _l("Must be a whole number from 1 to %(max)d.", max=maximum)})
    return int(raw)


def query_choice(name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise ApiError(422, fields={name: _l("Must be one of: %(choices)s.", choices=", ".join(choices))})
    return raw


def query_text(name: str, max_length: int) -> str:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        raise ApiError(422, fields={name: _l("This field is required.")})
    if len(raw) > max_length:
        raise ApiError(422, fields={name: _l("At most %(max)d characters.", max=max_length)})
    if DISALLOWED_CHARACTERS.search(raw):
        raise ApiError(422, fields={name: _l("This text contains characters that are not allowed.")})
    return raw
