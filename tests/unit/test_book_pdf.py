"""The shortlist book and the dossier PDF built from plain values: text read back with pypdf."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.exports.book import REQUEST_PICKS, book_needs_job, book_pdf, write_book
from app.exports.data import Answer
from app.pdf.document import CELL_PADDING, header_widths
from app.exports.dossier_pdf import dossier_pdf
from app.pdf.grid import Styles
from bench.shortlist_book import sample_book
from scoring import display

ACCENTS = "Élèves et infirmières à l’hôpital : ça marche, « vraiment » — œuvre à 10 €."
HOSTILE_TITLE = "<b>gras</b> & <font size=40>"
HOSTILE_ANSWER = "Fin de balise </para> puis <br/> et &amp; et <a href='x'>lien</a>\nligne deux"
LONG_WORD = "Anticonstitutionnellement" * 200
FOOTER = re.compile(r"\A\d+ / \d+\n.*\n")
LONG_ANSWER = ("Une réponse très longue qui doit passer d’une page à l’autre sans rien perdre. " * 260)[:20_000]


def read(pdf: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [page.extract_text() for page in reader.pages]


def flat(pages: list[str]) -> str:
    """The pages' text without their footers, as one line: a wrapped or split sentence reads as one."""
    return " ".join(" ".join(FOOTER.sub("", page, count=1) for page in pages).split())


@pytest.fixture(scope="module")
def hostile_book():
    """Three picks: one with accents, one with markup-like text, one with huge answers; no national marks."""
    book = sample_book(3, national=False)
    first, second, third = book.picks
    first = replace(first, dossier=replace(first.dossier, summary=ACCENTS))
    second = replace(second, opinion=HOSTILE_ANSWER, dossier=replace(
        second.dossier, title=HOSTILE_TITLE, structure="Clinique <i>« Les Tilleuls »</i>",
        answers=(Answer("Effectivité du partenariat", HOSTILE_ANSWER),) + second.dossier.answers[1:]))
    third = replace(third, dossier=replace(
        third.dossier, description=LONG_WORD,
        answers=tuple(Answer(a.criterion, LONG_ANSWER) for a in third.dossier.answers)))
    book = replace(book, picks=(first, second, third))
    return book, read(book_pdf(book))


def test_book_lists_every_pick_in_contents_summary_and_sections(hostile_book):
    book, (_reader, pages) = hostile_book

    text = flat(pages)

    for pick in book.picks:
        assert text.count(f"{pick.dossier.region_code} — {pick.dossier.title}") == 2  # contents and section
        assert pick.dossier.structure in text
        assert pick.dossier.receipt_number in text
    assert "Sommaire" in flat(pages[1:2])
    assert "Tableau récapitulatif" in text


def test_book_prints_french_characters_intact(hostile_book):
    _book, (_reader, pages) = hostile_book

    text = flat(pages)

    assert ACCENTS in text
    assert "« Usagers, soignants : partenaires pour la sécurité des patients »" in text
    assert "Cérémonie de remise du prix : mardi 21 novembre 2017." in text


def test_book_prints_hostile_strings_literally(hostile_book):
    _book, (_reader, pages) = hostile_book

    text = flat(pages)

    assert HOSTILE_TITLE in text
    assert "Clinique <i>« Les Tilleuls »</i>" in text
    assert "Fin de balise </para> puis <br/> et &amp; et <a href='x'>lien</a> ligne deux" in text
    assert LONG_WORD in "".join(text.split())


def test_book_splits_long_answers_across_pages_and_numbers_them(hostile_book):
    _book, (reader, pages) = hostile_book
    short_book = sample_book(3, national=False)

    short_pages = len(PdfReader(io.BytesIO(book_pdf(short_book))).pages)

    total = len(reader.pages)
    # Four answers of 20,000 characters fill about 13 pages, against one or two for the sample's answers.
    assert total >= short_pages + 10
    assert [re.search(r"\b(\d+) / (\d+)\b", page).groups() for page in pages] == [
        (str(number), str(total)) for number in range(1, total + 1)]
    assert "".join(LONG_ANSWER.split()) in "".join(flat(pages).split())


def test_book_contents_entries_give_the_pages_their_sections_start_on(hostile_book):
    book, (reader, pages) = hostile_book
    entries = ["Tableau récapitulatif", *(f"{p.dossier.region_code} — {p.dossier.title}" for p in book.picks)]

    contents = flat(pages[1:2])
    numbers = [int(re.search(re.escape(" ".join(entry.split())) + r" (\d+)\b", contents).group(1))
               for entry in entries]

    assert numbers == sorted(numbers) and numbers[0] == 3  # cover, contents, then the summary table
    assert [flat([pages[number - 1]]).startswith(" ".join(entry.split()))
            for entry, number in zip(entries, numbers, strict=True)] == [True] * len(entries)
    assert [(item.title, reader.get_destination_page_number(item) + 1) for item in reader.outline] == list(
        zip(entries, numbers, strict=True))


def test_book_reports_progress_once_the_front_matter_then_each_pick_is_laid_out(tmp_path):
    book = sample_book(3, national=False)
    reports = []

    write_book(book, tmp_path / "livret.pdf", lambda done, total: reports.append((done, total)))

    assert reports == [(0, 3), (1, 3), (2, 3), (3, 3)]
    reader, pages = read((tmp_path / "livret.pdf").read_bytes())
    assert [page.split("\n", 1)[0] for page in pages] == [f"{n} / {len(pages)}" for n in range(1, len(pages) + 1)]


def test_book_beyond_the_request_size_needs_a_job():
    assert (book_needs_job(34), book_needs_job(REQUEST_PICKS), book_needs_job(REQUEST_PICKS + 1)) == (
        False, False, True)


def test_book_before_national_stage_shows_dashes_for_national_figures(hostile_book):
    book, (_reader, pages) = hostile_book

    text = flat(pages)

    assert text.count("Pas encore de notes nationales.") == len(book.picks)
    summary = flat(pages[2:3])
    assert re.findall(r"(\d+,\d\d) — —", summary) == [
        display(pick.regional.total) for pick in book.picks]


def test_book_with_national_marks_shows_means_rank_and_comments():
    book = sample_book(2)
    pick = book.picks[0]

    text = flat(read(book_pdf(book))[1])

    assert f"rang national {pick.national.rank}" in text
    for comment in pick.national.comments:
        assert " ".join(comment.split()) in text
    assert "Pas encore de notes nationales." not in text


def test_book_carries_metadata_in_french(hostile_book):
    _book, (reader, _pages) = hostile_book

    assert (reader.metadata.title, reader.metadata.author, reader.metadata.subject) == (
        "Livret de la sélection nationale — Semaine de la sécurité des patients 2017",
        "Concours Semaine de la sécurité des patients",
        "Usagers, soignants : partenaires pour la sécurité des patients")
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_book_embeds_the_vera_family():
    reader, _pages = read(book_pdf(sample_book(1)))

    fonts = {str(font["/BaseFont"]).split("+")[-1] for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}

    # ReportLab declares Helvetica on every page as the canvas's initial font.
    assert fonts - {"/Helvetica"} == {"BitstreamVeraSans-Roman", "BitstreamVeraSans-Bold",
                                      "BitstreamVeraSans-BoldOblique"}


def test_dossier_pdf_prints_the_dossier_literally_with_page_numbers():
    dossier = replace(sample_book(1).picks[0].dossier, title=HOSTILE_TITLE, summary=ACCENTS,
                      answers=(Answer("Effectivité du partenariat", LONG_ANSWER),))
    reader, pages = read(dossier_pdf(dossier, "Semaine de la sécurité des patients 2017",
                                     datetime(2017, 11, 10, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))))

    text = flat(pages)
    assert HOSTILE_TITLE in text
    assert ACCENTS in text
    assert "".join(LONG_ANSWER.split()) in "".join(text.split())
    assert dossier.attachments[0].sha256 in "".join(text.split())
    assert f"1 / {len(reader.pages)}" in pages[0]
    assert reader.metadata.title == f"Dossier {dossier.receipt_number} — {HOSTILE_TITLE}"


def test_dossier_pdf_footer_cuts_a_long_title_after_a_whole_word():
    title = "Un très long titre de projet " * 8 + "Anticonstitutionnellement"
    dossier = replace(sample_book(1).picks[0].dossier, title=title)

    _reader, pages = read(dossier_pdf(dossier, "Semaine de la sécurité des patients 2017",
                                      datetime(2017, 11, 10, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))))

    footers = {page.split("\n")[1] for page in pages}
    assert len(footers) == 1
    footer = footers.pop()
    assert footer.endswith(" …")
    assert f"Dossier {dossier.receipt_number} — {title}".startswith(footer.removesuffix(" …") + " ")


def test_cover_counts_one_pick_in_the_singular_and_is_confidential_until_publication():
    _reader, pages = read(book_pdf(sample_book(1)))
    published = replace(sample_book(2), published=True)
    _reader, public_pages = read(book_pdf(published))

    assert "1 projet retenu par les régions." in flat(pages) and "1 projets" not in flat(pages)
    assert "Confidentiel jusqu’à la publication des résultats." in flat(pages)
    assert "2 projets retenus par les régions." in flat(public_pages)
    assert "Confidentiel" not in flat(public_pages)


def test_no_header_word_of_the_summary_table_is_cut():
    """Each header cell's words read whole on their own lines (a cut word reads « Régi » then « on »)."""
    _reader, pages = read(book_pdf(sample_book(3)))
    summary = next(page for page in pages if "Inter-secteurs" in page or "Inter-" in page)

    lines = summary.split("\n")
    for word in ("Région", "Structure", "Projet", "Secteurs", "Inter-secteurs", "Moyenne", "régionale", "nationale",
                 "Rang", "national"):
        assert any(word in line for line in lines), (word, lines[:12])
    assert not any(line.strip() in ("Régi", "Ran", "on", "g") for line in lines)


def test_header_widths_make_room_for_the_longest_word_from_the_widest_column():
    styles = Styles.create()

    fitted = header_widths(["Région", "Projet très long titre"], [5, 60], styles.cell)

    assert fitted[0] * mm >= stringWidth("Région", styles.cell.fontName, styles.cell.fontSize) + CELL_PADDING
    assert sum(fitted) == pytest.approx(65)


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("Bourgogne-Franche-Comté", 24, ["Bourgogne-", "Franche-", "Comté"]),
    ("Identito-vigilance partagée", 18, ["Identito-", "vigilance", "partagée"]),
    ("Ville ; Sanitaire", 24, ["Ville ;", "Sanitaire"]),
])
def test_a_narrow_cell_breaks_compounds_at_their_hyphens_and_wraps_other_words_whole(text, width, lines):
    """Not « Bourgogne-Fr|anche-Comté »."""
    from app.pdf.document import cell

    paragraph = cell(text, width * mm, Styles.create().cell)
    paragraph.wrap(width * mm - CELL_PADDING, 1000)

    assert [" ".join(str(word) for word in line[1]) for line in paragraph.blPara.lines] == lines
