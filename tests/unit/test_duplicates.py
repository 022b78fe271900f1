import pytest

from workflows.duplicates import Entry, Match, Shared, find_matches, title_key

SIRET = "73282932000074"  # a valid SIRET; its SIREN is 732829320


def entry(id, region, title="", identifier=None):
    return Entry(id=id, region_id=region, title=title, identifier=identifier)


def test_title_key_drops_case_accents_punctuation_and_spaces():
    assert title_key("  Hygiène des MAINS :  les visiteurs s’engagent ! ") == "hygiene des mains les visiteurs s engagent"


def test_title_key_of_no_title_is_empty():
    assert title_key(None) == ""


def test_same_identifier_in_two_regions_matches_whatever_the_titles():
    entries = [entry(1, 10, "Un projet", "W591234567"), entry(2, 20, "Tout autre chose", "W591234567")]

    assert find_matches(entries) == [Match(1, 2, Shared.IDENTIFIER, None)]


def test_identifiers_compare_as_typed_without_spaces_nor_dots():
    entries = [entry(1, 10, "A", "732 829 320 00074"), entry(2, 20, "B", SIRET)]

    assert find_matches(entries) == [Match(1, 2, Shared.IDENTIFIER, None)]


def test_a_siret_matches_the_siren_of_its_company():
    entries = [entry(1, 10, "A", SIRET), entry(2, 20, "B", "732829320")]

    assert find_matches(entries) == [Match(1, 2, Shared.COMPANY, None)]
    assert find_matches(entries, of={2}) == [Match(2, 1, Shared.COMPANY, None)]


def test_two_establishments_of_one_company_do_not_match():
    entries = [entry(1, 10, "A", SIRET), entry(2, 20, "B", "73282932000082")]

    assert find_matches(entries) == []


@pytest.mark.parametrize(("title", "other", "score"), [
    ("Des usagers formateurs pour les internes", "DES USAGERS-FORMATEURS pour les internes !", 100),
    ("Hygiène des mains : les visiteurs s’engagent", "Hygiene des mains: les visiteurs s'engagent", 100),
    ("Prévenir les chutes avec les aidants", "Avec les aidants, prévenir les chutes", 100),
    ("Identito-vigilance : le patient acteur de son bracelet", "Identitovigilance : le patient acteur de son bracelet", 99),
    ("Des usagers formateurs pour les internes", "Des usagers formateurs pour nos internes", 95),
    ("Patients traceurs de leur sortie d’hospitalisation", "Patient traceur de sa sortie d'hospitalisation", 92),
])
def test_near_identical_titles_match_with_their_score(title, other, score):
    assert find_matches([entry(1, 10, title), entry(2, 20, other)]) == [Match(1, 2, None, score)]


@pytest.mark.parametrize(("title", "other"), [
    ("Hygiène des mains : les visiteurs s’engagent", "Hygiène des mains : les soignants s’engagent"),
    ("Le patient acteur de sa sécurité aux urgences", "Le patient acteur de sa sécurité au bloc"),
    ("Prévenir les chutes avec les aidants", "Prévenir les chutes avec les aidants à domicile"),
])
def test_projects_on_one_theme_do_not_match(title, other):
    assert find_matches([entry(1, 10, title), entry(2, 20, other)]) == []


def test_identifier_and_title_together_give_both_reasons():
    entries = [entry(1, 10, "Prévenir les chutes", "W591234567"), entry(2, 20, "prevenir les chutes", "W591234567")]

    assert find_matches(entries) == [Match(1, 2, Shared.IDENTIFIER, 100)]


def test_no_match_within_one_region():
    entries = [entry(1, 10, "Prévenir les chutes", "W591234567"), entry(2, 10, "Prévenir les chutes", "W591234567")]

    assert find_matches(entries) == []


def test_dossiers_without_title_nor_identifier_match_nothing():
    assert find_matches([entry(1, 10, None), entry(2, 20, None), entry(3, 30, "")]) == []


def test_each_pair_once_without_of_and_from_the_asked_side_with_it():
    entries = [entry(1, 10, "Prévenir les chutes"), entry(2, 20, "Prévenir les chutes"),
               entry(3, 30, "Prévenir les chutes"), entry(4, 10, "Autre chose")]

    assert find_matches(entries) == [Match(1, 2, None, 100), Match(1, 3, None, 100), Match(2, 3, None, 100)]
    assert find_matches(entries, of={3, 4}) == [Match(3, 1, None, 100), Match(3, 2, None, 100)]
    assert find_matches(entries, of={1, 2}) == [Match(1, 2, None, 100), Match(1, 3, None, 100), Match(2, 3, None, 100)]
