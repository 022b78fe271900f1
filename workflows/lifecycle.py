"""Which act is possible at which moment of the contest: the one place that joins the levels.

A ``Moment`` is the edition's stage, the stage of the region an act concerns, and whether the
submission deadline has passed. ``refusal(act, moment, rules)`` is the only judge of timing:
the state machines ask it for each transition (``Transition.act``), and the acts that are not
transitions (inviting a juror, scoring, recording a conflict…) ask it directly.

Invariants:
- a candidate changes their dossier only before the deadline, whatever the stages (after it, they
  may still answer the ARS in the dossier's thread, which never changes the dossier); a dossier the
  region received by email before it may be entered by its ARS later, until the region's jury opens;
- a region acts (its ARS and its jurors) only while the regional selections run, or while the
  national jury sits if the national organiser reopened that region; never once a winner is
  declared;
- the national jury opens only after the deadline (and, guarded by the machine, once every
  region is closed or excused);
- once the results are published no act is possible: what they depend on never changes;
- ``WINDOWS`` names every act, and an act needs only the dimensions its window constrains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from workflows.definition import Contest
from workflows.states import NationalStage as N
from workflows.states import RegionStage as R
from workflows.states import Role
from workflows.texts import Text, _l


class Act(StrEnum):
    """Every act of the contest; the value names it in the audit log and the lifecycle table."""

    def __new__(cls, value: str, label: Text, role: Role):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label  # a French noun phrase: « l’ouverture du jury régional »
        member.role = role
        return member

    EDIT_DOSSIER = "edit_dossier", _l("la modification du dossier et de ses pièces jointes"), Role.CANDIDATE
    SUBMIT = "submit", _l("le dépôt du dossier"), Role.CANDIDATE
    WITHDRAW = "withdraw", _l("le retrait de la candidature"), Role.CANDIDATE
    ENTER_EMAILED_DOSSIER = ("enter_emailed_dossier", _l("la saisie d’un dossier reçu par courriel"),
                             Role.REGIONAL_ORGANISER)
    DECLARE_INADMISSIBLE = ("declare_inadmissible", _l("la déclaration d’irrecevabilité d’un dossier"),
                            Role.REGIONAL_ORGANISER)
    REQUALIFY = "requalify", _l("la requalification d’un dossier irrecevable"), Role.REGIONAL_ORGANISER
    INVITE_REGIONAL_JUROR = "invite_regional_juror", _l("l’invitation d’un juré régional"), Role.REGIONAL_ORGANISER
    REMOVE_REGIONAL_JUROR = "remove_regional_juror", _l("le retrait d’un juré régional"), Role.REGIONAL_ORGANISER
    OPEN_REGIONAL_JURY = "open_regional_jury", _l("l’ouverture du jury régional"), Role.REGIONAL_ORGANISER
    ENTER_REGIONAL_JURY = ("enter_regional_jury", _l("la présentation d’un dossier au jury régional"),
                           Role.REGIONAL_ORGANISER)
    RECORD_REGIONAL_CONFLICT = ("record_regional_conflict",
                                _l("l’enregistrement ou la levée d’un conflit d’intérêts au jury régional"),
                                Role.REGIONAL_ORGANISER)
    REMIND_REGIONAL_JURORS = "remind_regional_jurors", _l("la relance des jurés régionaux"), Role.REGIONAL_ORGANISER
    ASSIGN_REGIONAL_DOSSIERS = ("assign_regional_dossiers", _l("la répartition des dossiers entre les jurés régionaux"),
                                Role.REGIONAL_ORGANISER)
    JUDGE_REGIONAL = ("judge_regional", _l("le travail du jury régional (déclarations d’intérêts, notation)"),
                      Role.REGIONAL_JUROR)
    SELECT_FOR_NATION = "select_for_nation", _l("le choix d’un dossier pour l’étape nationale"), Role.REGIONAL_ORGANISER
    UNSELECT = "unselect", _l("le retrait d’un dossier retenu"), Role.REGIONAL_ORGANISER
    CLOSE_REGION = "close_region", _l("la clôture de la sélection régionale"), Role.REGIONAL_ORGANISER
    EXCUSE_REGION = "excuse_region", _l("l’excuse d’une région sans jury régional"), Role.NATIONAL_ORGANISER
    REINSTATE_REGION = "reinstate_region", _l("la réintégration d’une région excusée"), Role.NATIONAL_ORGANISER
    REOPEN_REGION = "reopen_region", _l("la réouverture d’une sélection régionale"), Role.NATIONAL_ORGANISER
    INVITE_NATIONAL_JUROR = "invite_national_juror", _l("l’invitation d’un juré national"), Role.NATIONAL_ORGANISER
    REMOVE_NATIONAL_JUROR = "remove_national_juror", _l("le retrait d’un juré national"), Role.NATIONAL_ORGANISER
    RECORD_NATIONAL_CONFLICT = ("record_national_conflict",
                                _l("l’enregistrement ou la levée d’un conflit d’intérêts au jury national"),
                                Role.NATIONAL_ORGANISER)
    OPEN_NATIONAL_JURY = "open_national_jury", _l("l’ouverture du jury national"), Role.NATIONAL_ORGANISER
    REMIND_NATIONAL_JURORS = "remind_national_jurors", _l("la relance des jurés nationaux"), Role.NATIONAL_ORGANISER
    JUDGE_NATIONAL = ("judge_national", _l("le travail du jury national (déclarations d’intérêts, notation)"),
                      Role.NATIONAL_JUROR)
    DECLARE_WINNER = "declare_winner", _l("la désignation du lauréat"), Role.NATIONAL_ORGANISER
    PUBLISH_RESULTS = "publish_results", _l("la publication des résultats"), Role.NATIONAL_ORGANISER
    MESSAGE_ARS = "message_ars", _l("l’envoi d’un message à l’ARS sur un dossier déposé"), Role.CANDIDATE
    MESSAGE_CANDIDATE = "message_candidate", _l("l’envoi d’un message au candidat sur son dossier"), \
        Role.REGIONAL_ORGANISER


@dataclass(frozen=True, slots=True)
class Moment:
    """Where the contest stands for one act; None for a dimension the act does not depend on."""

    deadline_passed: bool
    national: N | None = None
    region: R | None = None

    @classmethod
    def at(cls, now: datetime, rules: Contest, national: N | None = None, region: R | None = None) -> Moment:
        """The moment of ``now`` (timezone-aware) under ``rules``, at the given stages."""
        return cls(not rules.is_before_deadline(now), national, region)


@dataclass(frozen=True, slots=True)
class Window:
    """When an act is possible: ``pairs`` of (national stage, region stage), region None for an
    act on the edition; ``deadline`` True (after it), False (before it) or None (either)."""

    pairs: frozenset[tuple[N, R | None]] | None = None  # None: any stage (a candidate's acts)
    deadline: bool | None = None


def _regional(*stages: R, deadline: bool | None = None) -> Window:
    """A region's act: while the regional selections run, or, at the jury stage, in a region the
    national organiser reopened while the national jury sits."""
    pairs = {(N.REGIONAL, stage) for stage in stages}
    if R.JURY_OPEN in stages:
        pairs.add((N.NATIONAL_JURY, R.JURY_OPEN))
    return Window(frozenset(pairs), deadline)


def _national(*stages: N, deadline: bool | None = None) -> Window:
    return Window(frozenset((stage, None) for stage in stages), deadline)


def _regions_at(national: N, *stages: R, deadline: bool | None = None) -> Window:
    """A national organiser's act on a region at one national stage."""
    return Window(frozenset((national, stage) for stage in stages), deadline)


BEFORE_DEADLINE = Window(deadline=False)
WINDOWS: dict[Act, Window] = {
    Act.EDIT_DOSSIER: BEFORE_DEADLINE,
    Act.SUBMIT: BEFORE_DEADLINE,
    Act.WITHDRAW: BEFORE_DEADLINE,
    # Before or after the deadline (the email's receipt time is what must precede it: a guard of the
    # machine), but only while the region has not opened its jury, which scores the dossiers it received.
    Act.ENTER_EMAILED_DOSSIER: _regional(R.SUBMISSIONS),
    Act.DECLARE_INADMISSIBLE: _regional(R.SUBMISSIONS, R.JURY_OPEN),
    Act.REQUALIFY: _regional(R.SUBMISSIONS, R.JURY_OPEN),
    Act.INVITE_REGIONAL_JUROR: _regional(R.SUBMISSIONS, R.JURY_OPEN),
    Act.REMOVE_REGIONAL_JUROR: _regional(R.SUBMISSIONS, R.JURY_OPEN),
    Act.OPEN_REGIONAL_JURY: _regional(R.SUBMISSIONS, deadline=True),
    Act.ENTER_REGIONAL_JURY: _regional(R.JURY_OPEN, deadline=True),
    Act.RECORD_REGIONAL_CONFLICT: _regional(R.SUBMISSIONS, R.JURY_OPEN),
    Act.REMIND_REGIONAL_JURORS: _regional(R.JURY_OPEN),
    Act.ASSIGN_REGIONAL_DOSSIERS: _regional(R.JURY_OPEN),
    Act.JUDGE_REGIONAL: _regional(R.JURY_OPEN),
    Act.SELECT_FOR_NATION: _regional(R.JURY_OPEN),
    Act.UNSELECT: _regional(R.JURY_OPEN),
    Act.CLOSE_REGION: _regional(R.JURY_OPEN),
    Act.EXCUSE_REGION: _regions_at(N.REGIONAL, R.SUBMISSIONS, R.JURY_OPEN, deadline=True),
    Act.REINSTATE_REGION: _regions_at(N.REGIONAL, R.EXCUSED),
    Act.REOPEN_REGION: Window(frozenset({(N.REGIONAL, R.CLOSED), (N.NATIONAL_JURY, R.CLOSED)})),
    Act.INVITE_NATIONAL_JUROR: _national(N.REGIONAL, N.NATIONAL_JURY),
    Act.REMOVE_NATIONAL_JUROR: _national(N.REGIONAL, N.NATIONAL_JURY),
    Act.RECORD_NATIONAL_CONFLICT: _national(N.REGIONAL, N.NATIONAL_JURY),
    Act.OPEN_NATIONAL_JURY: _national(N.REGIONAL, deadline=True),
    Act.REMIND_NATIONAL_JURORS: _national(N.NATIONAL_JURY),
    Act.JUDGE_NATIONAL: _national(N.NATIONAL_JURY),
    Act.DECLARE_WINNER: _national(N.NATIONAL_JURY),
    Act.PUBLISH_RESULTS: _national(N.WINNER_DECLARED),
    # A dossier's thread is open while its region examines dossiers; after the deadline the candidate
    # only answers the ARS (workflows.messages).
    Act.MESSAGE_ARS: _regional(R.SUBMISSIONS, R.JURY_OPEN),
    Act.MESSAGE_CANDIDATE: _regional(R.SUBMISSIONS, R.JURY_OPEN),
}


def refusal(act: Act, moment: Moment, rules: Contest) -> Text | None:
    """None when ``act`` is possible at ``moment``, else the French reason why not."""
    window = WINDOWS[act]
    what = act.label.capitalised()
    if window.deadline is False and moment.deadline_passed:
        return _l("La date limite de dépôt (%(deadline)s) est dépassée.", deadline=rules.deadline_label)
    if window.deadline is True and not moment.deadline_passed:
        return _l("%(act)s n’est possible qu’après la date limite de dépôt (%(deadline)s).",
                  act=what, deadline=rules.deadline_label)
    if window.pairs is None:
        return None
    on_region = any(region is not None for _national, region in window.pairs)
    if moment.national is None or (on_region and moment.region is None):
        raise ValueError(f"{act}: the moment lacks the stages its window needs ({moment})")
    if (moment.national, moment.region if on_region else None) in window.pairs:
        return None
    return _why_not(act, moment, window, on_region)


def _why_not(act: Act, moment: Moment, window: Window, on_region: bool) -> Text:
    what, national = act.label.capitalised(), moment.national
    stages = list(N)
    allowed = {stage for stage, _region in window.pairs}
    if national == N.PUBLISHED:
        return _l("Les résultats sont publiés : %(act)s n’est plus possible.", act=act.label)
    if national not in allowed and national == N.WINNER_DECLARED:
        return _l("Le lauréat national est désigné : %(act)s n’est plus possible.", act=act.label)
    if national not in allowed:
        if stages.index(national) < min(map(stages.index, allowed)):
            return _l("%(act)s n’est pas encore possible : le concours est à l’étape « %(stage)s ».",
                      act=what, stage=national.label)
        return _l("%(act)s n’est plus possible : le concours est à l’étape « %(stage)s ».",
                  act=what, stage=national.label)
    if on_region and national == N.NATIONAL_JURY and (N.REGIONAL, moment.region) in window.pairs:
        return _l("Le jury national est ouvert : %(act)s n’est possible que dans une région rouverte "
                  "par l’organisateur national.", act=act.label)
    return _l("%(act)s n’est pas possible quand la région est à l’étape « %(stage)s ».",
              act=what, stage=moment.region.label)
