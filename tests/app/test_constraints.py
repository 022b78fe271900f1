"""Every invariant the database holds is refused by the database itself, whatever the code does."""

from __future__ import annotations

import threading
import tomllib
import uuid

import pytest
import sqlalchemy as sa
import tomli_w
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.editions import load_edition
from app.extensions import db
from app.models import Attachment, AuditEntry, Candidature, Edition, Mark, RegionalPick, RoleMembership, Scoresheet, User
from tests import factories
from tests.conftest import CONTEST_FILE
from workflows.states import Role


# What both dialects say when a slot trigger (migration 0003) refuses a row.
BEYOND_LIMIT = "slot beyond the edition limit"
WINNERS_BEYOND_LIMIT = "winners beyond the edition limit"


def check(table: str, name: str) -> str:
    """What both dialects say when the CHECK constraint ``name`` of ``table`` fails."""
    return f"ck_{table}_{name}"


def unique(table: str, *columns: str) -> str:
    """What PostgreSQL (constraint name) or SQLite (column list) says on a duplicate."""
    listed = ", ".join(f"{table}.{column}" for column in columns)
    return rf'"uq_{table}_{"_".join(columns)}"|UNIQUE constraint failed: {listed}\n'


def assert_refused(pattern: str) -> None:
    """Flush the pending rows, expect the database to refuse them, and roll back."""
    with pytest.raises(IntegrityError, match=pattern):
        db.session.flush()
    db.session.rollback()


def rows(*columns) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(sa.select(*columns).order_by(*columns))]


@pytest.fixture
def add_candidature(edition, make_user, clock):
    """``add_candidature(state=..., region=..., **columns)`` adds an unsaved candidature to the session."""
    owner = make_user()

    def add(edition=edition, **columns) -> Candidature:
        candidature = factories.candidature(edition, owner, at=clock(), **columns)
        db.session.add(candidature)
        return candidature

    return add


@pytest.fixture
def add_attachment(clock):
    def add(candidature: Candidature, slot: int) -> Attachment:
        attachment = Attachment(candidature=candidature, slot=slot, display_name=f"piece-{slot}.pdf",
                                stored_name=uuid.uuid4().hex, mime_type="application/pdf", size=1024,
                                sha256="0" * 64, uploaded_at=clock())
        db.session.add(attachment)
        return attachment

    return add


@pytest.fixture
def add_pick(clock):
    def add(candidature: Candidature, slot: int, region_id: int | None = None) -> RegionalPick:
        pick = RegionalPick(region_id=region_id or candidature.region_id, slot=slot, candidature=candidature,
                            opinion="Avis favorable de l’ARS.", decided_at=clock())
        db.session.add(pick)
        return pick

    return add


@pytest.fixture
def add_scoresheet(edition, make_user, clock):
    juror = make_user(Role.REGIONAL_JUROR)

    def add(candidature: Candidature, stage: str = "regional") -> Scoresheet:
        scoresheet = Scoresheet(candidature=candidature, juror_id=juror.id, stage=stage, updated_at=clock())
        db.session.add(scoresheet)
        return scoresheet

    return add


def region_id(edition, code: str) -> int:
    return next(region.id for region in edition.regions if region.code == code)


def other_edition(clock, *, max_attachments: int = 3, max_picks: int = 2, winners: int = 1):
    """The 2017 file as ``ssp-2018``, with its own limits."""
    data = tomllib.loads(CONTEST_FILE.read_text(encoding="utf-8"))
    data["contest"]["slug"] = "ssp-2018"
    data["judging"]["winners"] = winners
    data["attachments"]["max_count"] = max_attachments
    data["quota"]["max"] = max_picks
    edition, _created = load_edition(tomli_w.dumps(data), source="ssp-2018.toml", now=clock())
    db.session.commit()
    return edition


# Attachments


def test_attachment_slots_one_to_three_accepted(add_candidature, add_attachment):
    candidature = add_candidature()
    for slot in (1, 2, 3):
        add_attachment(candidature, slot)

    db.session.commit()

    assert rows(Attachment.slot) == [(1,), (2,), (3,)]


def test_attachment_slot_taken_refused(add_candidature, add_attachment):
    candidature = add_candidature()
    add_attachment(candidature, 1)
    db.session.commit()

    add_attachment(candidature, 1)

    assert_refused(unique("attachments", "candidature_id", "slot"))
    assert rows(Attachment.slot) == [(1,)]


def test_attachment_same_slot_on_other_candidature_accepted(add_candidature, add_attachment):
    first, second = add_candidature(), add_candidature()
    add_attachment(first, 1)
    db.session.commit()

    add_attachment(second, 1)
    db.session.commit()

    assert rows(Attachment.candidature_id, Attachment.slot) == [(first.id, 1), (second.id, 1)]


@pytest.mark.parametrize(("slot", "refusal"), [(0, check("attachments", "slot_positive")), (4, BEYOND_LIMIT)])
def test_attachment_slot_out_of_range_refused(add_candidature, add_attachment, slot, refusal):
    candidature = add_candidature()
    db.session.commit()

    add_attachment(candidature, slot)

    assert_refused(refusal)
    assert rows(Attachment.slot) == []


def test_attachment_slot_within_other_editions_limit_accepted(add_candidature, add_attachment, clock):
    candidature = add_candidature(edition=other_edition(clock, max_attachments=5))
    db.session.commit()
    for slot in range(1, 6):
        add_attachment(candidature, slot)

    db.session.commit()

    assert rows(Attachment.slot) == [(1,), (2,), (3,), (4,), (5,)]


def test_attachment_moved_to_slot_beyond_limit_refused(add_candidature, add_attachment):
    attachment = add_attachment(add_candidature(), 3)
    db.session.commit()

    attachment.slot = 4

    assert_refused(BEYOND_LIMIT)
    assert rows(Attachment.slot) == [(3,)]


def test_edition_limit_below_slot_in_use_refused(add_candidature, add_attachment, add_pick, edition):
    add_attachment(add_candidature(), 3)
    db.session.commit()

    edition.max_attachments = 2

    assert_refused(BEYOND_LIMIT)
    assert db.session.get(Edition, edition.id).max_attachments == 3


def test_edition_limit_above_slots_in_use_accepted(add_candidature, add_attachment, edition):
    add_attachment(add_candidature(), 2)
    db.session.commit()

    edition.max_attachments = 2
    db.session.commit()

    assert rows(Edition.max_attachments, Edition.max_picks) == [(2, 2)]


# One winner per edition


def test_candidature_second_winner_in_edition_refused(add_candidature):
    first = add_candidature(state="winner")
    db.session.commit()

    add_candidature(state="winner")

    assert_refused(WINNERS_BEYOND_LIMIT)
    assert rows(Candidature.id, Candidature.state) == [(first.id, "winner")]


def test_candidature_becoming_second_winner_in_edition_refused(add_candidature):
    add_candidature(state="winner")
    second = add_candidature(state="national_shortlist")
    db.session.commit()

    second.state = "winner"

    assert_refused(WINNERS_BEYOND_LIMIT)
    assert rows(Candidature.state) == [("national_shortlist",), ("winner",)]


def test_candidature_winners_up_to_other_editions_limit_accepted_and_one_more_refused(add_candidature, clock):
    edition_2018 = other_edition(clock, winners=2)
    first, second = (add_candidature(edition=edition_2018, state="winner") for _ in range(2))
    db.session.commit()

    add_candidature(edition=edition_2018, state="winner")

    assert_refused(WINNERS_BEYOND_LIMIT)
    assert rows(Candidature.id, Candidature.state) == [(first.id, "winner"), (second.id, "winner")]


def test_edition_winners_below_those_declared_refused(add_candidature, clock):
    edition_2018 = other_edition(clock, winners=2)
    for _ in range(2):
        add_candidature(edition=edition_2018, state="winner")
    db.session.commit()

    edition_2018.max_winners = 1

    assert_refused(WINNERS_BEYOND_LIMIT)
    assert db.session.get(Edition, edition_2018.id).max_winners == 2


def test_candidature_winner_in_other_edition_accepted(add_candidature, edition, clock):
    add_candidature(state="winner")
    db.session.commit()
    edition_2018 = other_edition(clock)

    add_candidature(edition=edition_2018, state="winner")
    db.session.commit()

    assert rows(Candidature.edition_id, Candidature.state) == [(edition.id, "winner"), (edition_2018.id, "winner")]


def test_candidature_non_winners_in_same_edition_accepted(add_candidature):
    for state in ("winner", "national_not_selected", "national_not_selected"):
        add_candidature(state=state)

    db.session.commit()

    assert rows(Candidature.state) == [("national_not_selected",), ("national_not_selected",), ("winner",)]


# Regional picks


def test_regional_pick_two_slots_in_region_accepted(add_candidature, add_pick):
    first, second = add_candidature(state="national_shortlist"), add_candidature(state="national_shortlist")
    db.session.flush()
    add_pick(first, 1)
    add_pick(second, 2)

    db.session.commit()

    assert rows(RegionalPick.slot, RegionalPick.candidature_id) == [(1, first.id), (2, second.id)]


def test_regional_pick_slot_taken_in_region_refused(add_candidature, add_pick):
    first, second = add_candidature(state="national_shortlist"), add_candidature(state="national_shortlist")
    db.session.flush()
    add_pick(first, 1)
    db.session.commit()

    add_pick(second, 1)

    assert_refused(unique("regional_picks", "region_id", "slot"))
    assert rows(RegionalPick.slot, RegionalPick.candidature_id) == [(1, first.id)]


@pytest.mark.parametrize(("slot", "refusal"), [(0, check("regional_picks", "slot_positive")), (3, BEYOND_LIMIT)])
def test_regional_pick_slot_out_of_range_refused(add_candidature, add_pick, slot, refusal):
    candidature = add_candidature(state="national_shortlist")
    db.session.commit()

    add_pick(candidature, slot)

    assert_refused(refusal)
    assert rows(RegionalPick.slot) == []


def test_regional_pick_slot_within_other_editions_limit_accepted(add_candidature, add_pick, clock):
    edition_2018 = other_edition(clock, max_picks=3)
    candidatures = [add_candidature(edition=edition_2018, state="national_shortlist") for _ in range(3)]
    db.session.flush()
    for slot, candidature in enumerate(candidatures, start=1):
        add_pick(candidature, slot)

    db.session.commit()

    assert rows(RegionalPick.slot) == [(1,), (2,), (3,)]


def test_edition_pick_limit_below_slot_in_use_refused(add_candidature, add_pick, edition):
    candidatures = [add_candidature(state="national_shortlist") for _ in range(2)]
    db.session.flush()
    for slot, candidature in enumerate(candidatures, start=1):
        add_pick(candidature, slot)
    db.session.commit()

    edition.max_picks = 1

    assert_refused(BEYOND_LIMIT)
    assert rows(Edition.max_picks) == [(2,)]


def test_regional_pick_same_slot_in_other_region_accepted(add_candidature, add_pick):
    hdf, idf = add_candidature(state="national_shortlist"), add_candidature(state="national_shortlist", region="IDF")
    db.session.flush()
    add_pick(hdf, 1)
    add_pick(idf, 1)

    db.session.commit()

    assert len(rows(RegionalPick.region_id, RegionalPick.slot)) == 2


def test_regional_pick_same_candidature_twice_refused(add_candidature, add_pick):
    candidature = add_candidature(state="national_shortlist")
    db.session.flush()
    add_pick(candidature, 1)
    db.session.commit()

    add_pick(candidature, 2)

    assert_refused(unique("regional_picks", "candidature_id"))
    assert rows(RegionalPick.slot) == [(1,)]


# Scoresheets and marks


def test_scoresheet_second_for_same_juror_and_stage_refused(add_candidature, add_scoresheet):
    candidature = add_candidature(state="regional_jury")
    add_scoresheet(candidature)
    db.session.commit()

    add_scoresheet(candidature)

    assert_refused(unique("scoresheets", "candidature_id", "juror_id", "stage"))
    assert rows(Scoresheet.stage) == [("regional",)]


def test_scoresheet_same_juror_at_other_stage_accepted(add_candidature, add_scoresheet):
    candidature = add_candidature(state="national_shortlist")
    add_scoresheet(candidature, "regional")

    add_scoresheet(candidature, "national")
    db.session.commit()

    assert rows(Scoresheet.stage) == [("national",), ("regional",)]


def test_mark_second_for_same_criterion_refused(add_candidature, add_scoresheet):
    scoresheet = add_scoresheet(add_candidature(state="regional_jury"))
    db.session.add(Mark(scoresheet=scoresheet, criterion="partenariat", value=4))
    db.session.commit()

    db.session.add(Mark(scoresheet=scoresheet, criterion="partenariat", value=2))

    assert_refused(unique("marks", "scoresheet_id", "criterion"))
    assert rows(Mark.criterion, Mark.value) == [("partenariat", 4)]


# Role memberships and users


def test_role_membership_regional_role_without_region_refused(make_user, edition, clock):
    user = make_user(Role.CANDIDATE)

    db.session.add(RoleMembership(user_id=user.id, role=Role.REGIONAL_JUROR.value, region_id=None,
                                  edition_id=edition.id, created_at=clock()))

    assert_refused(check("role_memberships", "region_iff_regional_role"))
    assert rows(RoleMembership.role) == [("candidate",)]


def test_role_membership_national_role_with_region_refused(make_user, edition, clock):
    user = make_user(Role.CANDIDATE)

    db.session.add(RoleMembership(user_id=user.id, role=Role.NATIONAL_JUROR.value,
                                  region_id=region_id(edition, "HDF"), created_at=clock()))

    assert_refused(check("role_memberships", "region_iff_regional_role"))
    assert rows(RoleMembership.role) == [("candidate",)]


def test_role_membership_national_role_without_edition_refused(make_user, edition, clock):
    user = make_user(Role.CANDIDATE)

    db.session.add(RoleMembership(user_id=user.id, role=Role.NATIONAL_ORGANISER.value, created_at=clock()))

    assert_refused(check("role_memberships", "edition_iff_staff_role"))
    assert rows(RoleMembership.role) == [("candidate",)]


def test_role_membership_candidate_in_an_edition_refused(make_user, edition, clock):
    user = make_user(Role.NATIONAL_JUROR)

    db.session.add(RoleMembership(user_id=user.id, role=Role.CANDIDATE.value, edition_id=edition.id,
                                  created_at=clock()))

    assert_refused(check("role_memberships", "edition_iff_staff_role"))
    assert rows(RoleMembership.role) == [("national_juror",)]


def test_role_membership_regional_role_takes_its_regions_edition(make_user, edition, clock):
    make_user(Role.REGIONAL_ORGANISER, region="IDF")

    assert rows(RoleMembership.role, RoleMembership.edition_id) == [("regional_organiser", edition.id)]


def test_role_membership_unknown_role_refused(make_user, clock):
    user = make_user(Role.CANDIDATE)

    db.session.add(RoleMembership(user_id=user.id, role="president", created_at=clock()))

    assert_refused(check("role_memberships", "role_known"))
    assert rows(RoleMembership.role) == [("candidate",)]


def test_user_uppercase_email_refused(app, clock):
    db.session.add(User(email="Jeanne.Martin@example.org", created_at=clock()))

    assert_refused(check("users", "email_lowercase"))
    assert rows(User.email) == []


# Candidature states


def test_candidature_unknown_state_refused(add_candidature):
    add_candidature(state="lost")

    assert_refused(check("candidatures", "state_known"))
    assert rows(Candidature.id) == []


def test_candidature_inadmissible_without_reason_refused(add_candidature):
    add_candidature(state="inadmissible", inadmissibility_code="hors_delai")

    assert_refused(check("candidatures", "inadmissible_has_reason"))
    assert rows(Candidature.id) == []


def test_candidature_inadmissible_with_reason_accepted(add_candidature):
    add_candidature(state="inadmissible", inadmissibility_reason="Dossier déposé par une entreprise commerciale.")

    db.session.commit()

    assert rows(Candidature.state) == [("inadmissible",)]


@pytest.mark.parametrize("missing", ["receipt_number", "submitted_at"])
@pytest.mark.parametrize("state", ["submitted", "regional_jury", "winner"])
def test_candidature_submitted_without_receipt_refused(add_candidature, state, missing):
    add_candidature(state=state, **{missing: None})

    assert_refused(check("candidatures", "submitted_has_receipt"))
    assert rows(Candidature.id) == []


@pytest.mark.parametrize("state", ["draft", "withdrawn"])
def test_candidature_draft_or_withdrawn_without_receipt_accepted(add_candidature, state):
    add_candidature(state=state)

    db.session.commit()

    assert rows(Candidature.state, Candidature.receipt_number) == [(state, None)]


# Optimistic locking


def test_candidature_stale_version_refused(add_candidature):
    candidature = add_candidature(title="Titre initial")
    db.session.flush()
    candidature_id = candidature.id
    db.session.commit()
    other = Session(db.engine, expire_on_commit=False)
    stale = other.get(Candidature, candidature_id)
    other.commit()  # read-only; on SQLite an open transaction would hold the write lock

    candidature.title = "Titre du premier"
    db.session.commit()
    stale.title = "Titre du second"

    with pytest.raises(StaleDataError):
        other.commit()
    other.rollback()
    other.close()

    assert rows(Candidature.title, Candidature.version) == [("Titre du premier", 2)]


# Audit log


@pytest.fixture
def audit_entry(app, clock):
    entry = AuditEntry(at=clock(), action="user.login", data={})
    db.session.add(entry)
    db.session.commit()
    return entry


def test_audit_entry_update_refused_by_orm(audit_entry):
    audit_entry.action = "user.logout"

    with pytest.raises(PermissionError, match="append-only"):
        db.session.flush()
    db.session.rollback()

    assert rows(AuditEntry.action) == [("user.login",)]


def test_audit_entry_delete_refused_by_orm(audit_entry):
    db.session.delete(audit_entry)

    with pytest.raises(PermissionError, match="append-only"):
        db.session.flush()
    db.session.rollback()

    assert rows(AuditEntry.action) == [("user.login",)]


def test_candidature_winners_in_two_transactions_at_once_one_refused(add_candidature):
    """Without the application's lock: the trigger locks the edition, so the second sees the first."""
    first, second = add_candidature(state="national_shortlist"), add_candidature(state="national_shortlist")
    db.session.commit()
    ids = first.id, second.id
    db.session.commit()  # reading the ids began a transaction: SQLite's write lock must be free
    declare = "UPDATE candidatures SET state = 'winner' WHERE id = :id"
    engine, outcome = db.engine, []

    def other_transaction() -> None:
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(declare), {"id": ids[1]})
        except IntegrityError as refusal:
            outcome.append(str(refusal.orig))

    with engine.begin() as connection:
        connection.execute(sa.text(declare), {"id": ids[0]})
        racer = threading.Thread(target=other_transaction)
        racer.start()
        racer.join(timeout=1)  # it waits on the edition's row (PostgreSQL) or the write lock (SQLite)
        assert racer.is_alive()
    racer.join()

    assert [WINNERS_BEYOND_LIMIT in message for message in outcome] == [True]
    db.session.expire_all()
    assert rows(Candidature.id, Candidature.state) == [(ids[0], "winner"), (ids[1], "national_shortlist")]
