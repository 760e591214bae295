"""The rules of a job description's fields, shared by the form and the API (same checks, same words).

Each check takes what the member sent and returns the clean value or raises Invalid with a message in
the member's language (lazy gettext, so the page and the API both render it for their reader).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from ..models import EmploymentType
from ..text import DISALLOWED_CHARACTERS, ascii_int, is_single_line_text

# Currencies of the network's countries, plus the two that cross borders (USD, EUR). ISO 4217.
CURRENCIES = ("USD", "EUR", "ARS", "BOB", "BRL", "BZD", "CAD", "CLP", "COP", "CRC", "DOP", "GTQ", "HNL", "JMD",
              "MXN", "NIO", "PAB", "PEN", "PYG", "TTD", "UYU")
EMPLOYMENT_TYPES = tuple(t.value for t in EmploymentType)
EMPLOYMENT_TYPE_NAMES = {
    EmploymentType.FULL_TIME: _l("Full-time"),
    EmploymentType.PART_TIME: _l("Part-time"),
    EmploymentType.CONTRACT: _l("Contract"),
    EmploymentType.INTERNSHIP: _l("Internship"),
    EmploymentType.FELLOWSHIP: _l("Fellowship"),
}

# An annual salary in guaraníes runs into the hundreds of millions; above two billion (and below
# PostgreSQL's 32-bit integer limit) an amount is a typo, whatever the currency.
SALARY_MAX = 2_000_000_000
APPLY_TO_MAX = 500
DEPARTMENT_MAX = 120
# A closing date further away than this is a typo (a year 2206), not a plan.
CLOSES_WITHIN_DAYS = 3 * 366
# The network spans UTC-3 to UTC-10: its earliest calendar date is today for every member, so a job
# that closes "today" can be posted from anywhere, and stays open until that day ends everywhere.
EARLIEST_UTC_OFFSET = timedelta(hours=-10)

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}:")  # linear: one bounded run
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Invalid(ValueError):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def today() -> date:
    """The date a job's closing day is compared with (see EARLIEST_UTC_OFFSET)."""
    return datetime.now(timezone(EARLIEST_UTC_OFFSET)).date()


def is_email(apply_to: str) -> bool:
    return not apply_to.lower().startswith(("http://", "https://"))


def apply_href(apply_to: str) -> str:
    return f"mailto:{apply_to}" if is_email(apply_to) else apply_to


def amount(value) -> int | None:
    """A salary amount: a whole number from 0 to SALARY_MAX, or None when left empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise Invalid(_l("Enter a whole number, without separators or decimals (for example 45000)."))
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.startswith("-") and ascii_int(text[1:]) is not None:
            raise Invalid(_l("An amount cannot be negative."))
        value = ascii_int(text, max_digits=12)
        if value is None:
            raise Invalid(_l("Enter a whole number, without separators or decimals (for example 45000)."))
    if not isinstance(value, int):
        raise Invalid(_l("Enter a whole number, without separators or decimals (for example 45000)."))
    if value < 0:
        raise Invalid(_l("An amount cannot be negative."))
    if value > SALARY_MAX:
        raise Invalid(_l("This amount is too large (at most %(max)s).", max=f"{SALARY_MAX:,}"))
    return value


def salary(minimum: int | None, maximum: int | None, currency: str | None) -> dict[str, object]:
    """Errors of a salary range by field name (empty when the range is fine)."""
    errors: dict[str, object] = {}
    if currency and currency not in CURRENCIES:
        errors["salary_currency"] = _l("Choose a currency from the list.")
    elif (minimum is not None or maximum is not None) and not currency:
        errors["salary_currency"] = _l("Choose the currency of the salary.")
    elif currency and minimum is None and maximum is None:
        errors["salary_currency"] = _l("Enter a minimum or a maximum salary, or leave the currency empty.")
    if minimum is not None and maximum is not None and minimum > maximum:
        errors["salary_max"] = _l("The maximum salary cannot be below the minimum.")
    return errors


def employment_type(value: str | None) -> EmploymentType:
    if value not in EMPLOYMENT_TYPES:
        raise Invalid(_l("Choose a type of employment from the list."))
    return EmploymentType(value)


def closes_on(value, previous: date | None = None) -> date:
    """A date (or an ISO YYYY-MM-DD string) from today on; an edit may keep a date already past."""
    if isinstance(value, str):
        if not _ISO_DATE.fullmatch(value):
            raise Invalid(_l("Enter the date as YYYY-MM-DD."))
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise Invalid(_l("This date does not exist.")) from None
    if not isinstance(value, date):
        raise Invalid(_l("Enter the closing date."))
    if value != previous:
        if value < today():
            raise Invalid(_l("The closing date cannot be in the past."))
        if value > today() + timedelta(days=CLOSES_WITHIN_DAYS):
            raise Invalid(_l("The closing date must be within the next three years."))
    return value


def apply_to(value: str | None) -> str:
    """How to apply: an http(s) link or an e-mail address (an optional mailto: is dropped)."""
    text = (value or "").strip()
    if not text:
        raise Invalid(_l("Enter a link or an e-mail address where people can apply."))
    if len(text) > APPLY_TO_MAX:
        raise Invalid(_l("At most %(max)d characters.", max=APPLY_TO_MAX))
    if DISALLOWED_CHARACTERS.search(text) or not is_single_line_text(text) or any(c.isspace() for c in text):
        raise Invalid(_l("A link or an e-mail address cannot contain spaces or invisible characters."))
    scheme = _SCHEME.match(text)
    if scheme is None:
        if "@" in text:
            return _email(text)
        raise Invalid(_l("Start the link with https:// (or enter an e-mail address)."))
    name = scheme.group()[:-1].lower()
    if name == "mailto":
        return _email(text[len("mailto:"):])
    if name not in ("http", "https"):
        raise Invalid(_l("Only web links (https://…) and e-mail addresses are accepted."))
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise Invalid(_l("This is not a valid web link.")) from None
    if not parts.hostname or "." not in parts.hostname or parts.username is not None:
        raise Invalid(_l("This is not a valid web link."))
    return text


def _email(text: str) -> str:
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise Invalid(_l("This is not a valid e-mail address.")) from None
