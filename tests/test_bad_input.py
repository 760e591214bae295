"""Bad input gets a clear message in the reader's language and changes nothing; never a 500."""
import pytest

from forum.extensions import db
from forum.models import Post, Thread, User


def _counts():
    return (db.session.execute(db.select(db.func.count(Thread.id))).scalar(),
            db.session.execute(db.select(db.func.count(Post.id))).scalar())


@pytest.mark.parametrize("title, body, message", [
    ("", "A body", "Please enter a title."),
    ("A title", "", "Please write something."),
    ("   ", "   ", "Please enter a title."),
    ("x" * 10_000, "A body", "The title can have at most 200 characters."),
    ("A title", "y" * 200_000, "A post can have at most 50000 characters."),
    ("Nul\x00title", "A body", "This text contains characters that are not allowed."),
    ("A title", "Nul\x00body", "This text contains characters that are not allowed."),
])
def test_new_thread_rejects_bad_input(client, auth, member, title, body, message):
    auth.login(member)
    before = _counts()
    response = client.post("/c/questions/new", data={"title": title, "body": body, "language": "en"})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _counts() == before


def test_unknown_language_is_refused(client, auth, member):
    auth.login(member)
    response = client.post("/c/questions/new", data={"title": "T", "body": "B", "language": "fr"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert _counts() == (0, 0)


def test_bad_input_is_explained_in_the_readers_language(client, auth, make_user):
    auth.login(make_user(language="pt"))
    page = client.post("/c/questions/new", data={"title": "", "body": "B", "language": "pt"}).get_data(as_text=True)
    assert "Please enter a title." not in page
    assert 'lang="pt"' in page


def test_empty_reply_is_refused_and_changes_nothing(client, auth, member, make_thread):
    thread = make_thread(member)
    auth.login(member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "", "language": "en"})
    assert response.status_code == 400
    assert "Please write something." in response.get_data(as_text=True)
    assert _counts() == (1, 1)


def test_a_request_over_the_size_cap_gets_a_clear_413(client, auth, member):
    auth.login(member)
    response = client.post("/c/questions/new", data={"title": "T", "body": "z" * 2_000_000, "language": "en"})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert _counts() == (0, 0)


def test_invalid_utf8_does_not_break_anything(client, auth, member):
    auth.login(member)
    response = client.post("/c/questions/new", data=b"title=%FF%FE&body=%C3%28&language=en",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 302)
    assert response.status_code != 500


@pytest.mark.parametrize("page", ["abc", "-1", "0", "999999999999", "1e9"])
def test_odd_page_numbers_are_harmless(client, page):
    assert client.get(f"/c/questions?page={page}").status_code == 200


@pytest.mark.csrf
def test_missing_or_wrong_csrf_token_is_refused(client, auth, member):
    # With CSRF on, even login needs the token: fetch it the way a browser would.
    import re

    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    response = client.post("/login", data={"email": member.email, "password": "correct horse battery",
                                           "csrf_token": token})
    assert response.status_code == 302
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post("/c/questions/new", data={"title": "T", "body": "B", "language": "en", **data})
        assert response.status_code == 400
        assert "did not come from this site" in response.get_data(as_text=True)
    assert _counts() == (0, 0)


@pytest.mark.csrf
def test_a_token_from_another_session_is_refused(app, member, make_user):
    import re

    other = app.test_client()
    page = other.get("/login").get_data(as_text=True)
    foreign = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    victim = app.test_client()
    response = victim.post("/login", data={"email": member.email, "password": "correct horse battery",
                                           "csrf_token": foreign})
    assert response.status_code == 400


def test_changing_the_id_in_the_url_edits_nothing(client, auth, member, make_user, make_thread):
    victim_post = make_thread(make_user(), body="Victim's words").posts[0]
    auth.login(member)
    response = client.post(f"/p/{victim_post.id}/edit", data={"title": "t", "body": "mine now", "language": "en"})
    assert response.status_code == 403
    assert "You do not have permission to do that." in response.get_data(as_text=True)
    db.session.expire_all()
    assert victim_post.body == "Victim's words"


def test_wrong_method_is_a_clear_405(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "not allowed" in response.get_data(as_text=True)


def test_display_name_with_markup_is_escaped(client, auth, make_user, make_thread):
    user = make_user(name='<img src=x onerror="alert(1)">')
    thread = make_thread(user)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert '<img src=x onerror="alert(1)">' not in page and "&lt;img" in page


def test_no_stack_trace_on_an_unexpected_error(app, client, monkeypatch):
    from forum.threads import routes

    def boom(*_a, **_k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(routes, "render_template", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in text and "Traceback" not in text
    assert "Something went wrong" in text


def test_register_page_does_not_exist(client):
    assert client.get("/register").status_code == 404
    assert db.session.execute(db.select(db.func.count(User.id))).scalar() == 0
