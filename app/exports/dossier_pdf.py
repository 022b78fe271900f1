"""One candidature as the jury reads it, as a PDF; its sections are also the pieces of the shortlist book."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from app.exports.data import Dossier
from app.exports.document import build_pdf, cell, header_widths, literal, markup, prose
from app.exports.fonts import stylesheet

GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
])
HEADER_ROW = TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)])
SIDES = (("usager", "Côté usagers"), ("soignant", "Côté soignants"))
CROSS_SECTOR = "Projet intersectoriel"


@dataclass(frozen=True)
class Styles:
    """The few styles every export uses, all in the Vera family."""

    sheet: StyleSheet1
    cell: ParagraphStyle

    @classmethod
    def create(cls) -> Styles:
        sheet = stylesheet()
        return cls(sheet, ParagraphStyle("Cell", parent=sheet["BodyText"], fontSize=8, leading=10))

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


def sectors_text(dossier: Dossier) -> str:
    listed = " ; ".join(dossier.sectors) or "—"
    return f"{listed} ({CROSS_SECTOR.lower()})" if dossier.cross_sector else listed


def identity(dossier: Dossier, styles: Styles) -> list[Flowable]:
    rows = [
        ["Région", dossier.region_name],
        ["Récépissé", dossier.receipt_number],
        ["Structure", dossier.structure],
        ["Catégorie", dossier.category],
        ["Identifiant", dossier.identifier],
        ["Secteurs", sectors_text(dossier)],
        ["Contact", dossier.contact],
        ["Domaines", " ; ".join(dossier.domains)],
        ["État d’avancement", dossier.project_stage],
        ["Lien", dossier.link],
    ]
    return [grid(rows, [40, 134], styles, header=False)]


def project(dossier: Dossier, styles: Styles) -> list[Flowable]:
    return [Paragraph("Résumé", styles["Heading2"]), *prose(dossier.summary, styles["BodyText"]),
            Paragraph("Description", styles["Heading2"]), *prose(dossier.description, styles["BodyText"])]


def partnership(dossier: Dossier, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Le partenariat entre usagers et soignants", styles["Heading2"])]
    for side, heading in SIDES:
        partners = [p for p in dossier.partners if p.side == side]
        story.append(Paragraph(heading, styles["Heading3"]))
        story.append(grid([["Nom", "Organisation", "Rôle dans le projet"],
                           *([p.name, p.organisation, p.role] for p in partners)], [50, 62, 62], styles)
                     if partners else literal("", styles["BodyText"], empty="Aucun partenaire déclaré."))
    story.append(Paragraph("Modalités : " + markup(" ; ".join(dossier.modalities) or "—"), styles["BodyText"]))
    return story


def answers(dossier: Dossier, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Réponses aux critères du concours", styles["Heading2"])]
    for answer in dossier.answers:
        # One paragraph per answer, never kept together: a long answer flows onto the next pages.
        story += [Paragraph(markup(answer.criterion), styles["Heading3"]), *prose(answer.text, styles["BodyText"])]
    return story


def attachments(dossier: Dossier, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Pièces jointes", styles["Heading2"])]
    if not dossier.attachments:
        return [*story, Paragraph("Aucune pièce jointe.", styles["BodyText"])]
    rows = [[a.name, f"{a.size:,}".replace(",", " "), a.sha256] for a in dossier.attachments]
    return [*story, grid([["Fichier", "Taille (octets)", "SHA-256"], *rows], [58, 22, 94], styles)]


def dossier_story(dossier: Dossier, styles: Styles, before_attachments: tuple[Flowable, ...] = ()) -> list[Flowable]:
    """Every section of the dossier, in the order of the jury's page (``before_attachments`` inserted)."""
    return [*identity(dossier, styles), *project(dossier, styles), *partnership(dossier, styles),
            *answers(dossier, styles), *before_attachments, *attachments(dossier, styles)]


def dossier_pdf(dossier: Dossier, edition_name: str, printed_at: datetime) -> bytes:
    """The dossier of one candidature, headed by the edition and the time it was printed."""
    styles = Styles.create()
    story = [
        Paragraph(markup(dossier.title or "Dossier de candidature"), styles["Title"]),
        Paragraph(markup(f"{edition_name} — document édité le {printed_at:%d/%m/%Y à %H:%M}."), styles["BodyText"]),
        Spacer(1, 4 * mm),
        *dossier_story(dossier, styles),
    ]
    return build_pdf(story, title=f"Dossier {dossier.receipt_number} — {dossier.title}", subject=edition_name)
