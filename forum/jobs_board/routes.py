from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_currency, get_locale, gettext as _
from flask_login import current_user, login_required

from ..countries import country_name
from ..extensions import db
from ..forms_common import choices
from ..models import EmploymentType, JobPosting, Post, Thread
from ..rate_limits import EDITS, POSTS, charged
from ..text import ascii_int
from ..threads import reading, services as thread_services
from . import bp, services
from .forms import JobFilterForm, JobForm, city_label
from .services import Filters, JobFields
from .validation import EMPLOYMENT_TYPE_NAMES, apply_href, is_email


def _moderator() -> bool:
    return bool(current_user.is_authenticated and current_user.is_moderator)


def _city_choices() -> list[tuple[int, str]]:
    return sorted(((c.id, city_label(c)) for c in services.cities()), key=lambda pair: pair[1].casefold())


def _job_form(**kwargs) -> JobForm:
    form = JobForm(**kwargs)
    form.city.choices = choices(_city_choices())
    return form


def _fields(form: JobForm) -> JobFields:
    return JobFields(city_id=form.city.data, employment_type=EmploymentType(form.employment_type.data),
                     closes_on=form.closes_on.data, apply_to=form.apply_to.data,
                     department=form.department.data or None, salary_min=form.salary_min.data,
                     salary_max=form.salary_max.data, salary_currency=form.salary_currency.data or None)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@charged(POSTS)
def new():
    form = _job_form()
    if request.method == "GET":
        form.city.data = current_user.city_id
    if form.validate_on_submit():
        thread = services.create_job(current_user, form.title.data, form.body.data, form.language.data,
                                     _fields(form))
        flash(_("Your job description is published."), "success")
        return redirect(url_for("threads.thread", thread_id=thread.id))
    status = 400 if request.method == "POST" else 200
    return render_template("jobs_board/job_form.html", form=form, posting=None), status


@bp.route("/<int:thread_id>/edit", methods=["GET", "POST"])
@login_required
@charged(EDITS)
def edit(thread_id: int):
    posting = services.posting_for_thread(thread_id) or abort(404)
    post = db.session.get(Post, posting.thread.first_post_id) or abort(404)
    if post.is_deleted or (post.is_hidden and not _moderator()):
        abort(404)
    if post.author_id != current_user.id and not current_user.is_moderator:
        abort(403)
    form = _job_form(obj=posting)
    form.previous_closes_on = posting.closes_on
    form.submit.label.text = _("Save changes")
    if request.method == "GET":
        form.title.data, form.body.data = posting.thread.title, post.body
        form.language.data, form.revision.data = post.language, str(post.revision)
        form.city.data = posting.city_id
        form.employment_type.data = posting.employment_type.value
        form.salary_currency.data = posting.salary_currency or ""
    if form.validate_on_submit():
        try:
            services.edit_job(posting, current_user, form.title.data, form.body.data, form.language.data,
                              _fields(form), expected_revision=ascii_int(form.revision.data, 9) or post.revision)
        except thread_services.EditConflict:
            flash(_("This post was changed in the meantime (perhaps in another tab). "
                    "Your text is still below; reload the post to see the new version."), "error")
            return render_template("jobs_board/job_form.html", form=form, posting=posting), 409
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("threads.thread", thread_id=thread_id))
    status = 400 if request.method == "POST" else 200
    return render_template("jobs_board/job_form.html", form=form, posting=posting), status


def _filter_form() -> tuple[JobFilterForm, Filters]:
    """The filters as asked; a value that is not one of the choices is shown in error and ignored."""
    form = JobFilterForm(formdata=request.args)
    countries = sorted(((code, country_name(code)) for code in services.network_countries()),
                       key=lambda pair: pair[1].casefold())
    form.country.choices = choices([("", _("Any country")), *countries])
    form.city.choices = choices([("", _("Any city")), *((str(i), label) for i, label in _city_choices())])
    form.validate()
    def good(field):
        return field.data if field.data and not field.errors else None
    city = good(form.city)
    kind = good(form.type)
    open_ = good(form.open)
    return form, Filters(country=good(form.country), city_id=int(city) if city else None,
                         employment_type=EmploymentType(kind) if kind else None,
                         open=None if open_ is None else open_ == "true")


@bp.route("")
def index():
    form, filters = _filter_form()
    page = ascii_int(request.args.get("page"))
    page = page if page is not None and 0 < page < 100_000 else 1
    language = reading.reader_language()
    pagination = services.jobs_page(language, page, current_app.config["THREADS_PER_PAGE"], filters, _moderator())
    kept = {name: request.args[name] for name in ("country", "city", "type", "open")
            if request.args.get(name) and not getattr(form, name).errors}
    return render_template("jobs_board/index.html", form=form, pagination=pagination, kept=kept,
                           category=services.jobs_category())


# --- the job box on a thread page, and formatting shared with the list ---------------------

@bp.app_template_global()
def job_for_thread(thread: Thread):
    return services.job_for_thread(thread, reading.reader_language(), _moderator())


def _money(value: int, currency: str) -> str:
    # Whole amounts: the locale's currency pattern without its decimals ("45.000 US$", "US$ 45.000").
    pattern = get_locale().currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(value, currency, format=pattern, currency_digits=False)


@bp.app_template_global()
def job_salary(posting: JobPosting) -> str | None:
    if not posting.salary_currency or (posting.salary_min is None and posting.salary_max is None):
        return None
    low = _money(posting.salary_min, posting.salary_currency) if posting.salary_min is not None else None
    high = _money(posting.salary_max, posting.salary_currency) if posting.salary_max is not None else None
    if low and high:
        return low if posting.salary_min == posting.salary_max else _("%(low)s – %(high)s", low=low, high=high)
    return _("from %(amount)s", amount=low) if low else _("up to %(amount)s", amount=high)


@bp.app_template_global()
def job_type_name(kind: EmploymentType) -> str:
    return str(EMPLOYMENT_TYPE_NAMES[kind])


@bp.app_template_global()
def job_city(posting: JobPosting) -> str:
    return city_label(posting.city)


@bp.app_template_global()
def job_apply_href(posting: JobPosting) -> str:
    return apply_href(posting.apply_to)


@bp.app_template_global()
def job_apply_is_email(posting: JobPosting) -> bool:
    return is_email(posting.apply_to)
