"""Absolute links for emails: built on BASE_URL, never on the request's Host header (which a
client can forge), and usable outside a request (commands, the outbox)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, _anchor: str | None = None, **values) -> str:
    """``_anchor``: a place on the page, as ``url_for`` takes it."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{_anchor}" if _anchor else url
