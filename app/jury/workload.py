"""Who is expected to score what, and what has been scored: the juries' work as queries.

Expected work at a stage: every juror of the stage (a region's jurors, or the national jurors)
times every candidature before that jury, less the pairs with a declared conflict and the
juror's own dossiers; in a region whose organiser assigned the dossiers (``jurors_per_dossier``
set), only the assigned pairs (``scored_pair``). A submitted sheet counts only for an expected pair (a conflict declared
after scoring drops its sheet from every figure).

Everything is computed by the database in a fixed number of queries, whatever the number of
dossiers, jurors and sheets: the expected pairs are a cross join, each submitted sheet carries its
weighted total and its mark per criterion (stored when it is saved, ``app.jury.operations.store_figures``:
a region's 5,000 dossiers and 15 jurors are 75,000 sheets but 300,000 marks), and the aggregates
are integer sums (``scoring.Summary``,
``scoring.Totals``) that ``scoring`` turns into exact means, spreads and z-scores. The pure
functions of ``scoring`` (``aggregate``, ``completeness``) remain the specification: tests check
that these queries give the same figures.

The ranking of a jury's work (``ranked_ids``) is the one the ranking pages show, the one a
region's closure and the winners' declaration write in the audit log (``ranking_record``), and
the one ``flask audit verify`` recomputes to compare with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.sql import ColumnElement, Select

from app.extensions import db
from app.models import Candidature, ConflictDeclaration, Edition, JuryAssignment, Region, RegionalPick, RoleMembership, \
    Scoresheet, User
from scoring import Criteria, Progress, RankedRow, Summary, Totals, aggregate_summaries, rank
from scoring.advisory import SheetTotal
from workflows.definition import Contest
from workflows.states import Role, State

REGIONAL, NATIONAL = "regional", "national"  # the stage column of sheets and declarations
# Candidatures the regional jury scores (a pick stays scored; it moved on from regional_jury).
REGIONAL_JURY_STATES = (State.REGIONAL_JURY.value, State.NATIONAL_SHORTLIST.value)
# Every candidature the regional jury scored, whatever happened to it since: rankings show them all.
REGIONAL_RANKED_STATES = (*REGIONAL_JURY_STATES, State.REGIONAL_NOT_SELECTED.value, State.WINNER.value,
                          State.NATIONAL_NOT_SELECTED.value)


# A jury's members are listed by name: their roles (loaded with every user, for sign-in) are not read.
JUROR_ONLY = db.lazyload(User.memberships)


def regional_jurors_query(region_id: int):
    return (db.select(User).join(RoleMembership)
            .where(RoleMembership.region_id == region_id, RoleMembership.role == Role.REGIONAL_JUROR.value)
            .order_by(User.email).options(JUROR_ONLY))


def regional_jurors(region_id: int) -> list[User]:
    return db.session.scalars(regional_jurors_query(region_id)).all()


def national_jurors(edition_id: int) -> list[User]:
    return db.session.scalars(
        db.select(User).join(RoleMembership)
        .where(RoleMembership.edition_id == edition_id, RoleMembership.role == Role.NATIONAL_JUROR.value)
        .order_by(User.email).options(JUROR_ONLY)
    ).all()


def shortlist(edition: Edition, *conditions) -> list[RegionalPick]:
    """The regional picks of the edition (the national shortlist, settled or not), by region and slot,
    with their candidatures and regions (one query); ``conditions`` on Candidature narrow it."""
    return db.session.scalars(
        db.select(RegionalPick).join(Candidature).where(Candidature.edition_id == edition.id, *conditions)
        .options(db.contains_eager(RegionalPick.candidature).joinedload(Candidature.region))
        .order_by(RegionalPick.region_id, RegionalPick.slot)
    ).all()


def regional_candidatures(region_id: int, states=REGIONAL_JURY_STATES) -> list[Candidature]:
    return db.session.scalars(
        db.select(Candidature)
        .where(Candidature.region_id == region_id, Candidature.state.in_(states))
        .order_by(Candidature.id)
    ).all()


def scored_pair(stage: str, juror_id) -> ColumnElement:
    """A condition on Candidature: the juror ``juror_id`` (a column or a value) scores it at ``stage``
    as far as assignment goes: always, except in a region whose dossiers are assigned, where only
    an assigned dossier. The national jury has no assignment."""
    if stage != REGIONAL:
        return db.true()
    everyone = ~db.exists().where(Region.id == Candidature.region_id, Region.jurors_per_dossier.is_not(None))
    assigned = db.exists().where(JuryAssignment.candidature_id == Candidature.id, JuryAssignment.juror_id == juror_id)
    return db.or_(everyone, assigned)


@dataclass(frozen=True)
class Work:
    """A jury's work over some dossiers, as SQL: which dossiers, which seats, which stage."""

    stage: str
    dossiers: ColumnElement  # a condition on Candidature
    seats: Select  # the ids of the jurors, as ``user_id``

    @classmethod
    def regional(cls, region: Region, states: Iterable[str] = REGIONAL_JURY_STATES) -> Work:
        return cls(REGIONAL, db.and_(Candidature.region_id == region.id, Candidature.state.in_(tuple(states))),
                   db.select(RoleMembership.user_id).where(RoleMembership.region_id == region.id,
                                                           RoleMembership.role == Role.REGIONAL_JUROR.value))

    @classmethod
    def national(cls, edition: Edition) -> Work:
        picks = db.select(RegionalPick.candidature_id).join(Region).where(Region.edition_id == edition.id)
        return cls(NATIONAL, Candidature.id.in_(picks),
                   db.select(RoleMembership.user_id).where(RoleMembership.edition_id == edition.id,
                                                           RoleMembership.role == Role.NATIONAL_JUROR.value))

    @classmethod
    def all_regions(cls, edition: Edition, states: Iterable[str] = REGIONAL_RANKED_STATES) -> Work:
        """Every regional jury of the edition at once (a juror sits in one region: the seats are the
        region's), by default over every dossier it scored."""
        return cls(REGIONAL, db.and_(Candidature.edition_id == edition.id, Candidature.state.in_(tuple(states))),
                   db.select(RoleMembership.user_id, RoleMembership.region_id)
                   .where(RoleMembership.role == Role.REGIONAL_JUROR.value))

    def within(self, candidature_ids: Iterable[int]) -> Work:
        """The same work restricted to some dossiers."""
        return Work(self.stage, db.and_(self.dossiers, Candidature.id.in_(list(candidature_ids))), self.seats)

    def of_juror(self, juror_id: int) -> Work:
        """The same work, one juror's seat only (a juror's own page needs no one else's)."""
        return Work(self.stage, self.dossiers, self.seats.where(self.seats.selected_columns.user_id == juror_id))

    def expected(self):
        """The expected (juror_id, candidature_id, region_id) pairs, as a subquery."""
        seats = self.seats.subquery()
        same_region = seats.c.region_id == Candidature.region_id if "region_id" in seats.c else db.true()
        conflicted = db.exists().where(
            ConflictDeclaration.candidature_id == Candidature.id, ConflictDeclaration.juror_id == seats.c.user_id,
            ConflictDeclaration.stage == self.stage, ConflictDeclaration.has_conflict.is_(True))
        return (db.select(seats.c.user_id.label("juror_id"), Candidature.id.label("candidature_id"),
                          Candidature.region_id)
                .select_from(Candidature).join(seats, same_region)
                .where(self.dossiers, Candidature.owner_id != seats.c.user_id, ~conflicted,
                       scored_pair(self.stage, seats.c.user_id))).subquery()

    def sheets(self, criteria: Criteria):
        """The sheets that count, one row each: juror, candidature, region, a column per criterion
        (``c0``… in ``criteria``'s order) and the weighted total, as a subquery. The figures are the
        ones stored with each submitted sheet (``Scoresheet.total``, ``criterion_marks``): the marks
        themselves are not read."""
        expected = self.expected()
        marks = [Scoresheet.criterion_marks[key].as_integer().label(f"c{index}")
                 for index, (key, _) in enumerate(criteria)]
        return (db.select(expected.c.juror_id, expected.c.candidature_id, expected.c.region_id, *marks,
                          Scoresheet.total.label("total"))
                .select_from(Scoresheet)
                .join(expected, db.and_(expected.c.juror_id == Scoresheet.juror_id,
                                        expected.c.candidature_id == Scoresheet.candidature_id))
                .where(Scoresheet.stage == self.stage, Scoresheet.status == "submitted")
                ).subquery()


def summaries(work: Work, criteria: Criteria) -> dict[str, Summary]:
    """Per candidature (id as a string, as ``scoring`` reads it): the sums of its counted sheets."""
    sheets = work.sheets(criteria)
    rows = db.session.execute(db.select(
        sheets.c.candidature_id, db.func.count(), db.func.sum(sheets.c.total),
        db.func.sum(sheets.c.total * sheets.c.total), db.func.min(sheets.c.total), db.func.max(sheets.c.total),
        *(db.func.sum(sheets.c[f"c{index}"]) for index in range(len(criteria))),
    ).group_by(sheets.c.candidature_id))
    return {str(candidature): Summary(str(candidature), {key: int(value) for (key, _), value in zip(criteria, sums)},
                                      Totals(count, int(total), int(squares)), int(lowest), int(highest))
            for candidature, count, total, squares, lowest, highest, *sums in rows}


def totals_by(work: Work, criteria: Criteria, group: str) -> dict[str, Totals]:
    """The weighted totals of the counted sheets per ``group`` ("juror_id" or "region_id")."""
    sheets = work.sheets(criteria)
    key = sheets.c[group]
    return {str(name): Totals(count, int(total), int(squares)) for name, count, total, squares in db.session.execute(
        db.select(key, db.func.count(), db.func.sum(sheets.c.total), db.func.sum(sheets.c.total * sheets.c.total))
        .group_by(key))}


def sheet_totals(work: Work, criteria: Criteria) -> list[SheetTotal]:
    """(juror, candidature, weighted total) of each counted sheet; restrict ``work`` to what is shown."""
    sheets = work.sheets(criteria)
    return [(str(juror), str(candidature), int(total)) for juror, candidature, total in db.session.execute(
        db.select(sheets.c.juror_id, sheets.c.candidature_id, sheets.c.total))]


def progress_by(work: Work, key: str) -> dict[int, Progress]:
    """Received / expected sheets per "candidature_id" or per "juror_id" (absent: nothing expected)."""
    expected = work.expected()
    received = db.and_(Scoresheet.juror_id == expected.c.juror_id,
                       Scoresheet.candidature_id == expected.c.candidature_id,
                       Scoresheet.stage == work.stage, Scoresheet.status == "submitted")
    column = expected.c[key]
    return {name: Progress(done, count) for name, count, done in db.session.execute(
        db.select(column, db.func.count(), db.func.count(Scoresheet.id))
        .select_from(expected).outerjoin(Scoresheet, received).group_by(column))}


def missing(work: Work) -> int:
    """Expected sheets not yet submitted."""
    return sum(progress.expected - progress.received for progress in progress_by(work, "juror_id").values())


def weighted_criteria(contest: Contest) -> list[tuple[str, int]]:
    """(key, weight) pairs in tie-break order, as ``scoring`` reads them."""
    return [(key, contest.criterion(key).weight) for key in contest.tie_break]


def ranked_ids(work: Work, contest: Contest) -> tuple[list[str], dict[str, RankedRow]]:
    """Every candidature id of ``work`` in rank order (those without a sheet last, by id) and the rows."""
    criteria = weighted_criteria(contest)
    rows = rank(aggregate_summaries(summaries(work, criteria).values(),
                                    threshold=contest.disagreement_threshold), criteria)
    row_of = {row.candidature: row for row in rows}
    unscored = [str(key) for key in db.session.scalars(db.select(Candidature.id).where(work.dossiers)
                                                       .order_by(Candidature.id)) if str(key) not in row_of]
    return [row.candidature for row in rows] + unscored, row_of


def ranking_record(work: Work, contest: Contest) -> list[dict[str, object]]:
    """The ranking as the audit log keeps it when a jury's work is decided: each ranked candidature's
    id, rank and exact total mean (a fraction as text, « 47/3 »), in rank order."""
    order, row_of = ranked_ids(work, contest)
    return [{"candidature_id": int(key), "rank": row.rank, "total_mean": str(row.aggregate.total_mean)}
            for key in order if (row := row_of.get(key)) is not None]
