"""The library as open data: one shape for the CSV, the JSON file and the API.

Columns: the title and the summary in each language (title_en, title_es, title_pt, summary_en...):
the original in its language (original_language, summary_language), the stored machine translation
where it exists and is current, otherwise empty (null in JSON). The licence goes with the data: a
top-level field in JSON, and in the CSV a `license` and a `license_url` column on every row, so the
file stays one header line and one row per entry (any spreadsheet opens it; a row copied elsewhere
keeps its licence).
"""
from __future__ import annotations

import csv
import io

from flask import current_app

from ..models import utcnow
from ..urls import external_url
from .reading import country_code, export_rows

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's list; tab and carriage
# return included): such cells get a leading apostrophe, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def iso(value) -> str | None:
    """ISO 8601 in UTC, as the API writes times (stored times are naive UTC)."""
    return value.isoformat() + "Z" if value else None


def columns(languages: tuple[str, ...]) -> list[str]:
    return ["thread_id", "url", "topic", "city", "country_code", "original_language",
            *(f"title_{code}" for code in languages), "summary_language",
            *(f"summary_{code}" for code in languages), "promoted_at", "last_activity_at"]


def entries() -> list[dict]:
    languages = tuple(current_app.config["LANGUAGES"])
    result = []
    for entry, titles, summaries in export_rows(languages):
        thread = entry.thread
        result.append({
            "thread_id": thread.id,
            "url": external_url("threads.thread", thread_id=thread.id),
            "topic": entry.topic.value,
            "city": entry.city.name if entry.city is not None else None,
            "country_code": country_code(entry),
            "original_language": thread.language,
            **{f"title_{code}": titles[code] for code in languages},
            "summary_language": entry.summary_language,
            **{f"summary_{code}": summaries[code] for code in languages},
            "promoted_at": iso(entry.promoted_at),
            "last_activity_at": iso(thread.last_activity_at),
        })
    return result


def license_info() -> tuple[str, str]:
    return current_app.config["LIBRARY_LICENSE"], current_app.config["LIBRARY_LICENSE_URL"]


def as_json() -> dict:
    license_name, license_url = license_info()
    items = entries()
    return {"license": license_name, "license_url": license_url, "generated_at": iso(utcnow()),
            "languages": list(current_app.config["LANGUAGES"]), "count": len(items), "entries": items}


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_csv() -> str:
    """UTF-8 with a BOM (so spreadsheets read the accents right), every field quoted where needed."""
    languages = tuple(current_app.config["LANGUAGES"])
    license_name, license_url = license_info()
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([*columns(languages), "license", "license_url"])
    for item in entries():
        writer.writerow([_cell(item[name]) for name in columns(languages)] + [_cell(license_name),
                                                                             _cell(license_url)])
    return "\ufeff" + out.getvalue()
