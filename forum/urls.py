"""Absolute URLs (invitation links, the API's Location headers and OpenAPI server): built on the
configured SERVER_BASE_URL, never on the request's Host header, which the client chooses."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["SERVER_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)
