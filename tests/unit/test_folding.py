import pytest

from workflows.folding import fold, search_text


@pytest.mark.parametrize("typed, folded", [
    ("Sécurité", "securite"),
    ("HÔPITAL", "hopital"),
    ("Œuvre des cœurs", "oeuvre des coeurs"),
    ("Ex æquo", "ex aequo"),
    ("L’hôpital", "l'hopital"),
    ("Straße", "strasse"),
    ("ﬁchier", "fichier"),
    ("İstanbul", "istanbul"),  # casefold gives « i » and a combining dot, dropped afterwards
    ("  deux\u00a0 espaces\u202f!  ", "deux espaces !"),
    ("Identito-vigilance — suite", "identito vigilance suite"),  # a hyphen or a dash reads as a space
    ("100 %", "100 %"),  # other punctuation stays: a search for it is literal
    (None, ""),
])
def test_fold_drops_case_accents_ligatures_and_extra_spaces(typed, folded):
    assert fold(typed) == folded


@pytest.mark.parametrize("text", ["Sécurité", "Œuvre", "L’HÔPITAL  de   Lens", "İ"])
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


def test_search_text_is_one_folded_field_a_line_without_the_empty_ones():
    assert search_text("Sécurité à l’Hôpital", None, "SSP-000001", "") == "securite a l'hopital\nssp 000001"
