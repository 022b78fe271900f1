"""What a juror may see: a dossier only after declaring no conflict, others' marks only after their own.

Every jury page, and ``app.policy`` for dossiers and attachments, asks these functions; no
page decides on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from app.extensions import db
from app.jury.juries import Jury
from app.jury.workload import summaries
from app.models import Candidature, ConflictDeclaration, Scoresheet, User
from scoring import Aggregate, aggregate_summaries


def declaration_of(juror: User, candidature: Candidature, jury: Jury) -> ConflictDeclaration | None:
    return db.session.scalar(db.select(ConflictDeclaration).filter_by(
        juror_id=juror.id, candidature_id=candidature.id, stage=jury.name))


def sheet_of(juror: User, candidature: Candidature, jury: Jury) -> Scoresheet | None:
    return db.session.scalar(db.select(Scoresheet).filter_by(
        juror_id=juror.id, candidature_id=candidature.id, stage=jury.name))


def may_read_dossier(juror: User, candidature: Candidature, jury: Jury) -> bool:
    """A juror of the candidature's jury who declared no conflict of interest for it."""
    if not jury.sits_on(juror, candidature):
        return False
    declaration = declaration_of(juror, candidature, jury)
    return declaration is not None and not declaration.has_conflict


def has_submitted(juror: User, candidature: Candidature, jury: Jury) -> bool:
    sheet = sheet_of(juror, candidature, jury)
    return sheet is not None and sheet.status == "submitted"


@dataclass(frozen=True)
class JuryOpinions:
    """The other jurors' submitted sheets and the mean of every submitted sheet."""

    others: list[Scoresheet]
    result: Aggregate


def opinions_for(juror: User, candidature: Candidature, jury: Jury, *, may_read: bool | None = None,
                 submitted: bool | None = None) -> JuryOpinions | None:
    """Independent judgment: None until the juror, who may read the dossier, has submitted their own
    sheet; then the other sheets (by id) and the jury's means. A page that has just asked
    ``may_read_dossier`` passes its answer as ``may_read`` rather than ask twice, one that has just
    read the juror's sheet passes whether it is ``submitted``."""
    if may_read is None:
        may_read = may_read_dossier(juror, candidature, jury)
    if submitted is None:
        submitted = has_submitted(juror, candidature, jury)
    if not (may_read and submitted):
        return None
    others = db.session.scalars(db.select(Scoresheet).where(
        Scoresheet.candidature_id == candidature.id, Scoresheet.stage == jury.name,
        Scoresheet.status == "submitted", Scoresheet.juror_id != juror.id)
        .options(db.selectinload(Scoresheet.marks)).order_by(Scoresheet.id)).all()
    return JuryOpinions(others=list(others), result=results_of(jury, [candidature.id])[str(candidature.id)])


def results_of(jury: Jury, candidature_ids: list[int]) -> dict[str, Aggregate]:
    """The jury's means of each candidature, over the sheets that count, as in the rankings (a sheet
    whose juror later declared a conflict is out)."""
    contest = jury.edition.contest
    criteria = [(criterion.key, criterion.weight) for criterion in contest.criteria]
    work = replace(jury.work(), dossiers=Candidature.id.in_(candidature_ids))
    return aggregate_summaries(summaries(work, criteria).values(), threshold=Fraction(contest.disagreement_threshold))


def jury_means(jury: Jury, candidature_ids: list[int]) -> dict[int, Fraction]:
    """The mean weighted total of each candidature that has a counted sheet, in one query."""
    return {int(key): result.total_mean for key, result in results_of(jury, candidature_ids).items()}
