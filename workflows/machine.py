"""The contest's state machines: three tables of named transitions, and nothing else moves a state.

Invariants:
- a state changes only through a ``Transition`` of ``CANDIDATURE``, ``REGION`` or ``NATIONAL``;
  there is no force flag: corrections (requalify, reopen_region, reinstate_region, unselect) are
  transitions too;
- a transition is refused, with French reasons, when the current state is not one of its
  sources or the role is not one of its roles; only then are the moment of the contest (its
  ``act`` judged by ``workflows.lifecycle``), the written reason and the guards looked at, and
  every failing one gives its reason;
- a guard is ``guard(facts, rules) -> str | None``: None when it passes, else a French reason
  (``dossier_complete`` returns one reason per missing item, as a tuple);
- facts are frozen values built by the caller; the clock is ``facts.now``, read once per request;
- roles are checked here, the region of a regional role is not: the caller scopes its queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from workflows.definition import Contest
from workflows.lifecycle import Act, Moment, refusal
from workflows.refusals import Refused
from workflows.states import NationalStage, RegionStage, Role, State
from workflows.texts import Text, _l, ngettext

REASON_REQUIRED = _l("Une justification écrite est obligatoire.")
_REASON_TO_BE_TYPED = "(le motif que la personne saisira)"
ROLE_REFUSED = _l("Votre rôle ne permet pas cette action.")


@dataclass(frozen=True, slots=True)
class Facts:
    """What the machine needs to know about one candidature and its surroundings."""

    state: State
    now: datetime
    region_stage: RegionStage = RegionStage.SUBMISSIONS
    national_stage: NationalStage = NationalStage.REGIONAL
    missing_items: tuple[str, ...] = ()
    reason: str = ""
    region_picks: int = 0
    scoresheets_missing: int = 0
    winners: int = 0  # candidatures of the edition declared winners
    received_at: datetime | None = None  # a dossier entered by its ARS: when the region received its email

    def moment(self, rules: Contest) -> Moment:
        return Moment.at(self.now, rules, self.national_stage, self.region_stage)


@dataclass(frozen=True, slots=True)
class RegionFacts:
    stage: RegionStage
    now: datetime
    national_stage: NationalStage
    picks: int
    reason: str = ""
    scoresheets_missing: int = 0

    def moment(self, rules: Contest) -> Moment:
        return Moment.at(self.now, rules, self.national_stage, self.stage)


@dataclass(frozen=True, slots=True)
class NationalFacts:
    stage: NationalStage
    now: datetime
    # Regions neither closed nor excused, by code.
    regions_open: tuple[str, ...] = ()
    reason: str = ""
    winners: int = 0
    scoresheets_missing: int = 0  # expected national scoresheets not yet submitted

    def moment(self, rules: Contest) -> Moment:
        return Moment.at(self.now, rules, self.stage)


Guard = Callable[..., "Text | tuple[Text, ...] | None"]


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    sources: frozenset[StrEnum]
    target: StrEnum
    roles: frozenset[Role]
    act: Act  # when it is possible, judged by workflows.lifecycle
    guards: tuple[Guard, ...] = ()
    needs_reason: bool = False


class Machine:
    """One table of transitions over one enum of states."""

    def __init__(self, initial: StrEnum, wrong_state: str, state_field: str, *transitions: Transition):
        self.initial = initial
        self.wrong_state = wrong_state  # the sentence refusing an act in the current state (its label)
        self.state_field = state_field
        self.transitions = MappingProxyType({t.name: t for t in transitions})
        if len(self.transitions) != len(transitions):
            raise ValueError("Deux transitions portent le même nom.")

    @property
    def terminals(self) -> frozenset[StrEnum]:
        """States no transition leaves."""
        left = {source for t in self.transitions.values() for source in t.sources}
        return frozenset(state for state in type(self.initial) if state not in left)

    def blockers(self, name: str, facts, role: Role, rules: Contest) -> list[Text]:
        """French reasons why ``role`` may not fire ``name`` now; empty when it may."""
        try:
            transition = self.transitions[name]
        except KeyError:
            raise ValueError(f"Transition inconnue : {name!r}") from None
        state = getattr(facts, self.state_field)
        reasons = []
        if state not in transition.sources:
            reasons.append(_l(self.wrong_state, state=state.label))
        if role not in transition.roles:
            reasons.append(ROLE_REFUSED)
        if reasons:
            return reasons
        if untimely := refusal(transition.act, facts.moment(rules), rules):
            reasons.append(untimely)
        if transition.needs_reason and not facts.reason.strip():
            reasons.append(REASON_REQUIRED)
        for guard in transition.guards:
            found = guard(facts, rules)
            reasons.extend([found] if isinstance(found, str) else found or ())
        return reasons

    def available(self, facts, role: Role, rules: Contest) -> list[str]:
        """Names of the transitions ``role`` may fire now, in table order."""
        return [name for name in self.transitions if not self.blockers(name, facts, role, rules)]

    def offered_blockers(self, name: str, facts, role: Role, rules: Contest) -> list[str]:
        """``blockers`` for a page's button: the written reason its form asks for is not known yet, so
        the blockers are judged as if the person had typed it."""
        return self.blockers(name, replace(facts, reason=_REASON_TO_BE_TYPED), role, rules)

    def offered(self, facts, role: Role, rules: Contest) -> list[str]:
        """The transitions a page offers: those with no ``offered_blockers``, in table order."""
        return [name for name in self.transitions if not self.offered_blockers(name, facts, role, rules)]

    def reads_counts(self, name: str) -> bool:
        """Whether the guards of ``name`` may read counts of other rows (picks, scoresheets, winners); a
        guard not listed in ``OWN_FACTS_GUARDS`` is assumed to, so its caller reads them."""
        return not set(self.transitions[name].guards) <= OWN_FACTS_GUARDS

    def check(self, name: str, facts, role: Role, rules: Contest) -> StrEnum:
        """The target state of ``name``, or Refused with every reason."""
        if reasons := self.blockers(name, facts, role, rules):
            raise Refused(reasons)
        return self.transitions[name].target


def missing_item_reason(item: Text) -> Text:
    """How a refusal names an item the dossier lacks (the dossier page links each such reason to its field)."""
    return _l("Élément manquant : %(item)s.", item=item)


def dossier_complete(facts: Facts, rules: Contest) -> tuple[Text, ...]:
    """Every item the definition requires is present in the dossier."""
    return tuple(missing_item_reason(item) for item in facts.missing_items)


def received_in_time(facts: Facts, rules: Contest) -> Text | None:
    """A dossier entered by the ARS was received by email before the deadline, and not in the future."""
    if facts.received_at is None:
        return _l("Indiquez la date et l’heure de réception du courriel.")
    if facts.received_at > facts.now:
        return _l("L’heure de réception du courriel ne peut pas être dans le futur.")
    if not rules.is_before_deadline(facts.received_at):
        return _l("Le courriel a été reçu après la date limite de dépôt (%(deadline)s) : le dossier ne peut pas "
                  "être saisi.", deadline=rules.deadline_label)
    return None


# The guards that read only the candidature's own facts (its dossier, its state, the moment).
OWN_FACTS_GUARDS = frozenset({dossier_complete, received_in_time})


def quota_not_reached(facts: Facts, rules: Contest) -> Text | None:
    """A region sends at most quota.max candidatures to the national jury."""
    if facts.region_picks >= rules.quota.max:
        return ngettext("La région a déjà retenu %(num)s candidature, le maximum prévu.",
                        "La région a déjà retenu %(num)s candidatures, le maximum prévu.", facts.region_picks)
    return None


def scoresheets_complete(facts: Facts | RegionFacts, rules: Contest) -> Text | None:
    """The regional jury has handed in every expected scoresheet."""
    if facts.scoresheets_missing:
        return ngettext("Il manque %(num)s grille d’évaluation du jury régional.",
                        "Il manque %(num)s grilles d’évaluation du jury régional.", facts.scoresheets_missing)
    return None


def national_scoresheets_complete(facts: NationalFacts, rules: Contest) -> Text | None:
    """The national jury has handed in every expected scoresheet, as a region's before it picks."""
    if facts.scoresheets_missing:
        return ngettext("Il manque %(num)s grille d’évaluation du jury national.",
                        "Il manque %(num)s grilles d’évaluation du jury national.", facts.scoresheets_missing)
    return None


def winner_place_left(facts: Facts, rules: Contest) -> Text | None:
    """The contest has as many winners as its definition says (``winners``), no more."""
    if facts.winners >= rules.winners:
        if rules.winners == 1:
            return _l("Le lauréat national est déjà désigné.")
        return _l("Les %(count)s lauréats nationaux sont déjà désignés.", count=rules.winners)
    return None


def winners_recorded(facts: Facts | NationalFacts, rules: Contest) -> Text | None:
    """The other picks are settled, and results published, only once every winner is declared."""
    if not facts.winners:
        return _l("Aucune candidature n’est encore désignée lauréate.")
    if facts.winners < rules.winners:
        return _l("%(declared)s lauréat(s) désigné(s) sur les %(expected)s prévus.",
                  declared=facts.winners, expected=rules.winners)
    return None


def enough_picks_or_reason(facts: RegionFacts, rules: Contest) -> Text | None:
    """Closing below quota.min picks requires a written justification."""
    if facts.picks >= rules.quota.min or facts.reason.strip():
        return None
    if facts.picks == 0:
        return _l("Clôturer sans candidature retenue demande une justification écrite.")
    return _l("Clôturer avec moins de %(min)s candidatures retenues demande une justification écrite.",
              min=rules.quota.min)


def picks_within_quota(facts: RegionFacts, rules: Contest) -> Text | None:
    """A region never closes with more than quota.max picks."""
    if facts.picks > rules.quota.max:
        return _l("La région a retenu %(picks)s candidatures, au-delà du maximum prévu (%(max)s).",
                  picks=facts.picks, max=rules.quota.max)
    return None


def no_picks(facts: RegionFacts, rules: Contest) -> Text | None:
    """A region that picked dossiers closes its selection; it is not excused."""
    if facts.picks:
        return _l("La région a déjà retenu des candidatures : son ARS clôture la sélection, "
                  "la région n’est pas excusée.")
    return None


def regions_settled(facts: NationalFacts, rules: Contest) -> Text | None:
    """The national stage moves on only once every region is closed or excused."""
    if not facts.regions_open:
        return None
    names = ", ".join(rules.region(code).name for code in facts.regions_open)
    return _l("Des régions n’ont ni clôturé leur sélection ni été excusées (%(names)s) : clôturez-les "
              "ou excusez-les avec un motif écrit.", names=names)


def _t(name, sources, target, role, *guards, act=None, needs_reason=False) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset({role}), Act(act or name), guards, needs_reason)


# Short aliases keep each row of the tables on a line or two; deleted after use.
S, R, N = State, RegionStage, NationalStage
CANDIDATE, REG_ORG, NAT_ORG = Role.CANDIDATE, Role.REGIONAL_ORGANISER, Role.NATIONAL_ORGANISER

CANDIDATURE = Machine(
    S.DRAFT, _l("Cette action n’est pas possible pour une candidature à l’état « %(state)s »."), "state",
    _t("submit", {S.DRAFT}, S.SUBMITTED, CANDIDATE, dossier_complete),
    _t("withdraw", {S.DRAFT, S.SUBMITTED}, S.WITHDRAWN, CANDIDATE),
    _t("enter_emailed_dossier", {S.DRAFT}, S.SUBMITTED, REG_ORG, dossier_complete, received_in_time),
    _t("declare_inadmissible", {S.SUBMITTED, S.REGIONAL_JURY}, S.INADMISSIBLE, REG_ORG, needs_reason=True),
    _t("requalify", {S.INADMISSIBLE}, S.SUBMITTED, REG_ORG, needs_reason=True),
    _t("open_regional_jury", {S.SUBMITTED}, S.REGIONAL_JURY, REG_ORG, act=Act.ENTER_REGIONAL_JURY),
    _t("select_for_nation", {S.REGIONAL_JURY}, S.NATIONAL_SHORTLIST, REG_ORG,
       quota_not_reached, scoresheets_complete, needs_reason=True),
    _t("unselect", {S.NATIONAL_SHORTLIST}, S.REGIONAL_JURY, REG_ORG),
    _t("close_region", {S.REGIONAL_JURY}, S.REGIONAL_NOT_SELECTED, REG_ORG),
    _t("excuse_region", {S.SUBMITTED, S.REGIONAL_JURY}, S.REGION_EXCUSED, NAT_ORG, needs_reason=True),
    _t("reinstate_region", {S.REGION_EXCUSED}, S.SUBMITTED, NAT_ORG, needs_reason=True),
    _t("reopen_region", {S.REGIONAL_NOT_SELECTED}, S.REGIONAL_JURY, NAT_ORG),
    _t("declare_winner", {S.NATIONAL_SHORTLIST}, S.WINNER, NAT_ORG, winner_place_left, needs_reason=True),
    _t("not_select_nationally", {S.NATIONAL_SHORTLIST}, S.NATIONAL_NOT_SELECTED, NAT_ORG,
       winners_recorded, act=Act.DECLARE_WINNER),
)

REGION = Machine(
    R.SUBMISSIONS, _l("Cette action n’est pas possible pour une région à l’étape « %(state)s »."), "stage",
    _t("open_regional_jury", {R.SUBMISSIONS}, R.JURY_OPEN, REG_ORG),
    _t("close_region", {R.JURY_OPEN}, R.CLOSED, REG_ORG,
       enough_picks_or_reason, picks_within_quota, scoresheets_complete),
    _t("excuse_region", {R.SUBMISSIONS, R.JURY_OPEN}, R.EXCUSED, NAT_ORG, no_picks, needs_reason=True),
    _t("reinstate_region", {R.EXCUSED}, R.SUBMISSIONS, NAT_ORG, needs_reason=True),
    _t("reopen_region", {R.CLOSED}, R.JURY_OPEN, NAT_ORG, needs_reason=True),
)

NATIONAL = Machine(
    N.REGIONAL, _l("Cette action n’est pas possible pour le concours à l’étape « %(state)s »."), "stage",
    _t("open_national_jury", {N.REGIONAL}, N.NATIONAL_JURY, NAT_ORG, regions_settled),
    _t("declare_winner", {N.NATIONAL_JURY}, N.WINNER_DECLARED, NAT_ORG, regions_settled,
       national_scoresheets_complete, needs_reason=True),
    _t("publish_results", {N.WINNER_DECLARED}, N.PUBLISHED, NAT_ORG, winners_recorded),
)

del S, R, N, CANDIDATE, REG_ORG, NAT_ORG

blockers = CANDIDATURE.blockers
available = CANDIDATURE.available
check = CANDIDATURE.check
