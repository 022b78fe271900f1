"""Display names: cleaned on the way in, encoded for Content-Disposition on the way out."""

from urllib.parse import unquote

import pytest

from app.uploads.names import ascii_fallback, clean_display_name, content_disposition


@pytest.mark.parametrize(("raw", "expected"), [
    ("Bilan 2017.pdf", "Bilan 2017.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\marie\\Bureau\\projet.pdf", "projet.pdf"),
    ("rap\r\nport\x00\x07.pdf", "rapport.pdf"),
    ("facture\u202efdp.exe", "facturefdp.exe"),
    ("...cache.pdf", "cache.pdf"),
    ("  espaces   multiples .pdf  ", "espaces multiples .pdf"),
    ("E\u0301valuation.pdf", "Évaluation.pdf"),
    ("", "piece-jointe"),
    (None, "piece-jointe"),
    ("../..", "piece-jointe"),
    ("\r\n", "piece-jointe"),
])
def test_clean_display_name_removes_paths_controls_and_dots(raw, expected):
    assert clean_display_name(raw) == expected


def test_clean_display_name_long_name_keeps_extension_within_255_bytes():
    cleaned = clean_display_name("é" * 300 + ".pdf")

    assert cleaned == "é" * 125 + ".pdf"
    assert len(cleaned.encode()) == 254


def test_clean_display_name_long_name_without_extension_is_cut_at_255_bytes():
    assert clean_display_name("a" * 300) == "a" * 255


def test_ascii_fallback_drops_accents_and_replaces_quotes():
    assert ascii_fallback('Évaluation – "sécurité"\\.pdf') == "Evaluation _ _securite__.pdf"


def test_content_disposition_carries_ascii_and_utf8_names():
    header = content_disposition("Évaluation – sécurité.pdf")

    assert header == ("attachment; filename=\"Evaluation _ securite.pdf\"; "
                      "filename*=UTF-8''%C3%89valuation%20%E2%80%93%20s%C3%A9curit%C3%A9.pdf")
    assert unquote(header.split("UTF-8''")[1]) == "Évaluation – sécurité.pdf"


def test_content_disposition_of_a_cleaned_name_has_no_line_break_or_quote():
    header = content_disposition(clean_display_name('a"\r\nSet-Cookie: x=1.pdf'))

    assert header == "attachment; filename=\"a_Set-Cookie: x=1.pdf\"; filename*=UTF-8''a%22Set-Cookie%3A%20x%3D1.pdf"
