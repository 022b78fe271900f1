"""The A4 document every export PDF is built on: Vera font, metadata, « x / y » page numbers, contents.

The total page count comes from the previous layout pass: ``multiBuild`` lays the story out
again until every indexing flowable is satisfied, and ``PageTotal`` is satisfied only once two
passes end on the same page count. The footer does not change the layout, so the total printed
on the saved pass is exact, without keeping every page in memory.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph
from reportlab.platypus.tableofcontents import TableOfContents

from app.exports.fonts import FACES

AUTHOR = "Concours Semaine de la sécurité des patients"
# Candidate text may carry control characters that neither the PDF font nor the parser expect.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The heading styles whose paragraphs become entries of the table of contents.
CONTENTS_LEVELS = {"Heading1": 0}


def markup(value: object) -> str:
    """Any text as ReportLab markup that prints it literally, line breaks kept."""
    text = CONTROL.sub("", "" if value is None else str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return escape(text).replace("\n", "<br/>")


def literal(value: object, style: ParagraphStyle, empty: str = "—") -> Paragraph:
    """A paragraph printing candidate or organiser text as typed (never as markup)."""
    text = markup(value)
    return Paragraph(text if text.strip() else empty, style)


def section_key(number: int) -> str:
    return f"section-{number}"


def contents(headings: list[Paragraph], style: ParagraphStyle) -> TableOfContents:
    """A table of contents sized from the start: the first pass already lays out every entry (page numbers
    still unknown), so the pages after it do not move on the next pass and a large book needs one pass less."""
    table = TableOfContents()
    table.levelStyles = [style]
    table.addEntries([(CONTENTS_LEVELS[h.style.name], h.text, 0, section_key(number))
                      for number, h in enumerate(headings, start=1)])
    return table


class PageTotal(Flowable):
    """A zero-size indexing flowable holding the page count of the last layout pass."""

    def __init__(self, document: BaseDocTemplate):
        super().__init__()
        self.document = document
        self.total: int | None = None
        self._previous: int | None = None

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        pass

    def isIndexing(self):
        return True

    def beforeBuild(self):
        self._previous = self.total

    def afterBuild(self):
        self.total = self.document.page

    def notify(self, kind, stuff):
        pass

    def isSatisfied(self):
        return self.total is not None and self.total == self._previous


class ExportDocument(BaseDocTemplate):
    """A4 portrait, one frame, a footer « page / total », headings registered in the contents."""

    def __init__(self, buffer, *, title: str, subject: str):
        super().__init__(buffer, pagesize=A4, title=title, subject=subject, author=AUTHOR, creator=AUTHOR,
                         lang="fr", leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                         bottomMargin=20 * mm)
        self.pages = PageTotal(self)
        self.footer_text = title
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._footer)])
        self._entries = 0

    def _footer(self, canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(FACES[0, 0][0], 8)
        total = self.pages.total or "…"
        canvas.drawRightString(self.pagesize[0] - self.rightMargin, 10 * mm, f"{document.page} / {total}")
        canvas.drawString(self.leftMargin, 10 * mm, CONTROL.sub("", self.footer_text)[:90])
        canvas.restoreState()

    def beforeDocument(self) -> None:
        self._entries = 0

    def afterFlowable(self, flowable) -> None:
        level = CONTENTS_LEVELS.get(getattr(getattr(flowable, "style", None), "name", None))
        if level is None or not isinstance(flowable, Paragraph):
            return
        self._entries += 1
        key = section_key(self._entries)
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level)
        self.notify("TOCEntry", (level, flowable.text, self.page, key))



def build_pdf(story: list, *, title: str, subject: str) -> bytes:
    """Lay ``story`` out until page numbers and contents are stable, and return the PDF."""
    buffer = io.BytesIO()
    document = ExportDocument(buffer, title=title, subject=subject)
    document.multiBuild([document.pages, *story])
    return buffer.getvalue()
