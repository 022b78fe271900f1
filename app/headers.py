"""Security headers on every response: what a page may load, who may frame it, what it tells others.

The templates hold no inline script, style attribute or style element: every script and stylesheet
is a file served by the app (the design system under /static/dsfr, ours under /static/js and
/static/css), so scripts and styles come from 'self' only. The design system's scripts change styles
through the CSSOM (``element.style``), which a CSP does not restrict; its stylesheet draws icons from
``data:`` URIs, hence ``img-src data:``.

A file handed out for download keeps its own, stricter policy (``app.uploads.names``): it is never
rendered as a page of the site.

HSTS is sent in production only (``HSTS`` in the config): a development server on http must stay
reachable.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
# The site's own addresses carry ids; another site learns none of them.
REFERRER_POLICY = "same-origin"
# A page whose address holds a secret (an emailed link) sends no Referer at all, even to the site.
SECRET_URL_REFERRER_POLICY = "no-referrer"
# Nothing in the app needs these devices or APIs; an injected frame or script gets none of them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()" for feature in ("accelerometer", "camera", "geolocation", "gyroscope", "magnetometer",
                                    "microphone", "payment", "usb")
)
HSTS = "max-age=31536000; includeSubDomains"


def keep_url_out_of_referer() -> None:
    """For the current page: its address (an emailed token) is never sent as a Referer."""
    g.referrer_policy = SECRET_URL_REFERRER_POLICY


def register(app: Flask) -> None:
    @app.after_request
    def _secure(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = g.get("referrer_policy", REFERRER_POLICY)
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if current_app.config.get("HSTS"):
            headers["Strict-Transport-Security"] = HSTS
        return response
