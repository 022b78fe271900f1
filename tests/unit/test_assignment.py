from itertools import combinations, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.assignment import least_loaded, propose

JURORS = (1, 2, 3, 4)
DOSSIERS = (10, 11, 12, 13)
pairs = st.sets(st.tuples(st.sampled_from(JURORS), st.sampled_from(DOSSIERS)), max_size=8)
cases = st.tuples(st.sets(st.sampled_from(DOSSIERS), min_size=1), st.sets(st.sampled_from(JURORS), min_size=1),
                  st.integers(1, 3), pairs, pairs)


def squares(loads):
    return sum(load * load for load in loads.values())


def best_squares(dossiers, jurors, n, conflicts, begun):
    """The smallest sum of squared loads over every assignment keeping the rules, by brute force."""
    options = []
    for dossier in sorted(dossiers):
        eligible = [juror for juror in sorted(jurors) if (juror, dossier) not in conflicts]
        kept = {juror for juror in eligible if (juror, dossier) in begun}
        free = [juror for juror in eligible if juror not in kept]
        size = min(len(free), max(0, n - len(kept)))
        options.append([kept | set(chosen) for chosen in combinations(free, size)])
    return min(sum(sum(juror in chosen for chosen in choice) ** 2 for juror in jurors)
               for choice in product(*options))


@given(cases)
def test_assignment_keeps_the_rules(case):
    dossiers, jurors, n, conflicts, begun = case
    result = propose(dossiers, jurors, n, conflicts=conflicts, begun=begun)
    assert not result.pairs() & conflicts
    assert {(j, d) for j, d in begun if j in jurors and d in dossiers} - conflicts <= result.pairs()
    for dossier in dossiers:
        eligible = {juror for juror in jurors if (juror, dossier) not in conflicts}
        kept = {juror for juror in eligible if (juror, dossier) in begun}
        assert set(result.jurors_of[dossier]) <= eligible
        assert len(result.jurors_of[dossier]) == max(len(kept), min(n, len(eligible)))
    assert result.short == {dossier: len(chosen) for dossier, chosen in result.jurors_of.items() if len(chosen) < n}
    assert result.loads == {juror: sum(juror in chosen for chosen in result.jurors_of.values()) for juror in jurors}


@settings(max_examples=60)
@given(cases)
def test_assignment_loads_are_as_even_as_the_rules_allow(case):
    dossiers, jurors, n, conflicts, begun = case
    result = propose(dossiers, jurors, n, conflicts=conflicts, begun=begun)
    assert squares(result.loads) == best_squares(dossiers, jurors, n, conflicts, begun)


@given(st.integers(1, 30), st.integers(1, 9), st.integers(1, 4))
def test_assignment_without_conflicts_differs_by_at_most_one(dossiers, jurors, n):
    result = propose(range(dossiers), range(jurors), n)
    assert max(result.loads.values()) - min(result.loads.values()) <= 1
    assert sum(result.loads.values()) == dossiers * min(n, jurors)


@given(st.data(), cases)
def test_assignment_depends_on_values_not_their_order(data, case):
    dossiers, jurors, n, conflicts, begun = case
    shuffled = [data.draw(st.permutations(sorted(values))) for values in (dossiers, jurors, conflicts, begun)]
    first = propose(dossiers, jurors, n, conflicts=conflicts, begun=begun)
    again = propose(shuffled[0], shuffled[1], n, conflicts=shuffled[2], begun=shuffled[3])
    assert again == first


def test_assignment_reports_a_dossier_short_of_jurors_because_of_conflicts():
    result = propose([10, 11], [1, 2, 3], 3, conflicts={(1, 10), (2, 10)})
    assert result.jurors_of == {10: (3,), 11: (1, 2, 3)}
    assert result.short == {10: 1}


def test_assignment_keeps_a_begun_sheet_beyond_n():
    result = propose([10], [1, 2, 3], 1, begun={(1, 10), (3, 10)})
    assert result.jurors_of == {10: (1, 3)}


def test_assignment_drops_a_begun_sheet_of_a_conflicted_juror():
    result = propose([10], [1, 2], 1, conflicts={(1, 10)}, begun={(1, 10)})
    assert result.jurors_of == {10: (2,)}


def test_assignment_evens_loads_through_a_chain_of_moves():
    # Juror 3 may only take dossier 10: a balanced result needs 1 to hand over 10 and take 11 from 2.
    conflicts = {(3, 11), (3, 12), (3, 13)}
    result = propose([10, 11, 12, 13], [1, 2, 3], 1, conflicts=conflicts)
    assert result.jurors_of[10] == (3,)
    assert sorted(result.loads.values()) == [1, 1, 2]


def test_assignment_needs_at_least_one_juror_per_dossier():
    with pytest.raises(ValueError):
        propose([10], [1], 0)


def test_least_loaded_takes_the_fewest_dossiers_ties_in_the_given_order():
    loads = {1: 2, 2: 0, 3: 0}

    assert least_loaded([3, 1, 2], loads, 2) == [3, 2]
    assert least_loaded([3, 1, 2], loads, 0) == least_loaded([3, 1, 2], loads, -1) == []
