"""One candidature as the jury reads it, as a PDF; its sections are also the pieces of the shortlist book."""

from __future__ import annotations

from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from app.exports.data import Dossier
from app.pdf.document import build_pdf, literal, markup, prose
from app.pdf.grid import Styles, grid

SIDES = (("usager", "Côté usagers"), ("soignant", "Côté soignants"))
CROSS_SECTOR = "Projet intersectoriel"


def sectors_text(dossier: Dossier) -> str:
    listed = " ; ".join(dossier.sectors) or "—"
    return f"{listed} ({CROSS_SECTOR.lower()})" if dossier.cross_sector else listed


def identity(dossier: Dossier, styles: Styles) -> list[Flowable]:
    rows = [
        ["Région", dossier.region_name],
        ["Récépissé", dossier.receipt_number],
        *([["Dépôt", dossier.entered]] if dossier.entered else []),
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
