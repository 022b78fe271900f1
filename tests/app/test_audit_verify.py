"""``flask audit verify`` on the demo at its last stage (built by the real operations): clean, it reports
« 0 écart » and the chain's head; a log row, a mark or a winner changed in the database behind the app's
back is named, with exit code 1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app.database import end_transaction
from app.extensions import db
from app.models import AuditChainHead, AuditEntry, Candidature, Mark, Scoresheet
from tests.app.test_demo import NOW, run_demo


@pytest.fixture
def results(app, clock):
    """The demo edition with its winner declared and the results published."""
    clock.set(NOW)
    run_demo(app, "--stage", "resultats")


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


@contextmanager
def behind_the_apps_back() -> Iterator[sa.Connection]:
    """A connection on which the log's append-only triggers do not fire, as someone holding the database's
    keys could open: PostgreSQL's replica role (until this transaction ends), SQLite's triggers dropped
    (this test's database file is thrown away afterwards)."""
    end_transaction()  # what the test read stays loaded; the write lock (SQLite) is free
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        else:
            for trigger in ("audit_log_no_update", "audit_log_no_delete"):
                connection.exec_driver_sql(f"DROP TRIGGER {trigger}")
        yield connection


def gaps(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Écart")]


def test_verify_on_a_clean_contest_reports_no_discrepancy_and_prints_the_head(app, results):
    result = verify(app)

    last = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    head = db.session.get(AuditChainHead, 1)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [f"Tête de la chaîne : ligne {last.id}, empreinte {last.hash}",
                                               "0 écart."]
    assert (head.last_id, head.last_hash) == (last.id, last.hash)
    assert "régions closes vérifiées : 16" in result.output


def test_verify_names_a_log_row_whose_reason_was_changed(app, results):
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="candidature.declare_inadmissible")).first()
    with behind_the_apps_back() as connection:
        connection.execute(sa.text("UPDATE audit_log SET reason = 'Motif réécrit.' WHERE id = :id"), {"id": entry.id})

    result = verify(app)

    assert result.exit_code == 1
    assert [line.split(" (enregistrée")[0] for line in gaps(result.output)] == [
        f"Écart : ligne {entry.id} (candidature.declare_inadmissible) : son contenu ne correspond plus à son empreinte"]
    assert result.output.splitlines()[-1] == "1 écart."


def test_verify_names_the_sheet_and_criterion_of_a_changed_mark(app, results):
    mark = db.session.scalars(db.select(Mark).join(Scoresheet).filter(Scoresheet.stage == "regional")
                              .order_by(Mark.id)).first()
    sheet = mark.scoresheet
    logged = db.session.scalars(db.select(AuditEntry).filter_by(
        action="scoresheet.submit", actor_id=sheet.juror_id, candidature_id=sheet.candidature_id)).one()
    expected = (f"Écart : Fiche de notation n° {sheet.id} (juré n° {sheet.juror_id}, dossier n° "
                f"{sheet.candidature_id}, jury régional) : critère « {mark.criterion} » noté {mark.value + 1} dans "
                f"la base, {mark.value} au journal, ligne {logged.id} (scoresheet.submit).")
    with behind_the_apps_back() as connection:
        connection.execute(sa.text("UPDATE marks SET value = value + 1 WHERE id = :id"), {"id": mark.id})

    result = verify(app)

    assert result.exit_code == 1
    assert gaps(result.output)[0] == expected
    assert not any(line.startswith("Écart : ligne") for line in gaps(result.output))  # the log itself is intact


def test_verify_detects_log_rows_deleted_in_the_middle_and_at_the_end(app, results):
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    before, middle, after, before_last, last = entries[99], entries[100], entries[101], entries[-2], entries[-1]
    expected = [
        f"Écart : ligne {after.id} ({after.action}) : elle devrait suivre l’empreinte {before.hash}, elle suit "
        f"{middle.hash} ; une ligne a été supprimée ou insérée avant elle.",
        f"Écart : la tête de la chaîne (ligne {last.id}, empreinte {last.hash}) n’est pas la dernière ligne du "
        f"journal (ligne {before_last.id}) ; des lignes ont été supprimées à la fin du journal ou écrites hors de "
        "l’application.",
    ]
    with behind_the_apps_back() as connection:
        connection.execute(sa.text("DELETE FROM audit_log WHERE id IN (:middle, :last)"),
                           {"middle": middle.id, "last": last.id})

    result = verify(app)

    assert result.exit_code == 1
    assert gaps(result.output)[:2] == expected


def test_verify_detects_a_winner_swapped_in_the_table(app, results):
    winner = db.session.scalar(db.select(Candidature).filter_by(state="winner"))
    other = db.session.scalars(db.select(Candidature).filter_by(state="national_not_selected")
                               .order_by(Candidature.id)).first()
    with behind_the_apps_back() as connection:
        for candidature, state in ((winner, "national_not_selected"), (other, "winner")):
            connection.execute(sa.text("UPDATE candidatures SET state = :state WHERE id = :id"),
                               {"state": state, "id": candidature.id})

    result = verify(app)

    assert result.exit_code == 1
    assert f"Écart : le dossier n° {other.id} est lauréat dans la base, le journal ne l’a jamais désigné." \
        in gaps(result.output)
    assert any(line.startswith(f"Écart : le dossier n° {winner.id} désigné lauréat, ligne ")
               for line in gaps(result.output)), result.output
