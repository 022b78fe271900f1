"""Rows turned into plain frozen values: the PDF builders take these, never ORM objects.

Labels are resolved here from the edition's definition, so a builder needs neither the database
nor the contest file, and a benchmark or a unit test can feed it generated values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from itertools import groupby

from sqlalchemy.orm import selectinload

from app.extensions import db
from app.jury.workload import Work, regional_ranks, summaries, weighted_criteria
from app.models import Candidature, Edition, Mark, Region, RegionalPick, Scoresheet
from app.selection.ranking import column
from scoring import Aggregate, aggregate_summaries, rank
from workflows.definition import Choice, Contest


@dataclass(frozen=True)
class Partner:
    side: str  # "usager" or "soignant"
    name: str
    organisation: str
    role: str


@dataclass(frozen=True)
class AttachmentFile:
    name: str
    size: int
    sha256: str
    stored_name: str


@dataclass(frozen=True)
class Answer:
    criterion: str  # the criterion's label
    text: str


@dataclass(frozen=True)
class Dossier:
    """What the jury reads of one candidature."""

    id: int
    receipt_number: str
    region_code: str
    region_name: str
    title: str
    structure: str
    category: str
    identifier: str
    sectors: tuple[str, ...]
    contact: str
    summary: str
    description: str
    modalities: tuple[str, ...]
    domains: tuple[str, ...]
    project_stage: str
    link: str
    answers: tuple[Answer, ...]
    partners: tuple[Partner, ...]
    attachments: tuple[AttachmentFile, ...]
    entered: str = ""  # how a dossier entered by its ARS was received, else empty

    @property
    def cross_sector(self) -> bool:
        """The note welcomes projects run across sectors: two sectors or more."""
        return len(self.sectors) >= 2


@dataclass(frozen=True)
class JuryMarks:
    """One jury's submitted sheets on a candidature: means in the book's criteria order."""

    sheets: int
    means: tuple[Fraction, ...]
    total: Fraction
    rank: int
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pick:
    dossier: Dossier
    opinion: str  # the ARS opinion given when the region selected it
    regional: JuryMarks | None
    national: JuryMarks | None


@dataclass(frozen=True)
class CriterionHeading:
    short: str  # C1, C2… in tie-break order
    label: str


@dataclass(frozen=True)
class Book:
    edition_name: str
    theme: str
    ceremony: date
    printed_at: datetime  # local time of the contest
    published: bool  # the results are public: the book is no longer confidential
    scale_max: int
    criteria: tuple[CriterionHeading, ...]
    picks: tuple[Pick, ...]


def _labels(keys, choices: tuple[Choice, ...]) -> tuple[str, ...]:
    chosen = set(keys or ())
    return tuple(choice.label for choice in choices if choice.key in chosen)


def _label(key: str | None, choices: tuple[Choice, ...]) -> str:
    return next(iter(_labels([key], choices)), "")


def dossier_of(candidature: Candidature, contest: Contest) -> Dossier:
    """The candidature as plain values, every key replaced by its label."""
    contact = ", ".join(filter(None, (candidature.contact_name, candidature.contact_function)))
    contact = " — ".join(filter(None, (contact, candidature.contact_email, candidature.contact_phone)))
    domains = _labels(candidature.domains, contest.domains)
    if candidature.domain_other:
        domains += (candidature.domain_other,)
    answers = candidature.answers or {}
    return Dossier(
        id=candidature.id,
        receipt_number=candidature.receipt_number or "",
        region_code=candidature.region.code,
        region_name=candidature.region.name,
        title=candidature.title or "",
        structure=candidature.structure_name or "",
        category=_label(candidature.category, contest.categories),
        identifier=candidature.identifier or "",
        sectors=_labels(candidature.sectors, contest.sectors),
        contact=contact,
        summary=candidature.summary or "",
        description=candidature.description or "",
        modalities=_labels(candidature.modalities, contest.modalities),
        domains=domains,
        project_stage=_label(candidature.project_stage, contest.project_stages),
        link=candidature.link or "",
        answers=tuple(Answer(c.label, answers.get(c.key) or "") for c in contest.criteria),
        partners=tuple(Partner(p.side, p.name, p.organisation, p.role) for p in candidature.partners),
        attachments=tuple(AttachmentFile(a.display_name, a.size, a.sha256, a.stored_name)
                          for a in candidature.attachments),
        entered=(f"saisi par l’ARS, reçu par courriel le "
                 f"{candidature.received_at.astimezone(contest.tz):%d/%m/%Y à %H:%M} (heure de Paris)"
                 if candidature.entered_by_ars else ""),
    )


def criteria_headings(contest: Contest) -> tuple[CriterionHeading, ...]:
    return tuple(CriterionHeading(column(contest, key), contest.criterion(key).label) for key in contest.tie_break)


def _marks(result: Aggregate, position: int, contest: Contest, comments: tuple[str, ...] = ()) -> JuryMarks:
    return JuryMarks(result.count, tuple(result.criterion_means[key] for key in contest.tie_break),
                     result.total_mean, position, comments)


def shortlist_picks(edition: Edition) -> list[RegionalPick]:
    """Every regional pick of the edition, in the regions' order (the definition's) then by slot, dossiers loaded."""
    return db.session.scalars(
        db.select(RegionalPick).join(Region, Region.id == RegionalPick.region_id)
        .where(Region.edition_id == edition.id)
        .options(selectinload(RegionalPick.candidature).selectinload(Candidature.partners),
                 selectinload(RegionalPick.candidature).selectinload(Candidature.attachments))
        .order_by(Region.id, RegionalPick.slot)
    ).all()


def _regional_marks(edition: Edition, contest: Contest, picks: list[int]) -> dict[int, JuryMarks]:
    """Each pick's regional figures and its rank in its region's ranking (conflicted sheets left out, as on
    the ranking page): the picks' sums, and their ranks among their regions' dossiers, one query each."""
    criteria = weighted_criteria(contest)
    work = Work.all_regions(edition)
    ranks = regional_ranks(work, criteria, picks)
    figures = aggregate_summaries(summaries(work.within(picks), criteria).values(),
                                  threshold=contest.disagreement_threshold)
    return {int(key): _marks(result, ranks[int(key)], contest) for key, result in figures.items()}


def _comments(work: Work, contest: Contest) -> dict[int, list[str]]:
    """The counted sheets' justifications (by criterion) and overall comments, per candidature."""
    expected = work.expected()
    rows = db.session.execute(
        db.select(Scoresheet.id, Scoresheet.candidature_id, Scoresheet.overall_comment, Mark.criterion,
                  Mark.justification)
        .join(expected, db.and_(expected.c.juror_id == Scoresheet.juror_id,
                                expected.c.candidature_id == Scoresheet.candidature_id))
        .join(Mark, Mark.scoresheet_id == Scoresheet.id)
        .where(Scoresheet.stage == work.stage, Scoresheet.status == "submitted").order_by(Scoresheet.id))
    comments: dict[int, list[str]] = {}
    for (_, candidature, overall), marks in groupby(rows, key=lambda row: row[:3]):
        texts = comments.setdefault(candidature, [])
        texts += [f"{column(contest, criterion)} : {text}"
                  for _, _, _, criterion, text in sorted(marks, key=lambda row: contest.tie_break.index(row[3]))
                  if text]
        if overall:
            texts.append(overall)
    return comments


def _national_marks(edition: Edition, contest: Contest) -> dict[int, JuryMarks]:
    """National means, rank among the shortlist and the national jurors' comments (anonymous)."""
    work = Work.national(edition)
    criteria = weighted_criteria(contest)
    rows = rank(aggregate_summaries(summaries(work, criteria).values(), threshold=contest.disagreement_threshold),
                criteria)
    comments = _comments(work, contest)
    return {int(row.candidature): _marks(row.aggregate, row.rank, contest,
                                         tuple(comments.get(int(row.candidature), ()))) for row in rows}


def shortlist_book(edition: Edition, printed_at: datetime) -> Book:
    """The national shortlist with both juries' figures; national ones absent before the national jury."""
    contest = edition.contest
    picks = shortlist_picks(edition)
    regional = _regional_marks(edition, contest, [pick.candidature_id for pick in picks])
    national = _national_marks(edition, contest)
    return Book(
        edition_name=contest.name,
        theme=contest.title,
        ceremony=contest.calendar.ceremony,
        printed_at=printed_at.astimezone(contest.tz),
        published=edition.published_at is not None,
        scale_max=contest.scale.max,
        criteria=criteria_headings(contest),
        picks=tuple(Pick(dossier_of(pick.candidature, contest), pick.opinion, regional.get(pick.candidature_id),
                         national.get(pick.candidature_id)) for pick in picks),
    )
