"""Tables of the export PDFs: the styles they share and a grid of literal cells."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from app.pdf.document import cell, header_widths
from app.pdf.fonts import stylesheet

GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
])
HEADER_ROW = TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)])


@dataclass(frozen=True)
class Styles:
    """The few styles every export uses, all in the Vera family."""

    sheet: StyleSheet1
    cell: ParagraphStyle

    @classmethod
    def create(cls) -> Styles:
        sheet = stylesheet()
        # A compound too wide for a narrow column breaks at its own hyphens (« Bourgogne-|Franche-Comté »),
        # not mid-word; other words wrap whole (cut only when one alone is wider than the column).
        return cls(sheet, ParagraphStyle("Cell", parent=sheet["BodyText"], fontSize=8, leading=10,
                                         embeddedHyphenation=1))

    def __getitem__(self, name: str) -> ParagraphStyle:
        return self.sheet[name]


def grid(rows: list[list], widths: list[float], styles: Styles, header: bool = True) -> Table:
    """A table of literal cells (columns in millimetres), the header row repeated on each page."""
    if header:
        widths = header_widths(rows[0], widths, styles.cell)
    table = Table([[cell(value, width * mm, styles.cell) for value, width in zip(row, widths, strict=True)]
                   for row in rows], colWidths=[w * mm for w in widths], repeatRows=1 if header else 0,
                  splitInRow=1)  # a row taller than a page (a 2,000-character opinion) splits across pages
    table.setStyle(GRID)
    style = styles.cell  # the font of the cells set as plain strings
    table.setStyle([("FONT", (0, 0), (-1, -1), style.fontName, style.fontSize, style.leading),
                    ("TEXTCOLOR", (0, 0), (-1, -1), style.textColor)])
    if header:
        table.setStyle(HEADER_ROW)
    return table
