"""Security headers: on every response (pages, staff pages, errors, downloads); HSTS in production only."""

from __future__ import annotations

import re
import secrets

import pytest

from app import create_app
from app.extensions import db
from config import ProductionConfig
from tests.app.attachment_helpers import PDF, candidature, owner, rows, upload  # noqa: F401  (fixtures)
from workflows.states import Role

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                          "microphone=(), payment=(), usb=()",
}
SECURITY_HEADERS = (*PAGE_HEADERS, "Strict-Transport-Security")


def security_headers(response) -> dict[str, str]:
    return {name: response.headers[name] for name in SECURITY_HEADERS if name in response.headers}


def test_public_page_carries_the_security_headers(client, edition):
    response = client.get("/")

    assert (response.status_code, security_headers(response)) == (200, PAGE_HEADERS)


def test_staff_page_carries_the_security_headers(client, login, make_user, edition):
    login(make_user(Role.REGIONAL_ORGANISER, region="HDF"))
    region_id = next(region.id for region in edition.regions if region.code == "HDF")

    response = client.get(f"/ars/{region_id}")

    assert (response.status_code, security_headers(response)) == (200, PAGE_HEADERS)


def test_error_page_carries_the_security_headers(client, edition):
    response = client.get("/nulle-part")

    assert (response.status_code, security_headers(response)) == (404, PAGE_HEADERS)


def test_download_keeps_its_sandbox_policy_and_gets_the_others(client, login, owner, candidature):
    login(owner)
    upload(client, candidature, "Bilan.pdf", PDF)
    [attachment] = rows()

    response = client.get(f"/candidatures/{candidature.id}/pieces-jointes/telecharger/{attachment.id}")

    assert (response.status_code, response.data) == (200, PDF)
    assert security_headers(response) == PAGE_HEADERS | {
        "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'"}


def test_token_page_sends_no_referrer(client, edition):
    response = client.get("/mot-de-passe/nouveau/" + secrets.token_urlsafe(32))

    assert security_headers(response) == PAGE_HEADERS | {"Referrer-Policy": "no-referrer"}


def test_hsts_absent_outside_production(client, edition):
    assert "Strict-Transport-Security" not in client.get("/static/css/app.css").headers


def test_hsts_sent_in_production(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", secrets.token_urlsafe(36))
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    app = create_app(ProductionConfig, overrides={
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.db'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
    })

    response = app.test_client().get("/static/css/app.css")

    assert (response.status_code, security_headers(response)) == (
        200, PAGE_HEADERS | {"Strict-Transport-Security": "max-age=31536000; includeSubDomains"})
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("path", ["/", "/connexion", "/inscription"])
def test_pages_hold_no_inline_script_or_style(client, edition, path):
    """What the policy would block: scripts and styles written in the page instead of served files."""
    html = client.get(path).get_data(as_text=True)

    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", html)
    assert (inline, html.count("<script")) == ([], 3 if path == "/" else 2)
