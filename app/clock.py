"""The injected clock: one reading per request, replaceable in tests.

Every rule that depends on time uses ``now()``, which reads the clock once per request (so a
request that straddles the deadline is judged on a single instant).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app, has_request_context, request


class SystemClock:
    def __call__(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to (tests and the browser journeys)."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, delta: timedelta) -> None:
        self.at += delta


def now() -> datetime:
    """The current instant, taken once per request."""
    clock = current_app.extensions["clock"]
    if not has_request_context():
        return clock()
    # Kept in the WSGI environ rather than ``g``: one reading per request, never shared.
    return request.environ.setdefault("concours.now", clock())
