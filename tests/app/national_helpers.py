"""A contest at the national stage: HDF picked Alpha and Beta, IDF picked Gamma, every region closed.

The clock stands after the submission deadline (the dossiers were submitted before it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.jury.operations import store_figures
from app.models import AuditEntry, Candidature, Edition, Mark, Region, RegionalPick, Scoresheet, User
from tests import factories
from workflows.states import Role

CRITERIA = ("partenariat", "securite", "reproductibilite", "originalite")
# A month after the 2017 deadline: the regions have closed, the national stage runs.
AFTER_DEADLINE = datetime(2017, 11, 15, 10, 0, tzinfo=UTC)
OPINION = "Un partenariat exemplaire."


@dataclass
class Shortlist:
    edition: Edition
    organiser: User
    alpha: Candidature  # HDF pick, consents to publication
    beta: Candidature  # HDF pick, no consent
    gamma: Candidature  # IDF pick, consents
    delta: Candidature  # HDF, not selected by the region
    inadmissible: Candidature  # IDF
    draft: Candidature  # HDF, never submitted
    regional_jurors: dict[str, list[User]]

    @property
    def picks(self) -> list[Candidature]:
        return [self.alpha, self.beta, self.gamma]


def region(edition: Edition, code: str) -> Region:
    return db.session.scalar(db.select(Region).filter_by(edition_id=edition.id, code=code))


def sheet(candidature: Candidature, juror: User, marks, stage: str, at) -> Scoresheet:
    """A submitted scoresheet, marks in criteria order."""
    made = Scoresheet(candidature_id=candidature.id, juror_id=juror.id, stage=stage, status="submitted",
                      submitted_at=at, updated_at=at, overall_comment="")
    made.marks = [Mark(criterion=key, value=value) for key, value in zip(CRITERIA, marks, strict=True)]
    store_figures(made, candidature.edition.contest)
    db.session.add(made)
    return made


@pytest.fixture
def shortlist(edition, make_user, clock) -> Shortlist:
    now = clock()

    def dossier(title: str, code: str, state: str, consent: bool = False, **columns) -> Candidature:
        owner = make_user(Role.CANDIDATE, email=f"{title.lower()}@example.org")
        made = factories.candidature(edition, owner, at=now, region=code, state=state, title=title,
                                     structure_name=f"Structure {title}", attestations={"publication": consent},
                                     **columns)
        db.session.add(made)
        db.session.flush()
        return made

    alpha = dossier("Alpha", "HDF", "national_shortlist", consent=True)
    beta = dossier("Beta", "HDF", "national_shortlist")
    gamma = dossier("Gamma", "IDF", "national_shortlist", consent=True)
    delta = dossier("Delta", "HDF", "regional_not_selected", consent=True)
    inadmissible = dossier("Epsilon", "IDF", "inadmissible", inadmissibility_code="incomplet",
                           inadmissibility_reason="Pièces manquantes.")
    draft = dossier("Zeta", "HDF", "draft")
    for slot, pick in enumerate((alpha, beta), start=1):
        db.session.add(RegionalPick(region_id=pick.region_id, slot=slot, candidature_id=pick.id, opinion=OPINION,
                                    decided_at=now))
    db.session.add(RegionalPick(region_id=gamma.region_id, slot=1, candidature_id=gamma.id, opinion=OPINION,
                                decided_at=now))
    for each in edition.regions:
        each.stage = "closed"
    db.session.commit()
    jurors = {code: [make_user(Role.REGIONAL_JUROR, region=code) for _ in range(count)]
              for code, count in (("HDF", 2), ("IDF", 1))}
    # HDF's jury marks high (totals 18-20), IDF's low (totals 6-8).
    for juror in jurors["HDF"]:
        sheet(alpha, juror, [5, 5, 5, 5], "regional", now)
        sheet(beta, juror, [5, 5, 4, 4], "regional", now)
        sheet(delta, juror, [5, 4, 5, 4], "regional", now)
    sheet(gamma, jurors["IDF"][0], [2, 2, 2, 2], "regional", now)
    db.session.commit()
    clock.set(AFTER_DEADLINE)
    return Shortlist(edition, make_user(Role.NATIONAL_ORGANISER), alpha, beta, gamma, delta, inadmissible, draft,
                     jurors)


def audit(action: str) -> list[tuple[int | None, int | None, str | None, str | None, str | None]]:
    """(candidature, region, from, to, reason) of each audit row of ``action``."""
    return [(e.candidature_id, e.region_id, e.from_state, e.to_state, e.reason)
            for e in db.session.scalars(db.select(AuditEntry).filter_by(action=action).order_by(AuditEntry.id))]


def states(*candidatures: Candidature) -> list[str]:
    db.session.expire_all()
    return [db.session.get(Candidature, c.id).state for c in candidatures]


def fresh(edition: Edition) -> Edition:
    db.session.expire_all()
    return db.session.get(Edition, edition.id)
