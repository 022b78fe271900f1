"""Candidatures and marks as CSV (UTF-8 with BOM, « ; », CRLF, as French spreadsheets open it) and XLSX.

Memory stays bounded whatever the number of rows: the rows come from the database in batches of
``BATCH`` (``yield_per``: a server-side cursor on PostgreSQL), the CSV leaves as a stream of chunks
of ``BATCH`` lines, and the XLSX is written by openpyxl's write-only mode into a file.

A cell typed by a candidate or a juror could start a formula in the spreadsheet that opens the
file: every text cell starting with =, +, -, @, a tab or a carriage return gets a leading
apostrophe, in both formats, through ``neutralise``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import BinaryIO

from openpyxl import Workbook
from sqlalchemy.orm import contains_eager, selectinload

from app.exports.data import dossier_of
from app.extensions import db
from app.models import Candidature, Mark, Region, Scoresheet, User
from app.search import DossierFilter
from app.selection.ranking import column
from scoring import display
from workflows.definition import Contest
from workflows.states import State

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 500
Value = str | int | Fraction | datetime | None


def neutralise(value: str) -> str:
    """The text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class Sheet:
    """A header and rows (a generator for large exports) of plain values; ``size`` counts the rows
    without reading them (one query), for a job to tell its progress."""

    title: str
    header: tuple[str, ...]
    rows: Iterable[tuple[Value, ...]]
    size: Callable[[], int] | None = None


def _size(query) -> Callable[[], int]:
    return lambda: db.session.scalar(db.select(db.func.count()).select_from(query.order_by(None).subquery()))


def _csv_cell(value: Value) -> str:
    if isinstance(value, str):  # most cells: tested first (Fraction's isinstance goes through the ABCs)
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, Fraction):
        return display(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return neutralise(str(value))


def _xlsx_cell(value: Value):
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # already in the contest's time zone; Excel has none
    return neutralise(value) if isinstance(value, str) else value


def to_csv(sheet: Sheet) -> Iterator[bytes]:
    """The file in chunks of ``BATCH`` lines, to stream as the rows arrive."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_cell(value) for value in sheet.header])
    for number, row in enumerate(sheet.rows, start=1):
        writer.writerow([_csv_cell(value) for value in row])
        if number % BATCH == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    chunk = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return chunk.encode("utf-8")


def to_xlsx(sheet: Sheet, out: BinaryIO) -> None:
    """Write the workbook into ``out``, a file: rows go to disk as they come, never into a cell grid."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet.title)
    worksheet.append([_xlsx_cell(value) for value in sheet.header])
    for row in sheet.rows:
        worksheet.append([_xlsx_cell(value) for value in row])
    workbook.save(out)


def searched(filters: DossierFilter, scope=()) -> list:
    """The conditions of a table made from a list: ``scope`` (the list's dossiers) and, when the list is
    filtered, its filters; a filtered list never shows a draft (the candidate's own until handed in): nor
    does its file."""
    if not filters.active:
        return list(scope)
    return [*scope, *filters.conditions(), Candidature.state != State.DRAFT.value]


def _local(moment: datetime | None, contest: Contest) -> datetime | None:
    return moment.astimezone(contest.tz) if moment else None


def candidatures_sheet(region_ids: list[int], contest: Contest, conditions=()) -> Sheet:
    """One line per candidature of the regions (those meeting ``conditions``, a list's search), drafts
    included when not searched, by region then id."""
    header = ("N°", "Récépissé", "Région", "État", "Déposée le", "Catégorie", "Structure", "Identifiant", "Secteurs",
              "Inter-secteurs", "Contact", "Projet", "Résumé", "Description", "Modalités", "Domaines",
              "État d’avancement", "Lien", *(f"Réponse — {c.label}" for c in contest.criteria), "Partenaires",
              "Pièces jointes")

    found = db.select(Candidature).join(Region).where(Candidature.region_id.in_(region_ids), *conditions)

    def rows() -> Iterator[tuple[Value, ...]]:
        query = (found.options(contains_eager(Candidature.region), selectinload(Candidature.partners),
                               selectinload(Candidature.attachments))
                 .order_by(Region.code, Candidature.id))
        for candidature in db.session.scalars(query.execution_options(yield_per=BATCH)):
            d = dossier_of(candidature, contest)
            yield (d.id, d.receipt_number, d.region_code, State(candidature.state).label,
                   _local(candidature.submitted_at, contest), d.category, d.structure, d.identifier,
                   " ; ".join(d.sectors), "oui" if d.cross_sector else "non", d.contact, d.title, d.summary,
                   d.description, " ; ".join(d.modalities), " ; ".join(d.domains), d.project_stage, d.link,
                   *(answer.text for answer in d.answers), len(d.partners), len(d.attachments))

    return Sheet("Candidatures", header, rows(), _size(found))


def marks_sheet(region_ids: list[int], stages: tuple[str, ...], contest: Contest, conditions=()) -> Sheet:
    """One line per submitted scoresheet of the regions' candidatures (those meeting ``conditions``) at
    ``stages``: marks, total, comments."""
    criteria = [(key, contest.criterion(key).weight) for key in contest.tie_break]
    header = ("N°", "Récépissé", "Région", "Projet", "Jury", "Juré", "Courriel du juré", "Rendue le",
              *(column(contest, key) for key, _ in criteria), "Total pondéré",
              *(f"Justification {column(contest, key)}" for key, _ in criteria), "Commentaire")

    def per_criterion(column_of):
        return [db.func.max(db.case((Mark.criterion == key, column_of))) for key, _ in criteria]

    # One streamed query: the marks of each sheet pivoted into columns by the database.
    query = (db.select(Candidature.id, Candidature.receipt_number, Region.code, Candidature.title, Scoresheet.stage,
                       User.display_name, User.email, Scoresheet.submitted_at, Scoresheet.overall_comment,
                       Scoresheet.total, *per_criterion(Mark.value), *per_criterion(Mark.justification))
             .join(Candidature, Candidature.id == Scoresheet.candidature_id)
             .join(User, User.id == Scoresheet.juror_id).join(Region, Region.id == Candidature.region_id)
             .join(Mark, Mark.scoresheet_id == Scoresheet.id)
             .where(Candidature.region_id.in_(region_ids), Scoresheet.stage.in_(stages),
                    Scoresheet.status == "submitted", *conditions)
             .group_by(Scoresheet.id, Candidature.id, User.id, Region.id)
             .order_by(Region.code, Candidature.id, Scoresheet.stage.desc(), User.email))

    def rows() -> Iterator[tuple[Value, ...]]:
        for number, receipt, region_code, title, stage, name, email, submitted_at, comment, total, *marks in \
                db.session.execute(query.execution_options(yield_per=BATCH)):
            values, justifications = marks[:len(criteria)], marks[len(criteria):]
            # The total the sheet carries (computed by ``scoring`` when it was saved), shown as a mean is.
            yield (number, receipt, region_code, title, "régional" if stage == "regional" else "national",
                   name, email, _local(submitted_at, contest), *values, Fraction(total), *justifications, comment)

    # The sheets counted without pivoting their marks (a progress needs no more; the pivot costs seconds).
    sheets = (db.select(Scoresheet.id).join(Candidature, Candidature.id == Scoresheet.candidature_id)
              .where(Candidature.region_id.in_(region_ids), Scoresheet.stage.in_(stages),
                     Scoresheet.status == "submitted", *conditions))
    return Sheet("Notes", header, rows(), _size(sheets))
