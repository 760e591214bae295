"""The API's OpenAPI 3.1 description, served at /api/v1/openapi.json.

Kept next to the routes and checked against them by the tests and by schemathesis in CI.
"""
from __future__ import annotations

import functools
import unicodedata

from ..models import LibraryTopic
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
def text_pattern(kind: str, readable: bool = False) -> str:
    """Some character that is neither refused nor whitespace (the API strips outer whitespace and
    refuses what is left blank), and no refused character anywhere. `readable`: that character must
    be a letter or a number (titles and names: forum.text.has_letter_or_number)."""
    refuses, refused = REFUSES[kind], []
    for start in range(0, 0x110000, 256):  # blocks first: a quarter of a second, not seconds
        block = range(start, min(start + 256, 0x110000))
        if refuses("".join(map(chr, block))):
            refused.extend(code for code in block if refuses(chr(code)))
    spaces = [code for code in range(0x110000) if chr(code).isspace() and not refuses(chr(code))]
    no, blank = _char_class(refused), _char_class(spaces)
    if readable:
        refused_set = set(refused)
        words = [code for code in range(0x110000)
                 if code not in refused_set and unicodedata.category(chr(code))[0] in "LN"]
        return f"^[^{no}]*[{_char_class(words)}][^{no}]*$"
    return f"^[{blank}]*[^{no}{blank}][^{no}]*$"


def _text(max_length: int, kind: str = "text", readable: bool = False, **extra) -> dict:
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": text_pattern(kind, readable),
            **extra}


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
                    "accepted_post_id", "created_at", "last_activity_at", "url", "pinned", "locked"]
SUMMARY_PROPERTIES = {"id": {"type": "integer"}, "category": {"type": "string"}, "title": {"type": "string"},
                      "title_language": LANG, "original_language": LANG, "author": {"$ref": "#/components/schemas/Author"},
                      "reply_count": {"type": "integer"},
                      "accepted_post_id": {"type": ["integer", "null"],
                                           "description": "A question's accepted answer; null when it has none, "
                                                          "or the accepted post was deleted or hidden."},
                      "created_at": DATE, "last_activity_at": DATE,
                      "url": {"type": "string"},
                      "pinned": {"type": "boolean", "description": "Pinned threads lead their category."},
                      "locked": {"type": "boolean", "description": "A locked thread takes no replies (403)."}}
NULLABLE_TEXT = {"type": ["string", "null"]}
LIBRARY_ENTRY_PROPERTIES = {
    "thread_id": {"type": "integer"}, "url": {"type": "string", "description": "The thread's page."},
    "topic": {"type": "string", "enum": [topic.value for topic in LibraryTopic]},
    "city": NULLABLE_TEXT,
    "country_code": {"type": ["string", "null"], "description": "ISO 3166-1 alpha-2."},
    "original_language": LANG,
    **{f"title_{code}": NULLABLE_TEXT for code in LANG["enum"]},
    "summary_language": LANG,
    **{f"summary_{code}": NULLABLE_TEXT for code in LANG["enum"]},
    "promoted_at": DATE, "last_activity_at": DATE,
}
COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$",
           "description": "ISO 3166-1 alpha-2 code; ZZ: unknown (an administrator has yet to set it)."}
AUTHOR_REQUIRED = ["id", "display_name", "city", "country", "url"]
AUTHOR_PROPERTIES = {"id": {"type": "integer"}, "display_name": {"type": "string"},
                     "city": {"type": "string", "description": "City and country in the reader's language."},
                     "country": COUNTRY, "url": {"type": "string", "description": "The member's profile."}}
CITY_REQUIRED = ["id", "name", "country", "country_name", "default_language", "url"]
CITY_PROPERTIES = {"id": {"type": "integer"}, "name": {"type": "string"}, "country": COUNTRY,
                   "country_name": {"type": "string", "description": "In the reader's language."},
                   "default_language": LANG, "url": {"type": "string"}}
# Query parameters: an empty value (`?lang=`) is the same as leaving the parameter out, as from a form.
EMPTY = {"type": "string", "maxLength": 0}
LANG_PARAM = {"name": "lang", "in": "query", "required": False,
              "schema": {"type": "string", "enum": [*LANG["enum"], ""]},
              "description": "Language to read in (default: the token owner's preference)."}
PAGE_PARAM = {"name": "page", "in": "query", "required": False,
              "schema": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 100000}, EMPTY]},
              "description": "Page number, from 1 (the default)."}


POST_ID = {"name": "post_id", "in": "path", "required": True, "schema": {"type": "integer"}}

# Optional fields may be left out or sent as null: both mean "not given".
WRITTEN_IN = {"type": ["string", "null"], "enum": ["auto", "en", "es", "pt", None],
              "description": "The language the text is written in; auto (the default) detects it."}


def _jobs_paths() -> dict:
    """GET and POST /jobs (forum/api/jobs.py)."""
    from ..jobs_board.validation import EMPLOYMENT_TYPES
    from .jobs import COUNTRY_CODES

    def choice(name: str, values, description: str) -> dict:
        return {"name": name, "in": "query", "required": False,
                "schema": {"type": "string", "enum": [*values, ""]}, "description": description}

    city = {"name": "city", "in": "query", "required": False,
            "schema": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, EMPTY]},
            "description": "A city's id."}
    return {"/jobs": {
        "get": {
            "operationId": "listJobs",
            "summary": "Job descriptions: open ones first (soonest closing first), then closed ones",
            "parameters": [choice("country", COUNTRY_CODES, "ISO 3166-1 alpha-2 code of the job's country."),
                           city, choice("type", EMPLOYMENT_TYPES, "Type of employment."),
                           choice("open", ("true", "false"), "true: still open; false: closed; empty: both."),
                           PAGE_PARAM, LANG_PARAM],
            "responses": {"200": _json(_ref("JobList"), "A page of job descriptions"),
                          **_errors(*AUTH_ERRORS, 422)}},
        "post": {
            "operationId": "createJob", "summary": "Publish a job description (a thread in the Jobs category)",
            "description": "Rules the schema cannot state get a 422 naming the field: the closing date is "
                           "today or later (within three years), salary_min is not above salary_max, an "
                           "amount needs a currency, apply_to is an http(s) link or an e-mail address.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewJob")}}},
            "responses": {"201": _json(_ref("Thread"), "The new thread, with its job"),
                          **_errors(*AUTH_ERRORS, 400, 413, 415, 422)}},
    }}


def _jobs_schemas() -> dict:
    from ..jobs_board.validation import CURRENCIES, EMPLOYMENT_TYPES, SALARY_MAX

    amount = {"type": ["integer", "null"], "minimum": 0, "maximum": SALARY_MAX}
    nullable_text = {"type": ["string", "null"]}
    job = {
        "thread_id": {"type": "integer"}, "title": {"type": "string"}, "title_language": LANG,
        "original_title": {"type": "string"}, "original_language": LANG,
        "city": {"type": "object", "additionalProperties": False, "required": ["id", "name", "country"],
                 "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                "country": {"type": "string"}}},
        "department": {**nullable_text, "description": "In the reader's language when translated."},
        "department_language": NULLABLE_LANG, "original_department": nullable_text,
        "employment_type": {"type": "string", "enum": list(EMPLOYMENT_TYPES)},
        "salary_min": {"type": ["integer", "null"]}, "salary_max": {"type": ["integer", "null"]},
        "salary_currency": {"type": ["string", "null"]},
        "closes_on": {"type": "string", "format": "date"}, "closed": {"type": "boolean"},
        "apply_to": {"type": "string"}, "apply_url": {"type": "string", "description": "https:… or mailto:…"},
        "author": _ref("Author"), "created_at": DATE, "updated_at": DATE, "url": {"type": "string"},
    }
    return {
        "Job": {"type": "object", "additionalProperties": False, "required": list(job), "properties": job},
        "JobList": {"type": "object", "additionalProperties": False,
                    "required": ["jobs", "page", "pages", "total", "language"],
                    "properties": {"jobs": {"type": "array", "items": _ref("Job")}, "page": {"type": "integer"},
                                   "pages": {"type": "integer"}, "total": {"type": "integer"}, "language": LANG}},
        "NewJob": {"type": "object", "additionalProperties": False,
                   "required": ["title", "body", "employment_type", "closes_on", "apply_to"],
                   "properties": {
                       "title": _text(200, "line", readable=True, description="The position."),
                       "body": _text(50000, description="The description (Markdown)."),
                       "language": WRITTEN_IN,
                       "city_id": {"type": ["integer", "null"], "minimum": 1, "maximum": 2**31 - 1,
                                   "description": "Default: your city."},
                       "department": {**_text(120, "line"), "type": ["string", "null"]},
                       "employment_type": {"type": "string", "enum": list(EMPLOYMENT_TYPES)},
                       "salary_min": amount, "salary_max": amount,
                       "salary_currency": {"type": ["string", "null"], "enum": [*CURRENCIES, None],
                                           "description": "ISO 4217; required with an amount."},
                       "closes_on": {"type": "string", "format": "date", "maxLength": 10,
                                     "description": "YYYY-MM-DD, today or later."},
                       "apply_to": _text(500, "line", description="An http(s) link or an e-mail address."),
                   }},
    }


def _hide(paths: dict) -> dict:
    """Hiding takes an optional body: a reason for the audit log."""
    from ..audit.log import REASON_MAX

    paths["post"]["requestBody"] = {"required": False, "content": {"application/json": {"schema": {
        "type": "object", "additionalProperties": False,
        "properties": {"reason": {**_text(REASON_MAX), "type": ["string", "null"],
                                  "description": "Why (kept in the audit log)."}}}}}}
    paths["post"]["responses"].update(_errors(400, 413, 415, 422))
    return paths


def _audit_paths() -> dict:
    """GET /audit (forum/api/audit.py): administrators only; the same filters as /admin/audit."""
    from ..audit.reading import ACTION_MAX, ACTOR_MAX, TARGET_TYPE_MAX

    def text(name: str, max_length: int, description: str) -> dict:
        return {"name": name, "in": "query", "required": False,
                "schema": {"anyOf": [_text(max_length, "query"), EMPTY]}, "description": description}

    def day(name: str, description: str) -> dict:
        return {"name": name, "in": "query", "required": False,
                "schema": {"anyOf": [{"type": "string", "format": "date"}, EMPTY]}, "description": description}

    target_id = {"name": "target_id", "in": "query", "required": False,
                 "schema": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, EMPTY]},
                 "description": "The target's id."}
    return {"/audit": {"get": {
        "operationId": "listAudit",
        "summary": "The audit log, newest first (administrators; 403 for anyone else)",
        "description": "Every moderation and administration action: who (actor; null for a command), what "
                       "(action, and its description in the reader's language), on what (target_type, "
                       "target_id), why (reason) and before/after where it applies. Read only: nobody can "
                       "edit or delete an entry. Parameters are checked before the role (422 for anyone).",
        "parameters": [text("action", ACTION_MAX, "An action code, e.g. post.hide, user.role."),
                       text("actor", ACTOR_MAX, "A member's id, or part of their display name."),
                       text("target_type", TARGET_TYPE_MAX, "post, thread, user, city, invite…"),
                       target_id, day("since", "From this day (UTC), YYYY-MM-DD."),
                       day("until", "Until this day (UTC) included, YYYY-MM-DD."), PAGE_PARAM, LANG_PARAM],
        "responses": {"200": _json(_ref("AuditList"), "A page of entries"), **_errors(*AUTH_ERRORS, 403, 422)}}}}


def _audit_schemas() -> dict:
    entry = {"id": {"type": "integer"}, "action": {"type": "string"},
             "description": {"type": "string", "description": "The action in the reader's language (its code "
                                                              "when the forum has no words for it)."},
             "actor": {"anyOf": [_ref("Author"), {"type": "null"}]},
             "target_type": {"type": "string"}, "target_id": {"type": ["integer", "null"]},
             "reason": NULLABLE_TEXT,
             "before": {"description": "JSON: the changed fields before, or null."},
             "after": {"description": "JSON: the changed fields after, or null."},
             "created_at": DATE}
    return {
        "AuditEntry": {"type": "object", "additionalProperties": False, "required": list(entry),
                       "properties": entry},
        "AuditList": {"type": "object", "additionalProperties": False,
                      "required": ["entries", "page", "pages", "total", "language"],
                      "properties": {"entries": {"type": "array", "items": _ref("AuditEntry")},
                                     "page": {"type": "integer"}, "pages": {"type": "integer"},
                                     "total": {"type": "integer"}, "language": LANG}},
    }


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
        "/posts/{post_id}/hide": _hide(toggle("hidePost", "Hide a post from members (moderators)",
                                              "Restore a hidden post (moderators)", "Post", "post_id")),
    }


NO_MACHINE_TRANSLATION = {"type": ["boolean", "null"],
                          "description": "The author asks for no machine translation (a legal text, say): no "
                                         "translation is made, readers get the original with a note. Left out "
                                         "or null: false for a new post, unchanged for an edit."}


def _corrections_paths() -> dict:
    """PUT /posts/{id}/translations/{language} (forum/api/corrections.py)."""
    return {"/posts/{post_id}/translations/{language}": {"put": {
        "operationId": "correctTranslation",
        "summary": "Correct a post's translation into a language (moderators, or members who read it)",
        "description": "Stored apart from the machine translation (a later job never replaces it) and "
                       "shown instead of it while the post is not edited: the post then reads with status "
                       "`reviewed` in that language. Members must list the language among the languages "
                       "they read (their preferred language counts; 403 otherwise). A post whose author asked "
                       "for no machine translation takes no correction (403). 422 for the post's own "
                       "language or for a title on a reply.",
        "parameters": [POST_ID, {"name": "language", "in": "path", "required": True, "schema": LANG}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Correction")}}},
        "responses": {"200": _json(_ref("Post"), "The post as read in that language"),
                      **_errors(*AUTH_ERRORS, 400, 403, 404, 413, 415, 422)}}}}


def _corrections_schemas() -> dict:
    return {"Correction": {
        "type": "object", "additionalProperties": False, "required": ["body"],
        "properties": {"body": _text(50000, description="The corrected translation (Markdown)."),
                       "title": {**_text(200, "line", readable=True), "type": ["string", "null"],
                                 "description": "The corrected title: a thread's first post only (422 for a "
                                                "reply); null or left out keeps a current corrected title."}}},
        "Reviewer": {"type": "object", "additionalProperties": False, "required": ["id", "display_name", "url"],
                     "properties": {"id": {"type": "integer"}, "display_name": {"type": "string"},
                                    "url": {"type": "string", "description": "The member's profile."}}}}
def _flags_paths() -> dict:
    """POST /posts/{id}/flags and GET /moderation/queue (forum/api/flags.py)."""
    return {
        "/posts/{post_id}/flags": {"post": {
            "operationId": "flagPost",
            "summary": "Flag a post for the moderators, or report a bad translation of it",
            "description": "One flag per member and post (409 for a second). \"reason\": \"other\" needs a "
                           "note; \"translation\" needs the \"language\" of the bad translation, one other "
                           "than the post's own (422). Nobody flags their own post (403), except to report a "
                           "bad translation of it. A deleted or hidden post is a 404. Rate limited per member "
                           "(FLAG_RATE_LIMIT).",
            "parameters": [POST_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewFlag")}}},
            "responses": {"201": _json(_ref("Flag"), "The flag"),
                          "409": _json(_ref("Error"), "You already flagged this post"),
                          **_errors(*AUTH_ERRORS, 400, 403, 404, 413, 415, 422)}}},
        "/moderation/queue": {"get": {
            "operationId": "moderationQueue",
            "summary": "Posts with open flags, newest flag first, each with its flags, in the caller's "
                       "language and in the original (moderators; 403 for members)",
            "parameters": [PAGE_PARAM, LANG_PARAM],
            "responses": {"200": _json(_ref("ModerationQueue"), "A page of the queue"),
                          **_errors(*AUTH_ERRORS, 403, 422)}}},
    }
def _flags_schemas() -> dict:
    from ..models import FlagReason
    reasons = [reason.value for reason in FlagReason]
    flag = {"id": {"type": "integer"}, "post_id": {"type": "integer"},
            "reason": {"type": "string", "enum": reasons},
            "language": {**NULLABLE_LANG, "description": "The bad translation's language (reason translation)."},
            "note": {"type": ["string", "null"]}, "created_at": DATE,
            "reporter": {"anyOf": [_ref("Author"), {"type": "null"}],
                         "description": "null: filed by the translation guardrails."}}
    text = {"type": "object", "additionalProperties": False, "required": ["language", "body", "body_html"],
            "properties": {"language": LANG, "body": {"type": "string", "description": "Markdown."},
                           "body_html": {"type": "string", "description": "Sanitized HTML."}}}
    item = {"post": _ref("Post"), "original": text,
            "reported_translations": {"type": "array", "items": text,
                                      "description": "The stored translations members reported, other than "
                                                     "the caller's language."},
            "thread": {"type": "object", "additionalProperties": False,
                       "required": ["id", "title", "title_language", "original_title", "url"],
                       "properties": {"id": {"type": "integer"}, "title": {"type": "string"},
                                      "title_language": LANG, "original_title": {"type": "string"},
                                      "url": {"type": "string"}}},
            "flags": {"type": "array", "items": _ref("Flag"), "description": "The open flags, oldest first."},
            "latest_flag_at": DATE}
    return {
        "Flag": {"type": "object", "additionalProperties": False, "required": list(flag), "properties": flag},
        "NewFlag": {"type": "object", "additionalProperties": False, "required": ["reason"],
                    "properties": {"reason": {"type": "string", "enum": reasons},
                                   "note": {**_text(500), "type": ["string", "null"],
                                            "description": "Required for reason other."},
                                   "language": {**NULLABLE_LANG,
                                                "description": "Required for reason translation."}}},
        "ModerationQueue": {"type": "object", "additionalProperties": False,
                            "required": ["items", "page", "pages", "total", "language"],
                            "properties": {"items": {"type": "array", "items": {
                                "type": "object", "additionalProperties": False, "required": list(item),
                                "properties": item}},
                                "page": {"type": "integer"}, "pages": {"type": "integer"},
                                "total": {"type": "integer", "description": "Posts with open flags."},
                                "language": LANG}},
    }


def _glossary_paths() -> dict:
    """GET and POST /glossary, DELETE /glossary/{term_id} (forum/api/glossary.py)."""
    from ..glossary.services import KINDS, NOTE_MAX, QUERY_MAX, TERM_MAX

    def choice(name: str, values, description: str) -> dict:
        return {"name": name, "in": "query", "required": False,
                "schema": {"type": "string", "enum": [*values, ""]}, "description": description}

    term = _text(TERM_MAX, "line", readable=True)
    optional = {"anyOf": [term, {"type": "null"}]}
    body = {"type": "object", "additionalProperties": False, "required": ["kind", "term"], "properties": {
        "kind": {"type": "string", "enum": list(KINDS),
                 "description": "keep: never translated (any pair; no languages); prefer: `term` in "
                                "`source_language` becomes `translation` in `target_language`."},
        "source_language": {"type": ["string", "null"], "enum": [*LANG["enum"], None]},
        "target_language": {"type": ["string", "null"], "enum": [*LANG["enum"], None]},
        "term": term, "term_plural": optional, "translation": optional, "translation_plural": optional,
        "note": {"anyOf": [_text(NOTE_MAX, "line"), {"type": "null"}]}}}
    term_id = {"name": "term_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "/glossary": {
            "get": {
                "operationId": "listGlossary", "summary": "The glossary, by term (members)",
                "parameters": [choice("source", LANG["enum"], "Entries that apply to translations from this "
                                                              "language (never-translate ones included)."),
                               choice("target", LANG["enum"], "Entries that apply to translations into it."),
                               choice("kind", KINDS, "Only this kind."),
                               {"name": "q", "in": "query", "required": False,
                                "schema": {"anyOf": [_text(QUERY_MAX, "query"), EMPTY]},
                                "description": "Text in the term or its translation (any case)."},
                               PAGE_PARAM],
                "responses": {"200": _json(_ref("GlossaryList"), "A page of entries"),
                              **_errors(*AUTH_ERRORS, 422)}},
            "post": {
                "operationId": "addGlossaryTerm", "summary": "Add a glossary entry (moderators)",
                "description": "Rules the schema cannot state get a 422 naming the field: a term has a letter, "
                               "a preferred translation needs both languages (different) and `translation`. "
                               "The same term for the same kind and pair is a 409. Translations containing "
                               "the term are marked stale (`flask translation retranslate --stale`).",
                "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                "responses": {"201": _json(_ref("GlossaryTerm"), "The new entry"),
                              **_errors(*AUTH_ERRORS, 400, 403, 409, 413, 415, 422)}}},
        "/glossary/{term_id}": {"delete": {
            "operationId": "deleteGlossaryTerm", "summary": "Delete a glossary entry (moderators)",
            "parameters": [term_id],
            "responses": {"204": {"description": "Deleted"}, **_errors(*AUTH_ERRORS, 403, 404)}}},
    }


WATCH_LEVEL = {"type": "string", "enum": ["watching", "tracking", "regular", "muted"]}
EMAIL_FREQUENCY = {"type": "string", "enum": ["immediate", "daily", "none"],
                   "description": "Email about notifications: each at once, one digest a day, or none."}


def _watch_paths() -> dict:
    thread = {"name": "thread_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {"/threads/{thread_id}/watch": {
        "get": {"operationId": "getThreadWatch", "summary": "Your watch level for a thread",
                "parameters": [thread],
                "responses": {"200": _json(_ref("ThreadWatch"), "Your level"), **_errors(*AUTH_ERRORS, 404)}},
        "put": {"operationId": "setThreadWatch", "summary": "Choose your watch level for a thread",
                "description": "watching: a notification of every reply; tracking: unread counts only; muted: "
                               "nothing but mentions. regular drops the thread's own level: it follows its "
                               "category's again.",
                "parameters": [thread],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("WatchChange")}}},
                "responses": {"200": _json(_ref("ThreadWatch"), "Your level now"),
                              **_errors(*AUTH_ERRORS, 400, 404, 413, 415, 422)}}}}


def _me_paths() -> dict:
    return {"/me": {
        "get": {"operationId": "getMe", "summary": "Your own settings", "parameters": [LANG_PARAM],
                "responses": {"200": _json(_ref("Me"), "Your settings"), **_errors(*AUTH_ERRORS, 422)}},
        "patch": {"operationId": "updateMe", "summary": "Change some of your settings (those sent)",
                  "description": "The profile page's rules. Rules the schema cannot state get a 422 naming the "
                                 "field: a display name another member has, or one that looks the same. "
                                 "Anything refused: nothing is changed.",
                  "parameters": [LANG_PARAM],
                  "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("MeChange")}}},
                  "responses": {"200": _json(_ref("Me"), "Your settings now"),
                                **_errors(*AUTH_ERRORS, 400, 413, 415, 422)}}}}


def _me_schemas() -> dict:
    line = {"anyOf": [{"type": "null"}, EMPTY, _text(120, "line", readable=True)],
            "description": "Optional; an empty string clears it."}
    return {
        "ThreadWatch": {"type": "object", "additionalProperties": False,
                        "required": ["thread_id", "level", "explicit", "category_level"],
                        "properties": {"thread_id": {"type": "integer"},
                                       "level": {**WATCH_LEVEL, "description": "Your effective level."},
                                       "explicit": {"type": "boolean",
                                                    "description": "Chosen for this thread (else its "
                                                                   "category's, or regular)."},
                                       "category_level": {**WATCH_LEVEL,
                                                          "description": "Your level for the thread's category."}}},
        "WatchChange": {"type": "object", "additionalProperties": False, "required": ["level"],
                        "properties": {"level": WATCH_LEVEL}},
        "Me": {"type": "object", "additionalProperties": False,
               "required": ["id", "display_name", "email", "language", "city", "role", "position", "department",
                            "read_languages", "originals_first", "email_frequency"],
               "properties": {"id": {"type": "integer"}, "display_name": {"type": "string"},
                              "email": {"type": "string"}, "language": LANG, "city": _ref("City"),
                              "role": {"type": "string", "enum": ["member", "moderator", "admin"]},
                              "position": NULLABLE_TEXT, "department": NULLABLE_TEXT,
                              "read_languages": {"type": "array", "items": LANG,
                                                 "description": "Posts in these are shown as written."},
                              "originals_first": {"type": "boolean"}, "email_frequency": EMAIL_FREQUENCY}},
        "MeChange": {"type": "object", "additionalProperties": False,
                     "description": "Any of the fields; null or left out keeps a field as it is.",
                     "properties": {
                         "display_name": {"anyOf": [{"type": "null"}, _text(80, "line", readable=True)]},
                         "language": {"anyOf": [{"type": "null"}, LANG]},
                         "read_languages": {"type": ["array", "null"], "items": LANG},
                         "originals_first": {"type": ["boolean", "null"]},
                         "email_frequency": {"anyOf": [{"type": "null"}, EMAIL_FREQUENCY]},
                         "position": line, "department": line}},
    }


def _glossary_schemas() -> dict:
    text = {"type": ["string", "null"]}
    term = {"id": {"type": "integer"}, "kind": {"type": "string", "enum": ["keep", "prefer"]},
            "source_language": NULLABLE_LANG, "target_language": NULLABLE_LANG, "term": {"type": "string"},
            "term_plural": text, "translation": text, "translation_plural": text, "note": text,
            "updated_at": DATE}
    return {
        "GlossaryTerm": {"type": "object", "additionalProperties": False, "required": list(term),
                         "properties": term},
        "GlossaryList": {"type": "object", "additionalProperties": False,
                         "required": ["terms", "page", "pages", "total"],
                         "properties": {"terms": {"type": "array", "items": _ref("GlossaryTerm")},
                                        "page": {"type": "integer"}, "pages": {"type": "integer"},
                                        "total": {"type": "integer"}}},
    }


def spec(server_url: str, categories: list[str] | None = None) -> dict:
    """`categories`: the slugs that exist (an enum in the document); any string of 40 if not given."""
    from . import notifications  # its part of the document lives with its routes (it imports this module)

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
            **_flags_paths(),
            **notifications.openapi_paths(),
            "/posts/{post_id}": {"patch": {
                "operationId": "editPost", "summary": "Edit your own post, or any post as a moderator (a new revision, translated again)",
                "parameters": [{"name": "post_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("PostEdit")}}},
                "responses": {"200": _json(_ref("Post"), "The edited post"),
                              **_errors(*AUTH_ERRORS, 400, 403, 404, 409, 413, 415, 422)}},
                "delete": {
                    "operationId": "deletePost",
                    "summary": "Delete a post (its author or a moderator). The author can restore it for "
                               "POST_UNDO_DELETE_MINUTES (default 30); a moderator at any time.",
                    "parameters": [POST_ID],
                    "responses": {"204": {"description": "Deleted"}, **_errors(*AUTH_ERRORS, 403, 404)}}},
            "/posts/{post_id}/restore": {"post": {
                "operationId": "restorePost",
                "summary": "Undo a deletion: the author of a post they deleted themselves, within the undo "
                           "window; a moderator, any deleted post at any time",
                "parameters": [POST_ID],
                "responses": {"200": _json(_ref("Post"), "The restored post, in its own language"),
                              "409": _json(_ref("Error"), "The post is not deleted"),
                              **_errors(*AUTH_ERRORS, 403, 404)}}},
            "/posts/{post_id}/accept": {
                "post": {
                    "operationId": "acceptAnswer",
                    "summary": "Make this reply the accepted answer of its question (the asker or a moderator); "
                               "it replaces any other",
                    "parameters": [POST_ID],
                    "responses": {"200": _json(_ref("ThreadSummary"), "The question, with accepted_post_id"),
                                  "422": _json(_ref("Error"), "Not a reply that can be accepted: the question "
                                               "itself, a deleted or hidden post, or a thread that is not a question"),
                                  **_errors(*AUTH_ERRORS, 403, 404)}},
                "delete": {
                    "operationId": "clearAnswer",
                    "summary": "Clear the accepted answer of this post's thread (the asker or a moderator); "
                               "a question without one stays so",
                    "parameters": [POST_ID],
                    "responses": {"200": _json(_ref("ThreadSummary"), "The question, accepted_post_id null"),
                                  **_errors(*AUTH_ERRORS, 403, 404)}},
            },
            "/posts/{post_id}/original": {"get": {
                "operationId": "getOriginal", "summary": "A post as its author wrote it",
                "parameters": [{"name": "post_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": _json(_ref("Original"), "The original"), **_errors(*AUTH_ERRORS, 404)}}},
            "/posts/{post_id}/attachments": {"post": {
                "operationId": "uploadAttachment",
                "summary": "Add a file to a post (its author or a moderator): PDF, DOCX, ODT, XLSX, CSV, PNG or "
                           "JPEG, the type read from the bytes",
                "parameters": [{"name": "post_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "requestBody": {"required": True, "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "additionalProperties": False,
                               "properties": {"file": {"type": "string", "format": "binary",
                                                       "description": "One file; a CSV needs a .csv name."}}},
                    "encoding": {"file": {"contentType": "application/octet-stream"}}}}},
                "responses": {"201": _json(_ref("Attachment"), "The stored attachment"),
                              **_errors(*AUTH_ERRORS, 400, 403, 404, 413, 415, 422)}}},
            "/attachments/{attachment_id}": {"delete": {
                "operationId": "deleteAttachment", "summary": "Remove a file from a post (its author or a moderator)",
                "parameters": [{"name": "attachment_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"204": {"description": "Removed"}, **_errors(*AUTH_ERRORS, 403, 404)}}},
            "/search": {"get": {
                "operationId": "search", "summary": "Search posts in their original and translated text",
                "description": "Words are matched in the original and in the stored translations, in every "
                               "language, with stems and without accents; the glossary adds each word's "
                               "translations. \"A phrase\" in quotes and -word work; any other syntax is words.",
                "parameters": [{"name": "q", "in": "query", "required": True,
                                "schema": _text(200, "query")}, LANG_PARAM, PAGE_PARAM,
                               {"name": "category", "in": "query", "required": False,
                                "schema": {"type": "string"}, "description": "A category's slug."},
                               {"name": "city", "in": "query", "required": False,
                                "schema": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                                                     EMPTY]},
                                "description": "Posts by members of this city (its id)."},
                               {"name": "written_in", "in": "query", "required": False,
                                "schema": {"anyOf": [LANG, EMPTY]},
                                "description": "Posts written in this language."}],
                "responses": {"200": _json(_ref("SearchResults"), "Threads, best match first"),
                              **_errors(*AUTH_ERRORS, 422)}}},
            "/best-practices": {"get": {
                "operationId": "listBestPractices",
                "summary": "The best-practice library as open data (the same as /best-practices/export.json)",
                "description": "Every library entry with its thread's title and its summary in each language: "
                               "the original in its language (original_language, summary_language), the current "
                               "machine translation where there is one, otherwise null. Published under `license`.",
                "responses": {"200": _json(_ref("LibraryExport"), "The library"), **_errors(*AUTH_ERRORS)}}},
            **_jobs_paths(),
            **_audit_paths(),
            **_corrections_paths(),
            **_glossary_paths(),
            **_watch_paths(),
            **_me_paths(),
            "/members/{user_id}": {"get": {
                "operationId": "getMember", "summary": "A member's profile (never their e-mail)",
                "parameters": [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                               LANG_PARAM],
                "responses": {"200": _json(_ref("Member"), "The profile"), **_errors(*AUTH_ERRORS, 404, 422)}}},
            "/cities": {"get": {
                "operationId": "listCities", "summary": "The network's cities with their member counts",
                "parameters": [LANG_PARAM],
                "responses": {"200": _json(_ref("CityList"), "The directory"), **_errors(*AUTH_ERRORS, 422)}}},
            "/cities/{city_id}": {"get": {
                "operationId": "getCity", "summary": "A city, its members and the threads they started",
                "parameters": [{"name": "city_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                               PAGE_PARAM, LANG_PARAM],
                "responses": {"200": _json(_ref("CityDetail"), "The city"), **_errors(*AUTH_ERRORS, 404, 422)}}},
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
                "Author": {"type": "object", "required": AUTHOR_REQUIRED, "additionalProperties": False,
                           "properties": AUTHOR_PROPERTIES},
                "City": {"type": "object", "additionalProperties": False, "required": CITY_REQUIRED,
                         "properties": CITY_PROPERTIES},
                "CityWithCount": {"type": "object", "additionalProperties": False,
                                  "required": [*CITY_REQUIRED, "member_count"],
                                  "properties": {**CITY_PROPERTIES, "member_count": {"type": "integer"}}},
                "CityList": {"type": "object", "additionalProperties": False, "required": ["cities", "language"],
                             "properties": {"cities": {"type": "array", "items": _ref("CityWithCount"),
                                                       "description": "By country name in `language`, then "
                                                                      "city name."},
                                            "language": LANG}},
                "CityDetail": {"type": "object", "additionalProperties": False,
                               "required": [*CITY_REQUIRED, "member_count", "language", "members", "threads", "page",
                                            "pages", "total"],
                               "properties": {**CITY_PROPERTIES, "member_count": {"type": "integer"},
                                              "language": LANG,
                                              "members": {"type": "array", "items": _ref("Author")},
                                              "threads": {"type": "array", "items": _ref("ThreadSummary"),
                                                          "description": "Started by the city's members, "
                                                                         "newest first."},
                                              "page": {"type": "integer"}, "pages": {"type": "integer"},
                                              "total": {"type": "integer"}}},
                "Member": {"type": "object", "additionalProperties": False,
                           "required": [*AUTHOR_REQUIRED, "role", "language", "position", "department", "suspended",
                                        "city_detail", "reader_language", "recent_threads", "recent_posts"],
                           "properties": {**AUTHOR_PROPERTIES,
                                          "role": {"type": "string", "enum": ["member", "moderator", "admin"]},
                                          "language": LANG,
                                          "position": {"type": ["string", "null"]},
                                          "department": {"type": ["string", "null"]},
                                          "suspended": {"type": "boolean",
                                                        "description": "Only moderators see suspended members."},
                                          "city_detail": _ref("City"), "reader_language": LANG,
                                          "recent_threads": {"type": "array", "items": _ref("ThreadSummary")},
                                          "recent_posts": {"type": "array", "items": {
                                              "type": "object", "additionalProperties": False,
                                              "required": ["id", "thread_id", "thread_title", "created_at", "url"],
                                              "properties": {"id": {"type": "integer"},
                                                             "thread_id": {"type": "integer"},
                                                             "thread_title": {"type": "string"},
                                                             "created_at": DATE, "url": {"type": "string"}}}}}},
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
                           "required": [*SUMMARY_REQUIRED, "original_title", "language", "job", "posts", "page",
                                        "pages"],
                           "properties": {**SUMMARY_PROPERTIES, "original_title": {"type": "string"}, "language": LANG,
                                          "job": {"anyOf": [_ref("Job"), {"type": "null"}],
                                                  "description": "A job description's fields; null otherwise."},
                                          "posts": {"type": "array", "items": _ref("Post")},
                                          "page": {"type": "integer"}, "pages": {"type": "integer"}}},
                "Post": {
                    "type": "object", "additionalProperties": False,
                    "required": ["id", "thread_id", "author", "created_at", "edited_at", "revision", "deleted", "hidden",
                                 "original_language", "language", "status", "engine", "model_version", "body",
                                 "body_html", "reviewed_by", "no_machine_translation", "original_url",
                                 "attachments"],
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
                                   "description": "original: shown as written (the post is in the "
                                                  "requested language, one the token owner reads, or its "
                                                  "author asked for no machine translation); machine: "
                                                  "machine translation; reviewed: a person's correction of "
                                                  "the translation (see reviewed_by); pending/failed: the "
                                                  "translation is not there (yet), the original is shown."},
                        "reviewed_by": {"anyOf": [_ref("Reviewer"), {"type": "null"}],
                                        "description": "Who corrected the translation (status reviewed)."},
                        "no_machine_translation": {"type": "boolean",
                                                   "description": "The author asked for no machine "
                                                                  "translation."},
                        "engine": {"type": ["string", "null"]}, "model_version": {"type": ["string", "null"]},
                        "body": {"type": ["string", "null"], "description": "Markdown."},
                        "body_html": {"type": ["string", "null"], "description": "Sanitized HTML."},
                        "original_url": {"type": "string"},
                        "attachments": {"type": "array", "items": _ref("Attachment"),
                                        "description": "Files on the post (none for a deleted post)."}}},
                "Attachment": {"type": "object", "additionalProperties": False,
                               "required": ["id", "filename", "content_type", "size", "url"],
                               "properties": {"id": {"type": "integer"}, "filename": {"type": "string"},
                                              "content_type": {"type": "string", "enum": [
                                                  "application/pdf", "image/png", "image/jpeg", "text/csv",
                                                  "application/vnd.openxmlformats-officedocument."
                                                  "wordprocessingml.document",
                                                  "application/vnd.openxmlformats-officedocument."
                                                  "spreadsheetml.sheet",
                                                  "application/vnd.oasis.opendocument.text"]},
                                              "size": {"type": "integer", "minimum": 1},
                                              "url": {"type": "string",
                                                      "description": "The download (a session or public "
                                                                     "reading, not the API token)."}}},
                "Original": {"type": "object", "additionalProperties": False,
                             "required": ["id", "thread_id", "language", "revision", "title", "body", "body_html"],
                             "properties": {"id": {"type": "integer"}, "thread_id": {"type": "integer"},
                                            "language": LANG, "revision": {"type": "integer"},
                                            "title": {"type": ["string", "null"]}, "body": {"type": "string"},
                                            "body_html": {"type": "string"}}},
                "NewThread": {"type": "object", "additionalProperties": False,
                              "required": ["category", "title", "body"],
                              "properties": {"category": category,
                                             "title": _text(200, "line", readable=True),
                                             "body": _text(50000),
                                             "language": WRITTEN_IN,
                                             "no_machine_translation": NO_MACHINE_TRANSLATION}},
                "NewPost": {"type": "object", "additionalProperties": False, "required": ["body"],
                            "properties": {"body": _text(50000),
                                           "language": WRITTEN_IN,
                                           "no_machine_translation": NO_MACHINE_TRANSLATION}},
                "PostEdit": {"type": "object", "additionalProperties": False, "required": ["body"],
                             "properties": {"body": _text(50000),
                                            "title": {**_text(200, "line", readable=True), "type": ["string", "null"],
                                                      "description": "A thread's title, edited through its "
                                                                     "first post; null or left out keeps it. "
                                                                     "A reply has no title (422)."},
                                            "language": WRITTEN_IN,
                                            "revision": {"type": ["integer", "null"],
                                                         "description": "The revision you edited; 409 if it moved on."},
                                            "no_machine_translation": NO_MACHINE_TRANSLATION}},
                "LibraryExport": {"type": "object", "additionalProperties": False,
                                  "required": ["license", "license_url", "generated_at", "languages", "count",
                                               "entries"],
                                  "properties": {"license": {"type": "string"}, "license_url": {"type": "string"},
                                                 "generated_at": DATE, "languages": {"type": "array", "items": LANG},
                                                 "count": {"type": "integer"},
                                                 "entries": {"type": "array", "items": _ref("LibraryEntry")}}},
                "LibraryEntry": {"type": "object", "additionalProperties": False,
                                 "required": list(LIBRARY_ENTRY_PROPERTIES), "properties": LIBRARY_ENTRY_PROPERTIES},
                **_jobs_schemas(),
                **_audit_schemas(),
                **_corrections_schemas(),
                **_flags_schemas(),
                **notifications.openapi_schemas(),
                **_glossary_schemas(),
                **_me_schemas(),
                "SearchResults": {"type": "object", "additionalProperties": False,
                                  "required": ["query", "language", "page", "pages", "total", "results"],
                                  "properties": {"query": {"type": "string"}, "language": LANG,
                                                 "page": {"type": "integer"}, "pages": {"type": "integer"},
                                                 "total": {"type": "integer"},
                                                 "results": {"type": "array", "items": {
                                                     "type": "object", "additionalProperties": False,
                                                     "required": ["thread_id", "thread_title", "post", "matches"],
                                                     "properties": {"thread_id": {"type": "integer"},
                                                                    "thread_title": {"type": "string"},
                                                                    "post": _ref("Post"),
                                                                    "matches": {"type": "array", "items": {
                                                                        "type": "object",
                                                                        "additionalProperties": False,
                                                                        "required": ["post_id", "snippet_html",
                                                                                     "matched_language",
                                                                                     "matched_source"],
                                                                        "properties": {
                                                                            "post_id": {"type": "integer"},
                                                                            "snippet_html": {"type": "string"},
                                                                            "matched_language": LANG,
                                                                            "matched_source": {"enum": [
                                                                                "original", "machine",
                                                                                "reviewed"]}}}}}}}}},
            },
        },
    }
