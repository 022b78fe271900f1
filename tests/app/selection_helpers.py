"""A regional jury in session (HDF): organiser, two jurors, scored candidatures; for the selection tests."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.jury.operations import store_figures
from app.models import AuditEntry, Candidature, Mark, Region, RegionalPick, Scoresheet
from tests import factories
from workflows.states import Role

CRITERIA = ("partenariat", "securite", "reproductibilite", "originalite")


@pytest.fixture
def hdf(edition) -> Region:
    region = db.session.scalar(db.select(Region).filter_by(code="HDF", edition_id=edition.id))
    region.stage = "jury_open"
    db.session.commit()
    return region


@pytest.fixture
def organiser(make_user, hdf):
    return make_user(Role.REGIONAL_ORGANISER, region="HDF", display_name="Odile ARS")


@pytest.fixture
def jurors(make_user, hdf):
    return [make_user(Role.REGIONAL_JUROR, region="HDF", display_name=name) for name in ("Alice Juré", "Bruno Juré")]


@pytest.fixture
def owner(make_user):
    return make_user(Role.CANDIDATE)


@pytest.fixture
def make_candidature(edition, owner, clock, hdf):
    """``make_candidature(title)``: a candidature before the HDF regional jury."""

    def make(title: str, region: str = "HDF", state: str = "regional_jury") -> Candidature:
        candidature = factories.candidature(edition, owner, at=clock(), region=region, state=state, title=title,
                                            structure_name=f"Structure de {title}")
        db.session.add(candidature)
        db.session.commit()
        return candidature

    return make


@pytest.fixture
def score(clock):
    """``score(candidature, juror, [m1, m2, m3, m4])``: a submitted scoresheet, marks in criteria order."""

    def make(candidature: Candidature, juror, marks) -> Scoresheet:
        sheet = Scoresheet(candidature_id=candidature.id, juror_id=juror.id, stage="regional", status="submitted",
                           submitted_at=clock(), updated_at=clock(), overall_comment="")
        sheet.marks = [Mark(criterion=key, value=value) for key, value in zip(CRITERIA, marks, strict=True)]
        store_figures(sheet, candidature.edition.contest)
        db.session.add(sheet)
        db.session.commit()
        return sheet

    return make


def picks() -> list[tuple[int, int, str]]:
    """(slot, candidature id, opinion) of every pick, in slot order."""
    db.session.expire_all()
    return [(p.slot, p.candidature_id, p.opinion)
            for p in db.session.scalars(db.select(RegionalPick).order_by(RegionalPick.region_id, RegionalPick.slot))]


def audit(action: str) -> list[tuple[int | None, str | None, str | None, str | None]]:
    """(candidature, from, to, reason) of each audit row of ``action``."""
    return [(e.candidature_id, e.from_state, e.to_state, e.reason)
            for e in db.session.scalars(db.select(AuditEntry).filter_by(action=action).order_by(AuditEntry.id))]


def state_of(candidature: Candidature) -> str:
    db.session.expire_all()
    return db.session.get(Candidature, candidature.id).state
