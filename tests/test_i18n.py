"""The interface speaks en, es and pt; the language comes from ?lang=, then the member, then the browser."""
import re

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

from forum import ROOT


def _html_lang(response) -> str:
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def test_default_is_english(client):
    assert _html_lang(client.get("/")) == "en"


@pytest.mark.parametrize("header, expected", [("pt-BR,pt;q=0.9", "pt"), ("es-MX", "es"), ("fr, es;q=0.5", "es"),
                                              ("de", "en")])
def test_accept_language_is_honoured(client, header, expected):
    assert _html_lang(client.get("/", headers={"Accept-Language": header})) == expected


def test_switcher_choice_is_remembered(client):
    assert _html_lang(client.get("/?lang=pt")) == "pt"
    assert _html_lang(client.get("/c/questions")) == "pt"
    assert _html_lang(client.get("/c/questions?lang=es")) == "es"
    assert _html_lang(client.get("/?lang=xx")) == "es"  # an unknown code changes nothing


def test_member_preference_beats_the_browser(client, auth, make_user):
    auth.login(make_user(language="es"))
    assert _html_lang(client.get("/", headers={"Accept-Language": "pt-BR"})) == "es"
    assert _html_lang(client.get("/?lang=en")) == "en"


def test_switcher_links_keep_the_page(client, member, make_thread):
    thread = make_thread(member)
    page = client.get(f"/t/{thread.id}?page=1").get_data(as_text=True)
    assert f'href="/t/{thread.id}?page=1&amp;lang=pt"' in page


def test_form_errors_and_flashes_are_translated(client, auth, make_user):
    auth.login(make_user(language="pt"))
    page = client.post("/c/questions/new", data={"title": "", "body": "x", "language": "fr"}).get_data(as_text=True)
    with force_locale("pt"):
        assert gettext("Please enter a title.") in page
    assert "Please enter a title." not in page
    assert "Not a valid choice" not in page  # WTForms' own messages are translated too
    response = client.post("/c/questions/new", data={"title": "Olá", "body": "Tudo bem?", "language": "pt"},
                           follow_redirects=True)
    with force_locale("pt"):
        assert gettext("Your thread is published.") in response.get_data(as_text=True)


def _english_msgids() -> list[str]:
    with open(ROOT / "forum/translations/pt/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    ids = []
    for message in catalog:
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        text = message.string[0] if isinstance(message.string, tuple) else message.string
        # Long, placeholder-free strings that differ in Portuguese: if one shows up, it escaped translation.
        if msgid and "%(" not in msgid and len(msgid) >= 12 and text and text != msgid:
            ids.append(msgid)
    return ids


@pytest.mark.parametrize("language", ["es", "pt"])
def test_no_english_left_on_any_page(client, auth, admin, make_thread, language):
    thread = make_thread(admin, replies=1)
    auth.login(admin)
    urls = ["/", "/c/questions", f"/t/{thread.id}", "/c/questions/new", f"/p/{thread.posts[0].id}/edit",
            f"/p/{thread.posts[0].id}/history", "/profile", "/admin/cities", "/admin/invites", "/admin/members",
            f"/admin/members/{admin.id}", "/nope", "/search?q=leaks", "/moderation/translations"]
    english = _english_msgids()
    assert len(english) > 40
    for url in urls:
        page = client.get(f"{url}{'&' if '?' in url else '?'}lang={language}").get_data(as_text=True)
        leftovers = [m for m in english if m in page]
        assert leftovers == [], f"{url}: {leftovers}"
