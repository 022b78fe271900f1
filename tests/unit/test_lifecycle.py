"""The lifecycle table: every act at every combination of stages, restated by hand."""

import itertools
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workflows.definition import CONTESTS_DIR, load_contest
from workflows.diagram import lifecycle_table, readme_block
from workflows.lifecycle import WINDOWS, Act, Moment, refusal
from workflows.states import NationalStage as N
from workflows.states import RegionStage as R

RULES = load_contest(CONTESTS_DIR / "ssp-2017.toml")
ROOT = Path(__file__).resolve().parents[2]
NR, NJ, NW, NP = N.REGIONAL, N.NATIONAL_JURY, N.WINNER_DECLARED, N.PUBLISHED
RS, RJ, RC, RE = R.SUBMISSIONS, R.JURY_OPEN, R.CLOSED, R.EXCUSED
BEFORE, AFTER, EITHER = False, True, None
EVERY_REGION = set(R)

# The rules restated: act -> (deadline, {(national stage, region stages allowed)}); "any" for the
# candidate's acts. A region's acts run while the selections run, and in a reopened region
# (jury open) while the national jury sits.
EXPECTED = {
    Act.EDIT_DOSSIER: (BEFORE, "any"),
    Act.SUBMIT: (BEFORE, "any"),
    Act.WITHDRAW: (BEFORE, "any"),
    Act.ENTER_EMAILED_DOSSIER: (EITHER, {NR: {RS}}),
    Act.DECLARE_INADMISSIBLE: (EITHER, {NR: {RS, RJ}, NJ: {RJ}}),
    Act.REQUALIFY: (EITHER, {NR: {RS, RJ}, NJ: {RJ}}),
    Act.INVITE_REGIONAL_JUROR: (EITHER, {NR: {RS, RJ}, NJ: {RJ}}),
    Act.REMOVE_REGIONAL_JUROR: (EITHER, {NR: {RS, RJ}, NJ: {RJ}}),
    Act.OPEN_REGIONAL_JURY: (AFTER, {NR: {RS}}),
    Act.ENTER_REGIONAL_JURY: (AFTER, {NR: {RJ}, NJ: {RJ}}),
    Act.RECORD_REGIONAL_CONFLICT: (EITHER, {NR: {RS, RJ}, NJ: {RJ}}),
    Act.REMIND_REGIONAL_JURORS: (EITHER, {NR: {RJ}, NJ: {RJ}}),
    Act.ASSIGN_REGIONAL_DOSSIERS: (EITHER, {NR: {RJ}, NJ: {RJ}}),
    Act.JUDGE_REGIONAL: (EITHER, {NR: {RJ}, NJ: {RJ}}),
    Act.SELECT_FOR_NATION: (EITHER, {NR: {RJ}, NJ: {RJ}}),
    Act.UNSELECT: (EITHER, {NR: {RJ}, NJ: {RJ}}),
    Act.CLOSE_REGION: (EITHER, {NR: {RJ}, NJ: {RJ}}),
    Act.EXCUSE_REGION: (AFTER, {NR: {RS, RJ}}),
    Act.REINSTATE_REGION: (EITHER, {NR: {RE}}),
    Act.REOPEN_REGION: (EITHER, {NR: {RC}, NJ: {RC}}),
    Act.INVITE_NATIONAL_JUROR: (EITHER, {NR: EVERY_REGION, NJ: EVERY_REGION}),
    Act.REMOVE_NATIONAL_JUROR: (EITHER, {NR: EVERY_REGION, NJ: EVERY_REGION}),
    Act.RECORD_NATIONAL_CONFLICT: (EITHER, {NR: EVERY_REGION, NJ: EVERY_REGION}),
    Act.OPEN_NATIONAL_JURY: (AFTER, {NR: EVERY_REGION}),
    Act.REMIND_NATIONAL_JURORS: (EITHER, {NJ: EVERY_REGION}),
    Act.JUDGE_NATIONAL: (EITHER, {NJ: EVERY_REGION}),
    Act.DECLARE_WINNER: (EITHER, {NJ: EVERY_REGION}),
    Act.PUBLISH_RESULTS: (EITHER, {NW: EVERY_REGION}),
    Act.MESSAGE_ARS: (EITHER, {NR: {RS, RJ}, NJ: {RJ}}),
    Act.MESSAGE_CANDIDATE: (EITHER, {NR: {RS, RJ}, NJ: {RJ}}),
}


def expected_possible(act, national, region, deadline_passed) -> bool:
    deadline, stages = EXPECTED[act]
    if deadline is not None and deadline != deadline_passed:
        return False
    return stages == "any" or region in stages.get(national, set())


def test_every_act_is_restated():
    assert set(EXPECTED) == set(Act) == set(WINDOWS)


@pytest.mark.parametrize(("act", "national", "region", "deadline_passed"), [
    pytest.param(act, national, region, passed, id=f"{act}-{national}-{region}-{'after' if passed else 'before'}")
    for act, national, region, passed in itertools.product(Act, N, R, (False, True))
])
def test_lifecycle_table_every_act_at_every_moment(act, national, region, deadline_passed):
    found = refusal(act, Moment(deadline_passed, national, region), RULES)

    assert (found is None) == expected_possible(act, national, region, deadline_passed), found


@pytest.mark.parametrize("act", [act for act in Act if EXPECTED[act][1] != "any"
                                 and EXPECTED[act][1] and any(len(s) < len(R) for s in EXPECTED[act][1].values())])
def test_an_act_on_a_region_needs_the_region_stage(act):
    with pytest.raises(ValueError, match="lacks"):
        refusal(act, Moment(True, NR), RULES)


def test_a_candidate_act_needs_only_the_deadline():
    at = datetime(2017, 10, 15, 23, 59, 59, tzinfo=ZoneInfo("Europe/Paris"))

    assert (refusal(Act.SUBMIT, Moment.at(at, RULES), RULES),
            refusal(Act.SUBMIT, Moment(True), RULES)) == (
        None, "La date limite de dépôt (dimanche 15 octobre 2017 à minuit, heure de Paris) est dépassée.")


@pytest.mark.parametrize(("act", "moment", "reason"), [
    (Act.OPEN_REGIONAL_JURY, Moment(False, NR, RS),
     "L’ouverture du jury régional n’est possible qu’après la date limite de dépôt "
     "(dimanche 15 octobre 2017 à minuit, heure de Paris)."),
    (Act.SELECT_FOR_NATION, Moment(True, NJ, RC),
     "Le choix d’un dossier pour l’étape nationale n’est pas possible quand la région est à l’étape "
     "« sélection régionale close »."),
    (Act.OPEN_REGIONAL_JURY, Moment(True, NJ, RS),
     "L’ouverture du jury régional n’est plus possible : le concours est à l’étape « jury national ouvert »."),
    (Act.INVITE_REGIONAL_JUROR, Moment(True, NJ, RS),
     "Le jury national est ouvert : l’invitation d’un juré régional n’est possible que dans une région "
     "rouverte par l’organisateur national."),
    (Act.JUDGE_REGIONAL, Moment(True, NW, RJ),
     "Le lauréat national est désigné : le travail du jury régional (déclarations d’intérêts, notation) "
     "n’est plus possible."),
    (Act.CLOSE_REGION, Moment(True, NP, RJ),
     "Les résultats sont publiés : la clôture de la sélection régionale n’est plus possible."),
    (Act.JUDGE_NATIONAL, Moment(True, NR, RC),
     "Le travail du jury national (déclarations d’intérêts, notation) n’est pas encore possible : "
     "le concours est à l’étape « sélections régionales en cours »."),
    (Act.PUBLISH_RESULTS, Moment(True, NJ),
     "La publication des résultats n’est pas encore possible : le concours est à l’étape "
     "« jury national ouvert »."),
])
def test_refusals_say_why_in_french(act, moment, reason):
    assert refusal(act, moment, RULES) == reason


def test_after_publication_no_act_is_possible():
    possible = [act for act, region, passed in itertools.product(Act, R, (False, True))
                if act.role.value != "candidate" and refusal(act, Moment(passed, NP, region), RULES) is None]

    assert possible == []


LIFECYCLE_TABLE = """\
| acte | qui | dépôt ouvert | date limite passée | jury régional ouvert | région close | région excusée | jury national, région close | jury national, région rouverte | lauréat désigné | résultats publiés |
|---|---|---|---|---|---|---|---|---|---|---|
| La modification du dossier et de ses pièces jointes | candidat | ✓ | · | · | · | · | · | · | · | · |
| Le dépôt du dossier | candidat | ✓ | · | · | · | · | · | · | · | · |
| Le retrait de la candidature | candidat | ✓ | · | · | · | · | · | · | · | · |
| La saisie d’un dossier reçu par courriel | organisateur régional (ARS) | ✓ | ✓ | · | · | · | · | · | · | · |
| La déclaration d’irrecevabilité d’un dossier | organisateur régional (ARS) | ✓ | ✓ | ✓ | · | · | · | ✓ | · | · |
| La requalification d’un dossier irrecevable | organisateur régional (ARS) | ✓ | ✓ | ✓ | · | · | · | ✓ | · | · |
| L’invitation d’un juré régional | organisateur régional (ARS) | ✓ | ✓ | ✓ | · | · | · | ✓ | · | · |
| Le retrait d’un juré régional | organisateur régional (ARS) | ✓ | ✓ | ✓ | · | · | · | ✓ | · | · |
| L’ouverture du jury régional | organisateur régional (ARS) | · | ✓ | · | · | · | · | · | · | · |
| La présentation d’un dossier au jury régional | organisateur régional (ARS) | · | · | ✓ | · | · | · | ✓ | · | · |
| L’enregistrement ou la levée d’un conflit d’intérêts au jury régional | organisateur régional (ARS) | ✓ | ✓ | ✓ | · | · | · | ✓ | · | · |
| La relance des jurés régionaux | organisateur régional (ARS) | · | · | ✓ | · | · | · | ✓ | · | · |
| La répartition des dossiers entre les jurés régionaux | organisateur régional (ARS) | · | · | ✓ | · | · | · | ✓ | · | · |
| Le travail du jury régional (déclarations d’intérêts, notation) | juré régional | · | · | ✓ | · | · | · | ✓ | · | · |
| Le choix d’un dossier pour l’étape nationale | organisateur régional (ARS) | · | · | ✓ | · | · | · | ✓ | · | · |
| Le retrait d’un dossier retenu | organisateur régional (ARS) | · | · | ✓ | · | · | · | ✓ | · | · |
| La clôture de la sélection régionale | organisateur régional (ARS) | · | · | ✓ | · | · | · | ✓ | · | · |
| L’excuse d’une région sans jury régional | organisateur national | · | ✓ | ✓ | · | · | · | · | · | · |
| La réintégration d’une région excusée | organisateur national | · | · | · | · | ✓ | · | · | · | · |
| La réouverture d’une sélection régionale | organisateur national | · | · | · | ✓ | · | ✓ | · | · | · |
| L’invitation d’un juré national | organisateur national | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | · | · |
| Le retrait d’un juré national | organisateur national | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | · | · |
| L’enregistrement ou la levée d’un conflit d’intérêts au jury national | organisateur national | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | · | · |
| L’ouverture du jury national | organisateur national | · | ✓ | ✓ | ✓ | ✓ | · | · | · | · |
| La relance des jurés nationaux | organisateur national | · | · | · | · | · | ✓ | ✓ | · | · |
| Le travail du jury national (déclarations d’intérêts, notation) | juré national | · | · | · | · | · | ✓ | ✓ | · | · |
| La désignation du lauréat | organisateur national | · | · | · | · | · | ✓ | ✓ | · | · |
| La publication des résultats | organisateur national | · | · | · | · | · | · | · | ✓ | · |
| L’envoi d’un message à l’ARS sur un dossier déposé | candidat | ✓ | ✓ | ✓ | · | · | · | ✓ | · | · |
| L’envoi d’un message au candidat sur son dossier | organisateur régional (ARS) | ✓ | ✓ | ✓ | · | · | · | ✓ | · | · |
"""


def test_lifecycle_table_as_the_readme_shows_it():
    assert lifecycle_table() == LIFECYCLE_TABLE


@pytest.mark.parametrize("kind", ["state-diagram", "lifecycle-table"])
def test_readme_shows_the_generated_blocks(kind):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    between = readme.split(f"<!-- {kind}:start -->")[1].split(f"<!-- {kind}:end -->")[0]

    assert between == readme_block(kind)
