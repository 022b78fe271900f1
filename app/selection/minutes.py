"""The regional deliberation minutes (procès-verbal) as a PDF: jury, conflicts, ranking, picks."""

from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.models import Candidature, ConflictDeclaration, Region, User
from app.selection.ranking import RegionRanking, column, line_flags
from scoring import display

GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
])


def minutes_pdf(region: Region, ranking: RegionRanking, jurors: list[User],
                conflicts: list[tuple[User, Candidature, ConflictDeclaration]], printed_at: datetime) -> bytes:
    """Landscape A4 minutes of the region's jury, printed at ``printed_at`` (shown in Paris time)."""
    contest = region.edition.contest
    styles = getSampleStyleSheet()
    body = styles["BodyText"]

    def cell(text) -> Paragraph:
        # Candidate and organiser text is data, never markup: escape it before ReportLab parses it.
        return Paragraph(escape(str(text) if text not in (None, "") else "—"), body)

    def table(header: list[str], rows: list[list], widths: list[float]) -> Table:
        # A row taller than a page (an opinion of 2,000 characters without a space) splits across pages.
        grid = Table([[cell(h) for h in header], *([cell(v) for v in row] for row in rows)],
                     colWidths=[w * mm for w in widths], repeatRows=1, splitInRow=1)
        grid.setStyle(GRID)
        return grid

    def when(moment: datetime) -> str:
        return moment.astimezone(contest.tz).strftime("%d/%m/%Y à %H:%M") + " (heure de Paris)"

    story = [
        Paragraph("Procès-verbal de délibération du jury régional", styles["Title"]),
        cell(f"{contest.name} — « {contest.title} » ({contest.edition}e édition)"),
        cell(f"Région : {region.name}. Étape : {region.region_stage.label}."),
        cell(f"Document édité le {when(printed_at)}."),
        Paragraph("Composition du jury", styles["Heading2"]),
    ]
    story.append(table(["Juré", "Adresse électronique"], [[j.display_name, j.email] for j in jurors], [90, 120])
                 if jurors else cell("Aucun juré."))
    story.append(Paragraph("Conflits d’intérêts déclarés", styles["Heading2"]))
    story.append(table(["Juré", "Candidature", "Motif"],
                       [[juror.display_name or juror.email, candidature.title, declaration.reason]
                        for juror, candidature, declaration in conflicts], [60, 80, 117])
                 if conflicts else cell("Aucun conflit d’intérêts déclaré."))
    story += [Paragraph("Classement", styles["Heading2"]), _ranking_table(ranking, contest, table)]
    story += [cell(f"{column(contest, c.key)} : {c.label} (poids {c.weight})") for c in ranking.criteria]
    story.append(Paragraph("Candidatures retenues pour l’étape nationale", styles["Heading2"]))
    story.append(table(["Candidature", "Structure", "Avis de l’ARS", "Décidé le"],
                       [[p.candidature.title, p.candidature.structure_name, p.opinion, when(p.decided_at)]
                        for p in ranking.picks], [60, 50, 110, 37])
                 if ranking.picks else cell("Aucune candidature retenue."))
    if region.closing_reason:
        story += [Paragraph("Motif de la clôture", styles["Heading2"]), cell(region.closing_reason)]
    story += [Spacer(1, 6 * mm), cell("Signatures des membres du jury :")]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), title=f"Procès-verbal — {region.name}", lang="fr",
                      author="Concours Semaine de la sécurité des patients",
                      leftMargin=15 * mm, rightMargin=15 * mm).build(story)
    return buffer.getvalue()


def _ranking_table(ranking: RegionRanking, contest, table) -> Table:
    header = ["Rang", "Candidature", "Structure", *(column(contest, c.key) for c in ranking.criteria), "Total",
              "Grilles reçues / attendues", "Alertes"]
    rows = []
    for line in ranking.lines:
        row = line.row
        means = [display(row.aggregate.criterion_means[c.key]) if row else "—" for c in ranking.criteria]
        rows.append([row.rank if row else "—", line.candidature.title, line.candidature.structure_name, *means,
                     display(row.aggregate.total_mean) if row else "—",
                     f"{line.progress.received} / {line.progress.expected}",
                     " ; ".join(line_flags(line, contest) + (["Retenue"] if line.pick else []))])
    widths = [12, 55, 45, *([15] * len(ranking.criteria)), 16, 24, 55]
    return table(header, rows, widths)
