"""Expected jury work: jurors x candidatures before the jury, less declared conflicts."""

from __future__ import annotations

from app.extensions import db
from app.jury.operations import store_figures
from app.jury.workload import Work, missing
from app.models import ConflictDeclaration, Mark, Region, Scoresheet
from tests import factories
from tests.app.jury_helpers import expected_regional
from workflows.states import Role


def test_expected_work_excludes_conflicts_and_counts_missing_sheets(edition, make_user, clock):
    hdf = db.session.scalar(db.select(Region).filter_by(code="HDF"))
    alice, bob = make_user(Role.REGIONAL_JUROR, region="HDF"), make_user(Role.REGIONAL_JUROR, region="HDF")
    make_user(Role.REGIONAL_JUROR, region="IDF")  # another region's juror expects nothing here
    owner = make_user(Role.CANDIDATE)
    first, second = (factories.candidature(edition, owner, at=clock(), state="regional_jury") for _ in range(2))
    draft = factories.candidature(edition, owner, at=clock(), state="draft")  # never before the jury
    db.session.add_all([first, second, draft])
    db.session.flush()
    db.session.add(ConflictDeclaration(candidature_id=second.id, juror_id=bob.id, stage="regional", has_conflict=True,
                                       reason="Je travaille dans cet établissement.", source="juror",
                                       declared_at=clock()))
    sheet = Scoresheet(candidature_id=first.id, juror_id=alice.id, stage="regional", status="submitted",
                       submitted_at=clock(), updated_at=clock())
    sheet.marks = [Mark(criterion=key, value=3) for key in ("partenariat", "securite", "reproductibilite", "originalite")]
    store_figures(sheet, first.edition.contest)
    db.session.add(sheet)
    db.session.commit()

    expected = expected_regional(hdf)

    assert expected == {first.id: {alice.id, bob.id}, second.id: {alice.id}}
    assert missing(Work.regional(hdf)) == 2
