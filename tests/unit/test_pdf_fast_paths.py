"""The PDFs' short paths print what ReportLab's own paths print: same bytes, fragments, lines and pages."""

from __future__ import annotations

import io
import random
import re
from dataclasses import replace
from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from app.exports.book import book_pdf
from app.pdf.document import PlainParagraph, build_pdf, line, prose
from app.pdf.grid import Styles
from bench.shortlist_book import sample_book, text

STYLES = Styles.create()
# French text, the characters ReportLab treats apart (no-break and soft hyphen, tab, markup escapes), a
# character Vera lacks (☃) and enough others to fill more than one font subset of 256 codes.
ALPHABET = st.sampled_from("aàâeéèêëiîoôœuùûçAÉÇ ’«»—€.,;:!?-_'\"\xa0\xad\t&<>☃") | st.characters(
    min_codepoint=0x20, max_codepoint=0x24F)
# Words of plain lines (markup escapes make several fragments: ReportLab's own path, tested above).
WORD = st.text(alphabet=st.sampled_from("abcdéèàçœ’«»€-\xa0"), min_size=1, max_size=14)


class Document:
    """Stands for a PDF document: a font keeps the codes it assigned per document."""


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=60), max_size=25))
def test_subset_font_encodes_and_measures_every_string_as_reportlab_does(texts):
    font = getFont(STYLES["BodyText"].fontName)
    ours, reportlabs = Document(), Document()

    encoded = [font.splitString(value, ours) for value in texts]
    measured = [font.stringWidth(value, 10) for value in texts]

    assert encoded == [TTFont.splitString(font, value, reportlabs) for value in texts]
    assert measured == [TTFont.stringWidth(font, value, 10) for value in texts]


def test_subset_font_encodes_beyond_the_first_subset_as_reportlab_does():
    font = getFont(STYLES["BodyText"].fontName)
    every = "".join(chr(code) for code in sorted(font.face.charToGlyph) if code >= 32)
    texts = [every[start:start + 50] for start in range(0, len(every), 50)] * 2 + [every]
    ours, reportlabs = Document(), Document()

    assert len(every) > 256
    assert [font.splitString(value, ours) for value in texts] == [
        TTFont.splitString(font, value, reportlabs) for value in texts]


def fragments(paragraph: Paragraph) -> list[dict]:
    return [vars(fragment) for fragment in paragraph.frags]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=200), st.sampled_from(["BodyText", "Heading3"]))
def test_line_makes_the_fragments_the_parser_makes(value, style_name):
    style = STYLES[style_name]
    value = value.replace("\n", " ")

    assert fragments(line(value, style)) == fragments(Paragraph(escape(value), style))


@settings(max_examples=150, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=80), st.floats(min_value=20, max_value=500),
       st.floats(min_value=0, max_value=60))
def test_plain_paragraph_breaks_lines_as_reportlab_does(words, width, indent):
    value = " ".join(words)
    ours, reportlabs = line(value, STYLES["BodyText"]), Paragraph(escape(value), STYLES["BodyText"])
    widths = [width - indent, width]

    mine, theirs = ours.breakLines(widths), reportlabs.breakLines(widths)

    assert (vars(mine), ours._width_max) == (vars(theirs), reportlabs._width_max)


def test_prose_lays_out_the_pages_reportlab_paragraphs_lay_out():
    """Prose over several pages (a split paragraph, a word wider than the page, markup escapes) prints
    the same page streams as one ReportLab paragraph per line."""
    lines = [value for value in text(random.Random(7), 3000).split("\n") if value]
    lines[3] = "Anticonstitutionnellement" * 12 + " fin"
    lines[5] = "Des <balises> & des « guillemets » restent du texte " * 30
    style = STYLES["BodyText"]
    following = style.clone(style.name, spaceBefore=0)  # as prose sets the lines after the first
    ours = prose("\n".join(lines), style)
    reportlabs = [Paragraph(escape(lines[0]), style), *(Paragraph(escape(value), following) for value in lines[1:])]
    plain = sum(isinstance(paragraph, PlainParagraph) for paragraph in ours)

    pdfs = [PdfReader(io.BytesIO(build_pdf(story, title="Prose", subject="Essai"))) for story in (ours, reportlabs)]

    assert plain == len(lines) - 1  # all but the line holding markup escapes
    assert len(pdfs[0].pages) == len(pdfs[1].pages) > 3
    assert [page.get_contents().get_data() for page in pdfs[0].pages] == [
        page.get_contents().get_data() for page in pdfs[1].pages]


def test_book_draws_the_axes_and_legend_of_its_charts_once_per_set_of_juries():
    book = sample_book(4)
    second = book.picks[1]
    book = replace(book, picks=(book.picks[0], replace(second, national=None), *book.picks[2:]))

    reader = PdfReader(io.BytesIO(book_pdf(book)))

    streams = b"".join(page.get_contents().get_data() for page in reader.pages)
    drawn = re.findall(rb"/FormXob\.(chart-\w+) Do", streams)
    # Three charts with both juries share one form, the regional-only chart has its own.
    assert sorted(drawn.count(name) for name in set(drawn)) == [1, 3]
    text_of_charts = " ".join(page.extract_text() for page in reader.pages if b"chart-" in page.get_contents().get_data())
    assert text_of_charts.count("Jury régional") == 4 and text_of_charts.count("Jury national") >= 3
