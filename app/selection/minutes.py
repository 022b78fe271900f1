"""The regional deliberation minutes (procès-verbal) as a PDF: jury, conflicts, ranking, picks."""

from __future__ import annotations

from datetime import datetime

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from app.pdf.document import build_pdf, literal
from app.pdf.grid import Styles, grid
from app.models import Candidature, ConflictDeclaration, Region, User
from app.selection.ranking import RegionRanking, column, line_flags
from scoring import display


def minutes_pdf(region: Region, ranking: RegionRanking, jurors: list[User],
                conflicts: list[tuple[User, Candidature, ConflictDeclaration]], printed_at: datetime) -> bytes:
    """Landscape A4 minutes of the region's jury, printed at ``printed_at`` (shown in Paris time), on the
    exports' document: numbered « x / y » pages, title and language in the metadata."""
    contest = region.edition.contest
    styles = Styles.create()

    def text(value) -> Paragraph:
        # Candidate and organiser text is data, never markup.
        return literal(value, styles["BodyText"])

    def table(header: list[str], rows: list[list], widths: list[float]):
        return grid([header, *rows], widths, styles)

    def when(moment: datetime) -> str:
        return moment.astimezone(contest.tz).strftime("%d/%m/%Y à %H:%M") + " (heure de Paris)"

    story = [
        Paragraph("Procès-verbal de délibération du jury régional", styles["Title"]),
        text(f"{contest.name} — « {contest.title} » ({contest.edition}e édition)"),
        text(f"Région : {region.name}. Étape : {region.region_stage.label}."),
        text(f"Document édité le {when(printed_at)}."),
        Paragraph("Composition du jury", styles["Heading2"]),
    ]
    story.append(table(["Juré", "Adresse électronique"], [[j.display_name, j.email] for j in jurors], [90, 120])
                 if jurors else text("Aucun juré."))
    story.append(Paragraph("Conflits d’intérêts déclarés", styles["Heading2"]))
    story.append(table(["Juré", "Candidature", "Motif"],
                       [[juror.display_name or juror.email, candidature.title, declaration.reason]
                        for juror, candidature, declaration in conflicts], [60, 80, 117])
                 if conflicts else text("Aucun conflit d’intérêts déclaré."))
    story += [Paragraph("Classement", styles["Heading2"]), _ranking_table(ranking, contest, table)]
    story += [text(f"{column(contest, c.key)} : {c.label} (poids {c.weight})") for c in ranking.criteria]
    story.append(Paragraph("Candidatures retenues pour l’étape nationale", styles["Heading2"]))
    story.append(table(["Candidature", "Structure", "Avis de l’ARS", "Décidé le"],
                       [[p.candidature.title, p.candidature.structure_name, p.opinion, when(p.decided_at)]
                        for p in ranking.picks], [60, 50, 110, 37])
                 if ranking.picks else text("Aucune candidature retenue."))
    if region.closing_reason:
        story += [Paragraph("Motif de la clôture", styles["Heading2"]), text(region.closing_reason)]
    story += [Spacer(1, 6 * mm), text("Signatures des membres du jury :")]
    return build_pdf(story, title=f"Procès-verbal — {region.name}", subject=f"{contest.name} — jury régional",
                     pagesize=landscape(A4))


def _ranking_table(ranking: RegionRanking, contest, table):
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
    widths = [12, 50, 45, *([15] * len(ranking.criteria)), 16, 24, 54]  # 261 mm: landscape A4 within margins
    return table(header, rows, widths)
