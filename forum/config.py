"""Settings, read from the environment once at start-up."""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

LANGUAGES = ("en", "es", "pt")


def database_url(instance_path: str) -> str:
    """DATABASE_URL selects PostgreSQL; the default is a SQLite file in the instance folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(instance_path) / 'forum.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when several processes start at once, exactly one creates the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    for _ in range(50):  # another process may be between creating and writing it
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty; delete it or set SECRET_KEY")


def env_flag(name: str, default: bool = False) -> bool:
    """1/true/yes/on (any case) is on, 0/false/no/off is off; unset or blank keeps the default."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes", "on")


MAX_UNDO_MINUTES = 7 * 24 * 60
MAX_RESET_MINUTES = 7 * 24 * 60  # a reset link is a credential: a week at most


def minutes_setting(name: str, default: int) -> int:
    """A whole number of minutes from the environment (ASCII digits), with a message that names it."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"{name} must be a whole number of minutes, not {value!r}")
    return int(value)


def whole_number_setting(name: str, default: int, unit: str) -> int:
    """A whole number (ASCII digits) from the environment, with a message that names it and its unit."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"{name} must be a whole number of {unit}, not {value!r}")
    return int(value)


MAX_TRANSLATION_WAIT_SECONDS = 24 * 60 * 60
MAX_DIGEST_HOURS = 7 * 24


def settings(instance_path: str) -> dict:
    env = os.environ
    production = env.get("FORUM_ENV", "development") == "production"
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or None,  # else generated once by the factory (secret_key())
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env.get("REDIS_URL") or None,
        "LANGUAGES": LANGUAGES,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        # Where Argos models live; translation/ sets Argos' own paths from it.
        "ARGOS_DATA_DIR": env.get("ARGOS_DATA_DIR") or str(Path(instance_path) / "argos"),
        "APERTIUM_ENABLED": env.get("APERTIUM_ENABLED", "1") != "0",
        # Translation jobs: "process" (the embedded worker process the web starts), "rq"
        # (REDIS_URL workers) or "off". Unset: rq with REDIS_URL, else process.
        "TRANSLATION_WORKER": env.get("TRANSLATION_WORKER") or None,
        # A job still running after this many seconds is stopped and retried (or failed);
        # keep it below the lease, so a stopped job is never also handed out by the sweeper.
        "TRANSLATION_JOB_TIME_LIMIT": float(env.get("TRANSLATION_JOB_TIME_LIMIT", "240")),
        "TRANSLATION_LEASE_SECONDS": int(env.get("TRANSLATION_LEASE_SECONDS", "300")),
        "TRANSLATION_MAX_ATTEMPTS": int(env.get("TRANSLATION_MAX_ATTEMPTS", "5")),
        "TRANSLATION_RETRY_SECONDS": float(env.get("TRANSLATION_RETRY_SECONDS", "30")),
        "TRANSLATION_REDISPATCH_SECONDS": float(env.get("TRANSLATION_REDISPATCH_SECONDS", "120")),
        "TRANSLATION_POLL_SECONDS": float(env.get("TRANSLATION_POLL_SECONDS", "15")),
        "ARGOS_INTER_THREADS": int(env.get("ARGOS_INTER_THREADS", "1")),
        "THREADS_PER_PAGE": 20,
        "POSTS_PER_PAGE": 50,
        "INVITE_DAYS": int(env.get("INVITE_DAYS", "14")),
        # "Forgot your password?": how long a reset link works, and how often one may be asked for,
        # per address asked about (known or not, so the limit tells nothing) and per client address.
        "PASSWORD_RESET_MINUTES": minutes_setting("PASSWORD_RESET_MINUTES", 60),
        "PASSWORD_RESET_RATE_LIMIT": env.get("PASSWORD_RESET_RATE_LIMIT", "5 per hour"),
        "PASSWORD_RESET_IP_RATE_LIMIT": env.get("PASSWORD_RESET_IP_RATE_LIMIT", "20 per hour"),
        # How long an author may undo the deletion of their own post (0: no undo; moderators restore any time).
        "POST_UNDO_DELETE_MINUTES": minutes_setting("POST_UNDO_DELETE_MINUTES", 30),
        # Forms cap text far below this; the request cap turns a flood into a clean 413.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down must not take logins and posting down with it: count in memory meanwhile.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "POST_RATE_LIMIT": env.get("POST_RATE_LIMIT", "20 per minute"),
        # Flags per member (pages and API together): a member cannot flood the moderators' queue.
        "FLAG_RATE_LIMIT": env.get("FLAG_RATE_LIMIT", "10 per minute;50 per day"),
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "300 per minute"),  # per member; per address unauthenticated
        # Failed API authentications per client address; once used up, even a valid token waits.
        "API_AUTH_FAILURE_RATE_LIMIT": env.get("API_AUTH_FAILURE_RATE_LIMIT", "30 per minute"),
        # Edits queue translation jobs: one budget per member for pages and API together.
        "EDIT_RATE_LIMIT": env.get("EDIT_RATE_LIMIT", "10 per minute"),
        # Checks of a logged-in member's current password (password change, new API token), per member.
        "PASSWORD_CHECK_RATE_LIMIT": env.get("PASSWORD_CHECK_RATE_LIMIT", "5 per minute;20 per hour"),
        "API_TOKENS_MAX": int(env.get("API_TOKENS_MAX", "10")),  # live (unrevoked) tokens per member
        "TRUSTED_PROXY_COUNT": int(env.get("TRUSTED_PROXY_COUNT", "0")),
        # The site's address: every absolute URL (invitation links, the API's) is built on it, never on
        # the Host header a request brings.
        "SERVER_BASE_URL": env.get("SERVER_BASE_URL", "http://127.0.0.1:5000"),
        # Comma-separated host names (Flask's TRUSTED_HOSTS: "forum.example.org", ".example.org" for its
        # subdomains); a request with another Host header gets a 400. Unset: any host is served.
        "TRUSTED_HOSTS": [host.strip() for host in env.get("TRUSTED_HOSTS", "").split(",") if host.strip()] or None,
        # Off: only members read (visitors get a landing page and the login). On: anyone may read.
        "FORUM_PUBLIC_READ": env_flag("FORUM_PUBLIC_READ", False),
        # The licence the best-practice library's open-data export (CSV, JSON, API) is published under.
        "LIBRARY_LICENSE": env.get("LIBRARY_LICENSE", "CC BY 4.0"),
        "LIBRARY_LICENSE_URL": env.get("LIBRARY_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/"),
        # Files on posts: kept outside the web root under random names; each at most this size, this
        # many per post (the upload forms' request limit follows from both; other requests keep 1 MiB).
        "ATTACHMENT_FOLDER": env.get("ATTACHMENT_FOLDER") or str(Path(instance_path) / "attachments"),
        "ATTACHMENT_MAX_BYTES": int(env.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))),
        "ATTACHMENTS_PER_POST": int(env.get("ATTACHMENTS_PER_POST", "5")),
        # Email, sent by the worker from the outbox. No MAIL_SERVER: emails are written to the log instead.
        "MAIL_SERVER": env.get("MAIL_SERVER", "").strip() or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": env_flag("MAIL_USE_TLS", False),      # STARTTLS on MAIL_PORT
        "MAIL_USE_SSL": env_flag("MAIL_USE_SSL", False),      # TLS from the start (port 465)
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_FROM": env.get("MAIL_FROM", "City Forum <forum@localhost>"),
        "MAIL_TIMEOUT_SECONDS": float(env.get("MAIL_TIMEOUT_SECONDS", "30")),
        "MAIL_MAX_ATTEMPTS": int(env.get("MAIL_MAX_ATTEMPTS", "8")),
        "MAIL_RETRY_SECONDS": float(env.get("MAIL_RETRY_SECONDS", "60")),   # doubled after each failure
        "MAIL_LEASE_SECONDS": int(env.get("MAIL_LEASE_SECONDS", "300")),
        # A notification email waits at most this long for the post's translation into the recipient's
        # language, then goes with the original (and a note saying so).
        "MAIL_TRANSLATION_WAIT_SECONDS": whole_number_setting("MAIL_TRANSLATION_WAIT_SECONDS", 600, "seconds"),
        # Members who chose a daily digest get at most one per this many hours.
        "MAIL_DIGEST_HOURS": whole_number_setting("MAIL_DIGEST_HOURS", 24, "hours"),
    }


def check(config) -> None:
    """Refuse settings that would silently do something else than the operator meant."""
    mode = config.get("TRANSLATION_WORKER")
    if mode and mode not in ("process", "rq", "off"):
        raise ValueError(f"TRANSLATION_WORKER must be process, rq or off, not {mode!r}")
    undo = config.get("POST_UNDO_DELETE_MINUTES")
    if isinstance(undo, bool) or not isinstance(undo, int) or not 0 <= undo <= MAX_UNDO_MINUTES:
        raise ValueError(f"POST_UNDO_DELETE_MINUTES must be a whole number from 0 to {MAX_UNDO_MINUTES}, not {undo!r}")
    for name, low, high in (("MAIL_TRANSLATION_WAIT_SECONDS", 0, MAX_TRANSLATION_WAIT_SECONDS),
                            ("MAIL_DIGEST_HOURS", 1, MAX_DIGEST_HOURS),
                            ("PASSWORD_RESET_MINUTES", 1, MAX_RESET_MINUTES)):
        value = config.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
    from limits import parse_many

    for name in ("PASSWORD_RESET_RATE_LIMIT", "PASSWORD_RESET_IP_RATE_LIMIT"):
        try:
            parse_many(config[name])
        except ValueError:
            raise ValueError(f"{name} must be a rate limit such as \"5 per hour\", not {config[name]!r}") from None
    if config["TRANSLATION_JOB_TIME_LIMIT"] >= config["TRANSLATION_LEASE_SECONDS"]:
        raise ValueError("TRANSLATION_JOB_TIME_LIMIT must be shorter than TRANSLATION_LEASE_SECONDS")
