"""The database's sums give exactly what ``scoring`` computes from the sheets themselves.

``scoring`` (pure, unit-tested) is the specification; ``app.jury.workload`` asks the database for
sufficient statistics so that pages never load sheets one by one. Random contests, on both
databases: drafts, a conflict declared after scoring, a juror who owns a dossier, a juror of
another region, a juror removed from the jury.
"""

from __future__ import annotations

import random

import pytest

from app.extensions import db
from app.jury.operations import store_figures
from app.jury.workload import Work, dossier_work, juror_progress, juror_work, jury_work, progress_by, ranking, \
    regional_ranks, sheet_totals, summaries, totals_per, weighted_criteria
from app.models import Candidature, ConflictDeclaration, Mark, Region, RoleMembership, Scoresheet
from scoring import Progress, Scoresheet as Sheet, aggregate, completeness, mean_zscores, normalised_means, rank
from scoring.advisory import group_totals
from scoring.marks import summarise
from tests import factories
from workflows.states import Role


def _sheet(candidature, juror, stage, status, marks, now):
    sheet = Scoresheet(candidature_id=candidature.id, juror_id=juror.id, stage=stage, status=status,
                       submitted_at=now if status == "submitted" else None, updated_at=now)
    sheet.marks = [Mark(criterion=key, value=value) for key, value in marks.items()]
    store_figures(sheet, candidature.edition.contest)
    db.session.add(sheet)


@pytest.mark.parametrize("seed", range(3))
def test_sums_of_the_database_equal_scoring_on_the_sheets(edition, make_user, clock, seed):
    draw = random.Random(seed)
    hdf = db.session.scalar(db.select(Region).filter_by(code="HDF"))
    jurors = [make_user(Role.REGIONAL_JUROR, region="HDF") for _ in range(4)]
    stranger = make_user(Role.REGIONAL_JUROR, region="IDF")  # another region's juror: never counted here
    owner = make_user(Role.CANDIDATE)
    dossiers = [factories.candidature(edition, owner, at=clock(), state="regional_jury") for _ in range(6)]
    dossiers.append(factories.candidature(edition, jurors[3], at=clock(), state="regional_jury"))  # a juror's own
    db.session.add_all(dossiers)
    db.session.flush()
    keys = [criterion.key for criterion in edition.contest.criteria]
    conflicted = {(jurors[0].id, dossiers[1].id)}  # declared after the sheet was submitted
    counted: list[Sheet] = []
    for candidature in dossiers:
        for juror in [*jurors, stranger]:
            status = draw.choice(["submitted", "submitted", "submitted", "draft", None])
            if status is None:
                continue
            marks = {key: draw.randint(0, 5) for key in keys}
            _sheet(candidature, juror, "regional", status, marks, clock())
            if (status == "submitted" and juror is not stranger and (juror.id, candidature.id) not in conflicted
                    and candidature.owner_id != juror.id):
                counted.append(Sheet(str(juror.id), str(candidature.id), marks))
    for juror_id, candidature_id in conflicted:
        db.session.add(ConflictDeclaration(candidature_id=candidature_id, juror_id=juror_id, stage="regional",
                                           has_conflict=True, reason="Lien déclaré après coup.", source="juror",
                                           declared_at=clock()))
    db.session.commit()
    expected = {str(c.id): {str(j.id) for j in jurors if (j.id, c.id) not in conflicted and c.owner_id != j.id}
                for c in dossiers}
    criteria = weighted_criteria(edition.contest)
    work = Work.regional(hdf)

    assert summaries(work, criteria) == summarise(counted, criteria)
    reference = completeness(expected, counted)
    assert {str(k): v for k, v in progress_by(work, "candidature_id").items()} == reference.by_candidature
    assert {str(k): v for k, v in progress_by(work, "juror_id").items()} == reference.by_juror
    assert sorted(sheet_totals(work, criteria)) == sorted(
        (s.juror, s.candidature, sum(w * s.marks[k] for k, w in criteria)) for s in counted)
    assert {str(k): v.progress for k, v in dossier_work(work, criteria).items()} == reference.by_candidature
    per_dossier, per_juror = jury_work(work, criteria)  # both groupings in one statement: the same figures
    assert (per_dossier, set(per_juror)) == (dossier_work(work, criteria), set(juror_work(work)))
    assert {str(k): v for k, v in juror_progress(juror_work(work)).items()} == reference.by_juror
    assert totals_per(juror_work(work), "juror_id") == group_totals(
        (s.juror, sum(w * s.marks[k] for k, w in criteria)) for s in counted)
    assert mean_zscores(sheet_totals(work, criteria), totals_per(juror_work(work), "juror_id")) == \
        normalised_means(counted, criteria)
    exact = rank(aggregate(counted, criteria, threshold=edition.contest.disagreement_threshold), criteria)
    ranked = ranking(work, edition.contest)  # ranked on the integer sums, rows built one by one
    assert [row for key in ranked.order if (row := ranked.row(key)) is not None] == exact
    assert ranked.order == [row.candidature for row in exact] + sorted(
        (str(c.id) for c in dossiers if str(c.id) not in ranked.standings), key=int)


@pytest.mark.parametrize("seed", range(3))
def test_ranks_of_a_few_dossiers_are_their_places_in_their_regions(edition, make_user, clock, seed):
    """What the shortlist book prints of each pick: its rank among its region's dossiers, every region
    at once, read for the picks only. Marks from 0 to 2 and sheets left out make ties, ties broken by a
    criterion, and equal means over different numbers of sheets."""
    draw = random.Random(seed)
    owner = make_user(Role.CANDIDATE)
    keys = [criterion.key for criterion in edition.contest.criteria]
    criteria = weighted_criteria(edition.contest)
    states = ["regional_jury", "national_shortlist", "regional_not_selected"]
    expected: dict[int, int] = {}
    for code in ("HDF", "IDF"):
        jurors = [make_user(Role.REGIONAL_JUROR, region=code) for _ in range(3)]
        dossiers = [factories.candidature(edition, owner, at=clock(), region=code, state=draw.choice(states))
                    for _ in range(10)]
        db.session.add_all(dossiers)
        db.session.flush()
        counted = []
        for candidature in dossiers:
            for juror in draw.sample(jurors, draw.randint(0, 3)):
                marks = {key: draw.randint(0, 2) for key in keys}
                _sheet(candidature, juror, "regional", "submitted", marks, clock())
                counted.append(Sheet(str(juror.id), str(candidature.id), marks))
        exact = rank(aggregate(counted, criteria, threshold=edition.contest.disagreement_threshold), criteria)
        expected |= {int(row.candidature): row.rank for row in exact}
    db.session.commit()
    ids = db.session.scalars(db.select(Candidature.id)).all()

    assert regional_ranks(Work.all_regions(edition), criteria, ids) == expected
    few = draw.sample(sorted(expected), 3)
    assert regional_ranks(Work.all_regions(edition), criteria, few) == {key: expected[key] for key in few}


def test_a_removed_juror_sheets_no_longer_count(edition, make_user, clock):
    hdf = db.session.scalar(db.select(Region).filter_by(code="HDF"))
    stays, leaves = make_user(Role.REGIONAL_JUROR, region="HDF"), make_user(Role.REGIONAL_JUROR, region="HDF")
    candidature = factories.candidature(edition, make_user(Role.CANDIDATE), at=clock(), state="regional_jury")
    db.session.add(candidature)
    db.session.flush()
    marks = {criterion.key: 3 for criterion in edition.contest.criteria}
    for juror in (stays, leaves):
        _sheet(candidature, juror, "regional", "submitted", marks, clock())
    db.session.execute(db.delete(RoleMembership).where(RoleMembership.user_id == leaves.id))
    db.session.commit()

    work = Work.regional(hdf)

    assert progress_by(work, "candidature_id") == {candidature.id: Progress(1, 1)}
    assert summaries(work, weighted_criteria(edition.contest))[str(candidature.id)].totals.count == 1
