"""Bitstream Vera, bundled with ReportLab, as the font family of every export (it prints é, œ, « », ’, €)."""

from __future__ import annotations

from pathlib import Path

import reportlab
from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import StyleSheet1, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "Vera"
FACES = {  # (bold, italic) -> (font name, file)
    (0, 0): ("Vera", "Vera.ttf"),
    (1, 0): ("Vera-Bold", "VeraBd.ttf"),
    (0, 1): ("Vera-Italic", "VeraIt.ttf"),
    (1, 1): ("Vera-BoldItalic", "VeraBI.ttf"),
}
FONTS_DIR = Path(reportlab.__file__).parent / "fonts"
WIDTHS_KEPT = 50_000


class SubsetFont(TTFont):
    """A TrueType font that remembers the widths it measured and encodes strings at C speed.

    Widths: ReportLab measures every word of a paragraph each time it breaks it into lines; words
    repeat, and a width read back from a dict cost 0.4 µs here against 5 µs measured again (on the
    loaded machine). At most ``WIDTHS_KEPT`` are kept per face and size (then forgotten at once), a
    few MB; another thread may only measure a word twice.

    Encoding: ReportLab encodes every string it draws character by character in Python
    (``splitString``: each character's code in the document's font subset, assigned on first use),
    about a tenth of the book's time. Once a string's characters all have a code in the first subset
    (a French text uses fewer than its 256), the same bytes come from one ``str.translate``; any
    other string, or a character met for the first time, takes ReportLab's own path, which assigns
    its code."""

    def __init__(self, *arguments, **options):
        super().__init__(*arguments, **options)
        self.widths: dict[tuple[float, str], dict[str, float]] = {}  # by size and encoding, by string

    def measure(self, words: list[str], size: float, encoding: str = "utf8") -> list[float]:
        """The width of each of ``words`` (strings) at ``size``, as ``stringWidth`` gives it."""
        known = self.widths.setdefault((size, encoding), {})
        widths = list(map(known.get, words))
        if None in widths:
            if len(known) >= WIDTHS_KEPT:
                known.clear()
            measure = super().stringWidth
            widths = [known.setdefault(word, measure(word, size, encoding)) if width is None else width
                      for word, width in zip(words, widths)]
        return widths

    def stringWidth(self, text, size, encoding="utf8"):
        if type(text) is not str:  # bytes, or a shaped string whose width is not its characters'
            return super().stringWidth(text, size, encoding)
        return self.measure([text], size, encoding)[0]

    def splitString(self, text, doc, encoding="utf-8"):
        state = self.state.get(doc)
        if state is None or not isinstance(text, str) or not text:
            return super().splitString(text, doc, encoding)
        known = getattr(state, "known", None)
        if known is None or known[0] != len(state.assignments):  # codes were assigned since: rebuild
            codes = {point: code for point, code in state.assignments.items() if code < 256}
            if 32 in state.assignments:
                codes[0xA0] = state.assignments[32]  # as ReportLab does: a no-break space prints as a space
            known = state.known = len(state.assignments), codes, frozenset(map(chr, codes))
        _count, codes, chars = known
        if not chars.issuperset(text):
            return super().splitString(text, doc, encoding)
        return [(0, text.translate(codes).encode("latin-1"))]


def register_family() -> None:
    """Register the four faces once per process (ReportLab's registry is global)."""
    if FAMILY in pdfmetrics.getRegisteredFontNames():
        return
    for (bold, italic), (name, filename) in FACES.items():
        pdfmetrics.registerFont(SubsetFont(name, str(FONTS_DIR / filename)))
        addMapping(FAMILY, bold, italic, name)


def stylesheet() -> StyleSheet1:
    """ReportLab's sample styles, every one set in Vera (bold styles in Vera-Bold)."""
    register_family()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        if not hasattr(style, "fontName"):  # list styles take their font from the paragraphs
            continue
        bold, italic = int("Bold" in style.fontName), int("Italic" in style.fontName or "Oblique" in style.fontName)
        style.fontName = FACES[bold, italic][0]
    return styles
