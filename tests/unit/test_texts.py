"""workflows.texts: a Text is its French wording and keeps what the app needs to translate it."""

import pickle
from datetime import datetime
from zoneinfo import ZoneInfo

from workflows import texts
from workflows.states import State
from workflows.texts import Instant, Text, _l, ngettext, translated

PARIS = ZoneInfo("Europe/Paris")


def test_text_reads_french_and_keeps_its_message_and_parameters():
    text = _l("Ce dossier est à l’état « %(state)s ».", state=State.DRAFT.label)

    assert text == "Ce dossier est à l’état « brouillon »."
    assert (text.msgid, text.params) == ("Ce dossier est à l’état « %(state)s ».", {"state": State.DRAFT.label})


def test_plural_follows_the_french_rule_zero_and_one_singular():
    forms = [ngettext("%(num)s grille", "%(num)s grilles", n) for n in (0, 1, 2)]

    assert forms == ["0 grille", "1 grille", "2 grilles"]
    assert forms[2].params == {"num": 2}


def test_capitalised_opens_a_sentence_and_remembers_it():
    capital = _l("la clôture de la sélection régionale").capitalised()

    assert (capital, capital.capital, capital.msgid) == (
        "La clôture de la sélection régionale", True, "la clôture de la sélection régionale")


def test_texts_survive_pickling_with_their_message():
    instant = Instant(datetime(2017, 10, 16, tzinfo=PARIS))
    text = _l("Avant le %(moment)s.", moment=instant)

    copy = pickle.loads(pickle.dumps(text))

    assert (copy, copy.msgid, copy.params["moment"].moment) == (text, text.msgid, instant.moment)
    assert copy == "Avant le dimanche 15 octobre 2017 à minuit."


def test_without_a_translator_a_text_stays_french(monkeypatch):
    monkeypatch.setattr(texts, "translator", None)  # as in a process without the app

    assert translated(_l("retirée")) == "retirée"
    assert translated("typed by someone") == "typed by someone"


def test_html_of_a_text_is_escaped(monkeypatch):
    monkeypatch.setattr(texts, "translator", None)  # no app: French

    assert Text("<b> & « x »").__html__() == "&lt;b&gt; &amp; « x »"
