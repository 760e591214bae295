from datetime import timedelta

import re
from html.parser import HTMLParser

import pytest

from forum.extensions import db
from forum.models import Post, PostRevision, Thread


def test_categories_of_the_four_kinds_exist(client):
    page = client.get("/").get_data(as_text=True)
    for name in ("Questions", "Job descriptions", "Best practices", "General"):
        assert name in page


def test_member_starts_a_thread_in_their_language(client, auth, make_user):
    auth.login(make_user(language="es"))
    form = client.get("/c/questions/new").get_data(as_text=True)
    assert '<option selected value="auto">' in form  # detected on write unless the author picks
    response = client.post("/c/questions/new", data={"title": "¿Cómo reducir fugas?",
                                                      "body": "Perdemos **30 %** del agua.", "language": "auto"})
    assert response.status_code == 302
    thread = db.session.execute(db.select(Thread)).scalar_one()
    assert thread.title == "¿Cómo reducir fugas?" and thread.language == "es"
    post = thread.posts[0]
    assert post.language == "es" and "<strong>30 %</strong>" in post.body_html
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "¿Cómo reducir fugas?" in page and "<strong>30 %</strong>" in page


def test_anonymous_visitors_read_but_cannot_post(client, make_thread, member):
    thread = make_thread(member)
    assert client.get(f"/t/{thread.id}").status_code == 200
    response = client.post("/c/questions/new", data={"title": "x", "body": "y", "language": "en"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(f"/t/{thread.id}/reply", data={"body": "hi", "language": "en"}).status_code == 302
    assert db.session.execute(db.select(db.func.count(Post.id))).scalar() == 1


def test_reply_moves_thread_to_the_top(client, auth, member, make_thread):
    older = make_thread(member, title="Older thread")
    newer = make_thread(member, title="Newer thread")
    older.last_activity_at -= timedelta(hours=1)
    newer.last_activity_at -= timedelta(minutes=30)
    db.session.commit()
    page = client.get("/c/questions").get_data(as_text=True)
    assert page.index("Newer thread") < page.index("Older thread")
    auth.login(member)
    response = client.post(f"/t/{older.id}/reply", data={"body": "Una respuesta", "language": "es"})
    assert response.status_code == 302 and "#post-" in response.headers["Location"]
    page = client.get("/c/questions").get_data(as_text=True)
    assert page.index("Older thread") < page.index("Newer thread")
    db.session.expire_all()
    assert older.reply_count == 1


def test_thread_list_is_paginated(app, client, member, make_thread):
    app.config["THREADS_PER_PAGE"] = 3
    for i in range(7):
        make_thread(member, title=f"Thread {i}")
    first = client.get("/c/questions").get_data(as_text=True)
    third = client.get("/c/questions?page=3").get_data(as_text=True)
    assert "Thread 6" in first and "Thread 0" not in first and "Page 1 of 3" in first
    assert "Thread 0" in third and "Thread 6" not in third
    assert client.get("/c/questions?page=99").status_code == 200


def test_thread_pages_posts(app, client, member, make_thread):
    app.config["POSTS_PER_PAGE"] = 5
    thread = make_thread(member, replies=7)
    assert "Reply number 3" in client.get(f"/t/{thread.id}").get_data(as_text=True)
    second = client.get(f"/t/{thread.id}?page=2").get_data(as_text=True)
    assert "Reply number 6" in second and "Reply number 3" not in second
    last = db.session.execute(db.select(db.func.max(Post.id))).scalar()
    assert client.get(f"/p/{last}").headers["Location"].endswith(f"/t/{thread.id}?page=2#post-{last}")


def test_edit_own_post_keeps_history(client, auth, member, make_thread):
    thread = make_thread(member, title="First title", body="First body")
    post = thread.posts[0]
    auth.login(member)
    response = client.post(f"/p/{post.id}/edit", data={"title": "Second title", "body": "Second body",
                                                       "language": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    assert post.body == "Second body" and post.revision == 2 and post.thread.title == "Second title"
    history = client.get(f"/p/{post.id}/history").get_data(as_text=True)
    assert "First body" in history and "Second body" in history and "First title" in history
    revisions = db.session.execute(db.select(PostRevision).filter_by(post_id=post.id)).scalars().all()
    assert [r.revision for r in revisions] == [1, 2]


def test_editing_a_reply_has_no_title_field(client, auth, member, make_thread):
    thread = make_thread(member, replies=1)
    reply = thread.posts[1]
    auth.login(member)
    assert 'name="title"' not in client.get(f"/p/{reply.id}/edit").get_data(as_text=True)
    client.post(f"/p/{reply.id}/edit", data={"title": "Hijacked", "body": "Edited reply", "language": "en"})
    db.session.expire_all()
    assert thread.title != "Hijacked" and thread.posts[1].body == "Edited reply"


def test_no_member_edits_someone_elses_post(client, auth, member, make_user, make_thread):
    # Moderators may (tests/test_moderation_actions.py).
    thread = make_thread(member, body="Original text")
    post = thread.posts[0]
    for role in ("member", "member"):
        other = make_user(role=role)
        auth.login(other)
        assert client.get(f"/p/{post.id}/edit").status_code == 403
        response = client.post(f"/p/{post.id}/edit", data={"title": "x", "body": "Vandalised", "language": "en"})
        assert response.status_code == 403
        auth.logout()
    db.session.expire_all()
    assert post.body == "Original text" and post.revision == 1


def test_delete_own_post_is_soft(client, auth, member, make_thread):
    thread = make_thread(member, replies=1)
    reply = thread.posts[1]
    auth.login(member)
    assert client.post(f"/p/{reply.id}/delete").status_code == 302
    db.session.expire_all()
    assert reply.deleted_at is not None and reply.body == "Reply number 0"
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "This post was deleted." in page and "Reply number 0" not in page
    assert client.get(f"/p/{reply.id}/edit").status_code == 404


def test_members_cannot_delete_others_posts_but_moderators_can(client, auth, member, make_user, make_thread):
    post = make_thread(member).posts[0]
    auth.login(make_user())
    assert client.post(f"/p/{post.id}/delete").status_code == 403
    db.session.expire_all()
    assert post.deleted_at is None
    auth.logout()
    auth.login(make_user(role="moderator"))
    client.post(f"/p/{post.id}/delete")
    db.session.expire_all()
    assert post.deleted_at is not None


def test_history_of_a_deleted_post_is_hidden_from_members(client, auth, member, make_thread):
    post = make_thread(member).posts[0]
    auth.login(member)
    client.post(f"/p/{post.id}/delete")
    assert client.get(f"/p/{post.id}/history").status_code == 404


@pytest.mark.parametrize("url", ["/t/999", "/c/nope", "/p/999/edit", "/p/999/history", "/p/999"])
def test_missing_things_are_404_pages(client, auth, member, url):
    auth.login(member)
    response = client.get(url)
    assert response.status_code == 404
    assert "does not exist" in response.get_data(as_text=True)


class _MarkupAudit(HTMLParser):
    """Collects every tag, attribute and URL a browser would act on."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "link":  # the page's own <head> links (stylesheet, empty favicon)
            return
        if tag in {"script", "iframe", "object", "embed", "style", "svg", "math"}:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style" and tag not in {"td", "th"}:
                self.problems.append(f"{tag}[{name}]")
            scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value or "")
            if name in {"href", "src"} and scheme and scheme.group(1).lower() not in {"http", "https", "mailto"}:
                self.problems.append(f"{tag}[{name}={value}]")


def unsafe_markup(html: str) -> list[str]:
    audit = _MarkupAudit()
    audit.feed(html)
    return audit.problems


@pytest.mark.parametrize("body", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="https://x.org" onclick="steal()">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "[x](https://ok.example \"t\" onmouseover=alert(1))",
    "<svg/onload=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
])
def test_no_script_reaches_a_page(client, auth, member, body):
    auth.login(member)
    client.post("/c/questions/new", data={"title": "XSS <script>alert(1)</script>", "body": body,
                                          "language": "en"})
    thread = db.session.execute(db.select(Thread)).scalar_one()
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert unsafe_markup(page) == []
    assert "<script>alert(1)</script>" not in page  # the title is escaped too


def test_links_get_rel_nofollow(client, auth, member):
    auth.login(member)
    client.post("/c/questions/new", data={"title": "Links", "body": "[site](https://example.org)",
                                          "language": "en"})
    page = client.get("/t/1").get_data(as_text=True)
    assert 'href="https://example.org"' in page and "nofollow" in page


def test_an_edit_from_a_stale_page_is_refused_not_overwritten(client, auth, member, make_thread):
    post = make_thread(member, title="T", body="Original").posts[0]
    auth.login(member)
    assert client.post(f"/p/{post.id}/edit", data={"title": "T", "body": "From tab one", "language": "en",
                                                   "revision": "1"}).status_code == 302
    response = client.post(f"/p/{post.id}/edit", data={"title": "T", "body": "From tab two", "language": "en",
                                                       "revision": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "changed in the meantime" in page and "From tab two" in page  # the text is not lost
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "From tab one"
