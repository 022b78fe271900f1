"""A variant edition's own limits (2 attachments, 3 picks per region) hold under ten simultaneous tries.

The ceilings are the edition's, stored at load and checked by the database (migration 0003): no
migration was written for this edition.
"""

from __future__ import annotations

import io

import pytest

from app.candidatures.operations import create_candidature
from app.extensions import db
from app.jury.operations import store_figures
from app.models import Attachment, Candidature, Mark, Region, RegionalPick, Scoresheet
from tests import factories
from tests.app.attachment_helpers import PDF, page_text
from tests.concurrency import at_once, copy_of, signed_in_client
from tests.conftest import csrf_token
from workflows.states import Role

RACERS = 10


def hdf(edition) -> Region:
    return next(region for region in edition.regions if region.code == "HDF")


def test_ten_uploads_for_the_variants_last_attachment_slot_give_one_file(app, variant_edition, make_user, clock):
    owner = make_user(Role.CANDIDATE)
    candidature = create_candidature(owner=owner, edition=variant_edition, region=hdf(variant_edition), now=clock())
    db.session.commit()
    url = f"/candidatures/{candidature.id}/pieces-jointes/"
    first = signed_in_client(app, owner)
    assert first.post(url, data={"csrf_token": csrf_token(first.get(url).get_data(as_text=True)),
                                 "file": (io.BytesIO(PDF), "bilan.pdf")}).status_code == 302
    racers = [copy_of(app, first) for _ in range(RACERS)]
    tokens = [csrf_token(racer.get(url).get_data(as_text=True)) for racer in racers]

    def upload(racer, token: str, number: int):
        response = racer.post(url, data={"csrf_token": token, "file": (io.BytesIO(PDF), f"course-{number}.pdf")})
        return response.status_code, page_text(response)

    outcomes = at_once(app, [lambda args=(r, t, n): upload(*args) for n, (r, t) in enumerate(zip(racers, tokens))])

    assert sorted(status for status, _text in outcomes) == [200] * (RACERS - 1) + [302]
    assert sum("2 pièces jointes maximum" in text for _status, text in outcomes) == RACERS - 1
    db.session.expire_all()
    assert db.session.scalars(db.select(Attachment.slot).order_by(Attachment.slot)).all() == [1, 2]


@pytest.fixture
def variant_jury(variant_edition, make_user):
    """HDF of the variant with its jury open: (region, organisers, jurors)."""
    region = hdf(variant_edition)
    region.stage = "jury_open"
    db.session.commit()
    organisers = [make_user(Role.REGIONAL_ORGANISER, region="HDF") for _ in range(2)]
    jurors = [make_user(Role.REGIONAL_JUROR, region="HDF") for _ in range(2)]
    return region, organisers, jurors


def scored_candidature(edition, owner, jurors, at, title: str) -> Candidature:
    """A dossier before the variant's jury, every juror's sheet in (five criteria, marks 1–10)."""
    candidature = factories.candidature(edition, owner, at=at, state="regional_jury", title=title)
    db.session.add(candidature)
    db.session.flush()
    for juror in jurors:
        sheet = Scoresheet(candidature_id=candidature.id, juror_id=juror.id, stage="regional", status="submitted",
                           submitted_at=at, updated_at=at, overall_comment="")
        sheet.marks = [Mark(criterion=criterion.key, value=7) for criterion in edition.contest.criteria]
        store_figures(sheet, edition.contest)
        db.session.add(sheet)
    db.session.commit()
    return candidature


def test_ten_picks_for_the_variants_third_slot_give_one_pick(app, variant_edition, variant_jury, make_user, clock):
    region, organisers, jurors = variant_jury
    owner = make_user(Role.CANDIDATE)
    candidatures = [scored_candidature(variant_edition, owner, jurors, clock(), f"Projet {n}")
                    for n in range(2 + RACERS)]
    picked, contenders = candidatures[:2], candidatures[2:]
    sessions = [signed_in_client(app, user) for user in organisers]
    for candidature in picked:
        assert sessions[0].form(f"/ars/{region.id}/selection/{candidature.id}",
                                {"opinion": "Retenue."}).status_code == 302
    racers = [copy_of(app, sessions[n % 2]) for n in range(RACERS)]
    urls = [f"/ars/{region.id}/selection/{c.id}" for c in contenders]
    tokens = [csrf_token(racer.get(url).get_data(as_text=True)) for racer, url in zip(racers, urls)]

    def pick(racer, url: str, token: str):
        response = racer.post(url, data={"csrf_token": token, "opinion": "Avis de l’ARS."})
        return response.status_code, page_text(response)

    outcomes = at_once(app, [lambda args=args: pick(*args) for args in zip(racers, urls, tokens)])

    assert sorted(status for status, _text in outcomes) == [302] + [422] * (RACERS - 1)
    quota_reached = "La région a déjà retenu 3 candidatures, le maximum prévu."
    assert sum(quota_reached in text for _status, text in outcomes) == RACERS - 1
    db.session.expire_all()
    assert db.session.scalars(db.select(RegionalPick.slot).order_by(RegionalPick.slot)).all() == [1, 2, 3]
    assert db.session.scalar(db.select(db.func.count()).select_from(Candidature)
                             .filter_by(state="national_shortlist")) == 3
