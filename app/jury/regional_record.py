"""What the region decided about a pick, for the national jury: the ARS opinion, the regional
jury's marks per criterion with their justifications, who sat and who stood aside.

The national jurors judge the picks after the regions did; the selection form tells the ARS that
its opinion is sent to them, and this is where they read it. Three queries, whatever the size of
the region.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from app.extensions import db
from app.jury.independence import JuryOpinions
from app.jury.juries import REGIONAL
from app.jury.workload import regional_jurors_query
from app.models import Candidature, ConflictDeclaration, RegionalPick, Scoresheet, User
from scoring import Scoresheet as Sheet
from scoring import aggregate


@dataclass(frozen=True)
class RegionalRecord:
    pick: RegionalPick | None
    marks: JuryOpinions  # the regional sheets that counted, anonymous, and their means
    jurors: list[User]
    conflicts: list[tuple[ConflictDeclaration, User]]  # the regional jurors who stood aside from this dossier


def regional_record(candidature: Candidature) -> RegionalRecord:
    contest = candidature.edition.contest
    seats = db.session.execute(regional_jurors_query(candidature.region_id).add_columns(ConflictDeclaration).outerjoin(
        ConflictDeclaration, db.and_(ConflictDeclaration.juror_id == User.id,
                                     ConflictDeclaration.candidature_id == candidature.id,
                                     ConflictDeclaration.stage == REGIONAL,
                                     ConflictDeclaration.has_conflict.is_(True)))).all()
    counted = {juror.id for juror, conflict in seats if conflict is None}
    # As in the ranking: the sheets of the jurors still seated who did not stand aside.
    sheets = [sheet for sheet in db.session.scalars(
        db.select(Scoresheet).where(Scoresheet.candidature_id == candidature.id, Scoresheet.stage == REGIONAL,
                                    Scoresheet.status == "submitted")
        .options(db.joinedload(Scoresheet.marks)).order_by(Scoresheet.id)).unique() if sheet.juror_id in counted]
    criteria = [(criterion.key, criterion.weight) for criterion in contest.criteria]
    means = aggregate([Sheet(str(sheet.juror_id), str(candidature.id), {m.criterion: m.value for m in sheet.marks})
                       for sheet in sheets], criteria, threshold=Fraction(contest.disagreement_threshold))
    return RegionalRecord(
        pick=db.session.scalar(db.select(RegionalPick).filter_by(candidature_id=candidature.id)),
        marks=JuryOpinions(others=sheets, result=means.get(str(candidature.id))),
        jurors=[juror for juror, _conflict in seats],
        conflicts=[(conflict, juror) for juror, conflict in seats if conflict is not None],
    )
