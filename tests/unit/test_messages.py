"""The thread's rule, every side at every moment that matters (``workflows.messages``)."""

import pytest

from workflows.definition import CONTESTS_DIR, load_contest
from workflows.lifecycle import Moment
from workflows.messages import Side, message_blockers, message_problem
from workflows.states import NationalStage as N
from workflows.states import RegionStage as R
from workflows.states import State

RULES = load_contest(CONTESTS_DIR / "ssp-2017.toml")
C, A = Side.CANDIDATE, Side.ARS
OPEN_BEFORE, OPEN_AFTER = Moment(False, N.REGIONAL, R.SUBMISSIONS), Moment(True, N.REGIONAL, R.SUBMISSIONS)
JURY, CLOSED = Moment(True, N.REGIONAL, R.JURY_OPEN), Moment(True, N.REGIONAL, R.CLOSED)
ONLY_ANSWERS = ("La date limite de dépôt (dimanche 15 octobre 2017 à minuit, heure de Paris) est passée : vous pouvez "
                "seulement répondre à un message de l’ARS, une fois par message. Votre dossier déposé ne change pas.")


@pytest.mark.parametrize(("side", "state", "moment", "last", "allowed"), [
    (C, State.SUBMITTED, OPEN_BEFORE, None, True),  # before the deadline the candidate starts the thread
    (C, State.SUBMITTED, OPEN_BEFORE, C, True),  # and writes again
    (C, State.SUBMITTED, OPEN_AFTER, None, False),  # after it, never first
    (C, State.SUBMITTED, OPEN_AFTER, C, False),  # nor twice in a row
    (C, State.SUBMITTED, OPEN_AFTER, A, True),  # but answers the ARS
    (C, State.REGIONAL_JURY, JURY, A, True),
    (C, State.INADMISSIBLE, OPEN_AFTER, A, True),
    (C, State.REGIONAL_NOT_SELECTED, CLOSED, A, False),  # the region has decided
    (C, State.DRAFT, OPEN_BEFORE, None, False),  # the ARS does not see a draft
    (A, State.SUBMITTED, OPEN_BEFORE, None, True),
    (A, State.SUBMITTED, OPEN_AFTER, A, True),  # the ARS may ask again before any answer
    (A, State.REGIONAL_JURY, JURY, C, True),
    (A, State.NATIONAL_SHORTLIST, CLOSED, C, False),
    (A, State.REGIONAL_JURY, Moment(True, N.NATIONAL_JURY, R.JURY_OPEN), None, True),  # a reopened region
    (A, State.WINNER, Moment(True, N.PUBLISHED, R.CLOSED), C, False),
])
def test_who_may_write_when(side, state, moment, last, allowed):
    assert (message_blockers(side, state, moment, last, RULES) == []) == allowed


def test_after_the_deadline_the_candidate_is_told_they_only_answer():
    assert message_blockers(C, State.SUBMITTED, OPEN_AFTER, C, RULES) == [ONLY_ANSWERS]


@pytest.mark.parametrize(("text", "problem"), [
    ("Bonjour", None), (" \n ", "Écrivez votre message."), ("é" * 2000, None),
    ("é" * 2001, "Le texte ne doit pas dépasser 2000 caractères (2001 saisis)."),
])
def test_the_text_is_judged_like_every_reason(text, problem):
    assert message_problem(text, RULES) == problem
