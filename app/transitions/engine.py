"""How every state of the contest moves: lock, facts, check, change, audit — the same steps for a
candidature, a region and the edition.

- A region's or the edition's row is locked first (``FOR UPDATE`` on PostgreSQL; SQLite serialises
  every writing transaction), so two organisers acting at once are judged one after the other on
  what the first committed; a candidature is held by its version (``version_id_col``), and a single
  candidature's row is locked before the audit chain's head, the last lock (``app.models.audit``).
- The facts are read once, with what the machine's guards and ``workflows.lifecycle`` need; a bulk
  operation reads them once for all its candidatures (``base``).
- The machine checks (raising ``Refused`` with every reason), then the row changes and one audit
  row is written. Operations flush, never commit: the request commits once (``app.endings``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from app.audit import record
from app.extensions import db
from app.models import Candidature, Edition, Region, RegionalPick, User
from app.jury.workload import REGIONAL_JURY_STATES, Work, missing, progress_by
from workflows.dossier import missing_items
from workflows.machine import CANDIDATURE, NATIONAL, REGION, Facts, NationalFacts, RegionFacts
from workflows.states import NationalStage, RegionStage, Role, State

# A region has settled its selection once it is closed, or excused by the national organiser.
SETTLED_STAGES = (RegionStage.CLOSED.value, RegionStage.EXCUSED.value)


def lock(row: Region | Edition | Candidature, *read_again) -> None:
    """Lock the row, then re-read it and ``read_again``: what a concurrent action committed is seen."""
    db.session.scalars(
        db.select(type(row)).filter_by(id=row.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    for other in read_again:
        db.session.refresh(other)


def _count(query) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))


def region_facts(region: Region, now: datetime, reason: str = "", *, scoresheets_missing: int | None = None
                 ) -> RegionFacts:
    """What the region's machine needs: its stage, the contest's, its picks and missing sheets
    (``scoresheets_missing``: counted already by a page that read the jury's work)."""
    if scoresheets_missing is None:
        scoresheets_missing = missing(Work.regional(region))
    return RegionFacts(stage=RegionStage(region.stage), now=now,
                       national_stage=NationalStage(region.edition.national_stage),
                       picks=_count(db.select(RegionalPick.id).filter_by(region_id=region.id)), reason=reason,
                       scoresheets_missing=scoresheets_missing)


def regions_facts(edition: Edition, now: datetime) -> dict[int, RegionFacts]:
    """``region_facts`` of every region of the edition, in two queries (the national overview)."""
    picks = dict(db.session.execute(
        db.select(RegionalPick.region_id, db.func.count()).join(Region)
        .where(Region.edition_id == edition.id).group_by(RegionalPick.region_id)).all())
    work = progress_by(Work.all_regions(edition, REGIONAL_JURY_STATES), "region_id")
    return {region.id: RegionFacts(
        stage=RegionStage(region.stage), now=now, national_stage=NationalStage(edition.national_stage),
        picks=picks.get(region.id, 0),
        scoresheets_missing=work[region.id].expected - work[region.id].received if region.id in work else 0)
        for region in edition.regions}


def shared_facts(region: Region, now: datetime, facts: RegionFacts | None = None, *, counts: bool = True) -> Facts:
    """The facts every candidature of the region shares: a bulk operation reads them once; ``facts``:
    the region's own, when the caller has read them already (they count the region's sheets). Without
    ``counts`` (a transition whose guards do not read them: ``Machine.reads_counts``), the region's
    picks and missing sheets and the edition's winners are not counted (a submission at the deadline
    rush does not count the jury's sheets)."""
    if not counts:
        return Facts(state=State.DRAFT, now=now, region_stage=RegionStage(region.stage),
                     national_stage=NationalStage(region.edition.national_stage))
    facts = facts or region_facts(region, now)
    winners = _count(db.select(Candidature.id).filter_by(edition_id=region.edition_id, state=State.WINNER.value))
    return Facts(state=State.DRAFT, now=now, region_stage=facts.stage, national_stage=facts.national_stage,
                 region_picks=facts.picks, scoresheets_missing=facts.scoresheets_missing,
                 winners=winners)


def candidature_facts(candidature: Candidature, now: datetime, reason: str = "", *,
                      base: Facts | None = None, counts: bool = True) -> Facts:
    """What the candidature's machine needs; ``base``: the facts of its region, read once for many."""
    if base is None:
        base = replace(shared_facts(candidature.region, now, counts=counts),
                       missing_items=missing_items(candidature.dossier(), candidature.edition.contest))
    return replace(base, state=State(candidature.state), reason=reason, received_at=candidature.received_at)


def open_regions(edition: Edition) -> list[Region]:
    """The regions that have neither closed their selection nor been excused, in the definition's order."""
    return db.session.scalars(
        db.select(Region).where(Region.edition_id == edition.id, Region.stage.not_in(SETTLED_STAGES))
        .order_by(Region.id)
    ).all()


def national_facts(edition: Edition, now: datetime, reason: str = "") -> NationalFacts:
    """What the national machine needs: the stage, the regions still open, the winner, missing sheets."""
    winners = _count(db.select(Candidature.id).filter_by(edition_id=edition.id, state=State.WINNER.value))
    return NationalFacts(stage=NationalStage(edition.national_stage), now=now,
                         regions_open=tuple(region.code for region in open_regions(edition)), reason=reason,
                         winners=winners,
                         scoresheets_missing=missing(Work.national(edition)))


def fire_candidature(candidature: Candidature, name: str, *, actor: User | None, role: Role, now: datetime,
                     reason: str = "", data: dict | None = None, base: Facts | None = None) -> State:
    """Check ``name`` against the machine, move the candidature and log it (raises Refused)."""
    if base is None:
        # The dossier's row before the audit chain's head (locked when the log row is flushed), as a save
        # takes them (its UPDATE, then its log row): otherwise a save and a transition of the same dossier
        # at once each hold the lock the other waits for (a deadlock on PostgreSQL). A bulk transition
        # (``base``) runs on dossiers no candidate can save any more.
        lock(candidature)
    facts = candidature_facts(candidature, now, reason, base=base, counts=CANDIDATURE.reads_counts(name))
    target = CANDIDATURE.check(name, facts, role, candidature.edition.contest)
    # Logged before the state changes: reading the actor may autoflush, and a half-made change
    # (a state without the columns that go with it) would break the table's CHECK constraints.
    record(f"candidature.{name}", actor=actor, role=role.value, at=now, candidature=candidature,
           from_state=candidature.state, to_state=target.value, reason=reason.strip() or None, data=data)
    candidature.state, candidature.updated_at = target.value, now
    return target


def fire_region(region: Region, name: str, *, actor: User, role: Role, now: datetime, reason: str = "",
                data: dict | None = None) -> RegionStage:
    """Check ``name`` on the locked region, move it and log it (raises Refused)."""
    target = REGION.check(name, region_facts(region, now, reason), role, region.edition.contest)
    record(f"region.{name}", actor=actor, role=role.value, at=now, region_id=region.id, edition_id=region.edition_id,
           from_state=region.stage, to_state=target.value, reason=reason.strip() or None, data=data)
    region.stage = target.value
    return target


def fire_edition(edition: Edition, name: str, *, actor: User, now: datetime, reason: str = "",
                 data: dict | None = None) -> NationalStage:
    """Check ``name`` on the locked edition, move it and log it (raises Refused)."""
    role = Role.NATIONAL_ORGANISER
    target = NATIONAL.check(name, national_facts(edition, now, reason), role, edition.contest)
    record(f"edition.{name}", actor=actor, role=role.value, at=now, edition_id=edition.id,
           from_state=edition.national_stage, to_state=target.value, reason=reason.strip() or None, data=data)
    edition.national_stage, edition.updated_at = target.value, now
    return target
