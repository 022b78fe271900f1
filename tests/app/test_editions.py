"""Loading editions: a calendar shifted with ``shift_calendar`` changes the dates and nothing else."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import tomli_w

from app.editions import load_edition
from app.extensions import db
from app.models import AuditEntry, Edition, Region
from tests import factories
from tests.conftest import CONTEST_FILE
from workflows.definition import ContestError, load_contest, shift_calendar

RAW = tomllib.loads(CONTEST_FILE.read_text(encoding="utf-8"))
CONTEST = load_contest(CONTEST_FILE)
SUMMER_TIME = timezone(timedelta(hours=2))
WEEK = timedelta(days=7)
SHIFTED_CALENDAR = dataclasses.replace(
    CONTEST.calendar,
    submission_deadline=datetime(2017, 10, 23, 0, 0, tzinfo=SUMMER_TIME),
    week_start=date(2017, 11, 27),
    ceremony=date(2017, 11, 28),
    week_end=date(2017, 12, 1),
)


def load(data: dict, now: datetime):
    edition, created = load_edition(tomli_w.dumps(data), source="ssp-2017.toml", now=now)
    db.session.commit()
    return edition, created


def regions() -> list[tuple]:
    return db.session.execute(sa.select(Region.id, Region.code, Region.name).order_by(Region.id)).all()


def test_load_edition_shifted_calendar_changes_only_dates(app, clock):
    edition, created = load(shift_calendar(RAW, WEEK), clock())

    assert created is True
    assert edition.contest == dataclasses.replace(CONTEST, calendar=SHIFTED_CALENDAR)
    assert edition.submission_deadline == datetime(2017, 10, 22, 22, 0, tzinfo=UTC)
    assert (edition.slug, edition.title) == (CONTEST.slug, CONTEST.title)
    assert [code for _id, code, _name in regions()] == [region.code for region in CONTEST.regions]


def test_load_edition_shifted_over_existing_updates_in_place(edition, clock):
    regions_before = regions()

    updated, created = load(shift_calendar(RAW, WEEK), clock())

    assert (created, updated.id) == (False, edition.id)
    assert db.session.execute(sa.select(Edition.slug, Edition.submission_deadline)).all() == [
        ("ssp-2017", datetime(2017, 10, 22, 22, 0, tzinfo=UTC))]
    assert regions() == regions_before
    assert db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all() == [
        "edition.load", "edition.update"]


def test_load_edition_shifted_after_candidature_accepted(edition, make_user, clock):
    db.session.add(factories.candidature(edition, make_user(), at=clock()))
    db.session.commit()

    updated, created = load(shift_calendar(RAW, WEEK), clock())

    assert created is False
    assert updated.contest.calendar == SHIFTED_CALENDAR
    assert updated.contest.criteria == CONTEST.criteria


def test_load_edition_deadline_alone_moved_past_ceremony_refused(app, clock):
    data = shift_calendar(RAW, timedelta(0))
    data["calendar"]["submission_deadline"] += timedelta(days=40)

    with pytest.raises(ContestError) as refused:
        load(data, clock())
    db.session.rollback()

    assert refused.value.errors == ["ssp-2017.toml: calendar.ceremony: doit avoir lieu après la date limite de dépôt"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Edition)) == 0
