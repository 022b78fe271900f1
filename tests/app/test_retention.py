"""``retention apply``: once an edition's results were published ``data.retention_months`` ago, its dossiers are
anonymised (and the accounts with nothing else to keep); ``--dry-run`` lists them and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import AuditEntry, Candidature, User
from tests import factories
from tests.app.attachment_helpers import page_text
from tests.app.national_helpers import shortlist  # noqa: F401  (fixture)

# The shortlist's edition is published at 15 November 2017, 11:00 in Paris: kept until 15 November 2019, 11:00.
EXPIRED_LINE = "conservation échue le 15/11/2019."


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        db.session.commit()
        result = runner.invoke(args=["retention", "apply", *args])
        db.session.rollback()
        db.session.expire_all()
        return result

    return invoke


@pytest.fixture
def published(shortlist, clock):
    """Alpha won and consented to publication; the results are out."""
    shortlist.alpha.state = "winner"
    for pick in (shortlist.beta, shortlist.gamma):
        pick.state = "national_not_selected"
    shortlist.alpha.contact_name = "Alice Durand"
    shortlist.edition.national_stage, shortlist.edition.published_at = "published", clock()
    db.session.commit()
    return shortlist


def anonymised(*candidatures) -> list[bool]:
    return [db.session.get(Candidature, c.id).anonymised_at is not None for c in candidatures]


def every_dossier(shortlist) -> list[Candidature]:
    return [*shortlist.picks, shortlist.delta, shortlist.inadmissible, shortlist.draft]


def test_retention_dry_run_lists_and_changes_nothing(run, published, clock):
    clock.advance(timedelta(days=2 * 365 + 1))
    rows_before = db.session.scalar(db.select(db.func.count(AuditEntry.id)))

    result = run("--dry-run")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"Dossier n° {published.alpha.id} (Semaine de la sécurité des patients 2017, Hauts-de-France) : " \
           f"{EXPIRED_LINE}" in lines
    assert lines[-1] == "6 dossier(s) et 6 compte(s) seraient anonymisés. Rien n’a été modifié."
    assert anonymised(*every_dossier(published)) == [False] * 6
    assert db.session.get(Candidature, published.alpha.id).contact_name == "Alice Durand"
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == rows_before


def test_retention_before_its_end_anonymises_nothing(run, published, clock):
    clock.advance(timedelta(days=2 * 365 - 1))  # 14 November 2019: a day short

    result = run()

    assert result.output.splitlines()[-1] == "0 dossier(s) et 0 compte(s) anonymisés."
    assert anonymised(*every_dossier(published)) == [False] * 6


def test_retention_apply_anonymises_the_expired_edition_only(run, published, clock, variant_edition, make_user):
    # Gamma's candidate applied again to the next edition, still running: their account is kept.
    gamma_owner = db.session.get(User, published.gamma.owner_id)
    again = factories.candidature(variant_edition, gamma_owner, at=clock(), state="submitted", title="Gamma 2",
                                  contact_name="Gaston Mercier")
    db.session.add(again)
    db.session.commit()
    clock.advance(timedelta(days=2 * 365 + 1))

    result = run()

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "6 dossier(s) et 5 compte(s) anonymisés."
    assert anonymised(*every_dossier(published)) == [True] * 6
    assert anonymised(again) == [False]
    assert db.session.get(Candidature, again.id).contact_name == "Gaston Mercier"
    alpha = db.session.get(Candidature, published.alpha.id)
    assert (alpha.contact_name, alpha.title, alpha.structure_name) == (None, "Alpha", "Structure Alpha")
    owners = {c.owner_id: db.session.get(User, c.owner_id) for c in every_dossier(published)}
    assert {owner_id: user.active for owner_id, user in owners.items()} == {
        owner_id: owner_id == gamma_owner.id for owner_id in owners}
    rows = db.session.scalars(db.select(AuditEntry).filter_by(action="candidature.anonymise")).all()
    assert sorted(row.candidature_id for row in rows) == sorted(c.id for c in every_dossier(published))
    assert rows[0].reason == "Durée de conservation écoulée (24 mois après la publication des résultats)."
    assert [row.data["cause"] for row in db.session.scalars(
        db.select(AuditEntry).filter_by(action="user.anonymise"))] == ["retention"] * 5
    # Jurors and organisers keep their accounts: the retention handles candidates.
    assert db.session.get(User, published.organiser.id).active
    assert run().output.splitlines()[-1] == "0 dossier(s) et 0 compte(s) anonymisés."  # nothing twice


def test_results_page_still_names_the_consenting_winner_after_the_retention(client, run, published, clock):
    clock.advance(timedelta(days=2 * 365 + 1))
    run()

    page = page_text(client.get("/resultats"))

    assert "Lauréat national Alpha Structure Alpha (Hauts-de-France)" in page
    assert "Île-de-France Gamma Structure Gamma" in page
    assert "Beta" not in page


def test_retention_counts_each_editions_own_period(run, published, clock):
    # The same edition defined with 12 months: read from the stored definition, not from a constant.
    published.edition.definition_toml = published.edition.definition_toml.replace(
        "retention_months = 24", "retention_months = 12")
    db.session.commit()
    clock.advance(timedelta(days=366))

    result = run("--dry-run")

    assert f"Dossier n° {published.alpha.id} (Semaine de la sécurité des patients 2017, Hauts-de-France) : " \
           "conservation échue le 15/11/2018." in result.output.splitlines()
