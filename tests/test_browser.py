"""End to end in a real browser: Debian's Chromium driven by Playwright, against a live server.

What the Flask test client cannot see: real CSRF tokens and cookies, redirects followed by a
browser, forms filled through their labels, the Content-Security-Policy as Chromium enforces it,
and console errors. Runs on SQLite only: the database layer is covered elsewhere on both.

Needs `apt-get install chromium` (.ci/run does it); `playwright install` is not used.
"""
from __future__ import annotations

import contextvars
import re
import shutil
import threading
from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from testkit import PASSWORD, _base_config, skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")
TRANSLATIONS = Path(__file__).resolve().parent.parent / "forum" / "translations"

pytestmark = [pytest.mark.browser, pytest.mark.only_browser("chromium")]


# --- browser: pytest-playwright's fixtures, pointed at the system Chromium ------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's own launch options (--headed, --slowmo) plus Debian's Chromium."""
    if not CHROMIUM.exists():
        skip_or_fail("Chromium not installed: apt-get install chromium")
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-gpu"],
    }


@pytest.fixture(scope="session")
def base_url() -> None:
    """Replaces pytest-playwright 0.10's fallback `base_url` (used when pytest-base-url is not
    installed): a session fixture written as an instance method, which pytest 9.2 deprecates with
    a PytestRemovedIn10Warning, an error here (filterwarnings = error). Tests use absolute URLs."""
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A browser that asks for English: pages before login follow Accept-Language.
    return {**browser_context_args, "locale": "en-US", "timezone_id": "UTC"}


@pytest.fixture
def problems(page: Page) -> list[str]:
    """Everything a user would not see but should worry about: console errors, uncaught
    exceptions, CSP violations, server errors."""
    found: list[str] = []

    def console(msg) -> None:
        if msg.type in ("error", "warning"):
            found.append(f"console {msg.type}: {msg.text} ({msg.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda exc: found.append(f"page error: {exc}"))
    page.on("response", lambda r: found.append(f"HTTP {r.status}: {r.request.method} {r.url}")
            if r.status >= 500 else None)
    # Runs before the page's own scripts and is not subject to the page's CSP.
    page.add_init_script("""
        document.addEventListener("securitypolicyviolation", (e) => {
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
        });
    """)
    return found


# --- server: the real app on a copy of the migrated SQLite template --------------------------

@pytest.fixture
def app_config(sqlite_template, tmp_path) -> dict:
    """Replaces conftest's (parametrized over SQLite and PostgreSQL): SQLite, real CSRF."""
    path = tmp_path / "forum.db"
    shutil.copyfile(sqlite_template, path)
    config = _base_config(f"sqlite:///{path}", tmp_path)
    # SERVER_BASE_URL is set by `live_server`, once the port is known.
    config.update(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False)
    return config


@pytest.fixture
def live_server(app) -> str:
    """`app` (conftest) built from the config above, served on a free port in a thread.
    Tests ask for it before `page`, so the browser context closes before the server stops."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["SERVER_BASE_URL"] = url  # invite links made on the "command line" point here
    # A fresh context: the requests must not see the test's own app context.
    thread = threading.Thread(target=contextvars.Context().run, args=(server.serve_forever, 0.05),
                              name="live-server", daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def tr(language: str, message: str) -> str:
    """The interface string as the server renders it, from the compiled catalog."""
    translated = Translations.load(str(TRANSLATIONS), [language]).gettext(message)
    assert translated != message, f"no {language} translation for {message!r}"
    return translated


def html_lang(page: Page):
    return page.locator("html")


# --- the scenario ------------------------------------------------------------------------------

TITLE = "¿Cómo reducen las fugas de agua en la red?"
BODY = (
    "En Monterrey perdemos **el 30 % del agua** por fugas.\n"
    "\n"
    "Hemos probado:\n"
    "\n"
    "- sensores acústicos\n"
    "- presión reducida de noche\n"
)


def test_invited_member_posts_in_spanish_and_reads_it_in_portuguese(
        live_server, page: Page, problems, make_user, make_city, engine):
    """Issue: accept an invite, log in, post a thread in Spanish, read it with the Portuguese interface."""
    from forum import jobs
    from forum.extensions import db
    from forum.invites import create_invite
    from forum.models import Post, Role, User

    admin = make_user(role="admin", language="en", name="Ada Admin")
    city = make_city("Monterrey", country="MX", language="es")
    email = "lucia.garza@monterrey.example.org"
    _invite, link = create_invite(email, city, Role.MEMBER, created_by=admin)
    assert link.startswith(f"{live_server}/invite/")
    new_password = "agua limpia 2026"
    assert new_password != PASSWORD

    # 1. The invitation (interface in English: the browser asks for it, nobody is logged in).
    page.goto(link)
    expect(html_lang(page)).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the network")
    expect(page.get_by_text("Monterrey, Mexico")).to_be_visible()
    language = page.get_by_label("Preferred language")
    expect(language).to_have_value("es")  # the city's language is proposed
    page.get_by_label("Display name").fill("Lucía Garza")
    page.get_by_label("Password", exact=True).fill(new_password)
    page.get_by_label("Repeat the password").fill(new_password)
    language.select_option(label="Español")
    page.get_by_role("button", name="Join the network").click()

    # Logged in, interface in the language just chosen.
    expect(page).to_have_url(f"{live_server}/")
    expect(html_lang(page)).to_have_attribute("lang", "es")
    expect(page.get_by_role("status")).to_have_text(
        tr("es", "Welcome to the network, %(name)s!") % {"name": "Lucía Garza"})

    # 2. Log out (the POST form in the header), then log in again with the new credentials.
    page.get_by_role("button", name=tr("es", "Log out")).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("button", name=tr("es", "Log out"))).to_have_count(0)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(html_lang(page)).to_have_attribute("lang", "es")  # the member's preference

    # 3. Questions -> New thread, written in Spanish with Markdown.
    page.get_by_role("link", name=tr("es", "Questions"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/c/questions$"))
    page.get_by_role("link", name=tr("es", "New thread")).click()
    expect(page).to_have_url(re.compile(r"/c/questions/new$"))
    page.get_by_label(tr("es", "Title")).fill(TITLE)
    page.get_by_label(tr("es", "Message"), exact=True).fill(BODY)
    page.get_by_label(tr("es", "Written in")).select_option("es")  # not left to detection
    page.get_by_role("button", name=tr("es", "Start thread")).click()

    # 4. The thread page shows it, Markdown rendered.
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server)}/t/\d+$"))
    thread_url = page.url
    expect(page.get_by_role("status")).to_have_text(tr("es", "Your thread is published."))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(TITLE)
    expect(heading).to_have_attribute("lang", "es")
    post = page.locator("article.post").first
    body = post.locator(".post-body")
    expect(body).to_have_attribute("lang", "es")
    expect(body.locator("strong")).to_have_text("el 30 % del agua")
    expect(body.get_by_role("listitem")).to_have_text(["sensores acústicos", "presión reducida de noche"])
    expect(body).not_to_contain_text("**")
    expect(post.get_by_text("Lucía Garza")).to_be_visible()

    # 5. The Portuguese interface, from the switcher in the header. No translation engine runs
    #    here (TRANSLATION_WORKER "off"), so the post stays pending: shown as written, and said so.
    switcher = page.get_by_role("navigation", name=tr("es", "Interface language"))
    expect(switcher.get_by_text("Español")).to_have_attribute("aria-current", "true")
    switcher.get_by_role("link", name="Português").click()
    expect(page).to_have_url(f"{thread_url}?lang=pt")
    expect(html_lang(page)).to_have_attribute("lang", "pt")
    # Known strings of the Brazilian catalog, spelled out (not looked up) on purpose.
    expect(page.get_by_role("button", name="Sair")).to_be_visible()             # "Log out"
    expect(page.get_by_role("link", name="Perguntas", exact=True)).to_be_visible()  # "Questions"
    expect(page.get_by_role("heading", name="Responder")).to_be_visible()        # "Reply" (same in es)
    expect(post.locator(".lang")).to_have_text("escrita em espanhol")            # "written in Spanish"
    expect(post.get_by_text(tr("pt", "Translation pending"))).to_be_visible()
    expect(page.get_by_role("navigation", name="Idioma da interface")
           .get_by_text("Português")).to_have_attribute("aria-current", "true")
    # ... and the post as it was written: Spanish, untouched.
    expect(heading).to_have_text(TITLE)
    expect(body).to_have_attribute("lang", "es")
    expect(body).to_contain_text("En Monterrey perdemos el 30 % del agua por fugas.")
    expect(body.locator("strong")).to_have_text("el 30 % del agua")
    expect(body.get_by_role("listitem")).to_have_text(["sensores acústicos", "presión reducida de noche"])

    # What the browser sent is what was stored.
    db.session.expire_all()
    user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one()
    assert (user.display_name, user.language, user.city_id, user.role) == ("Lucía Garza", "es", city.id,
                                                                           Role.MEMBER)
    stored = db.session.execute(db.select(Post).filter_by(author_id=user.id)).scalar_one()
    # (A browser sends a textarea's line breaks as CRLF; they are stored as LF.)
    assert (stored.thread.title, stored.body, stored.language) == (TITLE, BODY.strip(), "es")

    # 6. The worker translates (a marking engine: "[pt] ..."); the Portuguese reader now gets the
    #    translation, labelled, with the Spanish original one click away and no JavaScript.
    assert jobs.run_pending() == 2
    page.reload()
    expect(heading).to_have_text(f"[pt] {TITLE}")
    expect(post.get_by_text(tr("pt", "Machine-translated from %(language)s") % {"language": tr("pt", "Spanish")})
           ).to_be_visible()
    translated = post.locator(".post-body").first
    expect(translated).to_have_attribute("lang", "pt")
    expect(translated.locator("strong")).to_have_text("el 30 % del agua")  # Markdown survived
    expect(translated).to_contain_text("[pt] En Monterrey perdemos")
    original = post.locator("details.original .post-body")
    expect(original).to_be_hidden()
    post.locator("details.original summary").click()
    expect(original).to_be_visible()
    expect(original).to_have_attribute("lang", "es")
    expect(original).to_contain_text("En Monterrey perdemos el 30 % del agua por fugas.")

    assert problems == []


PNG = bytes.fromhex(  # 1x1, transparent
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154789c63600002"
    "00000500017a5eab3f0000000049454e44ae426082")

ALL_MARKDOWN = (
    "**negrita**, *cursiva*, ~~tachado~~, `código` y [un enlace](https://example.org).\n\n"
    "> una cita\n\n1. uno\n2. dos\n\n```python\nprint('hola')\n```\n\n"
    "| Ciudad | Pérdidas |\n|---|---|\n| Monterrey | 30 % |\n\n"
    "![logo](/static/logo.png)\n\n![pixel](https://example.org/pixel.png)\n\n---\n"
)


def _visit_thread(page: Page, live_server: str, thread, author) -> list[str]:
    """Returns the requests that went to another host (none should: a remote image is a link)."""
    remote: list[str] = []

    def answer_remote(route) -> None:  # nothing leaves the machine, and we see what tried to
        remote.append(route.request.url)
        route.fulfill(content_type="image/png", body=PNG)

    page.route("https://example.org/**", answer_remote)
    # The same-site image: the server has no such file; the browser gets one from here.
    page.route(f"{live_server}/static/logo.png", lambda route: route.fulfill(content_type="image/png", body=PNG))
    page.goto(f"{live_server}/t/{thread.id}")  # anonymous, English
    expect(page.get_by_role("heading", level=1, name=thread.title)).to_be_visible()

    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(author.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(html_lang(page)).to_have_attribute("lang", "es")
    for lang in ("es", "pt"):  # as the author: reply form, edit link, delete form
        page.goto(f"{live_server}/t/{thread.id}?lang={lang}")
        expect(html_lang(page)).to_have_attribute("lang", lang)
        expect(page.get_by_role("button", name=tr(lang, "Reply"))).to_be_visible()
    # Let late reports arrive (CSP violations are queued) before looking.
    page.wait_for_load_state("networkidle")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 100))")
    return remote


def test_thread_page_has_no_console_errors_or_csp_violations(
        live_server, page: Page, problems, make_user, make_thread):
    """The thread page with every kind of Markdown a post may hold, anonymously and as its author."""
    author = make_user(language="es", name="Autora", email="autora@example.org")
    thread = make_thread(author, title="Todo el Markdown", body=ALL_MARKDOWN, language="es", replies=1)
    remote = _visit_thread(page, live_server, thread, author)
    body = page.locator(".post-body").first
    for tag in ("strong", "em", "s", "code", "a", "blockquote", "ol", "pre", "table", "img", "hr"):
        expect(body.locator(tag).first).to_be_attached()
    # The image from another host is a link to it, never loaded (it would tell that host who reads).
    expect(body.get_by_role("link", name="pixel")).to_have_attribute("href", "https://example.org/pixel.png")
    expect(body.locator("img")).to_have_count(1)
    assert remote == []
    assert problems == []


def test_aligned_table_columns_keep_their_alignment_under_the_csp(
        live_server, page: Page, problems, make_user, make_thread):
    author = make_user(language="es", name="Autora", email="autora@example.org")
    body = "| Ciudad | Pérdidas |\n|:--|--:|\n| Monterrey | 30 % |\n"
    thread = make_thread(author, title="Tabla alineada", body=body, language="es")
    _visit_thread(page, live_server, thread, author)
    assert problems == []
    expect(page.locator(".post-body td").last).to_have_css("text-align", "right")


def _log_in(page: Page, live_server: str, user) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server}/")


def test_a_bad_translation_is_reported_corrected_and_read_as_reviewed(
        live_server, page: Page, problems, make_user, make_city, make_thread, engine):
    """Issue 9 in the browser: a Portuguese member reports a machine translation, an English-speaking
    moderator sees it in the queue (count in the header), corrects it beside the original, and the
    member reads the reviewed translation; then the member declares they read Spanish and gets the
    original."""
    from forum import jobs
    from forum.extensions import db
    from forum.models import Flag, TranslationCorrection

    author = make_user(language="es", name="Autora", email="autora@example.org")
    reader = make_user(language="pt", name="Leitora", email="leitora@example.org")
    moderator = make_user(role="moderator", language="en", name="Mod Erator", email="mod@example.org")
    thread = make_thread(author, title="Fugas de agua", body="Medimos las fugas con sensores.", language="es")
    assert jobs.run_pending() == 2  # "[pt] ..." and "[en] ..."

    # 1. The Portuguese reader reports the translation (the link pre-selects the reason and language).
    _log_in(page, live_server, reader)
    page.goto(f"{live_server}/t/{thread.id}")
    expect(html_lang(page)).to_have_attribute("lang", "pt")
    post = page.locator("article.post").first
    expect(post.locator(".post-body").first).to_contain_text("[pt] Medimos")
    post.get_by_role("link", name=tr("pt", "Report a bad translation")).click()
    page.get_by_label(tr("pt", "Note for the moderators")).fill("Tradução literal demais.")
    page.get_by_role("button", name=tr("pt", "Send to the moderators")).click()
    expect(page.get_by_role("status")).to_have_text(tr("pt", "Thank you: the moderators will look at this post."))
    page.get_by_role("button", name=tr("pt", "Log out")).click()

    # 2. The moderator's header counts it; the queue shows it in English beside the Spanish original.
    _log_in(page, live_server, moderator)
    page.get_by_role("link", name="Moderation (1)").click()
    item = page.locator("main")
    expect(item).to_contain_text("Tradução literal demais.")
    expect(item).to_contain_text("[en] Medimos las fugas")          # the moderator's language
    expect(item).to_contain_text("Medimos las fugas con sensores.")  # the original
    item.get_by_role("link", name="Correct the translation (Portuguese)").click()
    expect(page.locator("main")).to_contain_text("Medimos las fugas con sensores.")  # the original beside it
    page.get_by_label("Translation", exact=True).fill("Medimos os vazamentos com sensores.")
    page.get_by_role("button", name="Save the corrected translation").click()
    expect(page.get_by_role("status")).to_have_text("The corrected translation is saved.")
    expect(page.get_by_role("link", name="Moderation (0)")).to_be_visible()  # nothing open any more
    page.get_by_role("button", name="Log out").click()

    # 3. The reader gets the reviewed translation, labelled with who reviewed it.
    _log_in(page, live_server, reader)
    page.goto(f"{live_server}/t/{thread.id}")
    post = page.locator("article.post").first
    expect(post.locator(".post-body").first).to_have_text("Medimos os vazamentos com sensores.")
    expect(post.get_by_text(tr("pt", "Translation reviewed by %(name)s") % {"name": "Mod Erator"})).to_be_visible()

    # 4. Profile: "I read Spanish" -> the original, untranslated.
    page.goto(f"{live_server}/profile")
    page.get_by_role("checkbox", name="Español").check()
    page.get_by_role("button", name=tr("pt", "Save"), exact=True).click()
    page.goto(f"{live_server}/t/{thread.id}")
    post = page.locator("article.post").first
    expect(post.locator(".post-body").first).to_have_text("Medimos las fugas con sensores.")
    expect(post.locator(".post-body").first).to_have_attribute("lang", "es")

    db.session.expire_all()
    flag = db.session.execute(db.select(Flag)).scalar_one()
    assert flag.resolved_at is not None and flag.resolution.value == "corrected"
    assert db.session.execute(db.select(TranslationCorrection.body)).scalar_one() == \
        "Medimos os vazamentos com sensores."
    assert problems == []
