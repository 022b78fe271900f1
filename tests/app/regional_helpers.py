"""Fixtures and helpers shared by the regional organiser's tests."""

from __future__ import annotations

import html
import threading
from datetime import datetime, timedelta

import pytest

from app.extensions import db
from app.jury.operations import store_figures
from app.models import AuditEntry, Mark, Region, Scoresheet
from tests import factories
from tests.conftest import PARIS, csrf_token
from workflows.states import Role

DEADLINE = datetime(2017, 10, 16, 0, 0, tzinfo=PARIS)
AFTER_DEADLINE = DEADLINE + timedelta(days=2, hours=9)
CRITERIA = ("partenariat", "securite", "reproductibilite", "originalite")


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def region(code: str) -> Region:
    return db.session.scalar(db.select(Region).filter_by(code=code))


def audit_rows(*actions: str) -> list[tuple]:
    """(action, candidature, from, to, reason) of the audit log, oldest first, for ``actions``."""
    query = db.select(AuditEntry).order_by(AuditEntry.id)
    if actions:
        query = query.where(AuditEntry.action.in_(actions))
    return [(e.action, e.candidature_id, e.from_state, e.to_state, e.reason) for e in db.session.scalars(query)]


def submitted_sheet(juror, candidature, at) -> Scoresheet:
    sheet = Scoresheet(candidature_id=candidature.id, juror_id=juror.id, stage="regional", status="submitted",
                       submitted_at=at, updated_at=at)
    sheet.marks = [Mark(criterion=key, value=3) for key in CRITERIA]
    store_figures(sheet, candidature.edition.contest)
    db.session.add(sheet)
    db.session.commit()
    return sheet


@pytest.fixture
def organiser(make_user, login, edition):
    """The signed-in regional organiser of HDF."""
    user = make_user(Role.REGIONAL_ORGANISER, region="HDF")
    login(user)
    return user


@pytest.fixture
def dossier(edition, make_user, clock):
    """Factory: ``dossier(state="submitted", region="HDF")``, owned by a new candidate."""

    def make(state: str = "submitted", region: str = "HDF", **columns):
        candidature = factories.candidature(edition, make_user(Role.CANDIDATE), at=clock(), state=state,
                                            region=region, **columns)
        db.session.add(candidature)
        db.session.commit()
        return candidature

    return make


def post_at_once(app, client, page: str, url: str, data: dict, clicks: int = 2) -> list[int]:
    """``clicks`` tabs of the signed-in ``client`` post ``data`` to ``url`` behind a barrier; their statuses."""
    cookie = client.get_cookie("session").value
    barrier, statuses = threading.Barrier(clicks), []

    def click() -> None:
        with app.app_context():
            browser = app.test_client()
            browser.set_cookie("session", cookie)
            token = csrf_token(browser.get(page).get_data(as_text=True))
            barrier.wait(5)
            statuses.append(browser.post(url, data={"csrf_token": token, **data}).status_code)

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    db.session.commit()  # on SQLite even a read holds the write lock
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses
