"""The search page: /search?q=...&category=...&page=... (a GET form; results in the reader's language)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import render_template, request

from ..extensions import db
from ..models import Category
from ..text import ascii_int
from ..threads.reading import reader_language
from . import bp, engines
from .forms import SearchForm
from .query import MAX_QUERY_CHARS
from .results import search as run_search, similar_threads

PER_PAGE = 10


def where_for(*, category_slug: str | None = None, city_id: int | None = None, country: str | None = None,
              written_in: str | None = None, answered: bool | None = None, since=None, until=None) -> list:
    """The filters as WHERE clauses (shared with the API); an unknown category finds nothing."""
    category_id = None
    if category_slug:
        category_id = db.session.execute(db.select(Category.id).filter_by(slug=category_slug)).scalar() or -1
    return engines.filters(
        category_id=category_id, city_id=city_id, country=country, language=written_in, answered=answered,
        since=datetime.combine(since, time.min) if since else None,
        # The day after `until` (exclusive); 9999-12-31 has none (OverflowError): no upper bound is needed.
        until=datetime.combine(until + timedelta(days=1), time.min) if until and until < date.max else None)


@bp.route("/search")
def search():
    from ..threads.routes import category_name

    form = SearchForm(request.args, category_names=category_name)
    language = reader_language()
    page = max(1, min(ascii_int(request.args.get("page"), max_digits=4) or 1, 1000))
    results = None
    if form.q.data and form.validate():  # invalid: the form's messages say why; nothing is searched
        where = where_for(category_slug=form.category.data or None,
                          city_id=int(form.city.data) if form.city.data else None,
                          country=form.country.data or None, written_in=form.written_in.data or None,
                          answered={"yes": True, "no": False}.get(form.answered.data),
                          since=form.since.data, until=form.until.data)
        results = run_search(form.q.data, language, where, page=page, per_page=PER_PAGE)
    args = {k: v for k, v in request.args.items() if k not in ("page", "lang") and v}
    return render_template("search/index.html", form=form, results=results, args=args)


@bp.route("/search/similar")
def similar():
    """Threads like a title: a page of its own (the new-thread form has the same list, as a step
    without JavaScript and live with it); fragment=1 gives the list alone."""
    title = (request.args.get("q") or "")[:MAX_QUERY_CHARS]
    threads = similar_threads(title, reader_language()) if "\x00" not in title else []
    if request.args.get("fragment") == "1":
        return render_template("search/_similar.html", similar=threads, asked=title)
    return render_template("search/similar.html", similar=threads, asked=title)
