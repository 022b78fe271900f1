"""The A4 document every export PDF is built on: Vera font, metadata, « x / y » page numbers, contents.

Laid out in one pass. The numbers known only once the last page is laid out (the total in every
footer, the page of each contents entry) are PDF form XObjects: a page draws a form by name, and
the forms are filled in after the last page, before the file is written (a PDF may use a form
defined later, and ReportLab allows it). The layout never depends on those numbers: the footer sits
below the frame and the contents keep a fixed column for them.

The story is laid out section by section, so a section's flowables can be built just before it is
laid out and freed after: a book of a thousand dossiers never holds them all.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont, stringWidth
from reportlab.platypus.paragraph import cleanBlockQuotedText, split as rl_split, strip as rl_strip
from reportlab.platypus.paraparser import ParaFrag, ParaParser
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, LayoutError, PageTemplate, Paragraph, Table, TableStyle

from app.pdf.fonts import FACES, SubsetFont

AUTHOR = "Concours Semaine de la sécurité des patients"
# Candidate text may carry control characters that neither the PDF font nor the parser expect.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FOOTER_FONT, FOOTER_SIZE, FOOTER_Y = FACES[0, 0][0], 8, 10 * mm
# Room kept right of the footer's title for « 9999 / 9999 », and right of each contents entry for its page.
NUMBER_ROOM, CONTENTS_NUMBER = 30 * mm, 15 * mm
CELL_PADDING = 12  # Table's default left and right padding, six points each
# As ReportLab's own table of contents: entries flush with the frame, three points below, three plus
# the style's space before above.
CONTENTS_TABLE = [
    ("VALIGN", (0, 0), (0, -1), "TOP"),
    ("VALIGN", (1, 0), (1, -1), "BOTTOM"),  # the page number on the entry's last line
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
]


def markup(value: object) -> str:
    """Any text as ReportLab markup that prints it literally, line breaks kept."""
    return "<br/>".join(map(escape, text_lines(value)))


def text_lines(value: object) -> list[str]:
    """Any text's lines, without the control characters that neither the PDF font nor the parser expect."""
    return CONTROL.sub("", "" if value is None else str(value)).replace("\r\n", "\n").replace("\r", "\n").split("\n")


@lru_cache(maxsize=64)
def _plain_fragment(font: str, size: float, colour: Color) -> ParaFrag:
    """The fragment ReportLab's parser makes of plain text in this font, size and colour (all it reads
    from the style for it), text aside."""
    _style, (fragment,), _bullet = ParaParser().parse("x", ParagraphStyle("Plain", fontName=font, fontSize=size,
                                                                         textColor=colour))
    return fragment


class PlainParagraph(Paragraph):
    """A paragraph of one plain fragment (``line``), broken into lines on a short path.

    ReportLab's ``breakLines`` weighs, for each word, the hyphenation, long-word and soft-hyphen cases
    that a plain line in a plain style never meets, and measures its words one by one; here the words
    are measured in one pass and fitted as ReportLab fits them (the same widths, sums and comparisons,
    so the same lines). Anything else (a word wider than the line, a soft hyphen, a bullet, a style
    that hyphenates, shapes or wraps otherwise) goes to ReportLab's own ``breakLines``.

    Wrapped again at the width it was last wrapped at (a table measures its cells each time it is
    measured or split, a frame measures again what did not fit at the foot of a page), it answers
    the same size without breaking its lines again: they depend on the width alone."""

    def wrap(self, available_width, available_height):
        # split() forgets the lines (deletes blPara) to have the paragraph broken again where it lands.
        if available_width != getattr(self, "wrapped_width", None) or not hasattr(self, "blPara"):
            super().wrap(available_width, available_height)
            self.wrapped_width = available_width
        return self.width, self.height

    def breakLines(self, width):
        style, (fragment,) = self.style, self.frags
        widths = list(width) if isinstance(width, (tuple, list)) else [width]
        text = getattr(fragment, "text", None)
        if (text is None or self.bulletText or style.endDots or style.wordWrap or style.shaping
                or style.hyphenationLang or style.uriWasteReduce or style.embeddedHyphenation or "\xad" in text):
            return super().breakLines(width)
        font, size = getFont(fragment.fontName), fragment.fontSize
        ascent, descent = getAscentDescent(fragment.fontName, size)
        words = rl_split(rl_strip(text))
        measured = (font.measure(words, size, self.encoding) if isinstance(font, SubsetFont) else
                    [font.stringWidth(word, size, self.encoding) for word in words])
        if not words or (style.splitLongWords and max(measured) > min(widths)):
            return super().breakLines(width)
        space = font.stringWidth(" ", size, self.encoding)
        shrink = style.spaceShrinkage * space
        lines, current, used, number, widest, room = [], [], -space, 0, 0, widths[0]
        for word, measure in zip(words, measured):
            after = used + space + measure
            if after <= room + shrink * len(current) or not current:
                current.append(word)
                used = after
            else:
                widest = max(widest, used)
                lines.append((room - used, current))
                current, used, number = [word], measure, number + 1
                room = widths[min(len(widths) - 1, number)]
        lines.append((room - used, current))
        self.height, self._width_max = 0, max(widest, used)
        self._splitLongWordCount = self._hyphenations = 0
        return fragment.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=size)


def line(text: str, style: ParagraphStyle) -> Paragraph:
    """``Paragraph(escape(text), style)`` for one line of plain text, made without running the parser.

    The parser took a tenth of the book's time to find that a line of candidate text holds no markup;
    for such a line it makes one fragment, the text with its spaces collapsed as below. A line holding
    « & », « < » or « > » (which the parser splits around their escapes) still goes through it."""
    cleaned = cleanBlockQuotedText(text)
    if not cleaned or any(char in cleaned for char in "&<>") or style.textTransform:
        return Paragraph(escape(text), style)
    template = _plain_fragment(style.fontName, style.fontSize, style.textColor)
    lists = {name: list(value) for name, value in vars(template).items() if isinstance(value, list)}
    return PlainParagraph(cleaned, style, frags=[template.clone(text=cleaned, **lists)])


def literal(value: object, style: ParagraphStyle, empty: str = "—") -> Paragraph:
    """A paragraph printing candidate or organiser text as typed (never as markup)."""
    lines = text_lines(value)
    if len(lines) == 1:
        return line(lines[0] if lines[0].strip() else empty, style)
    text = markup(value)
    return Paragraph(text if text.strip() else empty, style)


def header_widths(header: Iterable[object], widths: list[float], style: ParagraphStyle) -> list[float]:
    """Column widths (millimetres) in which no header word is cut (« Régi/on »): a column too narrow for
    its longest word takes the room it needs from the widest column."""
    needed = [max((stringWidth(word, style.fontName, style.fontSize) for word in str(title).split()), default=0)
              for title in header]
    fitted = [max(width, (need + CELL_PADDING) / mm + 0.5) for width, need in zip(widths, needed, strict=True)]
    widest = max(range(len(widths)), key=lambda index: widths[index])
    fitted[widest] -= sum(fitted) - sum(widths)
    return fitted


def cell(value: object, width: float, style: ParagraphStyle, empty: str = "—") -> str | Paragraph:
    """A table cell ``width`` points wide printing ``value`` as typed.

    A plain string when it fits on one line: Table sets it where a one-line paragraph of ``style``
    would stand (``grid`` gives the table that font), without parsing or wrapping it, several times
    faster. Otherwise a paragraph, wrapped."""
    text = CONTROL.sub("", "" if value is None else str(value))
    if "\n" in text or "\r" in text:
        return literal(value, style, empty)
    text = " ".join(text.split()) or empty  # as a paragraph would: runs of spaces as one
    if stringWidth(text, style.fontName, style.fontSize) <= width - CELL_PADDING:
        return text
    return literal(text, style, empty)


def prose(value: object, style: ParagraphStyle, empty: str = "—") -> list[Flowable]:
    """Long text as typed, one paragraph per line, blank lines kept as space above the next line.

    Looks like ``literal`` but lays out several times faster: ReportLab breaks a paragraph holding
    line breaks word by word across its style fragments, and a plain one on a fast path."""
    lines = text_lines(value)
    if not "".join(lines).strip():
        return [line(empty, style)]
    story: list[Flowable] = []
    styles = {style.spaceBefore: style}  # by space above: the style's own, none, one blank line...
    blank = 0
    for text in lines:
        if not text.strip():
            blank += 1
            continue
        space = style.spaceBefore if not story else blank * style.leading
        if space not in styles:
            styles[space] = style.clone(style.name, spaceBefore=space)
        story.append(line(text, styles[space]))
        blank = 0
    return story


def page_form(number: int) -> str:
    return f"page-{number}"


def entry_form(key: str) -> str:
    return f"entry-{key}"


def shortened(text: str, width: float) -> str:
    """``text`` on one footer line of ``width`` points, cut after a whole word and ended by « … »."""
    text = " ".join(CONTROL.sub("", text).split())
    if stringWidth(text, FOOTER_FONT, FOOTER_SIZE) <= width:
        return text
    return simpleSplit(text, FOOTER_FONT, FOOTER_SIZE, width - stringWidth(" …", FOOTER_FONT, FOOTER_SIZE))[0] + " …"


class EntryPage(Flowable):
    """The page number of a contents entry: a form filled once the entry's page is known."""

    def __init__(self, key: str, style: ParagraphStyle):
        super().__init__()
        self.key, self.style = key, style

    def wrap(self, available_width, available_height):
        return CONTENTS_NUMBER, self.style.leading

    def draw(self):
        self.canv.doForm(entry_form(self.key))


class ExportDocument(BaseDocTemplate):
    """A4 (portrait unless told), one frame, a footer « title … page / total », headings registered in
    the contents."""

    def __init__(self, out: BinaryIO, *, title: str, subject: str, pagesize=A4):
        super().__init__(out, pagesize=pagesize, title=title, subject=subject, author=AUTHOR, creator=AUTHOR,
                         lang="fr", leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                         bottomMargin=20 * mm)
        self.footer_text = shortened(title, self.width - NUMBER_ROOM)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._footer)])
        self.headings: list[Paragraph] = []
        self.entry_pages: dict[str, int] = {}
        self.contents_style: ParagraphStyle | None = None

    def heading(self, text: str, style: ParagraphStyle) -> Paragraph:
        """A heading (markup) that becomes a contents entry, a bookmark and an outline entry."""
        paragraph = Paragraph(text, style)
        paragraph.contents_key = f"section-{len(self.headings) + 1}"
        self.headings.append(paragraph)
        return paragraph

    def contents(self, style: ParagraphStyle) -> Table:
        """Every heading made so far, each linked to its section, its page number filled in at the end."""
        self.contents_style = style.clone("ContentsNumber", alignment=TA_RIGHT)
        rows = [[Paragraph(f'<a href="#{h.contents_key}">{h.text}</a>', style),
                 EntryPage(h.contents_key, self.contents_style)] for h in self.headings]
        return Table(rows, colWidths=[self.width - CONTENTS_NUMBER, CONTENTS_NUMBER], style=TableStyle(
            [*CONTENTS_TABLE, ("TOPPADDING", (0, 0), (-1, -1), 3 + style.spaceBefore)]))

    def _footer(self, canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(FOOTER_FONT, FOOTER_SIZE)
        canvas.doForm(page_form(document.page))
        canvas.drawString(self.leftMargin, FOOTER_Y, self.footer_text)
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        key = getattr(flowable, "contents_key", None)
        if key is None:
            return
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)
        self.entry_pages[key] = self.page

    def lay_out(self, sections: Iterable[list[Flowable]], laid_out: Callable[[], None] | None = None) -> None:
        """Lay every section out once, call ``laid_out()`` after each, fill the numbers in and write the file.

        The same calls as ``BaseDocTemplate.build``, which needs the whole story as one list."""
        self._startBuild()
        self.canv._doctemplate = self  # as build() does: some flowables reach the template through it
        for section in sections:
            while section:
                self.clean_hanging()
                self.handle_flowable(section)
            if laid_out:
                laid_out()
        self._doSave = False  # the forms are filled in before saving
        self._endBuild()
        self._fill_numbers(self.canv.getPageNumber() - 1)  # the canvas stands on the page after the last
        self.canv.save()

    def _fill_numbers(self, total: int) -> None:
        canvas = self.canv
        if self.contents_style is not None and len(self.entry_pages) < len(self.headings):
            # A heading split across pages loses its key: say so rather than let the save fail on a missing form.
            missing = [h.getPlainText() for h in self.headings if h.contents_key not in self.entry_pages]
            raise LayoutError(f"Entrées du sommaire jamais mises en page : {missing}")
        right = self.pagesize[0] - self.rightMargin
        for number in range(1, total + 1):
            canvas.beginForm(page_form(number))
            canvas.setFont(FOOTER_FONT, FOOTER_SIZE)
            canvas.drawRightString(right, FOOTER_Y, f"{number} / {total}")
            canvas.endForm()
        if self.contents_style is None:
            return
        for key, page in self.entry_pages.items():
            canvas.beginForm(entry_form(key))
            number = Paragraph(str(page), self.contents_style)
            number.wrapOn(canvas, CONTENTS_NUMBER, self.contents_style.leading)
            number.drawOn(canvas, 0, 0)
            canvas.endForm()


def build_pdf(story: list[Flowable], *, title: str, subject: str, pagesize=A4) -> bytes:
    """The PDF of a story that has no contents, such as one dossier or a region's minutes."""
    buffer = io.BytesIO()
    ExportDocument(buffer, title=title, subject=subject, pagesize=pagesize).lay_out([story])
    return buffer.getvalue()
