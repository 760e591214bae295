"""A hostile member attacks the forum through its pages and its API.

Every attack ends in a clear refusal (the right status and a message, in the reader's language where a
person reads it) and leaves the database exactly as it was; content that is accepted as text (a title
that says "<script>") comes back escaped or sanitized wherever it is shown: pages, translated versions,
JSON.

Attacks covered here (each a test below, several parametrized over many payloads):
stored XSS in thread titles, post bodies, display names (invite acceptance and profile), city names, token
names, search queries (API and page), in rendered pages and in translated versions, including a
compromised translation engine; javascript:/data:/vbscript: links and images; raw HTML; oversized and
deeply nested Markdown; NUL bytes and invalid UTF-8 in forms and JSON; CSRF missing or from another
session; IDOR on posts (page and API), tokens and invites; reused, expired and tampered invites; role
escalation (form field, API fields, admin pages); tampered revisions; brute-force login; deleted posts
leaking through search, thread pages and JSON, translations, the edit history and post links; API
authentication bypasses (session cookie, revoked token, suspended owner); open redirects; ids beyond the
database's integer range.

The features that came later have their own hostile files next to this one: test_hostile_flags.py (the
queue and its actions, IDOR on flags, flag floods, XSS in notes), test_hostile_corrections.py (correcting a
language one does not read, hidden threads, XSS in corrections), test_hostile_glossary.py (member writes, XSS
and regex syntax in terms), test_hostile_audit.py (reading the log without the role, XSS in reasons and
before/after values, inert filters), test_hostile_guard.py (an engine that loops with markup). Notifications
are not built yet.
"""
from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape

from testkit import Auth, FakeEngine, db_state as every_row
from forum import jobs
from forum.extensions import db
from forum.models import ApiToken, City, PostTranslation, Role, Thread, User, utcnow
from forum.rendering import render_markdown
from forum.threads import services
from forum.tokens import create_token


def db_state() -> dict:
    """Every row (testkit.db_state) but the read marks, which move as a member views thread pages
    (forum/watching/unread.py), by design. The other hostile files import it here."""
    state = every_row()
    state.pop("thread_reads")
    return state


XSS = '<script>alert(1)</script>'


# --- helpers ------------------------------------------------------------------------------------------

def translated(language: str, message: str, **variables) -> str:
    """`message` in `language`, checked to really differ from English (so the assertion can fail)."""
    with force_locale(language):
        text = gettext(message, **variables)
    assert text != message % variables if variables else text != message, f"not translated: {message}"
    return text


def in_page(language: str, message: str, **variables) -> str:
    return str(escape(translated(language, message, **variables)))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


FORBIDDEN_TAGS = {"script", "iframe", "frame", "object", "embed", "svg", "math", "style", "base", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "srcset"}


def no_script(html: str) -> None:
    """Nothing executable in the markup as a browser parses it: no script-capable tags, no event
    handlers, no javascript:/vbscript:/data: URLs in links, images or forms, no meta refresh.
    (Escaped text such as `&lt;a href="javascript:..."&gt;` is text, and passes.)"""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in FORBIDDEN_TAGS, (tag, attrs)
        assert not (tag == "meta" and "http-equiv" in attrs), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert name != "style" or "url(" not in value.lower(), (tag, value)
            if name in URL_ATTRIBUTES and not (tag == "link" and value == "data:,"):  # the empty favicon
                url = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not url.startswith(("javascript:", "vbscript:", "data:")), (tag, name, value)


def post_body(thread: Thread) -> str:
    return thread.posts[0].body


class Api:
    def __init__(self, client, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, path, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(f"/api/v1{path}", headers=self.headers, **kwargs)

    def patch(self, path, **kwargs):
        return self.client.patch(f"/api/v1{path}", headers=self.headers, **kwargs)


@pytest.fixture
def hostile(make_user):
    """The attacker: a member who reads in Spanish (messages must come in Spanish)."""
    return make_user(language="es", name="Hostil")


@pytest.fixture
def victim(make_user):
    return make_user(language="pt", name="Vítima")


@pytest.fixture
def api(client, hostile) -> Api:
    return Api(client, create_token(hostile, "attack script")[1])


def error_of(response) -> dict:
    assert response.mimetype == "application/json"
    return response.get_json()["error"]


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


# --- stored XSS: titles, bodies, names, search --------------------------------------------------------

BODY_PAYLOADS = [
    XSS,
    '<img src=x onerror="alert(1)">',
    '<svg onload=alert(1)>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<scr<script>ipt>alert(1)</script>',
    '<<script>alert(1)//<</script>',
    '```\n</code></pre><script>alert(1)</script>\n```',
    '`</code><script>alert(1)</script>`',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
]

LINK_PAYLOADS = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](  javascript:alert(1) )",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![img](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    '[click](https://example.org "title\\" onmouseover=\\"alert(1)")',
    "[click](https://example.org/\"onmouseover=\"alert(1))",
]


@pytest.mark.parametrize("payload", BODY_PAYLOADS + LINK_PAYLOADS)
def test_post_body_with_raw_html_or_script_links_is_sanitized_everywhere(client, auth, hostile, payload):
    auth.login(hostile)
    response = client.post("/c/questions/new", data={"title": "Pregunta", "body": payload, "language": "es"})
    assert response.status_code == 302
    thread = db.session.execute(db.select(Thread)).scalar_one()
    assert post_body(thread) == payload  # stored as the author wrote it (the history shows the source)...
    no_script(thread.posts[0].body_html)  # ...rendered without anything executable
    for url in (f"/t/{thread.id}", f"/t/{thread.id}?lang=en", f"/p/{thread.posts[0].id}/history"):
        no_script(client.get(url).get_data(as_text=True))


def test_markdown_links_keep_only_safe_schemes():
    html = render_markdown("[a](https://ok.example) [b](mailto:x@ok.example) [c](javascript:alert(1)) "
                           "![d](data:image/png;base64,AAAA) [e](ftp://files.example)")
    assert 'href="https://ok.example"' in html and 'href="mailto:x@ok.example"' in html
    no_script(html)
    assert "ftp://" not in re.sub(r">[^<]*<", "><", html)  # not a link (may stay as text)
    assert 'rel="nofollow noopener noreferrer ugc"' in html


@pytest.mark.parametrize("title", [XSS, '"><img src=x onerror=alert(1)>', "</title><script>alert(1)</script>",
                                   "{{ 7*7 }}{% raw %}", "'; alert(1); '"])
def test_thread_title_is_escaped_in_every_page_and_the_api(client, auth, api, hostile, title):
    auth.login(hostile)
    assert client.post("/c/questions/new", data={"title": title, "body": "Cuerpo", "language": "es"}
                       ).status_code == 302
    thread = db.session.execute(db.select(Thread)).scalar_one()
    assert thread.title == title
    for url in ("/", "/c/questions", f"/t/{thread.id}", f"/p/{thread.posts[0].id}/edit",
                f"/search?q={thread.posts[0].body}"):
        page = client.get(url).get_data(as_text=True)
        no_script(page)
        assert title not in page or title == str(escape(title))
    assert str(escape(title)) in client.get(f"/t/{thread.id}").get_data(as_text=True)
    data = api.get(f"/threads/{thread.id}")
    assert data.mimetype == "application/json" and data.headers["X-Content-Type-Options"] == "nosniff"
    assert data.get_json()["title"] == title  # JSON carries the text; it is never served as HTML


def test_template_syntax_in_a_title_is_not_evaluated(client, auth, hostile):
    auth.login(hostile)
    client.post("/c/questions/new", data={"title": "{{ 7*7 }} {{ config.SECRET_KEY }}", "body": "x",
                                          "language": "es"})
    thread = db.session.execute(db.select(Thread)).scalar_one()
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "{{ 7*7 }}" in page and "test-secret" not in page


def test_display_name_with_markup_from_the_invite_form_is_escaped(app, client, admin, make_city, make_thread):
    _invite_row, path = _invite(admin, make_city, email="new@city.example.org")
    name = '<img src=x onerror=alert(1)>"><script>alert(1)</script>'
    assert _accept(client, path, name=name).status_code == 302
    user = db.session.execute(db.select(User).filter_by(email="new@city.example.org")).scalar_one()
    assert user.display_name == name
    thread = make_thread(user)
    for url in (f"/t/{thread.id}", "/", "/profile"):
        page = client.get(url).get_data(as_text=True)
        no_script(page)
        assert str(escape(name)) in page or url == "/"


def test_display_name_with_markup_from_the_profile_is_escaped(client, auth, hostile, make_thread, admin):
    auth.login(hostile)
    name = '<svg/onload=alert(1)>'
    response = client.post("/profile", data={"profile-display_name": name, "profile-language": "es",
                                             "profile-submit": "1"})
    assert response.status_code == 302
    thread = make_thread(hostile)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "&lt;svg/onload=alert(1)&gt;" in page
    no_script(page)
    auth.logout()
    auth.login(admin)
    members = client.get("/admin/members").get_data(as_text=True)
    assert "&lt;svg/onload=alert(1)&gt;" in members
    no_script(members)


def test_city_name_with_markup_is_escaped(client, auth, admin, make_user, make_thread):
    auth.login(admin)
    refused = client.post("/admin/cities", data={"name": XSS, "country": '<img src=x onerror=alert(2)>',
                                                 "default_language": "pt"})
    assert refused.status_code == 200 and "Please choose a country from the list." in refused.get_data(as_text=True)
    no_script(refused.get_data(as_text=True))
    response = client.post("/admin/cities", data={"name": XSS, "country": "BR", "default_language": "pt"})
    assert response.status_code == 302
    city = db.session.execute(db.select(City).filter_by(name=XSS)).scalar_one()
    page = client.get("/admin/cities").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    no_script(page)
    thread = make_thread(make_user(city=city))
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the post header names the city
    no_script(page)
    no_script(client.get("/admin/invites").get_data(as_text=True))


def test_token_name_with_markup_is_escaped(client, auth, hostile):
    auth.login(hostile)
    page = client.post("/profile/tokens", data={"token-name": XSS}).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    no_script(page)
    no_script(client.get("/profile").get_data(as_text=True))


def test_search_query_is_inert_in_json_and_escaped_in_the_page(client, api, hostile, make_thread):
    make_thread(hostile, title="Agua", body=f"Texto con {XSS} dentro", language="es")
    response = api.get("/search", query_string={"q": XSS})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # never sniffed into HTML
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    data = response.get_json()
    assert data["query"] == XSS and len(data["results"]) == 1
    no_script(data["results"][0]["post"]["body_html"])
    page = client.get("/search", query_string={"q": XSS}).get_data(as_text=True)
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    no_script(page)


def test_interface_language_parameter_is_not_reflected(client):
    page = client.get("/", query_string={"lang": '"><script>alert(1)</script>'}).get_data(as_text=True)
    no_script(page)
    assert 'lang="en"' in page


# --- translated versions: a translation never un-escapes anything ------------------------------------

def test_translated_versions_of_hostile_posts_stay_escaped(client, hostile, victim, engine, make_thread):
    thread = make_thread(hostile, title=XSS, body=f"{XSS}\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
                         language="es")
    services.add_reply(thread, hostile, '<iframe src="javascript:alert(2)"></iframe>', "es")
    assert jobs.run_pending() == 4
    assert engine.calls  # the hostile text really went through the engine
    for lang in ("en", "pt"):
        page = client.get(f"/t/{thread.id}?lang={lang}").get_data(as_text=True)
        assert f"[{lang}] &lt;script&gt;alert(1)&lt;/script&gt;" in page  # the translated title, escaped
        assert 'data-state="machine"' in page
        no_script(page)
    rows = db.session.execute(db.select(PostTranslation)).scalars().all()
    assert len(rows) == 4
    for row in rows:
        no_script(row.body_html)


class HostileEngine(FakeEngine):
    """A compromised engine: whatever it is asked, it answers with markup and script links."""

    name = "hostile"
    ANSWERS = [XSS, '<img src=x onerror="alert(1)">', "[click](javascript:alert(1))",
               "![x](data:text/html;base64,PHNjcmlwdD4=)", '<a href="vbscript:x">y</a>', "</p><script>alert(3)</script>"]

    def translate(self, texts, source, target):
        self.calls.append((source, target, list(texts)))
        return [self.ANSWERS[i % len(self.ANSWERS)] + " " + text for i, text in enumerate(texts)]


def test_a_compromised_engine_cannot_inject_script(client, api, hostile, set_engines, make_thread):
    bad = HostileEngine()
    set_engines([bad])
    thread = make_thread(hostile, title="Fugas de agua", body="Perdemos agua.\n\nMucha agua.", language="es")
    assert jobs.run_pending() == 2 and bad.calls
    translation = db.session.execute(db.select(PostTranslation).filter_by(language="en")).scalar_one()
    assert "script" in translation.body.lower() or "javascript" in translation.body.lower()  # it did try
    no_script(translation.body_html)
    page = client.get(f"/t/{thread.id}?lang=en").get_data(as_text=True)
    assert 'data-state="machine"' in page
    no_script(page)
    data = api.get(f"/threads/{thread.id}?lang=pt").get_json()
    assert data["posts"][0]["status"] == "machine"
    no_script(data["posts"][0]["body_html"])
    no_script(client.get("/?lang=pt").get_data(as_text=True))  # the translated title in the list


# --- oversized and deeply nested Markdown --------------------------------------------------------------

@pytest.mark.parametrize("body", [
    ">" * 10_000 + " deep",
    "[" * 10_000 + "x" + "]" * 10_000,
    "[" * 10_000 + "x" + "](" * 5_000,
    "*" * 10_000 + "x" + "*" * 10_000,
    "- " * 5_000 + "x",
    "1. " * 3_000 + "x",
    "> " * 5_000 + "- " * 5_000 + "x",
    "`" * 20_000,
    "|" * 20_000 + "\n" + "|-" * 10_000,
    "![" * 10_000 + "x",
    "<" * 20_000 + "a",
])
def test_deeply_nested_markdown_renders_bounded(api, hostile, body):
    response = api.post("/threads", json={"category": "questions", "title": "Anidado", "body": body,
                                          "language": "es"})
    assert response.status_code == 201  # completes: the renderer caps nesting, no recursion error
    html = response.get_json()["posts"][0]["body_html"]
    assert html.count("<blockquote>") <= 20 and html.count("<ul>") <= 20
    no_script(html)


def test_oversized_input_is_refused_and_changes_nothing(client, auth, api, hostile, make_thread):
    thread = make_thread(hostile)
    before = db_state()
    too_long = api.post("/threads", json={"category": "questions", "title": "t" * 201, "body": "b" * 50_001})
    assert too_long.status_code == 422
    fields = error_of(too_long)["fields"]
    assert fields["title"] == translated("es", "At most %(max)d characters.", max=200)
    assert fields["body"] == translated("es", "At most %(max)d characters.", max=50_000)
    flood = api.post(f"/threads/{thread.id}/posts", data='{"body": "' + "x" * 2_000_000 + '"}',
                     content_type="application/json")
    assert flood.status_code == 413
    assert error_of(flood)["message"] == translated("es", "What you sent is too large.")
    auth.login(hostile)
    page = client.post(f"/t/{thread.id}/reply", data={"body": "y" * 50_001, "language": "es"})
    assert page.status_code == 400
    assert in_page("es", "A post can have at most %(max)d characters.", max=50_000) in page.get_data(as_text=True)
    assert db_state() == before


# --- NUL bytes, control characters and invalid UTF-8 ---------------------------------------------------

@pytest.mark.parametrize("field, value", [("body", "NUL\x00here"), ("body", "esc\x1b[31m"), ("title", "bell\x07"),
                                          ("body", "\x00"), ("title", "del\x7f")])
def test_control_characters_in_json_are_refused(api, hostile, make_thread, field, value):
    thread = make_thread(hostile)
    before = db_state()
    body = {"category": "questions", "title": "Título", "body": "Cuerpo", field: value}
    response = api.post("/threads", json=body)
    assert response.status_code == 422
    assert error_of(response)["fields"] == {field: translated("es", "This text contains characters that are not allowed.")}
    edit = api.patch(f"/posts/{thread.posts[0].id}", json={k: v for k, v in body.items() if k != "category"})
    assert edit.status_code == 422
    assert db_state() == before


def test_nul_bytes_in_forms_are_refused_in_the_readers_language(client, auth, hostile, make_thread):
    thread = make_thread(hostile)
    token_count = db.session.execute(db.select(db.func.count(ApiToken.id))).scalar()
    before = db_state()
    auth.login(hostile)
    message = in_page("es", "This text contains characters that are not allowed.")
    reply = client.post(f"/t/{thread.id}/reply", data={"body": "hola\x00", "language": "es"})
    assert reply.status_code == 400 and message in reply.get_data(as_text=True)
    profile = client.post("/profile", data={"profile-display_name": "Ho\x00stil", "profile-language": "es",
                                            "profile-submit": "1"})
    assert profile.status_code == 200 and message in profile.get_data(as_text=True)
    token = client.post("/profile/tokens", data={"token-name": "nul\x00"}, follow_redirects=True)
    assert message in token.get_data(as_text=True)
    edit = client.post(f"/p/{thread.posts[0].id}/edit", data={"title": "T\x00", "body": "b", "language": "es"})
    assert edit.status_code == 200 and message in edit.get_data(as_text=True)
    assert db_state() == before
    assert db.session.execute(db.select(db.func.count(ApiToken.id))).scalar() == token_count


def test_invalid_utf8_in_json_is_a_clear_400(api, hostile, make_thread):
    thread = make_thread(hostile)
    before = db_state()
    for raw in (b'{"body": "\xff\xfe"}', b'{"body": "\xc3\x28"}', b"\x00\x00", b'{"body": "x"',
                b"\xef\xbb\xbf\xef\xbb\xbf{}"):
        response = api.post(f"/threads/{thread.id}/posts", data=raw, content_type="application/json")
        assert response.status_code == 400, raw
        assert error_of(response)["message"] == translated("es", "The body is not valid JSON.")
    # Python's JSON decoder lets lone surrogates through (escaped, or as CESU-style bytes): text that
    # UTF-8 and PostgreSQL cannot hold. Refused like control characters, not a 500.
    for raw in (b'{"body": "\\ud800"}', b'{"body": "ok \\udfff"}', b'{"body": "\xed\xa0\x80"}'):
        response = api.post(f"/threads/{thread.id}/posts", data=raw, content_type="application/json")
        assert response.status_code == 422, raw
        assert error_of(response)["fields"] == {
            "body": translated("es", "This text contains characters that are not allowed.")}
    assert db_state() == before


def test_invalid_utf8_in_a_form_never_stores_broken_text(client, auth, hostile):
    auth.login(hostile)
    response = client.post("/c/questions/new", data=b"title=%FF%FE&body=%C3%28&language=es",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 302)
    for thread in db.session.execute(db.select(Thread)).scalars():
        for text in (thread.title, post_body(thread)):
            text.encode("utf-8")  # no lone surrogates
            assert "\x00" not in text


# --- CSRF ----------------------------------------------------------------------------------------------

def _login_with_csrf(client, user, password):
    response = client.post("/login", data={"email": user.email, "password": password,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302


@pytest.mark.csrf
@pytest.mark.parametrize("forged", [None, "forged", "foreign"])
def test_state_changing_forms_refuse_missing_or_foreign_csrf_tokens(app, client, hostile, make_thread, password,
                                                                    forged):
    thread = make_thread(hostile)
    _row, _secret = create_token(hostile, "mine")
    _login_with_csrf(client, hostile, password)
    if forged == "foreign":
        other = app.test_client()
        token = csrf_token(other)  # valid, but for another browser's session
    else:
        token = forged
    extra = {} if token is None else {"csrf_token": token}
    before = db_state()
    message = in_page("es", "Your form expired or did not come from this site. Please reload the page and try again.")
    attempts = [
        ("/c/questions/new", {"title": "T", "body": "B", "language": "es"}),
        (f"/t/{thread.id}/reply", {"body": "B", "language": "es"}),
        (f"/p/{thread.posts[0].id}/edit", {"title": "T", "body": "changed", "language": "es"}),
        (f"/p/{thread.posts[0].id}/delete", {}),
        ("/profile", {"profile-display_name": "Renamed", "profile-language": "en", "profile-submit": "1"}),
        ("/profile", {"password-current_password": password, "password-password": "x" * 20,
                      "password-confirm": "x" * 20, "password-submit": "1"}),
        ("/profile/tokens", {"token-name": "stolen"}),
        (f"/profile/tokens/{_row.id}/revoke", {}),
        ("/logout", {}),
    ]
    for url, data in attempts:
        response = client.post(url, data={**data, **extra})
        assert response.status_code == 400, url
        assert message in response.get_data(as_text=True), url
    assert db_state() == before


@pytest.mark.csrf
def test_admin_forms_refuse_a_forged_csrf_token(client, admin, hostile, password):
    _login_with_csrf(client, admin, password)
    before = db_state()
    for url, data in [(f"/admin/members/{hostile.id}", {"role": "admin", "status": "active"}),
                      ("/admin/cities", {"name": "X", "country": "MX", "default_language": "es"}),
                      ("/admin/invites", {"email": "x@y.example.org", "city": hostile.city_id, "role": "admin"})]:
        response = client.post(url, data={**data, "csrf_token": "forged"})
        assert response.status_code == 400, url
    assert db_state() == before


# --- IDOR: posts, tokens, invites -----------------------------------------------------------------------

def test_editing_or_deleting_someone_elses_post_through_pages_is_refused(client, auth, hostile, victim,
                                                                         make_thread):
    thread = make_thread(victim, title="Orçamento", body="Palavras da vítima", language="pt", replies=1)
    before = db_state()
    auth.login(hostile)
    forbidden = in_page("es", "You do not have permission to do that.")
    for post in thread.posts:
        for method, url, data in [("get", f"/p/{post.id}/edit", None),
                                  ("post", f"/p/{post.id}/edit", {"title": "mío", "body": "mío", "language": "es"}),
                                  ("post", f"/p/{post.id}/delete", {})]:
            response = getattr(client, method)(url, data=data)
            assert response.status_code == 403, url
            assert forbidden in response.get_data(as_text=True)
    assert db_state() == before


def test_editing_someone_elses_post_through_the_api_is_refused(api, victim, make_thread):
    thread = make_thread(victim, body="Palavras da vítima", language="pt")
    before = db_state()
    for body in ({"body": "mío"}, {"body": "mío", "title": "mío"}, {"body": "mío", "revision": 1}):
        response = api.patch(f"/posts/{thread.posts[0].id}", json=body)
        assert response.status_code == 403
        assert error_of(response) == {"code": "forbidden",
                                      "message": translated("es", "Only the author can edit a post.")}
    assert db_state() == before


def test_revoking_someone_elses_token_is_refused_and_the_token_keeps_working(client, auth, hostile, victim):
    row, secret = create_token(victim, "victim's script")
    before = db_state()
    auth.login(hostile)
    response = client.post(f"/profile/tokens/{row.id}/revoke")
    assert response.status_code == 404
    assert in_page("es", "This page does not exist, or it has been removed.") in response.get_data(as_text=True)
    assert db_state() == before
    assert "victim&#39;s script" not in client.get("/profile").get_data(as_text=True)  # not even listed
    assert client.get("/api/v1/categories", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_a_token_hash_or_prefix_is_not_a_token(client, victim):
    row, secret = create_token(victim, "victim's script")
    for guess in (row.token_hash, row.prefix, secret[:-1], secret + "x", secret.upper(), f"cnf_{'A' * 300}",
                  secret.replace("cnf_", "")):
        response = client.get("/api/v1/categories", headers={"Authorization": f"Bearer {guess}"})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def _invite(admin, make_city, role=Role.MEMBER, email="invited@city.example.org"):
    from forum.invites import create_invite

    invite, link = create_invite(email, make_city(), role, admin)
    return invite, "/invite/" + link.rsplit("/invite/", 1)[1]


def _accept(client, path, name="Nuevo", **extra):
    return client.post(path, data={"display_name": name, "password": "a long enough password",
                                   "confirm": "a long enough password", "language": "es", **extra})


def test_an_invite_works_once(app, client, admin, make_city):
    _invite_row, path = _invite(admin, make_city)
    assert _accept(client, path).status_code == 302
    before = db_state()
    second = app.test_client()
    response = _accept(second, path, name="Intruso")
    assert response.status_code == 410
    assert "This link is no longer valid." in response.get_data(as_text=True)  # anonymous: English by default
    es = second.get(path, headers={"Accept-Language": "es"})
    assert es.status_code == 410 and in_page("es", "This link is no longer valid.") in es.get_data(as_text=True)
    assert db_state() == before


def test_an_expired_invite_is_refused(client, admin, make_city):
    invite, path = _invite(admin, make_city)
    invite.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    before = db_state()
    for response in (client.get(path), _accept(client, path)):
        assert response.status_code == 410
        assert "This link is no longer valid." in response.get_data(as_text=True)
    assert db_state() == before


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
    lambda t: t.upper(),
    lambda t: t + "x",
    lambda t: "x" * 101,
    lambda t: "",
    lambda t: "../../admin/members",
    lambda t: t[:10],
])
def test_a_tampered_invite_token_is_refused(client, admin, make_city, tamper):
    _invite_row, path = _invite(admin, make_city)
    token = path.rsplit("/", 1)[1]
    before = db_state()
    response = _accept(client, "/invite/" + tamper(token))
    assert response.status_code in (404, 410)
    assert response.status_code != 500
    assert db_state() == before


# --- role escalation -----------------------------------------------------------------------------------

def test_an_extra_role_field_on_invite_acceptance_is_ignored(client, admin, make_city):
    _invite_row, path = _invite(admin, make_city)
    response = _accept(client, path, role="admin", is_admin="1", suspended="0", city_id="1", email="boss@x.org")
    assert response.status_code == 302
    user = db.session.execute(db.select(User).filter_by(email="invited@city.example.org")).scalar_one()
    assert user.role == Role.MEMBER  # the invite decides, never the form
    assert db.session.execute(db.select(User).filter_by(email="boss@x.org")).first() is None
    assert client.get("/admin/members").status_code == 403


@pytest.mark.parametrize("extra", [{"role": "admin"}, {"author_id": 1}, {"is_admin": True}, {"thread_id": 1},
                                   {"id": 999}, {"deleted": False}, {"body_html": XSS}, {"engine": "x"}])
def test_unknown_api_fields_are_refused_never_assigned(api, hostile, victim, make_thread, extra):
    thread = make_thread(hostile)
    make_thread(victim)
    before = db_state()
    new = api.post("/threads", json={"category": "questions", "title": "T", "body": "B", **extra})
    reply = api.post(f"/threads/{thread.id}/posts", json={"body": "B", **extra})
    edit = api.patch(f"/posts/{thread.posts[0].id}", json={"body": "B", **extra})
    for response in (new, reply, edit):
        assert response.status_code == 422
        error = error_of(response)
        assert error["message"] == translated("es", "Some fields are not valid.")
        assert error["fields"] == {name: translated("es", "Unknown field.") for name in extra}
    assert db_state() == before
    assert db.session.get(User, hostile.id).role == Role.MEMBER


@pytest.mark.parametrize("revision, status", [(0, 409), (2, 409), (-1, 409), ("1", 422), (True, 422), (1.0, 422),
                                              ([1], 422), ({"$gt": 0}, 422)])
def test_revision_tampering_is_refused(api, hostile, make_thread, revision, status):
    thread = make_thread(hostile)
    before = db_state()
    response = api.patch(f"/posts/{thread.posts[0].id}", json={"body": "nuevo", "revision": revision})
    assert response.status_code == status
    if status == 409:
        assert error_of(response)["message"] == translated(
            "es", "The post was edited meanwhile (now revision %(revision)d).", revision=1)
    else:
        assert error_of(response)["fields"] == {"revision": translated("es", "Must be an integer.")}
    assert db_state() == before


def test_wrong_json_types_are_refused(api, hostile, make_thread):
    thread = make_thread(hostile)
    before = db_state()
    for body in ([], ["body"], "body", 1, None, {"body": ["a"]}, {"body": {"$ne": ""}}, {"body": 1},
                 {"body": True}, {"body": "ok", "language": "xx"}, {"body": "ok", "language": ["es"]}):
        response = api.post(f"/threads/{thread.id}/posts", data=json.dumps(body), content_type="application/json")
        assert response.status_code in (400, 422), body
        assert error_of(response)["code"] in ("bad_request", "validation_error")
    assert db_state() == before


def test_a_blank_title_cannot_replace_a_thread_title_through_the_api(api, hostile, make_thread):
    thread = make_thread(hostile, title="Título bueno")
    before = db_state()
    for title in ("", "   ", "\n\t"):
        response = api.patch(f"/posts/{thread.posts[0].id}", json={"body": "otro", "title": title})
        assert response.status_code == 422
        assert set(error_of(response)["fields"]) == {"title"}
    assert db_state() == before


def test_a_member_cannot_use_the_admin_pages(client, auth, hostile, victim):
    before = db_state()
    auth.login(hostile)
    forbidden = in_page("es", "You do not have permission to do that.")
    attempts = [("post", f"/admin/members/{hostile.id}", {"role": "admin", "status": "active"}),
                ("post", f"/admin/members/{victim.id}", {"role": "member", "status": "suspended"}),
                ("get", f"/admin/members/{hostile.id}", None), ("get", "/admin/members", None),
                ("post", "/admin/cities", {"name": "X", "country": "MX", "default_language": "es"}),
                ("post", "/admin/invites", {"email": "friend@x.example.org", "city": hostile.city_id,
                                            "role": "admin"}),
                ("get", "/admin/invites", None)]
    for method, url, data in attempts:
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 403, url
        assert forbidden in response.get_data(as_text=True), url
    assert db_state() == before


def test_a_moderator_cannot_promote_themselves(client, auth, make_user):
    moderator = make_user(role="moderator", language="pt")
    before = db_state()
    auth.login(moderator)
    response = client.post(f"/admin/members/{moderator.id}", data={"role": "admin", "status": "active"})
    assert response.status_code == 403
    assert in_page("pt", "You do not have permission to do that.") in response.get_data(as_text=True)
    assert db_state() == before


def test_an_admin_form_with_an_invented_role_is_refused(client, auth, admin, hostile):
    auth.login(admin)
    before = db_state()
    response = client.post(f"/admin/members/{hostile.id}", data={"role": "superuser", "status": "active"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    response = client.post(f"/admin/members/{hostile.id}", data={"role": "member", "status": "god-mode"})
    assert response.status_code == 200
    assert db_state() == before


# --- API authentication ---------------------------------------------------------------------------------

def test_a_logged_in_browser_cannot_use_the_api_without_a_token(client, auth, hostile, make_thread):
    thread = make_thread(hostile)
    auth.login(hostile)
    before = db_state()
    for response in (client.post("/api/v1/threads", json={"category": "questions", "title": "T", "body": "B"}),
                     client.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "B"}),
                     client.patch(f"/api/v1/posts/{thread.posts[0].id}", json={"body": "B"}),
                     client.get("/api/v1/categories")):
        assert response.status_code == 401
        assert error_of(response)["code"] == "unauthorized"
    assert db_state() == before


def test_revoked_tokens_and_suspended_members_are_locked_out(client, hostile):
    row, secret = create_token(hostile, "script")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/categories", headers=headers).status_code == 200
    hostile.suspended = True
    db.session.commit()
    assert client.get("/api/v1/categories", headers=headers).status_code == 401
    hostile.suspended = False
    row.revoked_at = utcnow()
    db.session.commit()
    before = db_state()
    response = client.post("/api/v1/threads", headers=headers, json={"category": "questions", "title": "T",
                                                                     "body": "B"})
    assert response.status_code == 401
    assert db_state() == before


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token cnf_x", "cnf_x",
                                    "Bearer cnf_' OR '1'='1", "Bearer \tcnf_x"])
def test_malformed_authorization_headers_are_401(client, header):
    response = client.get("/api/v1/categories", headers={"Authorization": header})
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_json_with_the_wrong_content_type_is_refused(api, hostile, make_thread):
    thread = make_thread(hostile)
    before = db_state()
    for kwargs in ({"data": '{"body": "x"}', "content_type": "text/plain"},
                   {"data": {"body": "x"}},  # a form post, as a CSRF page would send
                   {"data": '{"body": "x"}', "content_type": "application/x-www-form-urlencoded"}):
        response = api.post(f"/threads/{thread.id}/posts", **kwargs)
        assert response.status_code == 415
        assert error_of(response)["message"] == translated("es", "Send JSON with 'Content-Type: application/json'.")
    assert db_state() == before


# --- ids beyond what the database holds -----------------------------------------------------------------

@pytest.mark.parametrize("post_id", [0, 2**31, 2**63, 10**30])
def test_api_ids_out_of_range_are_404(api, hostile, post_id):
    for response in (api.get(f"/posts/{post_id}/original"), api.get(f"/threads/{post_id}"),
                     api.patch(f"/posts/{post_id}", json={"body": "x"}),
                     api.post(f"/threads/{post_id}/posts", json={"body": "x"})):
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("url", ["/t/{big}", "/p/{big}", "/p/{big}/history", "/p/{big}/edit"])
def test_page_ids_out_of_range_are_404(client, auth, hostile, url):
    auth.login(hostile)
    assert client.get(url.format(big=10**30)).status_code == 404


# --- brute force ----------------------------------------------------------------------------------------

@pytest.mark.ratelimit
def test_brute_force_login_is_stopped_with_retry_after(app, client, hostile, password):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for attempt in range(limit):
        response = client.post("/login", data={"email": hostile.email, "password": f"guess {attempt}"},
                               headers={"Accept-Language": "es"})
        assert response.status_code == 200
        assert in_page("es", "Wrong email or password.") in response.get_data(as_text=True)
    blocked = client.post("/login", data={"email": hostile.email, "password": password},
                          headers={"Accept-Language": "es"})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert in_page("es", "Too many attempts. Please wait a moment and try again.") in blocked.get_data(as_text=True)
    assert client.get("/profile").status_code == 302  # even the right password did not log in
    other_account = client.post("/login", data={"email": "someone@else.example.org", "password": "x"})
    assert other_account.status_code == 429  # the key is the client, not the account tried


@pytest.mark.ratelimit
def test_api_write_flood_is_rate_limited(app, api, hostile, make_thread):
    thread = make_thread(hostile)
    limit = int(app.config["POST_RATE_LIMIT"].split()[0])
    for _ in range(limit):
        assert api.post(f"/threads/{thread.id}/posts", json={"body": "spam"}).status_code == 201
    before = db_state()
    response = api.post(f"/threads/{thread.id}/posts", json={"body": "spam"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert error_of(response)["message"] == translated("es", "Too many requests. Please wait a moment and try again.")
    assert db_state() == before


# --- deleted posts never leak ----------------------------------------------------------------------------

def test_deleted_posts_do_not_leak_anywhere(app, client, auth, api, hostile, victim, engine, make_thread):
    thread = make_thread(victim, title="Hilo", body="Texto público", language="pt", replies=0)
    secret = services.add_reply(thread, victim, "Senha secreta do cofre", "pt")
    services.edit_post(secret, victim, "Senha secreta do cofre, editada", "pt")
    jobs.run_pending()
    translated_secret = db.session.execute(
        db.select(PostTranslation).filter_by(post_id=secret.id, language="es")).scalar_one().body
    assert "Senha secreta" in translated_secret  # "[es] Senha secreta ...": searchable in Spanish too
    services.delete_post(secret)
    auth.login(hostile)
    before = db_state()

    for lang in ("en", "pt", "es"):  # ?lang= sticks: the hostile reader ends in Spanish again
        page = client.get(f"/t/{thread.id}?lang={lang}").get_data(as_text=True)
        assert "secreta" not in page and "Texto público" in page
        assert api.get("/search", query_string={"q": "secreta", "lang": lang}).get_json()["results"] == []
        page = client.get(f"/search?q=secreta&lang={lang}").get_data(as_text=True)
        assert "cofre" not in page  # the query itself is echoed in the form; the post's words are not
        data = api.get(f"/threads/{thread.id}?lang={lang}")
        assert "secreta" not in data.get_data(as_text=True)
        deleted = [p for p in data.get_json()["posts"] if p["id"] == secret.id][0]
        assert deleted["deleted"] is True and deleted["body"] is None and deleted["body_html"] is None

    history = client.get(f"/p/{secret.id}/history")
    assert history.status_code == 404 and "secreta" not in history.get_data(as_text=True)
    assert in_page("es", "This page does not exist, or it has been removed.") in history.get_data(as_text=True)
    original = api.get(f"/posts/{secret.id}/original")
    assert original.status_code == 404 and "secreta" not in original.get_data(as_text=True)
    assert error_of(original)["message"] == translated("es", "No post with this id.")
    link = client.get(f"/p/{secret.id}", follow_redirects=True)
    assert link.status_code in (200, 404) and "secreta" not in link.get_data(as_text=True)
    assert api.patch(f"/posts/{secret.id}", json={"body": "revivido"}).status_code == 404
    author = app.test_client()  # not even the author can edit it back to life
    Auth(author).login(victim)
    assert author.post(f"/p/{secret.id}/edit", data={"body": "revivido", "language": "pt"}).status_code == 404
    assert db_state() == before


def test_search_wildcards_and_sql_do_not_widen_results(api, hostile, make_thread):
    make_thread(hostile, title="Uno", body="nada especial", language="es")
    make_thread(hostile, title="Dos", body="cien por ciento: 100% seguro", language="es")
    # Symbols are not words: they find nothing (LIKE's wildcards included) and never fail.
    for query, expected in (("%", 0), ("100%", 1), ("_", 0), ("' OR '1'='1", 0), ("%' OR 1=1 --", 0), ("\\", 0)):
        response = api.get("/search", query_string={"q": query})
        assert response.status_code == 200, query
        assert len(response.get_json()["results"]) == expected, query


def test_search_refuses_control_characters_clearly(api):
    response = api.get("/search", query_string={"q": "a\x00b"})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"q": translated("es", "This text contains characters that are not allowed.")}


# --- redirects ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\evil.example",
                                    "javascript:alert(1)", "http:/evil.example", " //evil.example"])
def test_login_next_never_leaves_the_site(client, hostile, password, target):
    response = client.post(f"/login?next={target}", data={"email": hostile.email, "password": password})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/" or (location.startswith("/") and not location.startswith(("//", "/\\")))
    assert "evil" not in location and "javascript" not in location
