import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from scoring import (
    Completeness,
    Progress,
    Scoresheet,
    aggregate,
    completeness,
    display,
    jury_bias,
    normalised_means,
    rank,
    weighted_total,
    zscores,
)

CRITERIA = [("partenariat", 2), ("pertinence", 1), ("reproductibilite", 1), ("communication", 1)]


def sheet(juror, candidature, partenariat, pertinence, reproductibilite, communication):
    return Scoresheet(
        juror,
        candidature,
        {
            "partenariat": partenariat,
            "pertinence": pertinence,
            "reproductibilite": reproductibilite,
            "communication": communication,
        },
    )


def test_scoring_imports_without_web_stack_or_workflows():
    code = (
        "import sys, scoring; "
        "print(sorted({'flask', 'sqlalchemy', 'wtforms', 'workflows'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert result.stdout.strip() == "[]"


def test_weighted_total_applies_weights():
    # 2×4 + 3 + 2 + 5 = 18
    assert weighted_total(sheet("j1", "c1", 4, 3, 2, 5).marks, CRITERIA) == Fraction(18)


def test_weighted_total_missing_criterion_refused():
    marks = {"partenariat": 4, "pertinence": 3, "reproductibilite": 2}
    with pytest.raises(ValueError) as error:
        weighted_total(marks, CRITERIA)
    assert str(error.value) == "Note manquante pour le critère : communication"


def test_weighted_total_unknown_criterion_refused():
    marks = {**sheet("j1", "c1", 4, 3, 2, 5).marks, "budget": 3}
    with pytest.raises(ValueError) as error:
        weighted_total(marks, CRITERIA)
    assert str(error.value) == "Critère inconnu : budget"


def test_weighted_total_non_integer_mark_refused():
    marks = {**sheet("j1", "c1", 4, 3, 2, 5).marks, "pertinence": "3"}
    with pytest.raises(ValueError) as error:
        weighted_total(marks, CRITERIA)
    assert str(error.value) == "La note du critère pertinence doit être un entier : '3'"


def test_weighted_total_duplicate_criterion_refused():
    with pytest.raises(ValueError) as error:
        weighted_total({"partenariat": 4}, [("partenariat", 1), ("partenariat", 2)])
    assert str(error.value) == "Critère déclaré deux fois : partenariat"


@pytest.mark.parametrize("weight", [0, -1, Fraction(1, 2)])
def test_weighted_total_non_positive_integer_weight_refused(weight):
    with pytest.raises(ValueError) as error:
        weighted_total({"partenariat": 4}, [("partenariat", weight)])
    assert str(error.value) == f"Poids invalide pour le critère partenariat : {weight!r}"


def test_aggregate_hand_computed_means_and_spread():
    sheets = [
        sheet("j1", "c1", 4, 3, 2, 5),  # 8 + 3 + 2 + 5 = 18
        sheet("j2", "c1", 5, 4, 4, 4),  # 10 + 4 + 4 + 4 = 22
        sheet("j3", "c1", 3, 2, 3, 4),  # 6 + 2 + 3 + 4 = 15
    ]
    result = aggregate(sheets, CRITERIA, threshold=6)["c1"]
    # mean 55/3; deviations -1/3, 11/3, -10/3; variance (1 + 121 + 100) / 27 = 74/9
    assert result.count == 3
    assert result.criterion_means == {
        "partenariat": Fraction(4),  # (4 + 5 + 3) / 3
        "pertinence": Fraction(3),  # (3 + 4 + 2) / 3
        "reproductibilite": Fraction(3),  # (2 + 4 + 3) / 3
        "communication": Fraction(13, 3),  # (5 + 4 + 4) / 3
    }
    assert result.total_mean == Fraction(55, 3)
    assert result.spread_variance == Fraction(74, 9)
    assert display(result.spread_stdev, 6) == "2,867442"  # sqrt(74) / 3 = 2.86744175...
    assert result.spread_range == Fraction(7)  # 22 - 15
    assert result.disagreement is True  # 7 > 6


def test_aggregate_range_equal_to_threshold_is_no_disagreement():
    sheets = [sheet("j1", "c1", 4, 3, 2, 5), sheet("j2", "c1", 5, 4, 4, 4)]  # 18 and 22
    assert aggregate(sheets, CRITERIA, threshold=4)["c1"].disagreement is False


def test_aggregate_single_sheet_has_no_spread():
    result = aggregate([sheet("j1", "c1", 4, 3, 2, 5)], CRITERIA, threshold=0)["c1"]
    assert (result.spread_variance, result.spread_stdev, result.spread_range) == (0, 0, 0)
    assert result.disagreement is False


def test_aggregate_second_sheet_from_same_juror_refused():
    sheets = [sheet("j1", "c1", 4, 3, 2, 5), sheet("j1", "c1", 5, 4, 4, 4)]
    with pytest.raises(ValueError) as error:
        aggregate(sheets, CRITERIA, threshold=6)
    assert str(error.value) == "Le juré j1 a rendu deux fiches pour la candidature c1"


def ranked(sheets):
    rows = rank(aggregate(sheets, CRITERIA, threshold=100), CRITERIA)
    return [(row.rank, row.candidature, row.tie, row.tie_broken_by) for row in rows]


def test_rank_orders_by_total_mean_descending():
    sheets = [
        sheet("j1", "c1", 2, 2, 2, 2),  # 10
        sheet("j1", "c2", 5, 4, 4, 4),  # 22
        sheet("j1", "c3", 4, 3, 2, 5),  # 18
    ]
    assert ranked(sheets) == [
        (1, "c2", False, None),
        (2, "c3", False, None),
        (3, "c1", False, None),
    ]


def test_rank_exact_tie_shares_rank_and_is_flagged():
    sheets = [
        sheet("j1", "c1", 5, 4, 4, 4),  # 22
        sheet("j1", "c3", 4, 3, 2, 5),  # 18
        sheet("j1", "c2", 4, 3, 2, 5),  # 18, same marks as c3
        sheet("j1", "c4", 2, 2, 2, 2),  # 10
    ]
    assert ranked(sheets) == [
        (1, "c1", False, None),
        (2, "c2", True, None),
        (2, "c3", True, None),
        (4, "c4", False, None),
    ]


def test_rank_equal_totals_separated_by_first_criterion():
    sheets = [
        sheet("j1", "c1", 3, 3, 3, 3),  # 6 + 9 = 15
        sheet("j1", "c2", 4, 3, 2, 2),  # 8 + 7 = 15, higher partenariat
    ]
    assert ranked(sheets) == [(1, "c2", False, None), (2, "c1", False, "partenariat")]


def test_rank_equal_totals_separated_by_later_criterion():
    sheets = [
        sheet("j1", "c1", 4, 2, 3, 5),  # 8 + 10 = 18
        sheet("j1", "c2", 4, 3, 2, 5),  # 8 + 10 = 18, same partenariat, higher pertinence
    ]
    assert ranked(sheets) == [(1, "c2", False, None), (2, "c1", False, "pertinence")]


def test_rank_tie_break_named_on_every_row_of_tied_group_below():
    sheets = [
        sheet("j1", "c1", 4, 3, 2, 2),  # 15, higher partenariat
        sheet("j1", "c2", 3, 3, 3, 3),  # 15
        sheet("j1", "c3", 3, 3, 3, 3),  # 15, same marks as c2
    ]
    assert ranked(sheets) == [
        (1, "c1", False, None),
        (2, "c2", True, "partenariat"),
        (2, "c3", True, "partenariat"),
    ]


def test_completeness_reports_missing_and_unexpected_sheets():
    expected = {"c1": {"j1", "j2"}, "c2": {"j2"}, "c3": set()}
    sheets = [
        sheet("j1", "c1", 4, 3, 2, 5),
        sheet("j2", "c2", 4, 3, 2, 5),
        sheet("j3", "c1", 4, 3, 2, 5),  # j3 is not a juror of c1
    ]
    assert completeness(expected, sheets) == Completeness(
        by_candidature={"c1": Progress(1, 2), "c2": Progress(1, 1), "c3": Progress(0, 0)},
        by_juror={"j1": Progress(1, 1), "j2": Progress(1, 2)},
        missing=[("j2", "c1")],
        unexpected=[("j3", "c1")],
        complete=False,
    )


def test_completeness_all_expected_received_is_complete():
    expected = {"c1": {"j1"}}
    result = completeness(expected, [sheet("j1", "c1", 4, 3, 2, 5)])
    assert (result.missing, result.complete) == ([], True)


def test_zscores_hand_computed():
    sheets = [
        sheet("j1", "c1", 4, 3, 2, 5),  # 18
        sheet("j1", "c2", 5, 4, 4, 4),  # 22
        sheet("j1", "c3", 3, 2, 3, 3),  # 14
    ]
    # mean 18, variance (0 + 16 + 16) / 3 = 32/3, z = ±4 / sqrt(32/3) = ±sqrt(3/2) = ±1.2247449
    result = zscores(sheets, CRITERIA)
    assert result[("j1", "c1")] == 0
    assert display(result[("j1", "c2")], 6) == "1,224745"
    assert display(result[("j1", "c3")], 6) == "-1,224745"


def test_zscores_juror_with_single_sheet_is_none():
    assert zscores([sheet("j1", "c1", 4, 3, 2, 5)], CRITERIA) == {("j1", "c1"): None}


def test_zscores_juror_without_spread_is_none():
    sheets = [sheet("j1", "c1", 4, 3, 2, 5), sheet("j1", "c2", 4, 2, 3, 5)]  # 18 and 18
    assert zscores(sheets, CRITERIA) == {("j1", "c1"): None, ("j1", "c2"): None}


def test_normalised_means_none_unless_every_sheet_has_zscore():
    sheets = [
        sheet("j1", "c1", 4, 3, 2, 5),  # 18, z = 0
        sheet("j1", "c2", 5, 4, 4, 4),  # 22, z = sqrt(3/2)
        sheet("j1", "c3", 3, 2, 3, 3),  # 14, z = -sqrt(3/2)
        sheet("j2", "c1", 2, 2, 2, 2),  # 10, mean 15, stdev 5, z = -1
        sheet("j2", "c2", 4, 4, 4, 4),  # 20, z = 1
        sheet("j3", "c3", 4, 4, 4, 4),  # single sheet, z = None
    ]
    result = normalised_means(sheets, CRITERIA)
    assert result["c1"] == Decimal("-0.5")  # (0 - 1) / 2
    assert display(result["c2"], 6) == "1,112372"  # (1.2247449 + 1) / 2
    assert result["c3"] is None


def test_jury_bias_flags_groups_beyond_threshold():
    groups = {
        "ara": [sheet("j1", "c1", 4, 3, 2, 5), sheet("j2", "c1", 5, 4, 4, 4)],  # 18, 22
        "bre": [sheet("j3", "c2", 2, 2, 2, 2)],  # 10
        "idf": [sheet("j4", "c3", 3, 2, 3, 3), sheet("j4", "c4", 3, 3, 3, 4)],  # 14, 16
    }
    # pooled mean (18 + 22 + 10 + 14 + 16) / 5 = 16; group means 20, 10, 15
    result = jury_bias(groups, CRITERIA, threshold=3)
    assert [(b.group, b.count, b.mean_total, b.difference, b.flag) for b in result.values()] == [
        ("ara", 2, 20, 4, "high"),
        ("bre", 1, 10, -6, "low"),
        ("idf", 2, 15, -1, None),
    ]
    assert {b.overall_mean for b in result.values()} == {16}


def test_jury_bias_difference_equal_to_threshold_is_not_flagged():
    groups = {"ara": [sheet("j1", "c1", 4, 3, 2, 5)], "bre": [sheet("j2", "c2", 2, 2, 2, 2)]}
    # 18 and 10 around a pooled mean of 14: differences +4 and -4
    result = jury_bias(groups, CRITERIA, threshold=4)
    assert [bias.flag for bias in result.values()] == [None, None]


def test_jury_bias_empty_group_refused():
    with pytest.raises(ValueError) as error:
        jury_bias({"ara": []}, CRITERIA, threshold=3)
    assert str(error.value) == "Le groupe ara n'a aucune fiche de notation"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(107, 40), 2, "2,68"),  # 2.675 exactly: half-up
        (Fraction(11, 3), 2, "3,67"),
        (Fraction(-107, 40), 2, "-2,68"),  # half away from zero
        (Fraction(-1, 1000), 2, "0,00"),  # no negative zero
        (Fraction(1, 200), 2, "0,01"),
        (Fraction(5, 2), 0, "3"),
        (Fraction(2), 2, "2,00"),
        (Decimal("2.675"), 2, "2,68"),
        (12345, 1, "12345,0"),
    ],
)
def test_display_rounds_half_up_with_decimal_comma(value, places, expected):
    assert display(value, places) == expected
