from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from scoring import Scoresheet, aggregate, aggregate_summaries, completeness, display, rank, standings, zscores
from scoring.marks import summarise

KEYS = ("partenariat", "pertinence", "reproductibilite", "communication")
MAX_MARK = 5
JURORS = ("j1", "j2", "j3", "j4")
CANDIDATURES = ("c1", "c2", "c3", "c4", "c5")

criteria_lists = st.lists(st.integers(1, 3), min_size=len(KEYS), max_size=len(KEYS)).map(
    lambda weights: list(zip(KEYS, weights))
)
marks = st.fixed_dictionaries({key: st.integers(0, MAX_MARK) for key in KEYS})
# Small mark and id ranges on purpose: they make equal totals and exact ties frequent.
sheet_lists = st.dictionaries(
    st.tuples(st.sampled_from(JURORS), st.sampled_from(CANDIDATURES)), marks, max_size=16
).map(lambda pairs: [Scoresheet(juror, cand, m) for (juror, cand), m in pairs.items()])


def ranked(sheets, criteria):
    return rank(aggregate(sheets, criteria, threshold=10), criteria)


def merit(row, criteria):
    agg = row.aggregate
    return (agg.total_mean, *(agg.criterion_means[key] for key, _ in criteria))


@given(sheet_lists, criteria_lists)
def test_standings_from_the_integer_sums_are_the_rank_of_the_exact_means(sheets, criteria):
    summaries = list(summarise(sheets, criteria).values())
    exact = rank(aggregate_summaries(summaries, threshold=10), criteria)

    placed = standings(summaries, criteria)

    assert [(s.rank, s.candidature, s.tie, s.tie_broken_by) for s in placed] == \
        [(row.rank, row.candidature, row.tie, row.tie_broken_by) for row in exact]


@given(sheet_lists, criteria_lists)
def test_rank_is_permutation_of_candidatures(sheets, criteria):
    rows = ranked(sheets, criteria)
    assert sorted(row.candidature for row in rows) == sorted({s.candidature for s in sheets})


@given(st.data(), sheet_lists, criteria_lists)
def test_rank_invariant_to_input_order(data, sheets, criteria):
    shuffled = data.draw(st.permutations(sheets))
    assert ranked(shuffled, criteria) == ranked(sheets, criteria)


@given(sheet_lists, criteria_lists)
def test_rank_is_one_plus_number_of_strictly_better_rows(sheets, criteria):
    rows = ranked(sheets, criteria)
    merits = [merit(row, criteria) for row in rows]
    assert [row.rank for row in rows] == [1 + sum(m > own for m in merits) for own in merits]
    assert [row.tie for row in rows] == [merits.count(own) > 1 for own in merits]


@given(sheet_lists, criteria_lists)
def test_rank_strictly_higher_total_never_ranks_lower(sheets, criteria):
    rows = ranked(sheets, criteria)
    for a in rows:
        for b in rows:
            if a.aggregate.total_mean > b.aggregate.total_mean:
                assert a.rank < b.rank


@given(sheet_lists, criteria_lists)
def test_rank_tie_broken_by_names_first_differing_criterion_under_equal_total(sheets, criteria):
    rows = ranked(sheets, criteria)
    for row in rows:
        above = [r for r in rows if r.rank < row.rank]
        if above and above[-1].aggregate.total_mean == row.aggregate.total_mean:
            upper, lower = merit(above[-1], criteria)[1:], merit(row, criteria)[1:]
            first_difference = next(k for (k, _), u, v in zip(criteria, upper, lower) if u != v)
            assert row.tie_broken_by == first_difference
        else:
            assert row.tie_broken_by is None


@given(st.data(), sheet_lists.filter(bool), criteria_lists)
def test_rank_sheet_with_all_max_marks_never_worsens_its_candidature(data, sheets, criteria):
    target = data.draw(st.sampled_from(sorted({s.candidature for s in sheets})))
    best = Scoresheet("new-juror", target, dict.fromkeys(KEYS, MAX_MARK))
    before = {row.candidature: row.rank for row in ranked(sheets, criteria)}
    after = {row.candidature: row.rank for row in ranked([*sheets, best], criteria)}
    assert after[target] <= before[target]
    assert all(after[c] >= before[c] for c in before if c != target)


@given(sheet_lists.filter(bool), criteria_lists)
def test_aggregate_means_lie_between_min_and_max(sheets, criteria):
    for cand, agg in aggregate(sheets, criteria, threshold=10).items():
        own = [s for s in sheets if s.candidature == cand]
        for key, _ in criteria:
            marks_given = [s.marks[key] for s in own]
            assert min(marks_given) <= agg.criterion_means[key] <= max(marks_given)
        totals = [sum(w * s.marks[k] for k, w in criteria) for s in own]
        assert min(totals) <= agg.total_mean <= max(totals)
        assert agg.spread_range == max(totals) - min(totals)
        # Popoviciu: a population variance never exceeds (range / 2)²
        assert agg.spread_variance <= (agg.spread_range / 2) ** 2


@given(sheet_lists, criteria_lists)
def test_zscores_have_zero_mean_and_unit_variance_per_juror(sheets, criteria):
    scores = zscores(sheets, criteria)
    for juror in JURORS:
        own = [Fraction(z) for (j, _), z in scores.items() if j == juror and z is not None]
        if own:
            assert abs(sum(own) / len(own)) < Fraction(1, 10**20)
            assert abs(sum(z * z for z in own) / len(own) - 1) < Fraction(1, 10**20)


@given(sheet_lists)
def test_completeness_received_plus_missing_equals_expected(sheets):
    expected = {cand: set(JURORS[:2]) for cand in CANDIDATURES}
    result = completeness(expected, sheets)
    received = sum(progress.received for progress in result.by_candidature.values())
    assert received + len(result.missing) == len(CANDIDATURES) * 2
    assert result.complete == (result.missing == [])


@given(st.fractions(), st.integers(0, 4))
def test_display_rounds_magnitude_half_up(value, places):
    shown = Fraction(display(value, places).replace(",", "."))
    half_unit = Fraction(1, 2 * 10**places)
    # Half-up on the magnitude: halves go away from zero, the sign is kept unless shown as 0.
    assert -half_unit < abs(shown) - abs(value) <= half_unit
    assert shown == 0 or (shown > 0) == (value > 0)
