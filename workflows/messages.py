"""Who may write in a dossier's thread, and when: its candidate and the ARS of its region.

Invariants:
- ``message_blockers`` is the only judge of whether one side may write now; the text itself is
  judged by ``message_problem`` (not blank, at most the definition's ``limits.reason`` characters,
  like every opinion or reason typed into the app);
- a message never changes the dossier: after the deadline the dossier stays as it was handed in,
  and a piece the ARS asks for is described or linked in the answer (messages carry no attachment);
- the thread opens once the dossier is submitted (a draft is the candidate's own business, which
  the ARS does not see), and is open while the region examines its dossiers (``Act.MESSAGE_ARS``,
  ``Act.MESSAGE_CANDIDATE`` in ``workflows.lifecycle``);
- before the deadline the candidate may start the thread and write as often as they like; after it
  the candidate only answers: the thread's latest message must be the ARS's, so each message of the
  ARS admits one answer and the thread cannot become a way to keep adding to a closed dossier.
"""

from __future__ import annotations

from enum import StrEnum

from workflows.definition import Contest
from workflows.dossier import text_problem
from workflows.lifecycle import Act, Moment, refusal
from workflows.states import State
from workflows.texts import Text, _l


class Side(StrEnum):
    """Who a message is from; the ARS side is any organiser of the dossier's region."""

    CANDIDATE = "candidate"
    ARS = "ars"


ACTS = {Side.CANDIDATE: Act.MESSAGE_ARS, Side.ARS: Act.MESSAGE_CANDIDATE}


def message_blockers(side: Side, state: State, moment: Moment, last_side: Side | None, rules: Contest) -> list[Text]:
    """French reasons why ``side`` may not write in the thread now (``last_side``: who wrote its latest message)."""
    if state == State.DRAFT:
        return [_l("Les messages avec l’ARS s’ouvrent une fois le dossier déposé.")]
    if late := refusal(ACTS[side], moment, rules):
        return [late]
    if side == Side.CANDIDATE and moment.deadline_passed and last_side != Side.ARS:
        return [_l("La date limite de dépôt (%(deadline)s) est passée : vous pouvez seulement répondre à un message "
                   "de l’ARS, une fois par message. Votre dossier déposé ne change pas.",
                   deadline=rules.deadline_label)]
    return []


def message_problem(text: str, rules: Contest) -> Text | None:
    """What is wrong with a message's text (blank, or too long), else None."""
    if not text.strip():
        return _l("Écrivez votre message.")
    return text_problem(text, rules)
