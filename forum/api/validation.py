"""Strict JSON input: known fields only, right types, sane lengths. Nothing is assigned blindly."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from flask import request
from flask_babel import lazy_gettext as _l

from ..forms_common import BIDI_CONTROL_FOUND, NO_LETTER_OR_NUMBER, NOT_SINGLE_LINE
from ..text import (BIDI_CONTROLS, DISALLOWED_CHARACTERS, ascii_int, clean_text, has_letter_or_number,
                    is_single_line_text)
from .errors import ApiError


@dataclass(frozen=True)
class Field:
    required: bool = True
    max_length: int | None = None
    choices: tuple[str, ...] | None = None
    kind: type = str
    # One visible line (no line breaks, invisible or direction-changing characters), as the pages'
    # titles and names. None: decided by the name, for every API "title" is a thread's title.
    single_line_text: bool | None = None


SINGLE_LINE_FIELDS = frozenset({"title"})

# The JSON parser recurses once per nested array or object and has no limit of its own: 1,000 levels
# raise RecursionError (a 500). Every body here is one flat object.
MAX_JSON_DEPTH = 32
# A JSON string (an unterminated one runs to the end): the brackets inside it are text. Possessive and
# atomic, so it never backtracks: linear on any input.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"?', re.S)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_nesting_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text `raw` opens more than `limit` arrays/objects inside each other, found in
    one pass over it without parsing. Undecodable text is left to the parser to refuse."""
    try:
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")  # as json.loads reads bytes
    except (UnicodeDecodeError, LookupError):
        return False
    depth = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


def json_object(known) -> tuple[dict, dict]:
    """The request's JSON object and a problem for each field not in `known`."""
    if not request.mimetype == "application/json":
        raise ApiError(415)
    if json_nesting_exceeds(request.get_data(cache=True)):
        raise ApiError(400, _l("The JSON is nested too deeply (at most %(max)d levels).", max=MAX_JSON_DEPTH))
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, _l("The body is not valid JSON."))
    if not isinstance(data, dict):
        raise ApiError(422, _l("The body must be a JSON object."))
    return data, {name: _l("Unknown field.") for name in data if name not in known}


def json_body(fields: dict[str, Field]) -> dict:
    data, problems = json_object(fields)
    clean = {}
    for name, spec in fields.items():
        if name not in data or data[name] is None:
            if spec.required:
                problems[name] = _l("This field is required.")
            continue
        value = data[name]
        if spec.kind is bool:
            if not isinstance(value, bool):
                problems[name] = _l("Must be true or false.")
                continue
        elif spec.kind is int:
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
            if spec.max_length and len(data[name]) > spec.max_length:  # as sent, as the OpenAPI maxLength
                problems[name] = _l("At most %(max)d characters.", max=spec.max_length)
                continue
            if DISALLOWED_CHARACTERS.search(value):
                problems[name] = _l("This text contains characters that are not allowed.")
                continue
            single_line = spec.single_line_text if spec.single_line_text is not None else name in SINGLE_LINE_FIELDS
            if single_line and not is_single_line_text(value):
                problems[name] = NOT_SINGLE_LINE
                continue
            if single_line and not has_letter_or_number(value):  # the pages' rule, same message
                problems[name] = NO_LETTER_OR_NUMBER
                continue
            if BIDI_CONTROLS.search(value):
                problems[name] = BIDI_CONTROL_FOUND
                continue
            if spec.choices and data[name] not in spec.choices:  # exactly, as the OpenAPI enum
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
    value = ascii_int(raw)
    if value is None or not 0 < value <= maximum:
        raise ApiError(422, fields={name: _l("Must be a whole number from 1 to %(max)d.", max=maximum)})
    return value


def query_choice(name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise ApiError(422, fields={name: _l("Must be one of: %(choices)s.", choices=", ".join(choices))})
    return raw


def query_text(name: str, max_length: int) -> str:
    raw = request.args.get(name) or ""
    if len(raw) > max_length:  # as sent, as the OpenAPI maxLength
        raise ApiError(422, fields={name: _l("At most %(max)d characters.", max=max_length)})
    raw = raw.strip()
    if not raw:
        raise ApiError(422, fields={name: _l("This field is required.")})
    if DISALLOWED_CHARACTERS.search(raw):
        raise ApiError(422, fields={name: _l("This text contains characters that are not allowed.")})
    return raw
