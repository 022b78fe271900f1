"""French first, English on request: the choice is kept in the session (and, for a signed-in person,
in their account: the emails they receive use it).

Texts of ``workflows`` (states, stages, roles, refusals: ``workflows.texts.Text``) are translated here,
where they are shown: in templates by themselves (``Text.__html__``), in Python by ``translated``.
A contest definition's wording is shown in English when it has one, else in French marked
``lang="fr"`` (``worded``). Numbers and dates follow the language; times are Paris time in both.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import lru_cache
from urllib.parse import urlsplit

from babel import support
from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, session, url_for
from flask_login import current_user
from markupsafe import Markup

from app.access import public
from app.database import writes
from scoring.arithmetic import display
from workflows import texts
from workflows.texts import Instant, Text, Wording, french_date, french_moment

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a command or a job: French, unless an email forces its reader's language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
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
@writes  # a signed-in person's choice is kept in their account
def switch_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated and current_user.preferred_locale != code:
            current_user.preferred_locale = code  # the language of the emails they will receive
    return redirect(safe_next(request.args.get("next"), url_for("main.home")))


def _premier(text: str) -> str:
    """A text that begins with the day of the month: « 1 janvier… » reads « 1er janvier… » in French."""
    from flask_babel import get_locale

    if text.startswith("1 ") and get_locale().language == "fr":
        return "1er" + text[1:]
    return text


def day(value: date, *, year: bool = True) -> str:
    """« 1er janvier 2027 », « 20 novembre » in French; « 1 January 2027 » in English."""
    from flask_babel import format_date

    return _premier(format_date(value, "d MMMM y" if year else "d MMMM"))


def period(start: date, end: date) -> tuple[str, str]:
    """The two ends of a period, the first without its year unless the period spans two years."""
    return day(start, year=start.year != end.year), day(end)


def language() -> str:
    from flask_babel import get_locale

    return get_locale().language


def translated(value):
    """A ``workflows`` text (and its parameters) in the current language; anything else as it is."""
    from flask_babel import gettext, ngettext

    if isinstance(value, Instant):
        return instant(value.moment)
    if isinstance(value, Wording):
        return worded(value.item, markup=False)
    if not isinstance(value, Text):
        return value
    params = {name: translated(param) for name, param in value.params.items()}
    if value.plural is not None:
        params.pop("num")  # ngettext names the count itself
        text = ngettext(value.msgid, value.plural, value.num, **params)
    else:
        text = gettext(value.msgid, **params)
    return text[:1].upper() + text[1:] if value.capital else text


def weekday(value: date) -> str:
    """« mardi 21 novembre 2017 », « Tuesday 21 November 2017 »."""
    from flask_babel import format_date

    return french_date(value) if language() == "fr" else format_date(value, "EEEE d MMMM y")


def instant(moment: datetime) -> str:
    """A moment of the contest as its notes say it, in its own timezone: « dimanche 15 octobre 2017 à
    minuit »; in English « midnight at the end of Sunday 15 October 2017 », « Monday 16 October 2017, 17:30 »."""
    from flask_babel import format_time, gettext

    if language() == "fr":
        return french_moment(moment)
    if moment.hour == moment.minute == 0:
        return gettext("minuit à la fin du %(day)s", day=weekday(moment.date() - timedelta(days=1)))
    return f"{weekday(moment.date())}, {format_time(moment.time(), 'HH:mm')}"


def when(moment: datetime, *, seconds: bool = False) -> str:
    """A recorded moment, in Paris time whatever the language: « 12 octobre 2017 à 10:05 »,
    « 1er décembre 2026 à 06:38 », « 12 October 2017, 10:05 »."""
    from flask_babel import format_datetime, gettext

    pattern = gettext("d MMMM y 'à' HH:mm:ss") if seconds else gettext("d MMMM y 'à' HH:mm")
    return _premier(format_datetime(moment, pattern))


def decimal_sign() -> str:
    """« , » in French, « . » in English (French outside a request)."""
    from babel.numbers import get_decimal_symbol
    from flask_babel import get_locale

    return get_decimal_symbol(get_locale() or "fr")


def number(value: Fraction | int, places: int = 2) -> str:
    """A mark or a mean, rounded as ``scoring`` rounds it, with the language's decimal sign."""
    return display(value, places).replace(",", decimal_sign())


def file_size(size: int) -> str:
    """A file's size as the language writes it: « 46 ko », « 2,5 Mo » (« 46 kB », « 2.5 MB »)."""
    from babel.units import format_unit
    from flask_babel import get_locale

    if size < 2**20:
        return format_unit(max(round(size / 2**10), 1), "digital-kilobyte", "short", locale=get_locale() or "fr")
    return format_unit(size / 2**20, "digital-megabyte", "short", format="#,##0.0", locale=get_locale() or "fr")


def list_separator() -> str:
    """Between the items of a list said in a line, items that may hold commas (a definition's
    wordings): « a ; b » in French, "a; b" in English."""
    from flask_babel import gettext

    return gettext(" ; ")


def worded(item, attribute: str = "label", *, markup: bool = True):
    """The wording of a contest definition's item (``label``, ``hint``, ``description``) in the
    current language: its English one (``label_en``…) on an English page when the definition has
    it, else the French one, marked lang="fr" (for screen readers) unless ``markup`` is False."""
    french = getattr(item, attribute)
    if language() == "fr" or not french:
        return french
    if english := getattr(item, f"{attribute}_en", ""):
        return english
    return in_french(french) if markup else french


def in_french(text: str):
    """A definition's French text that has no English wording: marked lang="fr" on an English page."""
    return text if language() == "fr" else Markup('<span lang="fr">%s</span>') % text


@lru_cache(maxsize=8)
def wtforms_catalogue(locale: str) -> support.Translations:
    from wtforms.i18n import messages_path

    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def register(app: Flask) -> None:
    from flask_babel import format_date, format_datetime

    texts.translator = translated
    app.register_blueprint(bp)
    app.jinja_env.globals.update(format_date=format_date, format_datetime=format_datetime, day=day, period=period,
                                 when=when, display=number, worded=worded, in_french=in_french, translated=translated,
                                 list_separator=list_separator)

    @app.context_processor
    def _languages():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"]}
