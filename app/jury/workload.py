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
functions of ``scoring`` (``aggregate``, ``completeness``, ``rank``) remain the specification: tests
check that these queries give the same figures.

A page builds the expected pairs once: one statement gives each dossier's (and, grouped otherwise,
each juror's) received / expected sheets with the sums of the counted ones (``dossier_work``,
``juror_work``, ``jury_work``), and the page derives from it its progress, its ranking and the
region's missing sheets. A ranking orders the dossiers on those integer sums (``scoring.standings``)
and builds the exact aggregates of the rows it shows only.

The ranking of a jury's work (``ranking``) is the one the ranking pages show, the one a
region's closure and the winners' declaration write in the audit log (``ranking_record``), and
the one ``flask audit verify`` recomputes to compare with it.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy.sql import ColumnElement, Select

from app.extensions import db
from app.models import Candidature, ConflictDeclaration, Edition, JuryAssignment, Region, RegionalPick, RoleMembership, \
    Scoresheet, User
from scoring import Criteria, Progress, RankedRow, Standing, Summary, Totals, aggregate_summaries, standings
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
        """The expected (juror_id, candidature_id, region_id, state) pairs, as a subquery (the state: the
        dossier's, so that one query over the dossiers a jury ranks also counts those it still scores)."""
        seats = self.seats.subquery()
        same_region = seats.c.region_id == Candidature.region_id if "region_id" in seats.c else db.true()
        conflicted = db.exists().where(
            ConflictDeclaration.candidature_id == Candidature.id, ConflictDeclaration.juror_id == seats.c.user_id,
            ConflictDeclaration.stage == self.stage, ConflictDeclaration.has_conflict.is_(True))
        return (db.select(seats.c.user_id.label("juror_id"), Candidature.id.label("candidature_id"),
                          Candidature.region_id, Candidature.state)
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


@dataclass(frozen=True)
class DossierWork:
    """One candidature's expected work: its state, its sheets received / expected, the sums of the counted ones."""

    state: str
    progress: Progress
    summary: Summary | None  # None until a sheet is counted


@dataclass(frozen=True)
class JurorWork:
    """One juror's expected work over the dossiers in one state: sheets received / expected, their totals."""

    juror_id: int
    region_id: int
    state: str
    progress: Progress
    totals: Totals | None  # None until a sheet is counted


BY_DOSSIER, BY_JUROR = ("candidature_id", "state"), ("juror_id", "region_id", "state")


def _tallies(work: Work, criteria: Criteria, *groupings: tuple[str, ...]):
    """Per group of each grouping (columns of the expected pairs): the columns of every grouping, in
    their first-named order (NULL where the row's grouping has none), then expected pairs, received
    sheets, the count, sum, sum of squares, lowest and highest of the counted weighted totals and the
    sum of each criterion's marks.

    One statement: the expected pairs left-joined to their submitted sheets, so that a page reads its
    progress and its figures at once instead of building the pairs once for each. Several groupings
    (a ranking needs its dossiers' figures and its jurors' totals) are one pass on PostgreSQL
    (``GROUPING SETS``), a ``UNION ALL`` elsewhere (SQLite has no grouping sets)."""
    names = list(dict.fromkeys(name for grouping in groupings for name in grouping))

    def grouped(*grouping: tuple[str, ...]):
        """The select of every name (NULL where none of ``grouping`` holds it), grouped by ``grouping``."""
        expected = work.expected()
        received = db.and_(Scoresheet.juror_id == expected.c.juror_id,
                           Scoresheet.candidature_id == expected.c.candidature_id,
                           Scoresheet.stage == work.stage, Scoresheet.status == "submitted")
        total, kept = Scoresheet.total, {name for names_ in grouping for name in names_}
        statement = (db.select(*(expected.c[name] if name in kept else db.null().label(name) for name in names),
                               db.func.count(), db.func.count(Scoresheet.id), db.func.sum(total),
                               db.func.sum(total * total), db.func.min(total), db.func.max(total),
                               *(db.func.sum(Scoresheet.criterion_marks[key].as_integer()) for key, _ in criteria))
                     .select_from(expected).outerjoin(Scoresheet, received))
        sets = [[expected.c[name] for name in names_] for names_ in grouping]
        return statement.group_by(*sets[0]) if len(sets) == 1 else \
            statement.group_by(db.func.grouping_sets(*(db.tuple_(*columns) for columns in sets)))

    if len(groupings) == 1 or db.session.get_bind().dialect.name == "postgresql":
        statement = grouped(*groupings)
    else:
        statement = db.union_all(*(grouped(grouping) for grouping in groupings))
    return db.session.execute(statement)


def _dossier(candidature: int, state: str, criteria: Criteria, figures) -> DossierWork:
    expected, received, total, squares, lowest, highest, *sums = figures
    summary = Summary(str(candidature), {key: int(value) for (key, _), value in zip(criteria, sums)},
                      Totals(received, int(total), int(squares)), int(lowest), int(highest)) if received else None
    return DossierWork(state, Progress(received, expected), summary)


def _juror(juror: int, region: int, state: str, figures) -> JurorWork:
    expected, received, total, squares, *_ = figures
    return JurorWork(juror, region, state, Progress(received, expected),
                     Totals(received, int(total), int(squares)) if received else None)


def dossier_work(work: Work, criteria: Criteria) -> dict[int, DossierWork]:
    """Per candidature of ``work`` with expected sheets (absent: nothing expected), in one query."""
    return {candidature: _dossier(candidature, state, criteria, figures)
            for candidature, state, *figures in _tallies(work, criteria, BY_DOSSIER)}


def juror_work(work: Work) -> list[JurorWork]:
    """Per juror of ``work`` and state of the dossiers: received / expected sheets and the counted totals,
    in one query (a page sums what it needs: a juror's progress, the sheets still missing)."""
    return [_juror(juror, region, state, figures) for juror, region, state, *figures in _tallies(work, (), BY_JUROR)]


def jury_work(work: Work, criteria: Criteria) -> tuple[dict[int, DossierWork], list[JurorWork]]:
    """``dossier_work`` and ``juror_work`` together, in one query (a ranking page needs both)."""
    dossiers, jurors = {}, []
    for candidature, state, juror, region, *figures in _tallies(work, criteria, BY_DOSSIER, BY_JUROR):
        if candidature is not None:
            dossiers[candidature] = _dossier(candidature, state, criteria, figures)
        else:
            jurors.append(_juror(juror, region, state, figures))
    return dossiers, jurors


def summaries(work: Work, criteria: Criteria) -> dict[str, Summary]:
    """Per candidature (id as a string, as ``scoring`` reads it): the sums of its counted sheets."""
    return {str(key): item.summary for key, item in dossier_work(work, criteria).items() if item.summary}


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


def juror_progress(rows: Iterable[JurorWork]) -> dict[int, Progress]:
    """Per juror: received / expected sheets over every state."""
    result: dict[int, Progress] = {}
    for row in rows:
        done, due = result.get(row.juror_id, Progress(0, 0)), row.progress
        result[row.juror_id] = Progress(done.received + due.received, done.expected + due.expected)
    return result


def totals_per(rows: Iterable[JurorWork], group: str) -> dict[str, Totals]:
    """The counted weighted totals per "juror_id" or "region_id", over every state."""
    result: dict[str, Totals] = {}
    for row in rows:
        if row.totals is not None:
            key = str(getattr(row, group))
            before = result.get(key, Totals(0, 0, 0))
            result[key] = Totals(before.count + row.totals.count, before.total + row.totals.total,
                                 before.squares + row.totals.squares)
    return result


def missing_among(rows: Iterable[DossierWork | JurorWork], states: Iterable[str]) -> int:
    """Expected sheets not yet submitted, over the dossiers in ``states``: what ``missing`` counts on a
    work restricted to them (a ranking reads its dossiers in every state once, and counts this too)."""
    wanted = set(states)
    return sum(row.progress.expected - row.progress.received for row in rows if row.state in wanted)


@dataclass(frozen=True)
class Ranking:
    """A jury's ranking: every candidature id of its work in rank order (those without a sheet last, by
    id), with each ranked one's place and sums. The exact figures of a row (``row``) are built for the
    rows a page shows only: a region's thousands are ranked on their integer sums (``scoring.standings``)."""

    order: list[str]
    standings: dict[str, Standing]
    summaries: dict[str, Summary]
    threshold: Fraction | int

    def row(self, key: str) -> RankedRow | None:
        """The ranked row of candidature ``key`` with its exact aggregate; None if it has no sheet."""
        standing = self.standings.get(key)
        if standing is None:
            return None
        return standing.row(aggregate_summaries([self.summaries[key]], threshold=self.threshold)[key])


def ranking(work: Work, contest: Contest, dossiers: dict[int, DossierWork] | None = None) -> Ranking:
    """The ranking of ``work`` (``dossiers``: its ``dossier_work``, when the caller has read it already)."""
    if dossiers is None:
        dossiers = dossier_work(work, weighted_criteria(contest))
    sums = {str(key): item.summary for key, item in dossiers.items() if item.summary is not None}
    placed = {standing.candidature: standing for standing in standings(sums.values(), weighted_criteria(contest))}
    unscored = [str(key) for key in db.session.scalars(db.select(Candidature.id).where(work.dossiers)
                                                       .order_by(Candidature.id)) if str(key) not in placed]
    return Ranking([*placed, *unscored], placed, sums, contest.disagreement_threshold)


def regional_ranks(work: Work, criteria: Criteria, candidature_ids: Iterable[int]) -> dict[int, int]:
    """The rank of each of ``candidature_ids`` that has a counted sheet in its region's ranking of ``work``
    (a regional work, of one region or all), as ``ranking`` gives it, in one query that returns these
    rows only: a few picks' ranks among thousands of dossiers without reading the thousands.

    A competition rank is one more than the number of dossiers whose merit (the total mean, then each
    criterion mean in ``criteria``'s order) is higher. The database sums each dossier's counted sheets
    and compares means exactly as integers: a / n > b / m is a × m > b × n."""
    sheets = work.sheets(criteria)
    merit = ["total", *(f"c{index}" for index in range(len(criteria)))]
    sums = (db.select(sheets.c.candidature_id, sheets.c.region_id, db.func.count().label("received"),
                      *(db.func.sum(sheets.c[name]).label(name) for name in merit))
            .group_by(sheets.c.candidature_id, sheets.c.region_id)).cte("sums")
    ranked, other = sums.alias("ranked"), sums.alias("other")

    def compared(name: str, relation):
        """``relation`` (``operator.eq``, ``operator.gt``) between the other dossier's mean and the ranked one's."""
        return relation(other.c[name] * ranked.c.received, ranked.c[name] * other.c.received)

    higher = db.or_(*(db.and_(*(compared(name, operator.eq) for name in merit[:index]),
                              compared(merit[index], operator.gt)) for index in range(len(merit))))
    return {candidature: above + 1 for candidature, above in db.session.execute(
        db.select(ranked.c.candidature_id, db.func.count(other.c.candidature_id))
        .select_from(ranked).outerjoin(other, db.and_(other.c.region_id == ranked.c.region_id, higher))
        .where(ranked.c.candidature_id.in_(list(candidature_ids))).group_by(ranked.c.candidature_id))}


def ranking_record(work: Work, contest: Contest) -> list[dict[str, object]]:
    """The ranking as the audit log keeps it when a jury's work is decided: each ranked candidature's
    id, rank and exact total mean (a fraction as text, « 47/3 »), in rank order."""
    ranked = ranking(work, contest)
    return [{"candidature_id": int(key), "rank": standing.rank, "total_mean": str(ranked.summaries[key].totals.mean)}
            for key in ranked.order if (standing := ranked.standings.get(key)) is not None]
