"""The demo command: idempotent, every role, candidatures in several states."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from app.demo import ACCOUNTS, DEMO_SLUG
from app.extensions import db
from app.models import Candidature, Edition, User


def run_demo(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result


def test_demo_creates_accounts_for_every_role_and_candidatures(app, clock):
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))

    result = run_demo(app)

    edition = db.session.scalar(db.select(Edition).filter_by(slug=DEMO_SLUG))
    states = Counter(db.session.scalars(db.select(Candidature.state)).all())
    assert states == Counter({"submitted": 2, "draft": 1, "withdrawn": 1, "inadmissible": 1})
    assert {u.email for u in db.session.scalars(db.select(User))} == {email for email, *_ in ACCOUNTS}
    assert edition.contest.deadline_label == "vendredi 27 novembre 2026 à minuit, heure de Paris"
    assert "candidat@demo.concours.invalid" in result.output


def test_demo_is_idempotent(app):
    run_demo(app)

    run_demo(app)

    assert db.session.scalar(db.select(db.func.count(Edition.id))) == 1
    assert db.session.scalar(db.select(db.func.count(User.id))) == len(ACCOUNTS)
    assert db.session.scalar(db.select(db.func.count(Candidature.id))) == 5
