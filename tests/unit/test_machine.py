import dataclasses
import itertools
import os
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from workflows.definition import CONTESTS_DIR, Quota, load_contest
from workflows.lifecycle import Act
from workflows.machine import (
    CANDIDATURE,
    NATIONAL,
    REGION,
    Facts,
    NationalFacts,
    RegionFacts,
    Refused,
    available,
    blockers,
    check,
)
from workflows.states import NationalStage as N
from workflows.states import RegionStage as R
from workflows.states import Role
from workflows.states import State as S

RULES = load_contest(CONTESTS_DIR / "ssp-2017.toml")
PARIS = ZoneInfo("Europe/Paris")
LAST_SECOND = datetime(2017, 10, 15, 23, 59, 59, tzinfo=PARIS)
DEADLINE = datetime(2017, 10, 16, 0, 0, 0, tzinfo=PARIS)
CANDIDATE, REG_ORG, NAT_ORG = Role.CANDIDATE, Role.REGIONAL_ORGANISER, Role.NATIONAL_ORGANISER

LATE = ("La date limite de dépôt (dimanche 15 octobre 2017 à minuit, heure de Paris) "
        "est dépassée.")
TOO_EARLY = ("L’ouverture du jury régional n’est possible qu’après la date limite de dépôt "
             "(dimanche 15 octobre 2017 à minuit, heure de Paris).")
ENTER_TOO_EARLY = ("La présentation d’un dossier au jury régional n’est possible qu’après la date limite "
                   "de dépôt (dimanche 15 octobre 2017 à minuit, heure de Paris).")
REASON = "Une justification écrite est obligatoire."
ROLE = "Votre rôle ne permet pas cette action."

LABELS = {
    S.DRAFT: "brouillon",
    S.SUBMITTED: "déposée",
    S.WITHDRAWN: "retirée",
    S.INADMISSIBLE: "irrecevable",
    S.REGIONAL_JURY: "en examen par le jury régional",
    S.NATIONAL_SHORTLIST: "présélectionnée pour le national",
    S.REGIONAL_NOT_SELECTED: "non retenue en région",
    S.WINNER: "lauréate",
    S.NATIONAL_NOT_SELECTED: "non retenue au national",
    S.REGION_EXCUSED: "non examinée : pas de jury régional",
    R.SUBMISSIONS: "dépôt des candidatures",
    R.JURY_OPEN: "jury régional ouvert",
    R.CLOSED: "sélection régionale close",
    R.EXCUSED: "excusée : pas de jury régional",
    N.REGIONAL: "sélections régionales en cours",
    N.NATIONAL_JURY: "jury national ouvert",
    N.WINNER_DECLARED: "lauréat désigné",
    N.PUBLISHED: "résultats publiés",
    Role.CANDIDATE: "candidat",
    Role.REGIONAL_JUROR: "juré régional",
    Role.REGIONAL_ORGANISER: "organisateur régional (ARS)",
    Role.NATIONAL_JUROR: "juré national",
    Role.NATIONAL_ORGANISER: "organisateur national",
    Role.ADMIN: "administrateur",
}


def candidature(state, **changes):
    return Facts(**{"state": state, "now": DEADLINE} | changes)


def region(stage, **changes):
    return RegionFacts(**{"stage": stage, "now": DEADLINE, "national_stage": N.REGIONAL,
                          "picks": 1} | changes)


def national(stage, **changes):
    return NationalFacts(**{"stage": stage, "now": DEADLINE} | changes)


def outcome(machine, name, facts, role, rules=RULES):
    try:
        return machine.check(name, facts, role, rules)
    except Refused as refused:
        return refused.reasons


# The tables restated by hand, to read against workflows/machine.py: transition, its sources, its
# target and the one role that fires it.
CANDIDATURE_TABLE = """
submit                 draft                    -> submitted              candidate
withdraw               draft submitted          -> withdrawn              candidate
enter_emailed_dossier  draft                    -> submitted              regional_organiser
declare_inadmissible   submitted regional_jury  -> inadmissible           regional_organiser
requalify              inadmissible             -> submitted              regional_organiser
open_regional_jury     submitted                -> regional_jury          regional_organiser
select_for_nation      regional_jury            -> national_shortlist     regional_organiser
unselect               national_shortlist       -> regional_jury          regional_organiser
close_region           regional_jury            -> regional_not_selected  regional_organiser
excuse_region          submitted regional_jury  -> region_excused         national_organiser
reinstate_region       region_excused           -> submitted              national_organiser
reopen_region          regional_not_selected    -> regional_jury          national_organiser
declare_winner         national_shortlist       -> winner                 national_organiser
not_select_nationally  national_shortlist       -> national_not_selected  national_organiser
"""
REGION_TABLE = """
open_regional_jury     submissions              -> jury_open              regional_organiser
close_region           jury_open                -> closed                 regional_organiser
excuse_region          submissions jury_open    -> excused                national_organiser
reinstate_region       excused                  -> submissions            national_organiser
reopen_region          closed                   -> jury_open              national_organiser
"""
NATIONAL_TABLE = """
open_national_jury     regional                 -> national_jury          national_organiser
declare_winner         national_jury            -> winner_declared        national_organiser
publish_results        winner_declared          -> published              national_organiser
"""
# Facts in which every guard of the transition passes (the moment, a written reason…).
PASSING = {
    "submit": {"now": LAST_SECOND},
    "withdraw": {"now": LAST_SECOND},
    "enter_emailed_dossier": {"received_at": LAST_SECOND},  # entered at the deadline, received before it
    "declare_inadmissible": {"reason": "Projet commercial."},
    "requalify": {"reason": "Erreur de lecture."},
    "open_regional_jury": {"region_stage": R.JURY_OPEN},
    "select_for_nation": {"region_stage": R.JURY_OPEN, "reason": "Avis favorable de l’ARS."},
    "unselect": {"region_stage": R.JURY_OPEN},
    "close_region": {"region_stage": R.JURY_OPEN},
    "excuse_region": {"reason": "Aucun jury réuni cette année."},
    "reinstate_region": {"region_stage": R.EXCUSED, "reason": "Le jury se réunira."},
    "reopen_region": {"region_stage": R.CLOSED},
    "declare_winner": {"national_stage": N.NATIONAL_JURY, "reason": "Projet exemplaire."},
    "not_select_nationally": {"national_stage": N.NATIONAL_JURY, "winners": 1},
}
REGION_PASSING = {
    "open_regional_jury": {},
    "close_region": {},
    "excuse_region": {"picks": 0, "reason": "Aucun jury réuni cette année."},
    "reinstate_region": {"reason": "Le jury se réunira."},
    "reopen_region": {"reason": "Un dossier oublié."},
}
NATIONAL_PASSING = {
    "open_national_jury": {},
    "declare_winner": {"reason": "Unanimité."},
    "publish_results": {"winners": 1},
}


def restated(table: str, states, passing: dict) -> dict:
    """name -> (sources, target, role, passing facts), read from a text table above."""
    rules = {}
    for line in table.strip().splitlines():
        name, *sources, _arrow, target, role = line.split()
        rules[name] = ({states(source) for source in sources}, states(target), Role(role), passing[name])
    return rules


CANDIDATURE_RULES = restated(CANDIDATURE_TABLE, S, PASSING)
REGION_RULES = restated(REGION_TABLE, R, REGION_PASSING)
NATIONAL_RULES = restated(NATIONAL_TABLE, N, NATIONAL_PASSING)
MACHINES = [
    (CANDIDATURE, S, CANDIDATURE_RULES, candidature, "une candidature à l’état"),
    (REGION, R, REGION_RULES, region, "une région à l’étape"),
    (NATIONAL, N, NATIONAL_RULES, national, "le concours à l’étape"),
]


def expected_outcome(table, name, state, role, subject):
    sources, target, allowed_role, _ = table[name]
    reasons = []
    if state not in sources:
        reasons.append(f"Cette action n’est pas possible pour {subject} « {LABELS[state]} ».")
    if role != allowed_role:
        reasons.append(ROLE)
    return reasons or target


@pytest.mark.parametrize(("machine", "table", "facts", "subject", "state", "name", "role"), [
    pytest.param(machine, table, facts, subject, state, name, role,
                 id=f"{states.__name__}-{state}-{name}-{role}")
    for machine, states, table, facts, subject in MACHINES
    for state, name, role in itertools.product(states, table, Role)
])
def test_transition_table_every_state_name_and_role(machine, table, facts, subject,
                                                     state, name, role):
    passing = facts(state, **table[name][3])

    result = outcome(machine, name, passing, role)

    assert result == expected_outcome(table, name, state, role, subject)


@pytest.mark.parametrize(("machine", "table"), [(m, t) for m, _, t, _, _ in MACHINES])
def test_transition_names_match_the_rules(machine, table):
    assert list(machine.transitions) == list(table)


# name -> (facts in the right state, with every guard failing; reasons in order).
CANDIDATURE_REFUSALS = {
    "submit": (candidature(S.DRAFT, missing_items=("le titre du projet", "le résumé")),
               [LATE, "Élément manquant : le titre du projet.", "Élément manquant : le résumé."]),
    "withdraw": (candidature(S.SUBMITTED), [LATE]),
    "declare_inadmissible": (candidature(S.SUBMITTED, region_stage=R.CLOSED, reason=" \n"),
                             ["La déclaration d’irrecevabilité d’un dossier n’est pas possible quand la région "
                              "est à l’étape « sélection régionale close ».", REASON]),
    "requalify": (candidature(S.INADMISSIBLE, national_stage=N.NATIONAL_JURY, region_stage=R.CLOSED),
                  ["La requalification d’un dossier irrecevable n’est pas possible quand la région est à "
                   "l’étape « sélection régionale close ».", REASON]),
    "open_regional_jury": (candidature(S.SUBMITTED, now=LAST_SECOND), [ENTER_TOO_EARLY]),
    "select_for_nation": (candidature(S.REGIONAL_JURY, region_picks=2, scoresheets_missing=3),
                          ["Le choix d’un dossier pour l’étape nationale n’est pas possible quand la région "
                           "est à l’étape « dépôt des candidatures ».", REASON,
                           "La région a déjà retenu 2 candidatures, le maximum prévu.",
                           "Il manque 3 grilles d’évaluation du jury régional."]),
    "unselect": (candidature(S.NATIONAL_SHORTLIST, region_stage=R.JURY_OPEN, national_stage=N.WINNER_DECLARED),
                 ["Le lauréat national est désigné : le retrait d’un dossier retenu n’est plus possible."]),
    "close_region": (candidature(S.REGIONAL_JURY, region_stage=R.CLOSED, national_stage=N.NATIONAL_JURY),
                     ["La clôture de la sélection régionale n’est pas possible quand la région est à l’étape "
                      "« sélection régionale close »."]),
    "excuse_region": (candidature(S.SUBMITTED, national_stage=N.NATIONAL_JURY),
                      ["L’excuse d’une région sans jury régional n’est plus possible : le concours est à "
                       "l’étape « jury national ouvert ».", REASON]),
    "reinstate_region": (candidature(S.REGION_EXCUSED, region_stage=R.EXCUSED, national_stage=N.PUBLISHED,
                                     reason="Le jury se réunira."),
                         ["Les résultats sont publiés : la réintégration d’une région excusée n’est plus "
                          "possible."]),
    "reopen_region": (candidature(S.REGIONAL_NOT_SELECTED, region_stage=R.CLOSED, national_stage=N.WINNER_DECLARED),
                      ["Le lauréat national est désigné : la réouverture d’une sélection régionale n’est plus "
                       "possible."]),
    "declare_winner": (candidature(S.NATIONAL_SHORTLIST, winners=1),
                       ["La désignation du lauréat n’est pas encore possible : le concours est à l’étape "
                        "« sélections régionales en cours ».", REASON, "Le lauréat national est déjà désigné."]),
    "not_select_nationally": (candidature(S.NATIONAL_SHORTLIST, national_stage=N.NATIONAL_JURY),
                              ["Aucune candidature n’est encore désignée lauréate."]),
}


@pytest.mark.parametrize("name", CANDIDATURE_REFUSALS)
def test_candidature_guards_failing_give_every_reason(name):
    facts, expected = CANDIDATURE_REFUSALS[name]
    role = CANDIDATURE_RULES[name][2]

    assert blockers(name, facts, role, RULES) == expected


def test_close_region_candidature_has_no_guard_but_its_moment():
    transition = CANDIDATURE.transitions["close_region"]

    assert (transition.guards, transition.act) == ((), Act.CLOSE_REGION)


def test_reads_counts_only_for_transitions_guarded_by_other_rows():
    reading = {name for name in CANDIDATURE.transitions if CANDIDATURE.reads_counts(name)}

    assert reading == {"select_for_nation", "declare_winner", "not_select_nationally"}


@pytest.mark.parametrize(("name", "now", "expected"), [
    ("submit", LAST_SECOND, S.SUBMITTED),
    ("submit", DEADLINE, [LATE]),
    ("withdraw", LAST_SECOND, S.WITHDRAWN),
    ("withdraw", DEADLINE, [LATE]),
])
def test_deadline_boundary_sunday_midnight_paris(name, now, expected):
    assert outcome(CANDIDATURE, name, candidature(S.DRAFT, now=now), CANDIDATE) == expected


@pytest.mark.parametrize(("now", "expected"), [
    (LAST_SECOND, [ENTER_TOO_EARLY]),
    (DEADLINE, S.REGIONAL_JURY),
])
def test_open_regional_jury_boundary_sunday_midnight_paris(now, expected):
    facts = candidature(S.SUBMITTED, now=now, region_stage=R.JURY_OPEN)

    assert outcome(CANDIDATURE, "open_regional_jury", facts, REG_ORG) == expected


def test_deadline_boundary_ignores_the_process_timezone():
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    try:
        on_time = outcome(CANDIDATURE, "submit", candidature(S.DRAFT, now=LAST_SECOND), CANDIDATE)
        late = outcome(CANDIDATURE, "submit", candidature(S.DRAFT, now=DEADLINE), CANDIDATE)
    finally:
        if previous is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = previous
        time.tzset()

    assert (on_time, late) == (S.SUBMITTED, [LATE])


@pytest.mark.parametrize(("picks", "quota_max", "expected"), [
    (1, 2, S.NATIONAL_SHORTLIST),
    (2, 2, ["La région a déjà retenu 2 candidatures, le maximum prévu."]),
    (1, 1, ["La région a déjà retenu 1 candidature, le maximum prévu."]),
])
def test_select_for_nation_respects_the_quota(picks, quota_max, expected):
    rules = dataclasses.replace(RULES, quota=Quota(min=1, max=quota_max))
    facts = candidature(S.REGIONAL_JURY, region_stage=R.JURY_OPEN, reason="Avis favorable.",
                        region_picks=picks)

    assert outcome(CANDIDATURE, "select_for_nation", facts, REG_ORG, rules) == expected


def test_select_for_nation_one_scoresheet_missing():
    facts = candidature(S.REGIONAL_JURY, region_stage=R.JURY_OPEN, reason="Avis favorable.",
                        scoresheets_missing=1)

    assert blockers("select_for_nation", facts, REG_ORG, RULES) == [
        "Il manque 1 grille d’évaluation du jury régional."]


def test_check_refusal_carries_the_reasons():
    with pytest.raises(Refused) as refused:
        check("submit", candidature(S.DRAFT), CANDIDATE, RULES)

    assert (refused.value.reasons, str(refused.value)) == ([LATE], LATE)


@pytest.mark.parametrize("machine", [CANDIDATURE, REGION, NATIONAL])
def test_blockers_unknown_transition_raises_valueerror(machine):
    with pytest.raises(ValueError, match="force"):
        machine.blockers("force", candidature(S.DRAFT), Role.ADMIN, RULES)


def test_available_candidate_draft_before_deadline():
    assert available(candidature(S.DRAFT, now=LAST_SECOND), CANDIDATE, RULES) == [
        "submit", "withdraw"]


@pytest.mark.parametrize("role", list(Role))
def test_available_during_the_regional_jury_only_for_the_regional_organiser(role):
    facts = candidature(S.REGIONAL_JURY, region_stage=R.JURY_OPEN, reason="Avis favorable.")
    expected = {CANDIDATE: [], REG_ORG: ["declare_inadmissible", "select_for_nation", "close_region"],
                NAT_ORG: ["excuse_region"]}

    assert available(facts, role, RULES) == expected.get(role, [])


@pytest.mark.parametrize(("machine", "expected"), [
    (CANDIDATURE, {S.WITHDRAWN, S.WINNER, S.NATIONAL_NOT_SELECTED}),
    (REGION, set()),
    (NATIONAL, {N.PUBLISHED}),
])
def test_terminal_states_are_exactly(machine, expected):
    assert machine.terminals == expected


@pytest.mark.parametrize("state", [S.WITHDRAWN, S.WINNER, S.NATIONAL_NOT_SELECTED])
def test_terminal_states_have_no_exit_for_any_role(state):
    permissive = candidature(state, now=LAST_SECOND, reason="Motif.", region_stage=R.JURY_OPEN,
                             national_stage=N.NATIONAL_JURY)

    assert {role: available(permissive, role, RULES) for role in Role} == {
        role: [] for role in Role}


@pytest.mark.parametrize("machine", [CANDIDATURE, REGION, NATIONAL])
def test_every_state_reachable_from_initial(machine):
    reached, frontier = {machine.initial}, [machine.initial]
    while frontier:
        state = frontier.pop()
        for transition in machine.transitions.values():
            if state in transition.sources and transition.target not in reached:
                reached.add(transition.target)
                frontier.append(transition.target)

    assert reached == set(type(machine.initial))


@pytest.mark.parametrize(("facts", "expected"), [
    (region(R.JURY_OPEN, picks=1), R.CLOSED),
    (region(R.JURY_OPEN, picks=0),
     ["Clôturer sans candidature retenue demande une justification écrite."]),
    (region(R.JURY_OPEN, picks=0, reason="Aucun dossier reçu."), R.CLOSED),
    (region(R.JURY_OPEN, picks=3),
     ["La région a retenu 3 candidatures, au-delà du maximum prévu (2)."]),
    (region(R.JURY_OPEN, scoresheets_missing=2),
     ["Il manque 2 grilles d’évaluation du jury régional."]),
])
def test_close_region_picks_reason_and_scoresheets(facts, expected):
    assert outcome(REGION, "close_region", facts, REG_ORG) == expected


def test_close_region_below_a_minimum_of_two_needs_a_reason():
    rules = dataclasses.replace(RULES, quota=Quota(min=2, max=2))

    assert outcome(REGION, "close_region", region(R.JURY_OPEN, picks=1), REG_ORG, rules) == [
        "Clôturer avec moins de 2 candidatures retenues demande une justification écrite."]


@pytest.mark.parametrize(("now", "expected"), [(LAST_SECOND, [TOO_EARLY]), (DEADLINE, R.JURY_OPEN)])
def test_region_open_regional_jury_at_the_deadline(now, expected):
    facts = region(R.SUBMISSIONS, now=now)

    assert outcome(REGION, "open_regional_jury", facts, REG_ORG) == expected


REOPENED = "Un dossier oublié."


@pytest.mark.parametrize(("national_stage", "expected"), [
    (N.REGIONAL, R.JURY_OPEN),
    (N.NATIONAL_JURY, R.JURY_OPEN),
    (N.WINNER_DECLARED,
     ["Le lauréat national est désigné : la réouverture d’une sélection régionale n’est plus possible."]),
    (N.PUBLISHED, ["Les résultats sont publiés : la réouverture d’une sélection régionale n’est plus possible."]),
])
def test_reopen_region_only_before_the_winner(national_stage, expected):
    facts = region(R.CLOSED, national_stage=national_stage, reason=REOPENED)

    assert outcome(REGION, "reopen_region", facts, NAT_ORG) == expected


def test_reopen_region_needs_a_reason():
    assert outcome(REGION, "reopen_region", region(R.CLOSED), NAT_ORG) == [REASON]


@pytest.mark.parametrize(("facts", "expected"), [
    (region(R.SUBMISSIONS, picks=0, reason="Pas de jury."), R.EXCUSED),
    (region(R.JURY_OPEN, picks=0, reason="Jury dissous."), R.EXCUSED),
    (region(R.SUBMISSIONS, picks=0), [REASON]),
    (region(R.JURY_OPEN, picks=1, reason="Jury dissous."),
     ["La région a déjà retenu des candidatures : son ARS clôture la sélection, la région n’est pas excusée."]),
    (region(R.SUBMISSIONS, picks=0, reason="Pas de jury.", now=LAST_SECOND),
     ["L’excuse d’une région sans jury régional n’est possible qu’après la date limite de dépôt "
      "(dimanche 15 octobre 2017 à minuit, heure de Paris)."]),
    (region(R.SUBMISSIONS, picks=0, reason="Pas de jury.", national_stage=N.NATIONAL_JURY),
     ["L’excuse d’une région sans jury régional n’est plus possible : le concours est à l’étape "
      "« jury national ouvert »."]),
])
def test_excuse_region_after_the_deadline_with_a_reason_and_no_pick(facts, expected):
    assert outcome(REGION, "excuse_region", facts, NAT_ORG) == expected


@pytest.mark.parametrize(("national_stage", "expected"), [
    (N.REGIONAL, R.SUBMISSIONS),
    (N.NATIONAL_JURY, ["La réintégration d’une région excusée n’est plus possible : le concours est à l’étape "
                       "« jury national ouvert »."]),
])
def test_reinstate_region_only_before_the_national_jury(national_stage, expected):
    facts = region(R.EXCUSED, national_stage=national_stage, reason="Le jury se réunira.")

    assert outcome(REGION, "reinstate_region", facts, NAT_ORG) == expected


@pytest.mark.parametrize(("facts", "expected"), [
    (national(N.REGIONAL), N.NATIONAL_JURY),
    (national(N.REGIONAL, regions_open=("BRE", "COR")),
     ["Des régions n’ont ni clôturé leur sélection ni été excusées (Bretagne, Corse) : clôturez-les ou "
      "excusez-les avec un motif écrit."]),
    (national(N.REGIONAL, regions_open=("BRE",), reason="Calendrier du ministère."),
     ["Des régions n’ont ni clôturé leur sélection ni été excusées (Bretagne) : clôturez-les ou "
      "excusez-les avec un motif écrit."]),
    (national(N.REGIONAL, now=LAST_SECOND),
     ["L’ouverture du jury national n’est possible qu’après la date limite de dépôt "
      "(dimanche 15 octobre 2017 à minuit, heure de Paris)."]),
])
def test_open_national_jury_after_the_deadline_once_every_region_is_settled(facts, expected):
    assert outcome(NATIONAL, "open_national_jury", facts, NAT_ORG) == expected


def test_declare_winner_waits_for_the_national_scoresheets():
    facts = national(N.NATIONAL_JURY, scoresheets_missing=1, reason="Unanimité.")

    assert outcome(NATIONAL, "declare_winner", facts, NAT_ORG) == [
        "Il manque 1 grille d’évaluation du jury national."]


def test_declare_winner_waits_for_a_reopened_region():
    facts = national(N.NATIONAL_JURY, regions_open=("BRE",), reason="Unanimité.")

    assert outcome(NATIONAL, "declare_winner", facts, NAT_ORG) == [
        "Des régions n’ont ni clôturé leur sélection ni été excusées (Bretagne) : clôturez-les ou "
        "excusez-les avec un motif écrit."]


def test_national_declare_winner_needs_a_rationale():
    assert outcome(NATIONAL, "declare_winner", national(N.NATIONAL_JURY, reason="  "),
                   NAT_ORG) == [REASON]


def test_publish_results_needs_a_recorded_winner():
    assert outcome(NATIONAL, "publish_results", national(N.WINNER_DECLARED), NAT_ORG) == [
        "Aucune candidature n’est encore désignée lauréate."]


@pytest.mark.parametrize("member", list(LABELS))
def test_labels_are_french(member):
    assert member.label == LABELS[member]


def test_role_is_regional_only_for_regional_roles():
    assert {role for role in Role if role.is_regional} == {Role.REGIONAL_JUROR, REG_ORG}


@pytest.mark.parametrize("machine", [CANDIDATURE, REGION, NATIONAL])
def test_every_guard_has_a_one_line_docstring(machine):
    guards = {guard for t in machine.transitions.values() for guard in t.guards}

    assert [g.__name__ for g in guards if not g.__doc__ or "\n" in g.__doc__.strip()] == []


@pytest.mark.parametrize(("received_at", "now", "expected"), [
    (LAST_SECOND, DEADLINE.replace(day=20), []),
    (DEADLINE, DEADLINE.replace(day=20),
     ["Le courriel a été reçu après la date limite de dépôt (dimanche 15 octobre 2017 à minuit, heure de Paris) : "
      "le dossier ne peut pas être saisi."]),
    (LAST_SECOND, LAST_SECOND.replace(hour=10), ["L’heure de réception du courriel ne peut pas être dans le futur."]),
    (None, DEADLINE, ["Indiquez la date et l’heure de réception du courriel."]),
])
def test_enter_emailed_dossier_needs_an_email_received_before_the_deadline(received_at, now, expected):
    facts = candidature(S.DRAFT, received_at=received_at, now=now)

    assert [str(reason) for reason in CANDIDATURE.blockers("enter_emailed_dossier", facts, REG_ORG, RULES)] == expected


def test_enter_emailed_dossier_closes_with_the_region_deposit_stage():
    facts = candidature(S.DRAFT, received_at=LAST_SECOND, region_stage=R.JURY_OPEN)

    assert [str(reason) for reason in CANDIDATURE.blockers("enter_emailed_dossier", facts, REG_ORG, RULES)] == [
        "La saisie d’un dossier reçu par courriel n’est pas possible quand la région est à l’étape "
        "« jury régional ouvert »."]
