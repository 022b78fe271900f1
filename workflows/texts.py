"""French texts that the app can say in the reader's language, without ``workflows`` knowing the app.

Invariants:
- a ``Text`` *is* its French wording (a ``str``): rules, logs, audit rows and tests read French;
  it also keeps its catalogue message (``msgid``, ``plural``) and its parameters, so that the app
  translates it where it is shown (``app.i18n.translated``), in the language of whoever reads it;
- ``_l`` and ``ngettext`` have the names and signatures of Flask-Babel's lazy ``_l`` and of
  ``ngettext`` so that ``pybabel extract`` (``make messages``) collects these messages with the
  others; French stays the source language;
- a parameter is a ``Text`` (translated in turn), an ``Instant`` (a moment said in the reader's
  language and the contest's timezone) or anything else (names typed by people, numbers), shown
  as it is;
- nothing here imports the app: how a text is translated is given by the app (``translator``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta


class Text(str):
    """A French sentence or label that remembers how to be said in another language."""

    msgid: str
    plural: str | None
    num: int | None
    params: dict
    capital: bool

    def __new__(cls, msgid: str, params: dict | None = None, *, plural: str | None = None,
                num: int | None = None, capital: bool = False):
        params = dict(params or {})
        if plural is not None:
            params.setdefault("num", num)
        source = plural if plural is not None and num is not None and num > 1 else msgid  # French: 0 and 1 are singular
        french = source % params if params else source
        text = super().__new__(cls, _capitalise(french) if capital else french)
        text.msgid, text.plural, text.num, text.params, text.capital = msgid, plural, num, params, capital
        return text

    def capitalised(self) -> Text:
        """The same text opening a sentence: « La clôture… » for « la clôture… »."""
        return Text(self.msgid, self.params, plural=self.plural, num=self.num, capital=True)

    def __html__(self) -> str:
        """Jinja shows a text in the language of the page (markupsafe's protocol), escaped."""
        from html import escape

        return escape(translated(self), quote=True)

    def __reduce__(self):  # pickling (a job's arguments) keeps the message, not only the French
        return (_rebuild, (self.msgid, self.params, self.plural, self.num, self.capital))


class Wording(str):
    """A contest definition's item's label (a criterion's, an attestation's) given to a text as a parameter:
    French here, said where the text is shown as the page's language words the item (``app.i18n.worded``)."""

    item: object

    def __new__(cls, item):
        wording = super().__new__(cls, item.label)
        wording.item = item
        return wording

    def __reduce__(self):
        return (Wording, (self.item,))


def _rebuild(msgid, params, plural, num, capital) -> Text:
    return Text(msgid, params, plural=plural, num=num, capital=capital)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _l(msgid: str, **params) -> Text:
    """Mark a French text for the catalogue; it is translated where it is shown."""
    return Text(msgid, params)


def ngettext(singular: str, plural: str, num: int, **params) -> Text:
    """Mark a French text with a singular and a plural, chosen by ``num`` in each language."""
    return Text(singular, params, plural=plural, num=num)


class Instant(str):
    """A moment of the contest, in the contest's timezone: « dimanche 15 octobre 2017 à minuit »."""

    moment: datetime

    def __new__(cls, moment: datetime):
        instant = super().__new__(cls, french_moment(moment))
        instant.moment = moment
        return instant

    def __reduce__(self):
        return (Instant, (self.moment,))


_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")


def french_date(day: date) -> str:
    """« dimanche 15 octobre 2017 », « mercredi 1er novembre 2017 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{_WEEKDAYS[day.weekday()]} {number} {_MONTHS[day.month - 1]} {day.year}"


def french_moment(moment: datetime) -> str:
    # French says "Sunday at midnight" for the instant that starts Monday.
    if moment.time() == time(0):
        return f"{french_date(moment.date() - timedelta(days=1))} à minuit"
    minutes = f" {moment.minute:02d}" if moment.minute else ""
    return f"{french_date(moment.date())} à {moment.hour} h{minutes}"


# Set by the app (``app.i18n``): Text -> the words of the current language. Unset: French.
translator: Callable[[Text], str] | None = None


def translated(value) -> str:
    """``value`` in the current language when the app gave a translator, else as it is."""
    if translator is not None and isinstance(value, Text | Instant):
        return translator(value)
    return value
