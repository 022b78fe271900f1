"""The shortlist book: cover, contents, summary table, then one section per regional pick."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import chain, count
from pathlib import Path
from typing import BinaryIO

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from app.exports.data import Book, JuryMarks, Pick
from app.pdf.document import ExportDocument, markup, prose
from app.exports.dossier_pdf import CROSS_SECTOR, dossier_story
from app.pdf.grid import Styles, grid
from app.pdf.fonts import FACES
from scoring import display
from workflows.texts import french_date

TITLE = "Livret de la sélection nationale"
NONE = "—"
# Beyond this many picks the book is built by a job: 34 picks take well under a second, and a
# national shortlist holds at most two per region.
REQUEST_PICKS = 100
REGIONAL_COLOUR, NATIONAL_COLOUR = colors.HexColor("#000091"), colors.HexColor("#e1000f")


def _mean(marks: JuryMarks | None) -> str:
    return display(marks.total) if marks else NONE


def received(sheets: int) -> str:
    """« 1 fiche reçue », « 3 fiches reçues » (the book is in French: 0 and 1 take the singular)."""
    return f"{sheets} fiche reçue" if sheets <= 1 else f"{sheets} fiches reçues"


def cover(book: Book, styles: Styles) -> list[Flowable]:
    return [
        Spacer(1, 50 * mm),
        Paragraph(markup(TITLE), styles["Title"]),
        Paragraph(markup(book.edition_name), styles["Heading2"]),
        Paragraph(markup(f"« {book.theme} »"), styles["Heading2"]),
        Spacer(1, 10 * mm),
        Paragraph(markup(f"Cérémonie de remise du prix : {french_date(book.ceremony)}."), styles["BodyText"]),
        Paragraph(markup(f"{len(book.picks)} projet retenu par les régions." if len(book.picks) == 1 else
                         f"{len(book.picks)} projets retenus par les régions."), styles["BodyText"]),
        # The confidentiality mark holds until the results are public, and only until then.
        Paragraph(markup(f"Document édité le {book.printed_at:%d/%m/%Y à %H:%M}."
                         + ("" if book.published else " Confidentiel jusqu’à la publication des résultats.")),
                  styles["BodyText"]),
        PageBreak(),
    ]


def summary_table(book: Book, heading: Paragraph, styles: Styles) -> list[Flowable]:
    header = ["Région", "Structure", "Projet", "Secteurs", "Inter-secteurs", "Moyenne régionale",
              "Moyenne nationale", "Rang national"]
    rows = [[p.dossier.region_code, p.dossier.structure, p.dossier.title, " ; ".join(p.dossier.sectors),
             "oui" if p.dossier.cross_sector else "non", _mean(p.regional), _mean(p.national),
             p.national.rank if p.national else NONE] for p in book.picks]
    return [heading,
            grid([header, *rows], [12, 31, 35, 24, 18, 19, 19, 16], styles),
            Paragraph(markup(f"Moyennes sur {len(book.criteria)} critères ; « {NONE} » : pas encore de notes. "
                             f"« Inter-secteurs » : {CROSS_SECTOR.lower()} (deux secteurs ou plus)."), styles.cell),
            PageBreak()]


@contextmanager
def unchecked_shapes() -> Iterator[None]:
    """ReportLab's checks of every graphics attribute set (``rl_config.shapeChecking``) off: the chart's
    attributes are fixed here, and the checks took a tenth of the book's time. The setting is the
    process's: a thread drawing at the same moment is only checked less, never drawn differently."""
    checking, rl_config.shapeChecking = rl_config.shapeChecking, 0
    try:
        yield
    finally:
        rl_config.shapeChecking = checking


class Chart(Drawing):
    """A drawing whose shapes are made and drawn without the attribute checks."""

    def draw(self, *arguments, **options):
        with unchecked_shapes():
            super().draw(*arguments, **options)


class LayeredChart(Flowable):
    """A chart drawn as two layers: its bars, then its axes and legend over them, as ReportLab orders them.

    The axes and legend are the same in every pick's chart that shows the same juries: they are drawn
    once per document as a form XObject, which each chart then draws by name (drawing them took a
    sixth of the book's time)."""

    def __init__(self, bars: Drawing, frame: Drawing, name: str):
        super().__init__()
        self.bars, self.frame, self.name = bars, frame, name

    def wrap(self, available_width, available_height):
        return self.bars.width, self.bars.height

    def draw(self):
        canvas, width, height = self.canv, self.frame.width, self.frame.height
        with unchecked_shapes():
            if not canvas.hasForm(self.name):
                # A form clips to its box: a box around the drawing's, as a drawing itself does not clip.
                canvas.beginForm(self.name, -width, -height, 2 * width, 2 * height)
                renderPDF.draw(self.frame, canvas, 0, 0)
                canvas.endForm()
            renderPDF.draw(self.bars, canvas, 0, 0)
        canvas.doForm(self.name)


def bar_chart(book: Book, juries: list[tuple[str, list[float] | None, colors.Color]], layer: str) -> Drawing:
    """The drawing of the means chart: its ``bars`` alone, or its ``frame`` (axes and legend) alone."""
    drawing = Drawing(170 * mm, 62 * mm)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 12 * mm, 8 * mm, 110 * mm, 50 * mm
    # The frame's bars have no value: ReportLab lays the axes out as for the bars and draws no bar.
    bars.data = [means if layer == "bars" else [None] * len(book.criteria) for _label, means, _colour in juries]
    bars.categoryAxis.categoryNames = [c.short for c in book.criteria]
    bars.categoryAxis.labels.fontName = bars.valueAxis.labels.fontName = FACES[0, 0][0]
    bars.valueAxis.valueMin, bars.valueAxis.valueMax, bars.valueAxis.valueStep = 0, book.scale_max, 1
    for index, (_label, _means, colour) in enumerate(juries):
        bars.bars[index].fillColor = colour
    drawing.add(bars)
    if layer == "bars":
        bars.categoryAxis.visible = bars.valueAxis.visible = 0
        return drawing
    legend = Legend()
    legend.x, legend.y, legend.fontName = 128 * mm, 50 * mm, FACES[0, 0][0]
    legend.colorNamePairs = [(colour, label) for label, _means, colour in juries]
    drawing.add(legend)
    return drawing


@unchecked_shapes()
def chart(book: Book, pick: Pick) -> LayeredChart:
    """Bars of the per-criterion means: regional, and national beside it once there are national marks."""
    juries = [(label, [float(mean) for mean in marks.means], colour) for label, marks, colour in
              (("Jury régional", pick.regional, REGIONAL_COLOUR), ("Jury national", pick.national, NATIONAL_COLOUR))
              if marks]
    # The form's name: what the frame shows (criteria, scale, juries), so two different frames never share one.
    shown = repr(([c.short for c in book.criteria], book.scale_max, [(label, colour.hexval()) for label, _m, colour in juries]))
    name = f"chart-{hashlib.sha1(shown.encode()).hexdigest()[:16]}"
    return LayeredChart(bar_chart(book, juries, "bars"), bar_chart(book, juries, "frame"), name)


def marks_section(book: Book, pick: Pick, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Notes du jury régional", styles["Heading2"])]
    if pick.regional is None:
        return [*story, Paragraph("Aucune fiche de notation régionale reçue.", styles["BodyText"])]

    def means(marks: JuryMarks | None) -> list[str]:
        return [display(mean) for mean in marks.means] if marks else [NONE] * len(book.criteria)

    rows = [[f"{c.short} — {c.label}", regional, national]
            for c, regional, national in zip(book.criteria, means(pick.regional), means(pick.national), strict=True)]
    rows.append(["Total (moyenne des totaux pondérés)", _mean(pick.regional), _mean(pick.national)])
    story += [
        Paragraph(markup(f"{received(pick.regional.sheets)} ; rang {pick.regional.rank} dans la région."),
                  styles["BodyText"]),
        grid([["Critère", "Moyenne régionale", "Moyenne nationale"], *rows], [124, 25, 25], styles),
        chart(book, pick),
    ]
    return story


def national_section(pick: Pick, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Jury national", styles["Heading2"])]
    if pick.national is None:
        return [*story, Paragraph("Pas encore de notes nationales.", styles["BodyText"])]
    story.append(Paragraph(markup(f"{received(pick.national.sheets)} ; moyenne {_mean(pick.national)} ; "
                                  f"rang national {pick.national.rank}."), styles["BodyText"]))
    for comment in pick.national.comments:
        story += prose(comment, styles["BodyText"])
    return story


def pick_title(pick: Pick) -> str:
    return f"{pick.dossier.region_code} — {pick.dossier.title or pick.dossier.structure}"


def pick_section(book: Book, pick: Pick, heading: Paragraph, styles: Styles) -> list[Flowable]:
    dossier = pick.dossier
    return [
        heading,
        *dossier_story(dossier, styles, (
            *marks_section(book, pick, styles),
            Paragraph("Avis de l’ARS", styles["Heading2"]), *prose(pick.opinion, styles["BodyText"]),
            *national_section(pick, styles),
        )),
        PageBreak(),
    ]


def book_needs_job(picks: int) -> bool:
    """Whether a book of ``picks`` picks is built by a background job rather than inside the request."""
    return picks > REQUEST_PICKS


def write_book(book: Book, out: str | Path | BinaryIO, progress: Callable[[int, int], None] | None = None) -> None:
    """Write the whole book to ``out`` in one layout pass, calling ``progress(done, total)`` as picks are laid out.

    Each pick's pages are built when reached and freed once laid out; before the national stage the
    national columns read « — »."""
    styles = Styles.create()
    document = ExportDocument(str(out) if isinstance(out, Path) else out,
                              title=f"{TITLE} — {book.edition_name}", subject=book.theme)
    summary = document.heading(markup("Tableau récapitulatif"), styles["Heading1"])
    headings = [document.heading(markup(pick_title(pick)), styles["Heading1"]) for pick in book.picks]
    front = [*cover(book, styles), Paragraph("Sommaire", styles["Title"]),
             document.contents(styles.cell.clone("Contents", fontSize=9, leading=11)), PageBreak(),
             *summary_table(book, summary, styles)]
    sections = chain([front], (pick_section(book, pick, heading, styles)
                               for pick, heading in zip(book.picks, headings, strict=True)))
    laid_out = count()  # the front matter is the first section: (0, total), then one more per pick

    def report() -> None:
        done = next(laid_out)
        if progress:
            progress(done, len(book.picks))

    document.lay_out(sections, report)


def book_pdf(book: Book) -> bytes:
    """The whole book as bytes, for a book small enough to build inside a request."""
    buffer = io.BytesIO()
    write_book(book, buffer)
    return buffer.getvalue()
