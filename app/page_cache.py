"""Pages served from a cache to anonymous visitors (Flask-Caching: in-process by default, Redis in
production so that every worker shares one copy).

A page is cached under its path, its language and the minute of the injected clock, so a view
whose page changes with the time (the home page's countdown) renders it for the minute's start:
the cached copy is exact for the whole minute. What the cache must never hold: a page for a
signed-in user, a page carrying flashed messages or a CSRF token (both belong to one session),
or a page asked with a query string (its links repeat it: one entry per visitor's choice).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from flask import Response, g, request, session
from flask_babel import get_locale
from flask_login import current_user

from app.clock import now
from app.extensions import cache

# A little over a minute: an entry outlives its minute only long enough to never be rebuilt twice.
TIMEOUT = 90


def minute() -> datetime:
    """The start of the current minute, by the injected clock."""
    return now().replace(second=0, microsecond=0)


def _cacheable() -> bool:
    return (not request.query_string and "_flashes" not in session
            and not current_user.is_authenticated)


def cached_for_anonymous(view: Callable) -> Callable:
    """Serve ``view``'s page from the cache to anonymous visitors; anyone else gets it rendered."""

    @wraps(view)
    def serve(*args, **kwargs):
        if not _cacheable():
            return view(*args, **kwargs)
        key = f"page:{request.path}:{get_locale()}:{minute():%Y-%m-%dT%H:%M}"
        if (html := cache.get(key)) is not None:
            return Response(html, mimetype="text/html")
        response = view(*args, **kwargs)
        if isinstance(response, str) and "csrf_token" not in g:
            cache.set(key, response, timeout=TIMEOUT)
        return response

    return serve
