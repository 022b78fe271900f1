"""The synthesis as a PDF report, in French like every export document: for each dimension its bar chart
(drawn with ReportLab's shapes) followed by its table, on the exports' document (« x / y » page numbers,
title and language in the metadata)."""

from __future__ import annotations

from datetime import datetime

from reportlab.graphics.shapes import Rect, String
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph

from app.exports.book import REGIONAL_COLOUR, Chart
from app.pdf.document import build_pdf, markup
from app.pdf.fonts import FACES
from app.pdf.grid import Styles, grid
from app.synthesis.reading import EditionSynthesis, french
from workflows.synthesis import NOTES, SEVERAL_LINES, Dimension

FONT, LABEL_SIZE, ROW = FACES[0, 0][0], 7, 8 * mm
WIDTH, BAR_ROOM, COUNT_ROOM = 170 * mm, 150 * mm, 12 * mm



def _one_line(text: str, width: float) -> str:
    """``text`` on one label line, cut after a whole word and ended by « … » when too long."""
    if stringWidth(text, FONT, LABEL_SIZE) <= width:
        return text
    return simpleSplit(text, FONT, LABEL_SIZE, width - stringWidth(" …", FONT, LABEL_SIZE))[0] + " …"


def bar_chart(dimension: Dimension) -> Chart:
    """One horizontal bar per line, its label above it and its count after it."""
    drawing = Chart(WIDTH, ROW * len(dimension.lines))
    largest = dimension.largest or 1
    for index, line in enumerate(dimension.lines):
        top = drawing.height - index * ROW
        width = BAR_ROOM * line.count / largest
        drawing.add(String(0, top - 3 * mm, _one_line(french(line.label), WIDTH), fontName=FONT,
                           fontSize=LABEL_SIZE))
        drawing.add(Rect(0, top - 7 * mm, width, 3 * mm, fillColor=REGIONAL_COLOUR, strokeColor=None))
        drawing.add(String(width + 2 * mm, top - 6.6 * mm, str(line.count), fontName=FONT, fontSize=LABEL_SIZE))
    return drawing


def dimension_story(dimension: Dimension, styles: Styles) -> list[Flowable]:
    rows = [[str(dimension.title), "Dossiers"],
            *([french(line.label), line.count] for line in dimension.lines)]
    story: list[Flowable] = [Paragraph(markup(str(dimension.title)), styles["Heading2"])]
    if dimension.multiple:
        story.append(Paragraph(markup(SEVERAL_LINES), styles.cell))
    return [CondPageBreak(40 * mm), KeepTogether([*story, bar_chart(dimension)]),
            grid(rows, [150, 24], styles)]


def synthesis_pdf(shown: EditionSynthesis, *, scope_name: str, printed_at: datetime) -> bytes:
    """The report of one edition's synthesis over ``scope_name`` (« toutes les régions », a region's name)."""
    contest = shown.edition.contest
    styles = Styles.create()
    title = f"Synthèse des candidatures — {scope_name} — {contest.name}"
    count = f"{shown.dossiers} dossier déposé." if shown.dossiers == 1 else f"{shown.dossiers} dossiers déposés."
    story: list[Flowable] = [
        Paragraph(markup(title), styles["Title"]),
        Paragraph(markup(f"« {contest.title} » ({contest.edition}e édition)."), styles["BodyText"]),
        Paragraph(markup(count), styles["BodyText"]),
        Paragraph(markup(f"Document édité le {printed_at.astimezone(contest.tz):%d/%m/%Y à %H:%M} (heure de Paris)."),
                  styles["BodyText"]),
        *(Paragraph(markup(note), styles.cell) for note in NOTES),
    ]
    for dimension in shown.dimensions:
        story += dimension_story(dimension, styles)
    return build_pdf(story, title=title, subject=f"{contest.name} — synthèse par thème et par région")
