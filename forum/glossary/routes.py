"""/glossary: members read it; moderators add, edit and delete entries (POST, CSRF, a confirm page)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import GlossaryTerm
from ..permissions import moderator_required
from ..text import DISALLOWED_CHARACTERS, ascii_int
from . import bp, services
from .forms import KIND_NAMES, DeleteForm, TermForm


def _page_arg() -> int:
    page = ascii_int(request.args.get("page"))
    return page if page is not None and 0 < page < 100_000 else 1


def _pairs() -> list[str]:
    languages = current_app.config["LANGUAGES"]
    return [f"{s}-{t}" for s in languages for t in languages if s != t]


def _filters() -> dict:
    """?pair=keep|en-es…&q=…: anything unknown is ignored (a link, not a form to correct)."""
    pair = request.args.get("pair", "")
    q = DISALLOWED_CHARACTERS.sub("", request.args.get("q") or "").strip()[:services.QUERY_MAX]
    filters = {"q": q or None}
    if pair == "keep":
        filters["kind"] = "keep"
    elif pair in _pairs():
        filters["source"], filters["target"] = pair.split("-")
    else:
        pair = ""
    return {"pair": pair, **filters}


def _render_index(form: TermForm | None = None, status: int = 200):
    filters = _filters()
    pair = filters.pop("pair")
    listing = services.listing(page=_page_arg(), **filters)
    if form is None and current_user.is_moderator:
        form = TermForm(formdata=None)
    return render_template("glossary/index.html", listing=listing, form=form, pair=pair, q=filters["q"] or "",
                           pairs=_pairs(), kind_names=KIND_NAMES, delete_form=DeleteForm()), status


def _apply_errors(form: TermForm, error: services.GlossaryError) -> None:
    for name, message in error.fields.items():
        field = getattr(form, name, None) or form.term
        field.errors = [*field.errors, str(message)]


@bp.route("/glossary")
@login_required
def index():
    return _render_index()


@bp.post("/glossary")
@moderator_required
def add():
    form = TermForm()
    if not form.validate_on_submit():
        csrf = getattr(form, "csrf_token", None)
        return _render_index(form, 400 if csrf is not None and csrf.errors else 422)
    try:
        row = services.add(services.validate(form.values()), current_user)
    except services.GlossaryError as error:
        _apply_errors(form, error)
        return _render_index(form, 409 if error.duplicate else 422)
    flash(_("“%(term)s” is in the glossary. New translations use it now; run “retranslate --stale” "
            "to redo older ones.", term=row.term), "success")
    return redirect(url_for("glossary.index"))


def _term_or_404(term_id: int) -> GlossaryTerm:
    # A bigger id names nothing (and must not reach PostgreSQL's 32-bit integers).
    row = db.session.get(GlossaryTerm, term_id) if 0 < term_id <= 2**31 - 1 else None
    return row or abort(404)


@bp.route("/glossary/<int:term_id>/edit", methods=["GET", "POST"])
@moderator_required
def edit(term_id: int):
    row = _term_or_404(term_id)
    form = TermForm(obj=row)
    status = 200
    if form.validate_on_submit():
        try:
            services.edit(row, services.validate(form.values()), current_user)
        except services.GlossaryError as error:
            db.session.rollback()
            _apply_errors(form, error)
            status = 409 if error.duplicate else 422
        else:
            flash(_("The glossary entry is saved."), "success")
            return redirect(url_for("glossary.index"))
    elif request.method == "POST":
        status = 422
    return render_template("glossary/edit.html", form=form, entry=row), status


@bp.route("/glossary/<int:term_id>/delete", methods=["GET", "POST"])
@moderator_required
def delete(term_id: int):
    row = _term_or_404(term_id)
    form = DeleteForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        term = row.term
        services.delete(row, current_user)
        flash(_("“%(term)s” is no longer in the glossary.", term=term), "success")
        return redirect(url_for("glossary.index"))
    return render_template("glossary/delete.html", form=form, entry=row, kind_names=KIND_NAMES)
