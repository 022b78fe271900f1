"""French first, English on request: the choice is kept in the session."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, redirect, request, session, url_for
from flask_login import current_user

from app.access import public

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.preferred_locale in languages:
        return current_user.preferred_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def safe_next(target: str | None, default: str) -> str:
    """Only local paths: an open redirect would let phishing mails borrow our address."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@bp.get("/langue/<code>")
@public
def switch_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("main.home")))


def day(value: date, *, year: bool = True) -> str:
    """« 1er janvier 2027 », « 20 novembre » in French; « 1 January 2027 » in English."""
    from flask_babel import format_date, get_locale

    text = format_date(value, "d MMMM y" if year else "d MMMM")
    if value.day == 1 and get_locale().language == "fr":
        return "1er" + text[1:]
    return text


def period(start: date, end: date) -> tuple[str, str]:
    """The two ends of a period, the first without its year unless the period spans two years."""
    return day(start, year=start.year != end.year), day(end)


def register(app: Flask) -> None:
    from flask_babel import format_date, format_datetime

    app.register_blueprint(bp)
    app.jinja_env.globals.update(format_date=format_date, format_datetime=format_datetime, day=day, period=period)

    @app.context_processor
    def _languages():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"]}
