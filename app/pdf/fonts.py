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


def register_family() -> None:
    """Register the four faces once per process (ReportLab's registry is global)."""
    if FAMILY in pdfmetrics.getRegisteredFontNames():
        return
    for (bold, italic), (name, filename) in FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / filename)))
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
