"""The demo command: every stage built through the real operations, every printed login works,
idempotent, moving forward and refusing to go back."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from app.demo import DEMO_SLUG, cast
from app.duplicates import flags
from app.extensions import db
from app.jury.juries import Jury
from app.jury.workload import regional_candidatures
from app.models import (AuditEntry, Candidature, ConflictDeclaration, Edition, JuryAssignment, Message, Region,
                        RegionalPick, Scoresheet)
from tests.app.attachment_helpers import page_text
from tests.conftest import authenticator_code

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # a Monday afternoon in Paris


def run_demo(app, *arguments, exit_code=0):
    result = app.test_cli_runner().invoke(args=["demo", *arguments])
    assert result.exit_code == exit_code, result.output
    return result


@pytest.fixture
def now(clock):
    clock.set(NOW)
    return clock


def threads() -> dict[tuple[str, str], list[str]]:
    """The demo's threads: (region, candidate's email) -> the sides of their messages, in order."""
    found: dict[tuple[str, str], list[str]] = {}
    for message in db.session.scalars(db.select(Message).order_by(Message.id)):
        candidature = db.session.get(Candidature, message.candidature_id)
        found.setdefault((candidature.region.code, candidature.owner.email), []).append(message.side)
    return found


def demo_edition() -> Edition:
    db.session.expire_all()
    return db.session.scalar(db.select(Edition).filter_by(slug=DEMO_SLUG))


def stages() -> dict[str, str]:
    return {region.code: region.stage for region in demo_edition().regions}


def sheets(stage: str, code: str | None = None) -> Counter:
    query = db.select(Scoresheet.status).join(Candidature).where(Scoresheet.stage == stage)
    if code:
        query = query.join(Region).where(Region.code == code)
    return Counter(db.session.scalars(query))


def test_depot_has_a_deadline_ahead_and_dossiers_in_every_state(app, now):
    result = run_demo(app)

    edition = demo_edition()
    states = Counter(db.session.scalars(db.select(Candidature.state)))
    per_region = Counter(db.session.scalars(db.select(Region.code).join(Candidature).where(
        Candidature.state == "submitted")))
    assert edition.contest.deadline_label == "samedi 5 décembre 2026 à minuit, heure de Paris"
    assert (states["draft"], states["withdrawn"], states["inadmissible"]) == (1, 1, 1)
    entered = db.session.scalars(db.select(Candidature).where(Candidature.received_at.is_not(None))).all()
    assert [(c.region.code, c.state, c.awaiting_take_over, c.owner.password_hash) for c in entered] == [
        ("HDF", "submitted", True, None)]
    assert min(per_region.values()) >= 2 and max(per_region.values()) <= 6 and len(per_region) == 17
    assert set(stages().values()) == {"submissions"}
    assert threads() == {("IDF", "candidat2@demo.example.org"): ["ars", "candidate"]}
    assert "étape « dépôt des candidatures »" in result.output


def test_jury_regional_has_juries_at_work_one_region_closed_and_one_without_jury(app, now):
    run_demo(app, "--stage", "jury-regional")

    edition, regions = demo_edition(), stages()
    hdf_picks = db.session.scalar(db.select(db.func.count(RegionalPick.id)).join(Region).where(Region.code == "HDF"))
    conflicts = db.session.scalars(db.select(ConflictDeclaration).filter_by(has_conflict=True)).all()
    assert not edition.contest.is_before_deadline(NOW)
    assert (regions["HDF"], hdf_picks) == ("closed", 2)
    assert (regions["IDF"], regions["ARA"], regions["COR"]) == ("jury_open", "jury_open", "submissions")
    for code in ("IDF", "ARA"):
        assert set(sheets("regional", code)) == {"submitted", "draft"}
    assert [(c.source, c.stage) for c in conflicts] == [("juror", "regional")]
    assert edition.national_stage == "regional"
    # Asked again after the deadline, the candidate answered in a message: his dossier was never edited since.
    assert threads() == {("IDF", "candidat2@demo.example.org"): ["ars", "candidate", "ars", "candidate"]}
    last_edit = db.session.scalar(db.select(db.func.max(AuditEntry.at)).where(
        AuditEntry.action == "candidature.edit", AuditEntry.actor_id == db.session.scalar(
            db.select(Message.author_id).where(Message.side == "candidate").limit(1))))
    assert last_edit < edition.contest.calendar.submission_deadline
    # One project sent to two regions, and no other dossier alike (app.duplicates).
    assert [(f.one.region_name, f.other.region_name, f.shared, f.title_score) for f in flags(edition.id)] == [
        ("Bretagne", "Pays de la Loire", "identifier", 96)]


def test_jury_regional_has_one_region_with_its_dossiers_assigned(app, now):
    run_demo(app, "--stage", "jury-regional")

    region = db.session.scalar(db.select(Region).filter_by(code=cast.ASSIGNED))
    assigned = Counter(db.session.scalars(db.select(JuryAssignment.candidature_id)))
    dossiers = regional_candidatures(region.id)
    sheets_on = set(db.session.execute(db.select(Scoresheet.juror_id, Scoresheet.candidature_id)
                                       .where(Scoresheet.candidature_id.in_([dossier.id for dossier in dossiers]))))

    assert (region.stage, region.jurors_per_dossier, len(Jury.of_region(region).jurors())) == ("jury_open", 3, 6)
    assert assigned == Counter({dossier.id: 3 for dossier in dossiers}) and len(dossiers) >= 5
    assert sheets_on and sheets_on <= set(db.session.execute(
        db.select(JuryAssignment.juror_id, JuryAssignment.candidature_id)))



def test_jury_national_has_every_region_closed_or_excused_and_national_sheets_in_progress(app, now):
    run_demo(app, "--stage", "jury-national")

    edition, regions = demo_edition(), stages()
    picks = db.session.scalars(db.select(RegionalPick.region_id)).all()
    per_region = Counter(picks)
    assert edition.national_stage == "national_jury"
    assert regions.pop("COR") == "excused"
    assert set(regions.values()) == {"closed"}
    assert len(per_region) == 16 and set(per_region.values()) <= {1, 2}
    assert set(sheets("national")) == {"submitted", "draft"}
    assert Counter(db.session.scalars(db.select(Candidature.state).join(Region).where(Region.code == "COR"))) == \
        Counter({"region_excused": 4})


def test_resultats_has_a_winner_and_published_results(app, client, now):
    run_demo(app, "--stage", "resultats")

    edition = demo_edition()
    winner = db.session.scalar(db.select(Candidature).filter_by(state="winner"))
    assert (edition.national_stage, edition.published_at is not None) == ("published", True)
    assert winner.title in client.get("/resultats").get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.max(AuditEntry.at))) <= NOW


def test_resultats_publishes_some_picks_and_counts_those_whose_holders_declined(app, client, now):
    run_demo(app, "--stage", "resultats")

    picks = db.session.scalars(db.select(Candidature).join(RegionalPick)).all()
    declined = [pick for pick in picks if not pick.attestations["publication"]]
    published = client.get("/resultats.json").get_json()["projects"]

    assert 0 < len(declined) < len(picks)
    assert sorted(project["titre"] for project in published) == sorted(
        pick.title for pick in picks if pick.attestations["publication"])
    assert (f"{len(declined)} autres projets retenus dont les porteurs n’ont pas autorisé la publication."
            in page_text(client.get("/resultats")))


def test_resultats_still_shows_each_closed_jury_complete(app, now):
    """Once its dossiers have moved on (not selected, winner…), a closed jury's progress still reads n / n."""
    run_demo(app, "--stage", "resultats")

    closed = [region for region in demo_edition().regions if region.stage == "closed"]
    progress = [row for region in closed for row in Jury.of_region(region).progress()]

    assert progress and all(row.done == row.expected > 0 for row in progress)


def test_every_printed_login_signs_in_to_its_workspace(app, now):
    output = run_demo(app, "--stage", "jury-regional").output
    password = re.search(r"mot de passe commun : (\S+)\)", output).group(1)
    secret = re.search(r"pyotp.TOTP\('(\w+)'\)", output).group(1)
    emails = re.findall(r"^    (\S+@demo\.example\.org)", output, flags=re.MULTILINE)

    refused, asked_for_code = [], []
    for email in emails:
        client = app.test_client()
        first_step = client.form("/connexion", {"email": email, "password": password})
        if first_step.headers.get("Location") == "/connexion/code":
            asked_for_code.append(email.split("@")[0])
            response = client.form("/connexion/code", {"code": authenticator_code(email, secret)})
        else:
            response = first_step
        if response.status_code != 302 or "/connexion" in response.headers["Location"] \
                or "/double-authentification" in response.headers["Location"]:
            refused.append(email)

    assert len(emails) == len(set(emails)) == 81  # 19 candidates, 17 ARS, 41 jurors, 4 national and admin
    assert refused == []
    assert sorted(asked_for_code) == sorted([f"ars.{region.code.lower()}" for region in demo_edition().regions] + ["national", "admin"])


def test_running_the_same_stage_twice_changes_nothing(app, now):
    run_demo(app, "--stage", "jury-regional")
    rows = db.session.scalar(db.select(db.func.count(AuditEntry.id)))

    again = run_demo(app, "--stage", "jury-regional")

    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == rows
    assert "ars.idf@demo.example.org" in again.output


def test_a_later_stage_moves_the_demo_forward(app, now):
    run_demo(app, "--stage", "jury-regional")
    now.advance(timedelta(days=2))

    run_demo(app, "--stage", "jury-national")
    now.advance(timedelta(days=2))
    run_demo(app, "--stage", "resultats")

    assert demo_edition().national_stage == "published"
    assert stages()["COR"] == "excused"
    assert db.session.scalar(db.select(db.func.max(AuditEntry.at))) <= now()


def test_an_earlier_stage_is_refused(app, now):
    run_demo(app, "--stage", "jury-national")

    refused = run_demo(app, "--stage", "depot", exit_code=1)

    assert "La démonstration est déjà à l’étape « jury-national » : elle ne revient pas en arrière." in refused.output
    assert demo_edition().national_stage == "national_jury"


def test_moving_on_from_depot_waits_for_its_deadline(app, now):
    run_demo(app)

    refused = run_demo(app, "--stage", "jury-regional", exit_code=1)
    now.advance(timedelta(days=7))
    moved = run_demo(app, "--stage", "jury-regional")

    assert "sa date limite (samedi 5 décembre 2026 à minuit, heure de Paris) n’est pas passée" in refused.output
    assert "étape « jurys régionaux »" in moved.output
    assert stages()["HDF"] == "closed"


def test_demo_refuses_production(app, now):
    app.config["ENV_NAME"] = "production"

    refused = run_demo(app, exit_code=1)

    assert "La démonstration ne s’installe pas en production." in refused.output
    assert demo_edition() is None
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0
