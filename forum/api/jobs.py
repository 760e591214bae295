"""/api/v1/jobs: job descriptions, listed with filters and created with the same rules as the page."""
from __future__ import annotations

from babel import Locale
from flask import current_app, g, jsonify
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..jobs_board import services as job_services, validation
from ..jobs_board.services import Filters, JobFields, JobItem
from ..models import City, EmploymentType, Thread
from ..rate_limits import POSTS, charged
from ..threads.forms import BODY_MAX, TITLE_MAX
from ..urls import external_url
from . import bp, serializers
from .errors import ApiError
from .routes import LANGUAGE_CHOICES, MAX_ID, _language, _thread_json
from .validation import Field, json_body, query_choice, query_int

# Every ISO 3166-1 alpha-2 code CLDR names (the OpenAPI document lists the same).
COUNTRY_CODES = tuple(sorted(code for code in Locale.parse("en").territories
                             if len(code) == 2 and code.isalpha() and code != "ZZ"))
OPEN_CHOICES = ("true", "false")


def job(item: JobItem, language: str) -> dict:
    posting, thread, title, department = item.posting, item.posting.thread, item.title, item.department
    return {
        "thread_id": posting.thread_id,
        "title": title.title,
        "title_language": language if title.translated else thread.language,
        "original_title": thread.title,
        "original_language": thread.language,
        "city": {"id": posting.city.id, "name": posting.city.name, "country": posting.city.country},
        "department": department.text if department else None,
        "department_language": (language if department.translated else department.language) if department else None,
        "original_department": posting.department,
        "employment_type": posting.employment_type.value,
        "salary_min": posting.salary_min,
        "salary_max": posting.salary_max,
        "salary_currency": posting.salary_currency,
        "closes_on": posting.closes_on.isoformat(),
        "closed": item.closed,
        "apply_to": posting.apply_to,
        "apply_url": validation.apply_href(posting.apply_to),
        "author": serializers.author(thread.author),
        "created_at": serializers.iso(posting.created_at),
        "updated_at": serializers.iso(posting.updated_at),
        "url": external_url("api.get_thread", thread_id=posting.thread_id),
    }


def job_of_thread(thread: Thread, language: str) -> dict | None:
    """The `job` of GET /threads/{id}: null for other threads and for a description members may not see."""
    item = job_services.job_for_thread(thread, language)
    return job(item, language) if item else None


@bp.get("/jobs")
def list_jobs():
    language = _language()
    page = query_int("page", 1)
    city = query_int("city", 0, maximum=MAX_ID)
    kind = query_choice("type", validation.EMPLOYMENT_TYPES, None)
    open_ = query_choice("open", OPEN_CHOICES, None)
    filters = Filters(country=query_choice("country", COUNTRY_CODES, None), city_id=city or None,
                      employment_type=EmploymentType(kind) if kind else None,
                      open=None if open_ is None else open_ == "true")
    listing = job_services.jobs_page(language, page, current_app.config["THREADS_PER_PAGE"], filters)
    return jsonify({"jobs": [job(item, language) for item in listing.items], "page": page, "pages": listing.pages,
                    "total": listing.total, "language": language})


FIELDS = {
    "title": Field(max_length=TITLE_MAX),
    "body": Field(max_length=BODY_MAX),
    "language": Field(required=False, choices=LANGUAGE_CHOICES),
    "city_id": Field(required=False, kind=int),
    "department": Field(required=False, max_length=validation.DEPARTMENT_MAX, single_line_text=True),
    "employment_type": Field(choices=validation.EMPLOYMENT_TYPES),
    "salary_min": Field(required=False, kind=int),
    "salary_max": Field(required=False, kind=int),
    "salary_currency": Field(required=False, choices=validation.CURRENCIES),
    "closes_on": Field(max_length=10),
    "apply_to": Field(max_length=validation.APPLY_TO_MAX),
}


def _job_fields(data: dict) -> JobFields:
    """The job's fields from a request body json_body has checked, or a 422 naming each bad field."""
    problems, clean = {}, {}
    for name, check in (("salary_min", validation.amount), ("salary_max", validation.amount),
                        ("closes_on", validation.closes_on), ("apply_to", validation.apply_to),
                        ("employment_type", validation.employment_type)):
        try:
            clean[name] = check(data.get(name))
        except validation.Invalid as error:
            problems[name] = error.message
    if "salary_min" not in problems and "salary_max" not in problems:
        problems.update(validation.salary(clean["salary_min"], clean["salary_max"], data.get("salary_currency")))
    city_id = data.get("city_id", g.api_user.city_id)
    if not 0 < city_id <= MAX_ID or db.session.get(City, city_id) is None:
        problems["city_id"] = _l("No city with this id.")
    if problems:
        raise ApiError(422, fields=problems)
    return JobFields(city_id=city_id, department=data.get("department"),
                     salary_currency=data.get("salary_currency"), **clean)


@bp.post("/jobs")
@charged(POSTS)
def create_job():
    data = json_body(FIELDS)
    fields = _job_fields(data)
    thread = job_services.create_job(g.api_user, data["title"], data["body"], data.get("language", "auto"), fields)
    response = jsonify(_thread_json(thread, thread.language, 1))
    response.status_code = 201
    response.headers["Location"] = external_url("api.get_thread", thread_id=thread.id)
    return response

