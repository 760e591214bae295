from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from .. import visibility
from ..extensions import db
from ..moderation import policy
from ..models import Category, Post, PostRevision, Thread
from ..text import ascii_int
from ..rate_limits import EDITS, POSTS, charged
from . import bp, reading, services
from .categories import DESCRIPTIONS, NAMES
from .forms import DeletePostForm, EditPostForm, NewThreadForm, ReplyForm


def _page_arg() -> int:
    page = ascii_int(request.args.get("page"))
    return page if page is not None and 0 < page < 100_000 else 1


def _category(slug: str) -> Category:
    category = db.session.execute(db.select(Category).filter_by(slug=slug)).scalar_one_or_none()
    return category or abort(404)


def _post_or_404(post_id: int) -> Post:
    post = db.session.execute(
        db.select(Post).options(joinedload(Post.thread)).filter_by(id=post_id)
    ).scalar_one_or_none()
    if post is None or not visibility.post_is_visible(post):
        abort(404)  # a hidden post is not there for members, not even its links and history
    return post


def _refused(message):
    """403 with the reason on the page (a locked thread, a curated category)."""
    return render_template("errors/error.html", code=403, message=message), 403


@bp.app_template_global()
def category_name(category: Category) -> str:
    return str(NAMES[category.kind])


@bp.route("/")
def index():
    categories = db.session.execute(db.select(Category).order_by(Category.position)).scalars().all()
    recent = reading.thread_titles(db.select(Thread).order_by(*reading.newest_activity()).limit(10),
                                   reading.reader_language())
    return render_template("threads/index.html", categories=categories, counts=reading.thread_counts(),
                           descriptions=DESCRIPTIONS, recent=recent)


@bp.route("/c/<slug>")
def category(slug: str):
    category = _category(slug)
    pagination = reading.threads_page(reading.reader_language(), _page_arg(), current_app.config["THREADS_PER_PAGE"],
                                      category.id)
    return render_template("threads/category.html", category=category, pagination=pagination,
                           description=DESCRIPTIONS[category.kind])


@bp.route("/c/<slug>/new", methods=["GET", "POST"])
@login_required
@charged(POSTS)
def new_thread(slug: str):
    category = _category(slug)
    if not policy.can_start_thread(current_user, category):
        return _refused(policy.CURATED)
    form = NewThreadForm()
    if form.validate_on_submit():
        thread = services.create_thread(category, current_user, form.title.data, form.body.data,
                                        form.language.data)
        flash(_("Your thread is published."), "success")
        return redirect(url_for("threads.thread", thread_id=thread.id))
    return render_template("threads/new_thread.html", category=category, form=form)


@bp.route("/t/<int:thread_id>")
def thread(thread_id: int):
    thread = db.session.execute(
        db.select(Thread).options(joinedload(Thread.category)).filter_by(id=thread_id)
        .where(visibility.visible_threads())
    ).scalar_one_or_none() or abort(404)
    language = reading.reader_language()
    pagination = reading.posts_page(thread, language, _page_arg(), current_app.config["POSTS_PER_PAGE"])
    return render_template("threads/thread.html", thread=thread, title=reading.thread_title(thread, language),
                           pagination=pagination, form=ReplyForm(),
                           delete_form=DeletePostForm(), reader_language=language)


@bp.post("/t/<int:thread_id>/reply")
@login_required
@charged(POSTS)
def reply(thread_id: int):
    thread = db.session.get(Thread, thread_id)
    if thread is None or not visibility.thread_is_visible(thread):
        abort(404)
    if not policy.can_reply(current_user, thread):
        return _refused(policy.LOCKED)
    form = ReplyForm()
    if form.validate_on_submit():
        post = services.add_reply(thread, current_user, form.body.data, form.language.data)
        flash(_("Your reply is published."), "success")
        return redirect(_post_url(post))
    return render_template("threads/reply.html", thread=thread, form=form), 400


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@charged(EDITS)
def edit_post(post_id: int):
    post = _post_or_404(post_id)
    refusal = policy.edit_refusal(current_user, post)
    if refusal is policy.NOT_AUTHOR:
        abort(403)  # the usual page for someone else's post
    if refusal is not None:
        return _refused(refusal)
    if post.is_deleted:
        abort(404)
    first = services.is_first_post(post)
    form = EditPostForm(obj=post)
    if not first:
        del form.title
    elif request.method == "GET":
        form.title.data = post.thread.title
    if request.method == "GET":
        form.revision.data = str(post.revision)
    if form.validate_on_submit():
        try:
            services.edit_post(post, current_user, form.body.data, form.language.data,
                               title=form.title.data if first else None,
                               expected_revision=_int_or_none(form.revision.data) or post.revision)
        except services.EditConflict:
            flash(_("This post was changed in the meantime (perhaps in another tab). "
                    "Your text is still below; reload the post to see the new version."), "error")
            return render_template("threads/edit_post.html", post=post, form=form), 409
        flash(_("Your changes are saved."), "success")
        return redirect(_post_url(post))
    return render_template("threads/edit_post.html", post=post, form=form)


def _int_or_none(value) -> int | None:
    return ascii_int(value, max_digits=9)


@bp.post("/p/<int:post_id>/delete")
@login_required
def delete_post(post_id: int):
    post = _post_or_404(post_id)
    if post.author_id != current_user.id and not current_user.is_moderator:
        abort(403)
    form = DeletePostForm()
    if form.validate_on_submit() and not post.is_deleted:
        services.delete_post(post)
        flash(_("The post is deleted."), "success")
    return redirect(url_for("threads.thread", thread_id=post.thread_id))


@bp.route("/p/<int:post_id>/history")
def post_history(post_id: int):
    post = _post_or_404(post_id)
    if post.is_deleted and not (current_user.is_authenticated and current_user.is_moderator):
        abort(404)
    revisions = db.session.execute(
        db.select(PostRevision).options(joinedload(PostRevision.editor))
        .filter_by(post_id=post.id).order_by(PostRevision.revision.desc())
    ).scalars().all()
    return render_template("threads/history.html", post=post, revisions=revisions)


@bp.route("/p/<int:post_id>")
def post_link(post_id: int):
    return redirect(_post_url(_post_or_404(post_id)))


def _post_url(post: Post) -> str:
    before = db.session.execute(
        db.select(db.func.count(Post.id)).where(Post.thread_id == post.thread_id, Post.id < post.id,
                                                visibility.visible_posts())  # the reader's pages
    ).scalar_one()
    page = before // current_app.config["POSTS_PER_PAGE"] + 1
    return url_for("threads.thread", thread_id=post.thread_id, page=page if page > 1 else None) + f"#post-{post.id}"


@bp.route("/search")
def search():
    """Posts whose original or translation (in the reader's language) contains the words."""
    from ..search import search_posts

    query = (request.args.get("q") or "").strip()[:200]
    language = reading.reader_language()
    views = search_posts(query, language) if query and "\x00" not in query else []
    return render_template("threads/search.html", query=query, views=views,
                           titles=reading.titles_by_thread(views, language),
                           delete_form=DeletePostForm())
