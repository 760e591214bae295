"""/api/v1 endpoints. Identity comes only from the bearer token (never the session cookie),
so the API needs no CSRF token and a browser cannot be tricked into calling it."""
from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask_babel import lazy_gettext as _l

from .. import visibility
from ..extensions import csrf, db, limiter
from ..moderation import policy
from ..models import Category, Post, Thread
from ..rate_limits import EDITS, POSTS, charged
from ..jobs_board.services import retranslate_department
from ..threads import reading, services
from ..threads.forms import BODY_MAX, TITLE_MAX
from ..tokens import user_for_token
from ..urls import external_url
from . import bp, serializers
from .errors import ApiError, error_response
from .openapi import spec
from .validation import Field, json_body, query_choice, query_int, query_text

csrf.exempt(bp)
LANGUAGE_CHOICES = ("auto", "en", "es", "pt")
MAX_ID = 2**31 - 1
NO_MACHINE_TRANSLATION = Field(required=False, kind=bool)  # the author's "do not machine-translate"  # ids are 32-bit integers in PostgreSQL; a bigger one names nothing (and must not reach SQL)


def _token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def rate_key() -> str:
    """Per member once authenticated, however many tokens they hold (the same key as the pages'
    edit limit, so both share one budget); before that, per client address."""
    user = g.get("api_user")
    return f"user:{user.id}" if user is not None else f"ip:{request.remote_addr}"


# The whole API's budget, one per member (or per address for calls without a member), checked in
# `authenticate` rather than on the blueprint: Flask-Limiter checks a blueprint limit before the
# blueprint's before_request, that is before the caller is known.
API_CALLS = limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api", key_func=rate_key)
# Failed authentications per address, tested before the token is looked up and counted only when
# the answer is a 401: guesses (any token, any endpoint) run out, a working script is not slowed.
FAILED_AUTHENTICATIONS = limiter.shared_limit(
    lambda: current_app.config["API_AUTH_FAILURE_RATE_LIMIT"], scope="api-auth-failures",
    key_func=lambda: f"ip:{request.remote_addr}", deduct_when=lambda response: response.status_code == 401)


@bp.before_request
def authenticate():
    if request.endpoint != "api.openapi":
        with FAILED_AUTHENTICATIONS:  # a 429 here comes before any lookup
            token = _token()
            user = user_for_token(token) if token else None
        if user is None:
            raise ApiError(401)
        g.api_user = user
    with API_CALLS:  # counts this call against the member's (or the address's) budget
        pass
    return None


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return error_response(error.status, error.message, error.fields)


def _language() -> str:
    return query_choice("lang", current_app.config["LANGUAGES"], None) or reading.reader_language()


def _thread_or_404(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id) if 0 < thread_id <= MAX_ID else None
    if thread is None or not visibility.thread_is_visible(thread):
        raise ApiError(404, _l("No thread with this id."))
    return thread


@bp.get("/openapi.json")
def openapi():
    slugs = list(db.session.execute(db.select(Category.slug).order_by(Category.position)).scalars())
    return jsonify(spec(external_url("api.openapi").rsplit("/openapi.json", 1)[0], slugs))


@bp.get("/categories")
def list_categories():
    counts = reading.thread_counts()
    categories = db.session.execute(db.select(Category).order_by(Category.position)).scalars()
    return jsonify({"categories": [serializers.category(c, counts.get(c.id, 0)) for c in categories]})


@bp.get("/threads")
def list_threads():
    language = _language()
    page = query_int("page", 1)
    category_id = None
    slug = request.args.get("category")
    if slug:
        category = db.session.execute(db.select(Category).filter_by(slug=slug)).scalar_one_or_none()
        if category is None:
            raise ApiError(422, fields={"category": _l("No such category.")})
        category_id = category.id
    listing = reading.threads_page(language, page, current_app.config["THREADS_PER_PAGE"], category_id)
    return jsonify({"threads": [serializers.thread_summary(i, language) for i in listing.items], "page": page,
                    "pages": listing.pages, "total": listing.total, "language": language})


def _thread_json(thread: Thread, language: str, page: int) -> dict:
    posts = reading.posts_page(thread, language, page, current_app.config["POSTS_PER_PAGE"])
    data = serializers.thread_summary(reading.thread_title(thread, language), language)
    from .jobs import job_of_thread  # imports this module

    data.update({"original_title": thread.title, "language": language, "job": job_of_thread(thread, language),
                 "posts": [serializers.post(v, language) for v in posts.items], "page": page,
                 "pages": posts.pages})
    return data


@bp.get("/threads/<int:thread_id>")
def get_thread(thread_id: int):
    return jsonify(_thread_json(_thread_or_404(thread_id), _language(), query_int("page", 1)))


@bp.post("/threads")
@charged(POSTS)
def create_thread():
    data = json_body({"category": Field(max_length=40), "title": Field(max_length=TITLE_MAX),
                      "body": Field(max_length=BODY_MAX), "language": Field(required=False, choices=LANGUAGE_CHOICES),
                      "no_machine_translation": NO_MACHINE_TRANSLATION})
    category = db.session.execute(db.select(Category).filter_by(slug=data["category"])).scalar_one_or_none()
    if category is None:
        raise ApiError(422, fields={"category": _l("No such category.")})
    if not policy.can_start_thread(g.api_user, category):
        raise ApiError(403, policy.CURATED)
    thread = services.create_thread(category, g.api_user, data["title"], data["body"], data.get("language", "auto"),
                                    no_machine_translation=data.get("no_machine_translation", False))
    response = jsonify(_thread_json(thread, thread.language, 1))
    response.status_code = 201
    response.headers["Location"] = external_url("api.get_thread", thread_id=thread.id)
    return response


@bp.post("/threads/<int:thread_id>/posts")
@charged(POSTS)
def create_post(thread_id: int):
    thread = _thread_or_404(thread_id)
    if not policy.can_reply(g.api_user, thread):
        raise ApiError(403, policy.LOCKED)
    data = json_body({"body": Field(max_length=BODY_MAX), "language": Field(required=False, choices=LANGUAGE_CHOICES),
                      "no_machine_translation": NO_MACHINE_TRANSLATION})
    post = services.add_reply(thread, g.api_user, data["body"], data.get("language", "auto"),
                              no_machine_translation=data.get("no_machine_translation", False))
    response = jsonify(_post_json(post))
    response.status_code = 201
    response.headers["Location"] = external_url("api.get_original", post_id=post.id)
    return response


def _post_json(post: Post) -> dict:
    view = reading.post_views(db.select(Post).where(Post.id == post.id), post.language)[0]
    return serializers.post(view, post.language)


def _post_or_404(post_id: int) -> Post:
    post = db.session.get(Post, post_id) if 0 < post_id <= MAX_ID else None
    if post is None or post.is_deleted or not visibility.post_is_visible(post):
        raise ApiError(404, _l("No post with this id."))
    return post


@bp.route("/posts/<int:post_id>", methods=["PATCH", "DELETE"])
def post_resource(post_id: int):
    """PATCH edits, DELETE deletes (deletion.py). One rule for both methods: of two rules on one path,
    werkzeug answers an id too large for the second one's converter with a 405 instead of a 404."""
    if request.method == "DELETE":
        from .deletion import delete_post

        return delete_post(post_id)
    return edit_post(post_id)


@charged(EDITS)
def edit_post(post_id: int):
    post = _post_or_404(post_id)
    refusal = policy.edit_refusal(g.api_user, post)
    if refusal is not None:
        raise ApiError(403, refusal)
    first = services.is_first_post(post)
    # "title" is a field of every post's edit, as in the OpenAPI document: null (or left out) keeps the
    # title; a title for a reply, which has none, is refused.
    data = json_body({"body": Field(max_length=BODY_MAX), "title": Field(required=False, max_length=TITLE_MAX),
                      "language": Field(required=False, choices=LANGUAGE_CHOICES),
                      "revision": Field(required=False, kind=int),
                      "no_machine_translation": NO_MACHINE_TRANSLATION})
    if "title" in data and not first:
        raise ApiError(422, fields={"title": _l("Only the first post of a thread has a title.")})
    if "revision" in data and data["revision"] != post.revision:
        raise ApiError(409, _l("The post was edited meanwhile (now revision %(revision)d).", revision=post.revision))
    title = data.get("title", post.thread.title) if first else None
    try:
        services.edit_post(post, g.api_user, data["body"], data.get("language", post.language), title=title,
                           expected_revision=data.get("revision", post.revision),
                           before_commit=retranslate_department if first else None,
                           no_machine_translation=data.get("no_machine_translation"))
    except services.EditConflict:
        raise ApiError(409)
    return jsonify(_post_json(post))


@bp.get("/posts/<int:post_id>/original")
def get_original(post_id: int):
    post = _post_or_404(post_id)
    first = services.is_first_post(post)
    return jsonify({"id": post.id, "thread_id": post.thread_id, "language": post.language, "revision": post.revision,
                    "title": post.thread.title if first else None, "body": post.body, "body_html": post.body_html})


@bp.get("/search")
def search():
    """The search page's results as JSON (forum/search/): threads ranked by their best match."""
    from ..search.results import search as run_search
    from ..search.routes import PER_PAGE, where_for

    language = _language()
    query = query_text("q", 200)
    page = query_int("page", 1)  # past the last page: an empty page
    slugs = tuple(db.session.execute(db.select(Category.slug)).scalars())
    city = query_int("city", 0, maximum=MAX_ID) or None
    where = where_for(category_slug=query_choice("category", slugs, None), city_id=city,
                      written_in=query_choice("written_in", tuple(current_app.config["LANGUAGES"]), None))
    results = run_search(query, language, where, page=page, per_page=PER_PAGE)
    return jsonify({"query": query, "language": language, "page": results.page, "pages": results.pages,
                    "total": results.total, "results": [{
                        "thread_id": result.title.thread.id, "thread_title": result.title.title,
                        "post": serializers.post(result.matches[0].view, language),
                        "matches": [{"post_id": m.view.post.id, "snippet_html": str(m.snippet),
                                     "matched_language": m.language, "matched_source": m.source}
                                    for m in result.matches]} for result in results.threads]})
