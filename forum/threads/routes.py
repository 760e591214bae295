from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from .. import visibility
from ..attachments import services as attachments
from ..extensions import db
from ..moderation import policy
from ..models import Category, CategoryKind, Post, PostRevision, Thread
from ..text import ascii_int
from ..rate_limits import EDITS, POSTS, charged
from ..watching import unread
from . import bp, deletion, reading, services
from .categories import DESCRIPTIONS, NAMES
from .forms import DeletePostForm, EditPostForm, NewThreadForm, ReplyForm, RestorePostForm


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
                           descriptions=DESCRIPTIONS, recent=recent, unread=_unread(recent))


@bp.route("/c/<slug>")
def category(slug: str):
    from ..questions.reading import list_filter

    category = _category(slug)
    only, where = list_filter(category, request.args.get("filter"))
    pagination = reading.threads_page(reading.reader_language(), _page_arg(), current_app.config["THREADS_PER_PAGE"],
                                      category.id, where)
    return render_template("threads/category.html", category=category, pagination=pagination,
                           description=DESCRIPTIONS[category.kind], list_filter=only,
                           unread=_unread(pagination.items))


def _unread(items: list) -> dict:
    """The member's "N new" of a list's threads (forum/watching/unread.py); nothing for visitors."""
    if not current_user.is_authenticated:
        return {}
    return unread.counts(current_user, [item.thread.id for item in items])


def _checking_similar() -> bool:
    return request.method == "POST" and "check_similar" in request.form


@bp.route("/c/<slug>/new", methods=["GET", "POST"])
@login_required
@charged(POSTS, free=_checking_similar)
def new_thread(slug: str):
    category = _category(slug)
    if not policy.can_start_thread(current_user, category):
        return _refused(policy.CURATED)
    if category.kind == CategoryKind.JOBS:  # a job description has its own form (forum/jobs_board)
        return redirect(url_for("jobs_board.new"))
    form = NewThreadForm()
    similar = None
    if _checking_similar():
        # Nothing is stored: the page comes back, as typed, with threads like the title.
        from ..search.results import similar_threads

        similar = similar_threads(form.title.data or "", reading.reader_language())
        if request.form.get("fragment") == "1":  # the page's script, as the member types: the list alone
            return render_template("search/_similar.html", similar=similar, asked=form.title.data)
    elif form.validate_on_submit():
        with attachments.uploads(form.attachments.checked, current_user) as files:
            thread = services.create_thread(category, current_user, form.title.data, form.body.data,
                                            form.language.data, attachments=files,
                                            no_machine_translation=form.no_machine_translation.data)
        flash(_("Your thread is published."), "success")
        return redirect(url_for("threads.thread", thread_id=thread.id))
    return render_template("threads/new_thread.html", category=category, form=form, similar=similar)


@bp.route("/t/<int:thread_id>")
def thread(thread_id: int):
    thread = db.session.execute(
        db.select(Thread).options(joinedload(Thread.category)).filter_by(id=thread_id)
        .where(visibility.visible_threads())
    ).scalar_one_or_none() or abort(404)
    from ..questions.reading import answer_state

    state = unread.reading_state(current_user, thread) if current_user.is_authenticated else None
    if state is not None and request.args.get("unread") == "1":  # the lists' "N new" link
        first = db.session.get(Post, state.first_unread_post_id) if state.first_unread_post_id else None
        return redirect(_post_url(first) if first else url_for("threads.thread", thread_id=thread.id))
    language = reading.reader_language()
    pagination = reading.posts_page(thread, language, _page_arg(), current_app.config["POSTS_PER_PAGE"])
    first_unread = None
    if state is not None and state.first_unread_post_id and "page" not in request.args:
        # Straight to the post: once this page is marked read, ?unread=1 would point past it.
        first_unread = _post_url(db.session.get(Post, state.first_unread_post_id))
    page = render_template("threads/thread.html", thread=thread, title=reading.thread_title(thread, language),
                           pagination=pagination, form=ReplyForm(),
                           delete_form=DeletePostForm(), reader_language=language,
                           answers=answer_state(thread, language, current_user), first_unread=first_unread)
    newest = max((view.post.id for view in pagination.items), default=None)
    if state is not None and newest is not None and (state.last_read_post_id or 0) < newest:
        # After rendering: a commit expires the page's rows, and reloading them would be a query each.
        unread.mark_read(current_user, thread, newest)
        db.session.commit()
    return page


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
        with attachments.uploads(form.attachments.checked, current_user) as files:
            post = services.add_reply(thread, current_user, form.body.data, form.language.data, attachments=files,
                                      no_machine_translation=form.no_machine_translation.data)
        flash(_("Your reply is published."), "success")
        return redirect(_post_url(post))
    return render_template("threads/reply.html", thread=thread, form=form), 400


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@charged(EDITS)
def edit_post(post_id: int):
    post = _post_or_404(post_id)
    if services.is_first_post(post) and post.thread.category.kind == CategoryKind.JOBS:
        # A job description's text is edited with its fields, on the job's own page (its own rules).
        from ..jobs_board.services import posting_for_thread

        if posting_for_thread(post.thread_id) is not None:
            return redirect(url_for("jobs_board.edit", thread_id=post.thread_id))
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
    current = attachments.of_post(post.id)
    form.remove_attachments.choices = [(a.id, f"{a.filename} ({attachments.human_size(a.size)})") for a in current]
    removed = [a for a in current if a.id in (form.remove_attachments.data or [])]
    form.attachments.kept = len(current) - len(removed)
    if form.validate_on_submit():
        try:
            with attachments.uploads(form.attachments.checked, current_user, removed) as files:
                services.edit_post(post, current_user, form.body.data, form.language.data,
                                   title=form.title.data if first else None,
                                   expected_revision=_int_or_none(form.revision.data) or post.revision,
                                   attachments=files, no_machine_translation=form.no_machine_translation.data)
        except services.EditConflict:
            flash(_("This post was changed in the meantime (perhaps in another tab). "
                    "Your text is still below; reload the post to see the new version."), "error")
            return render_template("threads/edit_post.html", post=post, form=form, current=current), 409
        flash(_("Your changes are saved."), "success")
        return redirect(_post_url(post))
    return render_template("threads/edit_post.html", post=post, form=form, current=current)


def _int_or_none(value) -> int | None:
    return ascii_int(value, max_digits=9)


@bp.route("/p/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id: int):
    """GET: a page that asks first (which post, an excerpt, Cancel / Delete). POST: delete."""
    post = _post_or_404(post_id)
    if not deletion.may_delete(current_user, post):
        abort(403)
    if post.is_hidden and not current_user.is_moderator:
        abort(404)  # hidden from members, its author included
    form = DeletePostForm()
    if request.method == "GET":
        if post.is_deleted:
            flash(_("This post is already deleted."), "info")
            return redirect(_post_url(post))
        view = reading.post_views(db.select(Post).where(Post.id == post.id), reading.reader_language())[0]
        return render_template("threads/delete_post.html", post=post, view=view, form=form,
                               excerpt=deletion.excerpt(view.body_html), first=services.is_first_post(post))
    if form.validate_on_submit() and not post.is_deleted:
        services.delete_post(post, by=current_user)
        if deletion.may_restore(current_user, post):
            # The message carries its own Undo button (a form= button for the placeholder's form).
            flash(Markup(render_template("threads/_undo_flash.html", post=post)), "success")
        else:
            flash(_("The post is deleted."), "success")
    return redirect(_post_url(post))


@bp.post("/p/<int:post_id>/restore")
@login_required
def restore_post(post_id: int):
    """Undo a deletion: the author for a while (their own deletion), a moderator any time."""
    post = _post_or_404(post_id)
    if post.is_hidden and not current_user.is_moderator:
        abort(404)
    if not post.is_deleted:
        flash(_("This post is not deleted."), "info")
        return redirect(_post_url(post))
    try:
        deletion.check_restore(current_user, post)
    except deletion.RestoreRefused as refusal:
        return render_template("errors/error.html", code=403, message=refusal.message), 403
    if RestorePostForm().validate_on_submit():
        services.restore_post(post, by=current_user)
        flash(_("The post is restored."), "success")
    return redirect(_post_url(post))


@bp.app_template_global()
def can_restore_post(post: Post) -> bool:
    return deletion.may_restore(current_user, post)


@bp.app_template_global()
def can_delete_post(post: Post) -> bool:
    return deletion.may_delete(current_user, post)


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
