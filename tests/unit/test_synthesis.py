"""The synthesis' counting, on the 2017 definition: zeros kept, cross-sector dossiers, values the definition
does not know, outcomes."""

from workflows.definition import CONTESTS_DIR, load_contest
from workflows.synthesis import CROSS_SECTOR, UNKNOWN, Dossier, synthesis

CONTEST = load_contest(CONTESTS_DIR / "ssp-2017.toml")


def counts(dossiers, key: str) -> dict[str, int]:
    dimension = next(d for d in synthesis(CONTEST, dossiers) if d.key == key)
    return {line.key: line.count for line in dimension.lines}


def test_a_dossier_in_two_sectors_counts_in_each_and_once_as_cross_sector():
    dossiers = [Dossier(region="HDF", state="submitted", sectors=("ville", "sanitaire")),
                Dossier(region="HDF", state="submitted", sectors=("sanitaire",))]

    assert counts(dossiers, "sector") == {"ville": 1, "medico_social": 0, "sanitaire": 2, CROSS_SECTOR: 1}


def test_every_value_of_the_definition_is_a_line_even_at_zero():
    regions = counts([Dossier(region="IDF", state="submitted")], "region")

    assert list(regions) == [region.code for region in CONTEST.regions] and sum(regions.values()) == 1


def test_a_missing_or_unknown_value_is_kept_after_the_definitions():
    dossiers = [Dossier(region="HDF", state="submitted", category=None),
                Dossier(region="HDF", state="submitted", category="retiree_du_reglement")]

    assert list(counts(dossiers, "category").items())[-2:] == [("retiree_du_reglement", 1), (UNKNOWN, 1)]


def test_a_pick_counts_as_such_whatever_the_national_stage_made_of_it():
    states = ["national_shortlist", "winner", "national_not_selected", "regional_not_selected"]

    outcome = counts([Dossier(region="HDF", state=state) for state in states], "outcome")

    assert outcome == {"regional_pick": 3, "winner": 1}


def test_a_group_of_alike_dossiers_counts_as_many_as_it_holds():
    grouped = [Dossier(region="HDF", state="winner", sectors=("ville", "sanitaire"), count=3),
               Dossier(region="IDF", state="submitted", count=2)]
    one_by_one = [Dossier(region="HDF", state="winner", sectors=("ville", "sanitaire"))] * 3 \
        + [Dossier(region="IDF", state="submitted")] * 2

    assert synthesis(CONTEST, grouped) == synthesis(CONTEST, one_by_one)
    assert counts(grouped, "sector")[CROSS_SECTOR] == 3 and counts(grouped, "outcome") == {"regional_pick": 3, "winner": 3}
