"""Handing a message to the SMTP server (smtplib), or to the log when no MAIL_SERVER is set."""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("forum.mail")


class TemporaryFailure(Exception):
    """The server is down or said "try later" (4xx): the email is retried with backoff."""


class PermanentFailure(Exception):
    """The server refused this message for good (5xx on the recipient or the data)."""


def send(message: EmailMessage) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        # A newcomer's `make run`: the email is in the log, complete, instead of nowhere.
        log.info("email (no MAIL_SERVER set, not sent):\n%s", message.as_string())
        return
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    try:
        if config["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
        with smtp:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if all(500 <= code < 600 for code in codes):
            raise PermanentFailure(f"recipient refused: {codes}") from None
        raise TemporaryFailure(f"recipient deferred: {codes}") from None
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600 and not isinstance(exc, smtplib.SMTPAuthenticationError):
            raise PermanentFailure(f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
        raise TemporaryFailure(f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
    except (smtplib.SMTPException, OSError) as exc:  # refused connection, timeout, TLS trouble
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from None


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
