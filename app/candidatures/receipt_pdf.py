"""The proof of receipt (récépissé de dépôt) as a PDF."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.models import Candidature


def dossier_fingerprint(dossier: dict) -> str:
    """SHA-256 of the dossier's content in a canonical form: proof of what was received."""
    canonical = json.dumps(dossier, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _paragraph(text: str | None, style) -> Paragraph:
    # Candidate text is data, never markup: escape it before ReportLab parses its mini-HTML.
    return Paragraph(escape(text or "—"), style)


def receipt_pdf(candidature: Candidature, dossier: dict, issued_at: datetime) -> bytes:
    """A one-page receipt: who, what, when (Paris time) and the SHA-256 of every part."""
    contest = candidature.edition.contest
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["Code"]

    def when(moment: datetime) -> str:
        return moment.astimezone(contest.tz).strftime("%d/%m/%Y à %H:%M:%S") + " (heure de Paris)"

    rows = [
        ("Numéro de récépissé", candidature.receipt_number),
        ("Concours", f"{contest.name} — « {contest.title} »"),
        ("Région", candidature.region.name),
        ("Structure", candidature.structure_name),
        ("Projet", candidature.title),
        ("Déposée le", when(candidature.submitted_at)),
        ("Récépissé émis le", when(issued_at)),
        ("Empreinte du dossier (SHA-256)", dossier_fingerprint(dossier)),
    ]
    table = Table([[_paragraph(label, body), _paragraph(value, body)] for label, value in rows],
                  colWidths=[55 * mm, 115 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    attachments = [[_paragraph(a.display_name, body), _paragraph(a.sha256, small)] for a in candidature.attachments]
    story = [
        Paragraph("Récépissé de dépôt de candidature", styles["Title"]),
        table,
        Spacer(1, 6 * mm),
        Paragraph("Pièces jointes", styles["Heading2"]),
    ]
    if attachments:
        files = Table([[Paragraph("Fichier", body), Paragraph("SHA-256", body)], *attachments],
                      colWidths=[70 * mm, 100 * mm])
        files.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
        story.append(files)
    else:
        story.append(Paragraph("Aucune pièce jointe.", body))
    story += [
        Spacer(1, 6 * mm),
        _paragraph(f"Le dossier reste modifiable jusqu’au {contest.deadline_label} ; chaque modification "
                   "émet un nouveau récépissé.", body),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"Récépissé {candidature.receipt_number}", lang="fr",
                      author="Concours Semaine de la sécurité des patients").build(story)
    return buffer.getvalue()
