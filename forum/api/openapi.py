"""The API's OpenAPI 3.1 description, served at /api/v1/openapi.json.

Kept next to the routes and checked against them by the tests and by schemathesis in CI.
"""
from __future__ import annotations

import functools
import unicodedata

from ..text import BIDI_CONTROLS, DISALLOWED_CHARACTERS, is_single_line_text

LANG = {"type": "string", "enum": ["en", "es", "pt"]}
NULLABLE_LANG = {"type": ["string", "null"], "enum": ["en", "es", "pt", None]}
DATE = {"type": "string", "format": "date-time"}
# What text the API takes, for each kind of field: whether a text holds a character the API refuses,
# by the very checks the API makes (forum/text.py), so the document cannot drift from them.
REFUSES = {
    "text": lambda text: bool(DISALLOWED_CHARACTERS.search(text) or BIDI_CONTROLS.search(text)),  # bodies
    "line": lambda text: bool(DISALLOWED_CHARACTERS.search(text) or not is_single_line_text(text)),  # titles
    "query": lambda text: bool(DISALLOWED_CHARACTERS.search(text)),  # the search words
}


def _char_class(codes: list[int]) -> str:
    """A regex character class body for these code points: BMP ones as \\uXXXX escapes, others as the
    characters themselves (ECMA-262, Rust's regex and Python read both). Surrogates are left out: no
    Unicode string holds one, and regex engines refuse to name them."""
    def one(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)

    ranges: list[list[int]] = []
    for code in codes:  # ascending
        if 0xD800 <= code <= 0xDFFF:
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(one(first) if first == last else f"{one(first)}-{one(last)}" for first, last in ranges)


@functools.cache
def text_pattern(kind: str) -> str:
    """Some character that is neither refused nor whitespace (the API strips outer whitespace and
    refuses what is left blank), and no refused character anywhere."""
    refuses, refused = REFUSES[kind], []
    for start in range(0, 0x110000, 256):  # blocks first: a quarter of a second, not seconds
        block = range(start, min(start + 256, 0x110000))
        if refuses("".join(map(chr, block))):
            refused.extend(code for code in block if refuses(chr(code)))
    spaces = [code for code in range(0x110000) if chr(code).isspace() and not refuses(chr(code))]
    no, blank = _char_class(refused), _char_class(spaces)
    if kind == "line":
        # A title needs a letter or a number (forum/text.py has_letter_or_number), which is neither
        # blank nor refused: the document says so, instead of a 422 for a schema-valid title.
        refused_set = set(refused)
        # Letters and numbers end before U+33000 (planes 4 to 14 are unassigned; 15 and 16 private use).
        readable = [code for code in range(0x33000) if unicodedata.category(chr(code))[0] in "LN"
                    and code not in refused_set]
        return f"^[^{no}]*[{_char_class(readable)}][^{no}]*$"
    return f"^[{blank}]*[^{no}{blank}][^{no}]*$"


def _text(max_length: int, kind: str = "text", **extra) -> dict:
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": text_pattern(kind), **extra}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    names = {400: "Malformed request", 401: "Missing, unknown or revoked token", 403: "Not allowed",
             404: "Not found", 405: "Method not allowed", 409: "Edited meanwhile", 413: "Body too large",
             415: "Body is not JSON", 422: "Invalid fields", 429: "Rate limited (see Retry-After)"}
    return {str(code): {"$ref": f"#/components/responses/E{code}"} for code in codes if code in names}


AUTH_ERRORS = (401, 405, 429)
SUMMARY_REQUIRED = ["id", "category", "title", "title_language", "original_language", "author", "reply_count",
                    "created_at", "last_activity_at", "url", "pinned", "locked"]
SUMMARY_PROPERTIES = {"id": {"type": "integer"}, "category": {"type": "string"}, "title": {"type": "string"},
                      "title_language": LANG, "original_language": LANG, "author": {"$ref": "#/components/schemas/Author"},
                      "reply_count": {"type": "integer"}, "created_at": DATE, "last_activity_at": DATE,
                      "url": {"type": "string"},
                      "pinned": {"type": "boolean", "description": "Pinned threads lead their category."},
                      "locked": {"type": "boolean", "description": "A locked thread takes no replies (403)."}}
# Query parameters: an empty value (`?lang=`) is the same as leaving the parameter out, as from a form.
EMPTY = {"type": "string", "maxLength": 0}
LANG_PARAM = {"name": "lang", "in": "query", "required": False,
              "schema": {"type": "string", "enum": [*LANG["enum"], ""]},
              "description": "Language to read in (default: the token owner's preference)."}
PAGE_PARAM = {"name": "page", "in": "query", "required": False,
              "schema": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 100000}, EMPTY]},
              "description": "Page number, from 1 (the default)."}


# Optional fields may be left out or sent as null: both mean "not given".
WRITTEN_IN = {"type": ["string", "null"], "enum": ["auto", "en", "es", "pt", None],
              "description": "The language the text is written in; auto (the default) detects it."}


def _moderation_paths(category: dict) -> dict:
    """Moderators' endpoints (forum/api/moderation.py): 403 for members, 404 for unknown ids."""
    def thread_param() -> list:
        return [{"name": "thread_id", "in": "path", "required": True, "schema": {"type": "integer"}}]

    def toggle(noun: str, on: str, off: str, schema: str, param: str) -> dict:
        params = [{"name": param, "in": "path", "required": True, "schema": {"type": "integer"}}]
        errors = _errors(*AUTH_ERRORS, 403, 404)
        return {
            "post": {"operationId": f"{noun}On", "summary": on, "parameters": params,
                     "responses": {"200": _json(_ref(schema), "Done (also when it already was)"), **errors}},
            "delete": {"operationId": f"{noun}Off", "summary": off, "parameters": params,
                       "responses": {"200": _json(_ref(schema), "Done (also when it already was)"), **errors}},
        }

    return {
        "/threads/{thread_id}/pin": toggle("pinThread", "Pin a thread (moderators)", "Unpin a thread (moderators)",
                                           "ThreadSummary", "thread_id"),
        "/threads/{thread_id}/lock": toggle("lockThread", "Lock a thread: no more replies (moderators)",
                                            "Unlock a thread (moderators)", "ThreadSummary", "thread_id"),
        "/threads/{thread_id}/move": {"post": {
            "operationId": "moveThread", "summary": "Move a thread to another category (moderators)",
            "parameters": thread_param(),
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False, "required": ["category"],
                "properties": {"category": category}}}}},
            "responses": {"200": _json(_ref("ThreadSummary"), "The moved thread"),
                          **_errors(*AUTH_ERRORS, 400, 403, 404, 413, 415, 422)}}},
        "/posts/{post_id}/hide": toggle("hidePost", "Hide a post from members (moderators)",
                                        "Restore a hidden post (moderators)", "Post", "post_id"),
    }


def spec(server_url: str, categories: list[str] | None = None) -> dict:
    """`categories`: the slugs that exist (an enum in the document); any string of 40 if not given."""
    category = ({"type": "string", "enum": list(categories)} if categories
                else {"type": "string", "maxLength": 40})
    error_responses = {
        f"E{code}": {
            "description": description,
            "content": {"application/json": {"schema": _ref("Error")}},
            **({"headers": {"Retry-After": {"schema": {"type": "string"}}}} if code == 429 else {}),
        }
        for code, description in {400: "Malformed request", 401: "Missing, unknown or revoked token",
                                  403: "Not allowed", 404: "Not found", 405: "Method not allowed",
                                  409: "Edited meanwhile", 413: "Body too large", 415: "Body is not JSON",
                                  422: "Invalid fields", 429: "Rate limited (see Retry-After)"}.items()
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "City network forum API",
            "version": "1.0.0",
            "description": "Threads and posts of the city network, each readable in English, Spanish or "
                           "Portuguese. Authenticate with a personal token: `Authorization: Bearer <token>` "
                           "(create one on your profile page or with `flask users token EMAIL`).",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": {
            "/categories": {"get": {
                "operationId": "listCategories", "summary": "The forum's categories",
                "responses": {"200": _json({"type": "object", "required": ["categories"], "additionalProperties": False,
                                            "properties": {"categories": {"type": "array", "items": _ref("Category")}}},
                                           "Categories"), **_errors(*AUTH_ERRORS)}}},
            "/threads": {
                "get": {
                    "operationId": "listThreads", "summary": "Threads, newest activity first",
                    "parameters": [{"name": "category", "in": "query", "required": False,
                                    "schema": ({"type": "string", "enum": [*categories, ""]} if categories
                                               else category),
                                    "description": "A category's slug (default: every category)."},
                                   PAGE_PARAM, LANG_PARAM],
                    "responses": {"200": _json(_ref("ThreadList"), "A page of threads"),
                                  **_errors(*AUTH_ERRORS, 422)}},
                "post": {
                    "operationId": "createThread", "summary": "Start a thread",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewThread")}}},
                    "description": "Only moderators start threads in the best-practices category (403).",
                    "responses": {"201": _json(_ref("Thread"), "The new thread"),
                                  **_errors(*AUTH_ERRORS, 400, 403, 413, 415, 422)}},
            },
            "/threads/{thread_id}": {"get": {
                "operationId": "getThread", "summary": "A thread with its posts in the requested language",
                "parameters": [{"name": "thread_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                               PAGE_PARAM, LANG_PARAM],
                "responses": {"200": _json(_ref("Thread"), "The thread"), **_errors(*AUTH_ERRORS, 404, 422)}}},
            "/threads/{thread_id}/posts": {"post": {
                "operationId": "createPost", "summary": "Reply to a thread",
                "description": "A locked thread takes replies from moderators only (403).",
                "parameters": [{"name": "thread_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewPost")}}},
                "responses": {"201": _json(_ref("Post"), "The new post, in its own language"),
                              **_errors(*AUTH_ERRORS, 400, 403, 404, 413, 415, 422)}}},
            **_moderation_paths(category),
            "/posts/{post_id}": {"patch": {
                "operationId": "editPost", "summary": "Edit your own post, or any post as a moderator (a new revision, translated again)",
                "parameters": [{"name": "post_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("PostEdit")}}},
                "responses": {"200": _json(_ref("Post"), "The edited post"),
                              **_errors(*AUTH_ERRORS, 400, 403, 404, 409, 413, 415, 422)}}},
            "/posts/{post_id}/original": {"get": {
                "operationId": "getOriginal", "summary": "A post as its author wrote it",
                "parameters": [{"name": "post_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": _json(_ref("Original"), "The original"), **_errors(*AUTH_ERRORS, 404)}}},
            "/search": {"get": {
                "operationId": "search", "summary": "Search posts in their original and translated text",
                "parameters": [{"name": "q", "in": "query", "required": True,
                                "schema": _text(200, "query")}, LANG_PARAM],
                "responses": {"200": _json(_ref("SearchResults"), "Matching posts, newest first"),
                              **_errors(*AUTH_ERRORS, 422)}}},
            "/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document", "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": error_responses,
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string", "enum": [
                        "bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed", "conflict",
                        "gone", "payload_too_large", "unsupported_media_type", "validation_error", "rate_limited",
                        "server_error"]},
                        "message": {"type": "string"},
                        "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
                "Author": {"type": "object", "required": ["id", "display_name", "city"], "additionalProperties": False,
                           "properties": {"id": {"type": "integer"}, "display_name": {"type": "string"},
                                          "city": {"type": "string"}}},
                "Category": {"type": "object", "required": ["id", "slug", "kind", "name", "thread_count"],
                             "additionalProperties": False,
                             "properties": {"id": {"type": "integer"}, "slug": {"type": "string"},
                                            "kind": {"type": "string",
                                                     "enum": ["questions", "jobs", "best_practices", "general"]},
                                            "name": {"type": "string"}, "thread_count": {"type": "integer"}}},
                "ThreadSummary": {"type": "object", "additionalProperties": False, "required": SUMMARY_REQUIRED,
                                  "properties": SUMMARY_PROPERTIES},
                "ThreadList": {"type": "object", "additionalProperties": False,
                               "required": ["threads", "page", "pages", "total", "language"],
                               "properties": {"threads": {"type": "array", "items": _ref("ThreadSummary")},
                                              "page": {"type": "integer"}, "pages": {"type": "integer"},
                                              "total": {"type": "integer"}, "language": LANG}},
                "Thread": {"type": "object", "additionalProperties": False,
                           "required": [*SUMMARY_REQUIRED, "original_title", "language", "posts", "page", "pages"],
                           "properties": {**SUMMARY_PROPERTIES, "original_title": {"type": "string"}, "language": LANG,
                                          "posts": {"type": "array", "items": _ref("Post")},
                                          "page": {"type": "integer"}, "pages": {"type": "integer"}}},
                "Post": {
                    "type": "object", "additionalProperties": False,
                    "required": ["id", "thread_id", "author", "created_at", "edited_at", "revision", "deleted", "hidden",
                                 "original_language", "language", "status", "engine", "model_version", "body",
                                 "body_html", "original_url"],
                    "properties": {
                        "id": {"type": "integer"}, "thread_id": {"type": "integer"}, "author": _ref("Author"),
                        "created_at": DATE, "edited_at": {"type": ["string", "null"], "format": "date-time"},
                        "revision": {"type": "integer"}, "deleted": {"type": "boolean"},
                        "hidden": {"type": "boolean",
                                   "description": "Hidden by a moderator: only moderators get such a post."},
                        "original_language": LANG,
                        "language": {**NULLABLE_LANG, "description": "The language of `body` (null if deleted)."},
                        "status": {"type": ["string", "null"],
                                   "enum": ["original", "pending", "machine", "reviewed", "failed", None],
                                   "description": "original: shown as written; machine: machine translation; "
                                                  "pending/failed: the translation is not there (yet), the "
                                                  "original is shown; reviewed: corrected by a person "
                                                  "(reserved: human corrections are not built yet)."},
                        "engine": {"type": ["string", "null"]}, "model_version": {"type": ["string", "null"]},
                        "body": {"type": ["string", "null"], "description": "Markdown."},
                        "body_html": {"type": ["string", "null"], "description": "Sanitized HTML."},
                        "original_url": {"type": "string"}}},
                "Original": {"type": "object", "additionalProperties": False,
                             "required": ["id", "thread_id", "language", "revision", "title", "body", "body_html"],
                             "properties": {"id": {"type": "integer"}, "thread_id": {"type": "integer"},
                                            "language": LANG, "revision": {"type": "integer"},
                                            "title": {"type": ["string", "null"]}, "body": {"type": "string"},
                                            "body_html": {"type": "string"}}},
                "NewThread": {"type": "object", "additionalProperties": False,
                              "required": ["category", "title", "body"],
                              "properties": {"category": category,
                                             "title": _text(200, "line"),
                                             "body": _text(50000),
                                             "language": WRITTEN_IN}},
                "NewPost": {"type": "object", "additionalProperties": False, "required": ["body"],
                            "properties": {"body": _text(50000),
                                           "language": WRITTEN_IN}},
                "PostEdit": {"type": "object", "additionalProperties": False, "required": ["body"],
                             "properties": {"body": _text(50000),
                                            "title": {**_text(200, "line"), "type": ["string", "null"],
                                                      "description": "A thread's title, edited through its "
                                                                     "first post; null or left out keeps it. "
                                                                     "A reply has no title (422)."},
                                            "language": WRITTEN_IN,
                                            "revision": {"type": ["integer", "null"],
                                                         "description": "The revision you edited; 409 if it moved on."}}},
                "SearchResults": {"type": "object", "additionalProperties": False,
                                  "required": ["query", "language", "results"],
                                  "properties": {"query": {"type": "string"}, "language": LANG,
                                                 "results": {"type": "array", "items": {
                                                     "type": "object", "additionalProperties": False,
                                                     "required": ["thread_id", "thread_title", "post"],
                                                     "properties": {"thread_id": {"type": "integer"},
                                                                    "thread_title": {"type": "string"},
                                                                    "post": _ref("Post")}}}}},
            },
        },
    }
