"""A hostile member's text and an anonymous reader (issue 14, second part).

- Names and titles refuse what makes one text pass for another: bidi embeddings, overrides and
  isolates, zero-width and other format characters, every other Default_Ignorable code point (U+FE0F
  after an emoji aside) and what is drawn blank, line breaks, text with no letter or number, and
  (display names) a copy of another member's name, however disguised (lookalike letters included).
  Post bodies keep joiners and direction marks but refuse the controls that reorder what follows them.
  Whatever an older row holds, names and titles are shown isolated (<bdi> or dir="auto"), so nothing leaks out of them.
- Moderators and administrators carry a role badge beside their name on every page that names authors.
- Images from other hosts are links, not images (no read tracking); so are images on this site whose URL
  has a query or a fragment (a request of the author's choosing); the CSP allows images from this site.
- FORUM_PUBLIC_READ (off by default): visitors see a landing page and the login, nothing else of the
  forum, on every URL of the app, including routes added later.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from markupsafe import escape

from forum import config as forum_config
from forum import jobs
from forum.extensions import db
from forum.models import ApiToken, City, JobStatus, Post, Role, Thread, TranslationJob, User
from forum.rendering import render_markdown
from forum.threads import services
from forum.tokens import create_token

NOT_SINGLE_LINE = ("Line breaks, invisible characters (such as zero-width spaces) and characters that change the "
                   "writing direction are not allowed here.")
BIDI_CONTROL_FOUND = ("This text contains characters that change the writing direction of the text after them "
                      "(bidi overrides or isolates). Please remove them.")
NAME_TAKEN = ("Another member already has this name, or one that looks the same. Please add something that "
              "tells you apart, such as your second surname.")
NO_LETTER_OR_NUMBER = "Use at least one letter or number."

# Each passes for nothing, or turns the text after it around.
INVISIBLE = {
    "RLO": "\u202e", "LRE": "\u202a", "PDF": "\u202c", "LRI": "\u2066", "FSI": "\u2068", "PDI": "\u2069",
    "ZWSP": "\u200b", "ZWNJ": "\u200c", "ZWJ": "\u200d", "LRM": "\u200e", "RLM": "\u200f", "BOM": "\ufeff",
    "soft hyphen": "\u00ad", "word joiner": "\u2060", "Mongolian vowel separator": "\u180e",
    "tag letter": "\U000e0041", "Hangul filler": "\u3164", "line separator": "\u2028", "newline": "\n",
    "tab": "\t", "C1 NEL": "\x85",
    # Default_Ignorable code points that are no format characters, and characters drawn blank
    "VS16 after a letter": "\ufe0f", "VS15": "\ufe0e", "VS17": "\U000e0100", "Mongolian FVS1": "\u180b",
    "unassigned ignorable": "\u2065", "Braille blank": "\u2800", "null notehead": "\U0001d159",
    "Khitan filler": "\U00016fe4",
}
BIDI = {"RLO": "\u202e", "LRO": "\u202d", "RLE": "\u202b", "PDF": "\u202c", "RLI": "\u2067", "PDI": "\u2069"}


def message(language: str, text: str) -> str:
    """`text` as a page in `language` shows it (the catalog's translation once it has one)."""
    with force_locale(language):
        return str(escape(gettext(text)))


def api_message(language: str, text: str) -> str:
    with force_locale(language):
        return gettext(text)


def rows(model) -> list:
    db.session.expire_all()
    return db.session.execute(db.select(model).order_by(model.id)).scalars().all()


@pytest.fixture
def hostile(make_user):
    return make_user(language="es", name="Hostil")


@pytest.fixture
def api_headers(hostile) -> dict:
    return {"Authorization": f"Bearer {create_token(hostile, 'attack script')[1]}"}


def _invite_path(admin, make_city, email="new@city.example.org") -> str:
    from forum.invites import create_invite

    _invite, link = create_invite(email, make_city(), Role.MEMBER, admin)
    return "/invite/" + link.rsplit("/invite/", 1)[1]


def _accept(client, path, name):
    return client.post(path, data={"display_name": name, "password": "a long enough password",
                                   "confirm": "a long enough password", "language": "es"})


def _profile(client, name, language="es"):
    return client.post("/profile", data={"profile-display_name": name, "profile-language": language,
                                         "profile-submit": "1"})


# --- 1. names and titles: nothing invisible, nothing that turns text around, no copies ----------------

@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_display_name_with_invisible_or_direction_characters_is_refused(client, auth, admin, make_city, hostile,
                                                                          char):
    path = _invite_path(admin, make_city)
    response = _accept(client, path, f"Ana{char}Paula")
    assert response.status_code == 200
    assert message("en", NOT_SINGLE_LINE) in response.get_data(as_text=True)  # anonymous, no Accept-Language
    assert db.session.execute(db.select(User).filter_by(email="new@city.example.org")).first() is None

    auth.login(hostile)
    response = _profile(client, f"Hostil{char}Admin")
    assert response.status_code == 200
    assert message("es", NOT_SINGLE_LINE) in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, hostile.id).display_name == "Hostil"


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_thread_title_with_invisible_or_direction_characters_is_refused_on_pages_and_api(
        client, auth, hostile, api_headers, make_thread, char):
    thread = make_thread(hostile, title="Fugas", language="es")
    title = f"Fugas{char} de agua"
    auth.login(hostile)
    response = client.post("/c/questions/new", data={"title": title, "body": "Cuerpo", "language": "es"})
    assert response.status_code == 200 and message("es", NOT_SINGLE_LINE) in response.get_data(as_text=True)
    response = client.post(f"/p/{thread.first_post_id}/edit", data={"title": title, "body": "Otro cuerpo",
                                                                    "language": "es", "revision": "1"})
    assert response.status_code == 200 and message("es", NOT_SINGLE_LINE) in response.get_data(as_text=True)

    response = client.post("/api/v1/threads", headers=api_headers,
                           json={"category": "questions", "title": title, "body": "Cuerpo", "language": "es"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["title"] == api_message("es", NOT_SINGLE_LINE)
    response = client.patch(f"/api/v1/posts/{thread.first_post_id}", headers=api_headers,
                            json={"title": title, "body": "Otro cuerpo"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["title"] == api_message("es", NOT_SINGLE_LINE)
    assert [(t.title, t.posts[0].revision) for t in rows(Thread)] == [("Fugas", 1)]


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\ufeff", "\u2066"], ids=["RLO", "ZWSP", "BOM", "LRI"])
def test_token_and_city_names_refuse_invisible_characters(client, auth, hostile, admin, password, char):
    auth.login(hostile)
    response = client.post("/profile/tokens", data={"token-name": f"script{char}", "token-current_password": password})
    assert message("es", NOT_SINGLE_LINE) in response.get_data(as_text=True)
    assert rows(ApiToken) == []
    auth.logout()
    auth.login(admin)
    cities = len(rows(City))
    response = client.post("/admin/cities", data={"name": f"Lima{char}", "country": "PE", "default_language": "es"})
    assert response.status_code == 200 and message("en", NOT_SINGLE_LINE) in response.get_data(as_text=True)
    assert len(rows(City)) == cities


COPIES = ["Ada Admin", "ada admin", "ADA  ADMIN", "Ada Admin.", "Ada-Admin", "Adá Admín", "Ada\u00a0Admin",
          "\u0410da \u0410dmin",  # Cyrillic capital A twice
          "Ada Adm\u0456n",  # Cyrillic i
          "\uff21\uff44\uff41 \uff21\uff44\uff4d\uff49\uff4e",  # full-width
          "\U0001d400da Admin",  # mathematical bold A
          "A\u0064a Adm\u0131n"]  # dotless i


@pytest.mark.parametrize("name", COPIES)
def test_a_copy_of_another_members_name_is_refused(client, auth, admin, make_city, hostile, name):
    _assert_name_taken_everywhere(client, auth, admin, make_city, hostile, name)


def _assert_name_taken_everywhere(client, auth, admin, make_city, hostile, name):
    """Refused at invitation acceptance (English) and on the profile (Spanish); nothing stored."""
    path = _invite_path(admin, make_city)
    response = _accept(client, path, name)
    assert response.status_code == 200
    assert message("en", NAME_TAKEN) in response.get_data(as_text=True)
    assert db.session.execute(db.select(User).filter_by(email="new@city.example.org")).first() is None

    auth.login(hostile)
    response = _profile(client, name)
    assert response.status_code == 200 and message("es", NAME_TAKEN) in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, hostile.id).display_name == "Hostil"


LOOKALIKE_COPIES = {
    "capital I for l": "AIice Silva", "Cherokee A": "\u13aalice Silva", "Cherokee small a": "\uab7alice Silva",
    "Cyrillic palochka": "Alice Si\u04cfva", "Cyrillic capital palochka": "Alice Si\u04c0va",
    "dental click": "Alice Si\u01c0va", "small capital V": "Alice Sil\u1d20a", "vertical line": "Alice Si|va",
    "capital I for l, all capitals": "ALICE SILVA", "Cherokee capitals": "\u13aalice \u13dail\u13d9a",
}


@pytest.mark.parametrize("name", LOOKALIKE_COPIES.values(), ids=LOOKALIKE_COPIES.keys())
def test_a_lookalike_copy_of_another_members_name_is_refused(client, auth, admin, make_city, make_user, hostile,
                                                             name):
    make_user(language="es", name="Alice Silva")
    _assert_name_taken_everywhere(client, auth, admin, make_city, hostile, name)


def test_a_copy_with_a_trailing_blank_is_refused(client, auth, make_user, hostile):
    make_user(language="es", name="Alice Silva")
    auth.login(hostile)
    response = _profile(client, "Alice Silva\u2800")  # Braille blank: not whitespace, so not stripped
    assert response.status_code == 200 and message("es", NOT_SINGLE_LINE) in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, hostile.id).display_name == "Hostil"


def test_names_that_only_look_close_or_hold_an_l_or_an_i_are_told_apart(client, auth, make_user, hostile):
    make_user(language="es", name="Alice Silva")
    make_user(language="es", name="Lilia")
    auth.login(hostile)
    for name in ("Alicia Silva", "Alice Silvia", "Lilla", "Ivan", "lvana"):
        assert _profile(client, name).status_code == 302, name
    iris = make_user(language="es", name="Iris")
    response = _profile(client, "lris")  # small l for capital I: a copy of "Iris"
    assert response.status_code == 200 and message("es", NAME_TAKEN) in response.get_data(as_text=True)
    auth.logout()
    auth.login(iris)
    assert _profile(client, "IRIS").status_code == 302  # one's own name in capitals is still one's own


NOTHING_TO_READ = {
    "VS16 alone": ("\ufe0f", NOT_SINGLE_LINE), "Braille blank alone": ("\u2800", NOT_SINGLE_LINE),
    "VS17 alone": ("\U000e0100", NOT_SINGLE_LINE), "combining grave alone": ("\u0300", NO_LETTER_OR_NUMBER),
    "accents only": ("\u0301\u0308", NO_LETTER_OR_NUMBER), "emoji only": ("\U0001f389", NO_LETTER_OR_NUMBER),
    "punctuation only": ("-_-", NO_LETTER_OR_NUMBER),
}


@pytest.mark.parametrize("text, error", NOTHING_TO_READ.values(), ids=NOTHING_TO_READ.keys())
def test_names_and_titles_need_a_letter_or_a_number(client, auth, hostile, make_thread, text, error):
    thread = make_thread(hostile, title="Fugas", language="es")
    auth.login(hostile)
    response = _profile(client, text)
    assert response.status_code == 200 and message("es", error) in response.get_data(as_text=True)
    response = client.post("/c/questions/new", data={"title": text, "body": "Cuerpo", "language": "es"})
    assert response.status_code == 200 and message("es", error) in response.get_data(as_text=True)
    response = client.post(f"/p/{thread.first_post_id}/edit", data={"title": text, "body": "Otro cuerpo",
                                                                    "language": "es", "revision": "1"})
    assert response.status_code == 200 and message("es", error) in response.get_data(as_text=True)
    assert [(t.title, t.posts[0].revision) for t in rows(Thread)] == [("Fugas", 1)]
    db.session.expire_all()
    assert db.session.get(User, hostile.id).display_name == "Hostil"


@pytest.mark.parametrize("title", ["\ufe0f", "\u2800", "\U000e0100", "Listo\ufe0f"])
def test_the_api_refuses_titles_that_are_invisible(client, api_headers, title):
    response = client.post("/api/v1/threads", headers=api_headers,
                           json={"category": "questions", "title": title, "body": "Cuerpo", "language": "es"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["title"] == api_message("es", NOT_SINGLE_LINE)
    assert rows(Thread) == []


def test_an_emoji_may_keep_its_presentation_selector(client, auth, hostile, api_headers):
    auth.login(hostile)
    titles = ["\u2714\ufe0f Listo", "1\ufe0f\u20e3 Primer paso", "\u203c\ufe0f Atención", "Agua \u2764\ufe0f"]
    for title in titles:
        assert client.post("/c/questions/new", data={"title": title, "body": "Cuerpo", "language": "es"}
                           ).status_code == 302, title
    assert client.post("/api/v1/threads", headers=api_headers, json={
        "category": "questions", "title": "\u2714\ufe0f Hecho", "body": "Cuerpo", "language": "es"}).status_code == 201
    assert _profile(client, "Hostil \u2600\ufe0f").status_code == 302
    assert [t.title for t in rows(Thread)] == [*titles, "\u2714\ufe0f Hecho"]


def test_distinct_names_and_ones_own_name_are_accepted(client, auth, admin, make_city, make_user):
    path = _invite_path(admin, make_city)
    assert _accept(client, path, "Ada Adams").status_code == 302  # close, but another name
    auth.logout()
    copycat = make_user(language="es", name="Ada Admin")  # from before names were compared
    auth.login(admin)
    assert _profile(client, "Ada Admin", language="pt").status_code == 302  # keeping one's name is no copy
    assert _profile(client, "ADA ADMIN").status_code == 302  # nor is spelling it differently
    auth.logout()
    auth.login(copycat)
    assert _profile(client, "Ada Admin", language="en").status_code == 302
    assert _profile(client, "Ada Admín").status_code == 302  # still their own name's look
    db.session.expire_all()
    assert [u.display_name for u in (db.session.get(User, admin.id), db.session.get(User, copycat.id))] == [
        "ADA ADMIN", "Ada Admín"]


@pytest.mark.parametrize("char", BIDI.values(), ids=BIDI.keys())
def test_a_post_body_with_a_bidi_control_is_refused(client, auth, hostile, api_headers, make_thread, char):
    thread = make_thread(hostile, language="es")
    body = f"Usamos el archivo {char}txt.exe{char} de la red"
    auth.login(hostile)
    response = client.post(f"/t/{thread.id}/reply", data={"body": body, "language": "es"})
    assert response.status_code == 400 and message("es", BIDI_CONTROL_FOUND) in response.get_data(as_text=True)
    response = client.post(f"/api/v1/threads/{thread.id}/posts", headers=api_headers,
                           json={"body": body, "language": "es"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["body"] == api_message("es", BIDI_CONTROL_FOUND)
    assert len(rows(Post)) == 1


@pytest.mark.parametrize("body", [
    "Equipo 👩\u200d💻 de datos",          # ZWJ: one emoji, not two
    "می\u200cخواهم",                       # ZWNJ: Persian spelling needs it
    "Ver \u200fשלום\u200f en hebreo",      # RLM/LRM: marks, no scope
    "Palabra\u00adlarga y\u200bespacio",   # soft hyphen and zero-width space: line breaking hints
])
def test_post_bodies_keep_joiners_and_direction_marks(client, auth, hostile, api_headers, make_thread, body):
    thread = make_thread(hostile, language="es")
    auth.login(hostile)
    assert client.post(f"/t/{thread.id}/reply", data={"body": body, "language": "es"}).status_code == 302
    assert client.post(f"/api/v1/threads/{thread.id}/posts", headers=api_headers,
                       json={"body": body, "language": "es"}).status_code == 201
    assert [p.body for p in rows(Post)][1:] == [body, body]


class _Isolation(HTMLParser):
    """For each text holding `marker`: is it inside <bdi> or an element with dir (both isolate)?
    In <title> (text only) it must sit between U+2068 and U+2069."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, marker: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marker, self.stack, self.found = marker, [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.marker not in data:
            return
        if self.stack and self.stack[-1][0] == "title":
            ok = re.search("\u2068[^\u2069]*" + re.escape(self.marker), data) is not None
        else:
            ok = any(tag == "bdi" or "dir" in attrs for tag, attrs in self.stack)
        self.found.append((data, ok))


def isolated(html: str, marker: str) -> list[tuple[str, bool]]:
    parser = _Isolation(marker)
    parser.feed(html)
    parser.close()
    return parser.found


def test_names_and_titles_stored_before_the_checks_are_isolated_on_every_page(client, auth, make_user, make_thread,
                                                                             admin):
    """Rows written before the rule (straight into the database) cannot reorder the rest of a page."""
    mallory = make_user(language="es", name="Mallory\u202e nimdA")
    thread = make_thread(mallory, title="Fugas\u202e sagef", body="fugas en la red", language="es")
    services.edit_post(thread.posts[0], mallory, "fugas en la red, editado", "es", title="Fugas\u202e sagef")
    # Failed jobs put the title on the moderators' page.
    db.session.execute(sa.update(TranslationJob).values(status=JobStatus.FAILED))
    db.session.commit()
    post = thread.posts[0]
    auth.login(admin)
    pages = ["/", "/c/questions", f"/t/{thread.id}", "/search?q=fugas", f"/p/{post.id}/history",
             f"/t/{thread.id}/reply", "/admin/members", f"/admin/members/{mallory.id}", "/moderation/translations"]
    for url in pages:
        response = client.get(url) if not url.endswith("/reply") else client.post(url, data={"body": ""})
        found = isolated(response.get_data(as_text=True), "\u202e")
        assert found, url  # the page does show the name or the title...
        assert all(ok for _text, ok in found), (url, [text for text, ok in found if not ok])  # ...isolated


# --- 2. role badges ----------------------------------------------------------------------------------

class _Chunks(HTMLParser):
    """The visible text of a page in order, each piece marked when it is inside a .badge."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack, self.chunks = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in _Isolation.VOID:
            self.stack.append("badge" in (dict(attrs).get("class") or "").split())

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip():
            self.chunks.append((data.strip(), any(self.stack)))


def _next_after(html: str, name: str) -> list[tuple[str, bool]]:
    """What follows each appearance of `name` (outside badges) on the page."""
    parser = _Chunks()
    parser.feed(html)
    chunks = parser.chunks
    return [chunks[i + 1] for i, (text, in_badge) in enumerate(chunks) if text == name and not in_badge]


def test_moderators_and_administrators_carry_a_role_badge_beside_their_name(client, make_user, make_thread):
    with force_locale("es"):
        labels = {"moderator": gettext("Moderator"), "admin": gettext("Administrator")}
    admin = make_user(role="admin", language="es", name="Ada Admin")
    moderator = make_user(role="moderator", language="es", name="Mora Moderadora")
    member = make_user(language="es", name="Ana Miembro")
    impostor = make_user(language="es", name=labels["moderator"])  # a member named "Moderador"
    threads = [make_thread(user, title=f"Fugas {i}", body="fugas en la red", language="es")
               for i, user in enumerate((admin, moderator, member, impostor))]
    services.add_reply(threads[2], moderator, "fugas respondidas", "es")
    services.edit_post(threads[1].posts[0], moderator, "fugas en la red, editado", "es")
    pages = ["/", "/c/questions", f"/t/{threads[2].id}", "/search?q=fugas", f"/p/{threads[1].first_post_id}/history"]
    for url in pages:
        html = client.get(url, headers={"Accept-Language": "es"}).get_data(as_text=True)
        assert 'lang="es"' in html
        for user, role in ((admin, "admin"), (moderator, "moderator")):
            after = _next_after(html, user.display_name)
            if after:
                assert all(chunk == (labels[role], True) for chunk in after), (url, user.display_name, after)
        for user in (member, impostor):
            after = _next_after(html, user.display_name)
            assert all(not in_badge for _text, in_badge in after), (url, user.display_name, after)
    thread_page = client.get(f"/t/{threads[2].id}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert _next_after(thread_page, moderator.display_name) == [(labels["moderator"], True)]  # the reply
    assert _next_after(thread_page, member.display_name) and _next_after(
        client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True), admin.display_name)


# --- 3. remote images ---------------------------------------------------------------------------------

@pytest.mark.parametrize("markdown, link, text", [
    ("![mapa](https://tracker.example/pixel.png)", "https://tracker.example/pixel.png", "mapa"),
    ("![](http://tracker.example/p.gif)", "http://tracker.example/p.gif", "http://tracker.example/p.gif"),
    ("![r][ref]\n\n[ref]: //tracker.example/p.gif", "//tracker.example/p.gif", "r"),
    ('![*mapa* grande](https://tracker.example/p.png "Título")', "https://tracker.example/p.png", "mapa grande"),
    ("![x](HTTPS://Tracker.Example/p.png)", "HTTPS://Tracker.Example/p.png", "x"),
])
def test_an_image_from_another_host_becomes_a_link(markdown, link, text):
    html = render_markdown(markdown)
    assert "<img" not in html
    anchor = re.search(r'<a href="([^"]*)"[^>]*>(.*?)</a>', html)
    assert anchor and anchor.group(1) == link and re.sub(r"<[^>]+>", "", anchor.group(2)) == text
    assert 'rel="nofollow noopener noreferrer ugc"' in html


def test_images_on_this_site_stay_and_linked_remote_images_keep_one_link(app):
    html = render_markdown("![plano](/static/plano.png) ![rel](plano.png)")
    assert '<img src="/static/plano.png" alt="plano">' in html and '<img src="plano.png" alt="rel">' in html
    html = render_markdown("[![logo](https://tracker.example/l.png)](https://city.example)")
    assert "<img" not in html and html.count("<a ") == 1 and 'href="https://city.example"' in html
    app.config["SERVER_BASE_URL"] = "https://forum.example"
    html = render_markdown("![a](https://forum.example/static/a.png) ![b](https://forum.example.evil/b.png)")
    assert '<img src="https://forum.example/static/a.png"' in html and 'href="https://forum.example.evil/b.png"' in html


@pytest.mark.parametrize("markdown, link", [
    ("![ ](/?lang=pt)", "/?lang=pt"),
    ("![plano](/static/plano.png?lang=pt)", "/static/plano.png?lang=pt"),
    ("![plano](/static/plano.png#x)", "/static/plano.png#x"),
    ("![plano](plano.png?v=2)", "plano.png?v=2"),
    ("![plano](/static/plano.png&#63;lang=pt)", "/static/plano.png?lang=pt"),  # the query written as an entity
    ("![plano][ref]\n\n[ref]: /?lang=pt", "/?lang=pt"),
    ("![plano](https://forum.example/?lang=pt)", "https://forum.example/?lang=pt"),
])
def test_an_image_on_this_site_with_a_query_or_a_fragment_becomes_a_link(app, markdown, link):
    """A request of the author's choosing, sent by every reader's browser: "/?lang=pt" would switch each
    reader's interface to Portuguese. Only a plain path on this site stays an image."""
    app.config["SERVER_BASE_URL"] = "https://forum.example"
    html = render_markdown(markdown)
    assert "<img" not in html
    anchor = re.search(r'<a href="([^"]*)"', html)
    assert anchor and anchor.group(1) == link.replace("&", "&amp;")


def test_an_image_in_a_post_does_not_switch_the_readers_language(client, auth, hostile, make_user, make_thread):
    thread = make_thread(hostile, language="es")
    auth.login(hostile)
    assert client.post(f"/t/{thread.id}/reply", data={"body": "Mire: ![ ](/?lang=pt)", "language": "es"}
                       ).status_code == 302
    auth.logout()
    auth.login(make_user(language="es"))
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert 'href="/?lang=pt"' in page and not re.search(r"<img[^>]+lang=", page)
    assert '<html lang="es">' in page
    assert '<html lang="pt">' in client.get("/?lang=pt").get_data(as_text=True)  # ?lang= itself still works


def test_remote_images_in_posts_are_links_on_the_page_in_translations_and_the_api(
        client, auth, hostile, api_headers, make_thread, engine):
    thread = make_thread(hostile, language="es")
    auth.login(hostile)
    body = "Nuestro mapa: ![mapa de fugas](https://tracker.example/pixel.png?who=reader)"
    assert client.post(f"/t/{thread.id}/reply", data={"body": body, "language": "es"}).status_code == 302
    jobs.run_pending()
    for url in (f"/t/{thread.id}", f"/t/{thread.id}?lang=en"):
        page = client.get(url).get_data(as_text=True)
        assert 'href="https://tracker.example/pixel.png?who=reader"' in page
        assert not re.search(r"<img[^>]+tracker\.example", page)
    data = client.get(f"/api/v1/threads/{thread.id}?lang=pt", headers=api_headers).get_json()
    assert all("<img" not in post["body_html"] for post in data["posts"])


def test_the_csp_allows_images_from_this_site_only(client, make_user, make_thread):
    thread = make_thread(make_user())
    for url in ("/", f"/t/{thread.id}", "/login"):
        csp = client.get(url).headers["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        assert directives["img-src"].split() == ["'self'", "data:"]


# --- 4. members-only reading ---------------------------------------------------------------------------

def test_public_reading_is_off_unless_the_environment_says_so(monkeypatch, tmp_path, app_config):
    for name in ("FORUM_PUBLIC_READ",):
        monkeypatch.delenv(name, raising=False)
    assert forum_config.settings(str(tmp_path))["FORUM_PUBLIC_READ"] is False
    for value, expected in (("1", True), ("true", True), ("On", True), ("0", False), ("off", False), ("", False)):
        monkeypatch.setenv("FORUM_PUBLIC_READ", value)
        assert forum_config.settings(str(tmp_path))["FORUM_PUBLIC_READ"] is expected, value
    monkeypatch.delenv("FORUM_PUBLIC_READ")
    from forum import create_app

    app = create_app({k: v for k, v in app_config.items() if k != "FORUM_PUBLIC_READ"})
    assert app.config["FORUM_PUBLIC_READ"] is False


@pytest.fixture
def private(make_app):
    """The forum as this network runs it: FORUM_PUBLIC_READ off."""
    return make_app(FORUM_PUBLIC_READ=False)


SECRET_TITLE = "Presupuesto confidencial de agua"
SECRET_BODY = "Cifras internas del consejo"
# What a visitor may open (the landing page is "/"); everything else in the URL map is for members.
# mail.unsubscribe: the link in an email works without a login (a forged token is a 404).
OPEN_TO_VISITORS = {"static", "auth.login", "auth.accept_invite", "auth.forgot_password", "auth.reset_password",
                    "api.openapi", "mail.unsubscribe"}


def test_every_url_of_the_app_refuses_anonymous_readers_when_reading_is_private(private, make_user, make_thread):
    author = make_user(role="moderator", language="es")
    thread = make_thread(author, title=SECRET_TITLE, body=SECRET_BODY, language="es", replies=1)
    token_row, _secret = create_token(author, "script")
    from forum.invites import create_invite

    invite, _link = create_invite("invited@city.example.org", author.city, author.role, author)
    samples = {"slug": "questions", "thread_id": thread.id, "post_id": thread.first_post_id, "user_id": author.id,
               "token_id": token_row.id, "invite_id": invite.id, "filename": "forum.css", "token": "x" * 20,
               "city_id": author.city_id, "attachment_id": 1, "term_id": 1, "notification_id": 1,
               "lang": "en", "language": "en"}  # a translation of the Spanish post (corrections)
    client = private.test_client()
    adapter = private.url_map.bind("forum.test")
    checked = set()
    for rule in private.url_map.iter_rules():
        missing = set(rule.arguments) - set(samples)
        assert not missing, f"{rule.rule}: add a sample value for {missing} to this test"
        if rule.endpoint in OPEN_TO_VISITORS:
            continue
        for method in sorted(rule.methods - {"OPTIONS", "HEAD"}):
            url = adapter.build(rule.endpoint, {a: samples[a] for a in rule.arguments}, method=method)
            response = client.open(url, method=method)
            page = response.get_data(as_text=True)
            assert SECRET_TITLE not in page and SECRET_BODY not in page, (method, url)
            if rule.endpoint == "threads.index":
                assert response.status_code == 200 and 'href="/login"' in page, (method, url)  # the landing page
            elif rule.endpoint.startswith("api."):
                assert response.status_code == 401, (method, url, response.status_code)
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert urlsplit(response.headers["Location"]).path == "/login", (method, url)
            checked.add(rule.endpoint)
    assert {"threads.thread", "threads.category", "search.search", "search.similar", "threads.post_history", "threads.post_link",
            "api.list_threads", "people.profile", "people.city", "people.directory", "api.get_member",
            "api.get_city"} <= checked


def test_visitors_see_a_landing_page_in_their_language(private, make_user, make_thread):
    make_thread(make_user(), title=SECRET_TITLE, body=SECRET_BODY)
    client = private.test_client()
    for language in ("en", "es", "pt"):
        response = client.get("/", headers={"Accept-Language": language})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and f'<html lang="{language}">' in page
        assert message(language, "Only members can read the forum.") in page
        assert 'href="/login"' in page and 'href="/search"' not in page
        assert SECRET_TITLE not in page
    assert client.get("/login").status_code == 200
    stylesheet = client.get("/static/forum.css")
    assert stylesheet.status_code == 200
    stylesheet.close()
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_a_visitor_logs_in_and_lands_on_the_page_asked_for(private, make_user, make_thread, password):
    member = make_user(language="pt")
    thread = make_thread(member, title=SECRET_TITLE, body=SECRET_BODY)
    client = private.test_client()
    response = client.get(f"/t/{thread.id}?page=1")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login" and parse_qs(location.query)["next"] == [f"/t/{thread.id}?page=1"]
    response = client.post(f"/login?{location.query}", data={"email": member.email, "password": password})
    assert response.status_code == 302 and response.headers["Location"] == f"/t/{thread.id}?page=1"
    assert SECRET_TITLE in client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert SECRET_TITLE in client.get("/").get_data(as_text=True)  # members see the forum, not the landing page


def test_public_reading_on_lets_anyone_read(client, make_user, make_thread):
    thread = make_thread(make_user(), title=SECRET_TITLE, body=SECRET_BODY)
    for url in ("/", "/c/questions", f"/t/{thread.id}", f"/p/{thread.first_post_id}/history", "/search?q=Cifras"):
        response = client.get(url)
        assert response.status_code == 200 and SECRET_TITLE in response.get_data(as_text=True), url
    assert client.get("/api/v1/threads").status_code == 401  # the API always needs a token


@pytest.mark.parametrize("title", ["!!!", "-_-", "\u0300\u0301", "\U0001f389"])
def test_the_api_refuses_titles_with_nothing_to_read(client, api_headers, title):
    """The pages' rule in the API too: a title needs a letter or a number."""
    response = client.post("/api/v1/threads", headers=api_headers,
                           json={"category": "questions", "title": title, "body": "Cuerpo", "language": "es"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["title"] == api_message("es", NO_LETTER_OR_NUMBER)
    assert rows(Thread) == []
