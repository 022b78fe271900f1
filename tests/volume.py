"""A contest at a given size, written in bulk: one region's jury at work and the national jury after it.

``seed(edition, dossiers)`` gives the region HDF ``dossiers`` candidatures before its jury of
15 jurors, every regional sheet submitted, two picks on the national shortlist and every national
sheet submitted, with a regional and a national organiser. The query-count test seeds 5 and 50
dossiers; ``bench/pages.py`` seeds up to 5,000. Rows are inserted in bulk (no operation, no
audit): this is data to read, not a journey.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event

from app.accounts import create_user
from app.extensions import db
from app.jury.workload import weighted_criteria
from app.models import (Candidature, ConflictDeclaration, Edition, Mark, Message, Region, RegionalPick, Scoresheet,
                        User)
from app.passwords import hash_password
from scoring import weighted_total
from tests.conftest import enrol_second_factor
from workflows.dossier import STEPS
from workflows.folding import search_text
from workflows.states import NationalStage, RegionStage, Role, State

REGION = "HDF"
JURORS = 15
NATIONAL_JURORS = 3
PICKS = 2
BATCH = 2_000


@dataclass(frozen=True)
class Volume:
    region: Region
    organiser: User
    national_organiser: User
    juror: User  # one of the regional jurors
    national_juror: User
    candidature_ids: list[int]
    pick_ids: list[int]
    owner: User  # the candidate of every dossier


def _users(role: Role, count: int, now: datetime, password: str, region: str | None = None) -> list[User]:
    """Accounts with one role; the organisers' second factor enrolled (``tests.conftest.TOTP_SECRET``)."""
    password_hash = hash_password(password)  # one hash for the lot: their passwords are the same
    users = [create_user(email=f"{role.value}.{index}@volume.example.org", password_hash=password_hash, role=role,
                         region_code=region, now=now, verified=True) for index in range(count)]
    for user in users:
        if user.second_factor_required:
            enrol_second_factor(user)
    return users


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(db.insert(model), rows[start:start + BATCH])


def _sheets(stage: str, jurors: list[User], candidature_ids: list[int], criteria: list[tuple[str, int]],
            now: datetime) -> None:
    """A submitted sheet of every juror on every dossier, marks varying with both, figures stored with
    it as ``app.jury.operations.store_figures`` writes them."""
    def marks(juror: int, candidature: int) -> dict[str, int]:
        return {key: (juror * 7 + candidature * 3 + index) % 5 for index, (key, _) in enumerate(criteria)}

    def figures(juror: int, candidature: int) -> dict:
        values = marks(juror, candidature)
        return dict(total=int(weighted_total(values, criteria)), criterion_marks=values)

    _insert(Scoresheet, [dict(candidature_id=c, juror_id=j.id, stage=stage, status="submitted", overall_comment="",
                              submitted_at=now, updated_at=now, version=1, **figures(j.id, c))
                         for c in candidature_ids for j in jurors])
    sheets = db.session.execute(db.select(Scoresheet.id, Scoresheet.juror_id, Scoresheet.candidature_id)
                                .where(Scoresheet.stage == stage, Scoresheet.candidature_id.in_(candidature_ids),
                                       Scoresheet.juror_id.in_([juror.id for juror in jurors])))
    _insert(Mark, [dict(scoresheet_id=sheet, criterion=key, value=value,
                        justification=f"Justification du critère {index + 1}.")
                   for sheet, juror, candidature in sheets
                   for index, (key, value) in enumerate(marks(juror, candidature).items())])


def _dossiers(edition: Edition, region: Region, owner: User, numbers: range, now: datetime) -> list[int]:
    contest = edition.contest
    _insert(Candidature, [dict(
        edition_id=edition.id, region_id=region.id, owner_id=owner.id,
        state=State.NATIONAL_SHORTLIST.value if number < PICKS else State.REGIONAL_JURY.value, version=1,
        category=contest.categories[0].key, structure_name=f"Structure {number}", sectors=[contest.sectors[0].key],
        contact_name="Jeanne Martin", contact_email=f"contact.{number}@volume.example.org",
        title=f"Projet {number}", summary="Des usagers et des soignants ensemble.", description="Description.",
        modalities=[contest.modalities[0].key], domains=[contest.domains[0].key], answers={}, attestations={},
        receipt_number=f"VOL-{number:06d}", submitted_at=now, receipt_issued_at=now, frozen_at=now,
        # A bulk insert passes by the model's events: the folded text is written as they would.
        search_text=search_text(f"Projet {number}", f"Structure {number}", f"VOL-{number:06d}"),
        created_at=now, updated_at=now) for number in numbers])
    return list(db.session.scalars(db.select(Candidature.id).where(
        Candidature.receipt_number.in_([f"VOL-{number:06d}" for number in numbers])).order_by(Candidature.id)))


def _judged(ids: list[int], jurors: list[User], criteria: list[tuple[str, int]], now: datetime,
            conflicted: int | None) -> None:
    """Every juror declares on every dossier and submits a sheet, but the first juror on ``conflicted``."""
    _insert(ConflictDeclaration, [dict(candidature_id=c, juror_id=j.id, stage="regional",
                                       has_conflict=(j, c) == (jurors[0], conflicted),
                                       reason="Ancien collègue." if (j, c) == (jurors[0], conflicted) else None,
                                       source="juror", declared_at=now) for c in ids for j in jurors])
    _sheets("regional", jurors[1:], ids, criteria, now)
    _sheets("regional", jurors[:1], [c for c in ids if c != conflicted], criteria, now)


def _threads(ids: list[int], organiser: User, owner: User, now: datetime) -> None:
    """On every dossier the ARS asked and, on every other one, the candidate answered: the dashboard
    and the candidate's list say which await an answer."""
    _insert(Message, [dict(candidature_id=c, author_id=organiser.id, side="ars", body="Une question.", sent_at=now)
                      for c in ids])
    _insert(Message, [dict(candidature_id=c, author_id=owner.id, side="candidate", body="Une réponse.", sent_at=now)
                      for c in ids[::2]])


@dataclass(frozen=True)
class Contest:
    """A seeded contest that can grow."""

    edition: Edition
    volume: Volume
    owner: User
    jurors: list[User]

    def grow(self, dossiers: int, now: datetime) -> None:
        """``dossiers`` more before the regional jury, fully scored."""
        start = len(self.volume.candidature_ids)
        ids = _dossiers(self.edition, self.volume.region, self.owner, range(start, start + dossiers), now)
        _judged(ids, self.jurors, weighted_criteria(self.edition.contest), now, None)
        _threads(ids, self.volume.organiser, self.owner, now)
        self.volume.candidature_ids.extend(ids)
        db.session.commit()


def seed(edition: Edition, dossiers: int, now: datetime, password: str) -> Contest:
    region = next(region for region in edition.regions if region.code == REGION)
    organiser, = _users(Role.REGIONAL_ORGANISER, 1, now, password, REGION)
    national_organiser, = _users(Role.NATIONAL_ORGANISER, 1, now, password)
    jurors = _users(Role.REGIONAL_JUROR, JURORS, now, password, REGION)
    national_jurors = _users(Role.NATIONAL_JUROR, NATIONAL_JURORS, now, password)
    owner, = _users(Role.CANDIDATE, 1, now, password)
    ids = _dossiers(edition, region, owner, range(dossiers), now)
    picks = ids[:PICKS]
    _insert(RegionalPick, [dict(region_id=region.id, slot=slot, candidature_id=c, opinion="Avis favorable de l’ARS.",
                                decided_by_id=organiser.id, decided_at=now) for slot, c in enumerate(picks, start=1)])
    criteria = weighted_criteria(edition.contest)
    _judged(ids, jurors, criteria, now, conflicted=ids[-1])  # one conflict keeps that path in every query
    _threads(ids, organiser, owner, now)
    _insert(ConflictDeclaration, [dict(candidature_id=c, juror_id=j.id, stage="national", has_conflict=False,
                                       source="juror", declared_at=now) for c in picks for j in national_jurors])
    _sheets("national", national_jurors, picks, criteria, now)
    region.stage = RegionStage.JURY_OPEN.value
    edition.national_stage = NationalStage.NATIONAL_JURY.value
    db.session.commit()
    volume = Volume(region, organiser, national_organiser, jurors[1], national_jurors[0], ids, picks, owner)
    return Contest(edition, volume, owner, jurors)


@contextmanager
def counted():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def pages(volume: Volume) -> dict[str, list[str]]:
    """URL by reader: every page and export a staff member or a juror opens (a file prepared by a job: the
    page that asks for it; ``prepared`` are the files themselves)."""
    region, dossier, pick = volume.region.id, volume.candidature_ids[2], volume.pick_ids[0]
    return {
        "organiser": [
            f"/ars/{region}", f"/ars/{region}/jury", f"/ars/{region}/journal", f"/ars/{region}/classement",
            f"/ars/{region}/candidatures/{dossier}", f"/ars/{region}/selection/{dossier}", f"/ars/{region}/cloture",
            f"/exports/preparer/proces-verbal?region={region}",
            f"/ars/{region}/journal?action=jury.remind&du=2017-01-01",
            f"/ars/{region}/journal.csv", f"/ars/{region}/jury/repartition?n=3",
            f"/ars/{region}/synthese", f"/ars/{region}/synthese.csv", f"/ars/{region}/synthese.pdf",
            f"/ars/{region}?etat=regional_jury&q=projet", f"/ars/{region}/classement?q=projet&categorie=etablissement",
            f"/exports/preparer/candidatures.csv?region={region}&q=projet",
            f"/exports/preparer/notes.xlsx?region={region}&q=projet",
        ],
        "national_organiser": [
            "/national", "/national/doublons", "/national/jury", "/national/classement", "/national/selection",
            f"/national/laureat/{pick}", "/national/publication", f"/national/regions/{region}/excuser",
            "/exports/", "/exports/preparer/candidatures.csv", "/exports/preparer/candidatures.xlsx",
            "/exports/preparer/notes.csv", "/exports/preparer/notes.xlsx", "/exports/livret.pdf",
            f"/exports/candidatures/{pick}/dossier.pdf", "/national/journal", "/national/journal.csv",
            f"/ars/{region}/journal?personne=organiser", "/national/synthese", "/national/synthese.csv",
            "/national/synthese.pdf", "/national/selection?q=projet&etat=national_shortlist",
            "/exports/selection-nationale.csv", "/exports/selection-nationale.xlsx?q=projet",
        ],
        "juror": ["/jury", f"/jury/regional/{dossier}/fiche", "/jury?q=projet&etat=regional_jury"],
        "national_juror": ["/jury/national", f"/jury/national/{pick}/fiche", "/jury/national?q=projet"],
        "owner": ["/candidatures", f"/candidatures/{dossier}/etape/1", f"/candidatures/{dossier}/etape/{len(STEPS)}"],
    }


def prepared(volume: Volume) -> dict[str, list[str]]:
    """URL by reader: the files a job prepares, asked for by a POST to these addresses (``app.exports.jobs``)."""
    region = volume.region.id
    return {
        "organiser": [f"/exports/preparer/proces-verbal?region={region}",
                      f"/exports/preparer/candidatures.csv?region={region}&q=projet",
                      f"/exports/preparer/notes.xlsx?region={region}&q=projet"],
        "national_organiser": ["/exports/preparer/candidatures.csv", "/exports/preparer/candidatures.xlsx",
                               "/exports/preparer/notes.csv", "/exports/preparer/notes.xlsx"],
    }
