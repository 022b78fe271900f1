"""The candidate's dossier: drafts, submission, edits, conflicts, the deadline, withdrawal, receipt."""

from __future__ import annotations

import io
import re
import threading
import time
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import AuditChainHead, AuditEntry, Candidature, OutboxEmail, Region
from tests.app.attachment_helpers import page_text
from tests.app.dossier_helpers import review_url, step_url
from tests.conftest import PARIS
from workflows.dossier import STEPS
from workflows.states import Role

LAST_SECOND = datetime(2017, 10, 15, 23, 59, 59, tzinfo=PARIS)
DEADLINE = datetime(2017, 10, 16, 0, 0, 0, tzinfo=PARIS)
DEADLINE_TEXT = "La date limite de dépôt (dimanche 15 octobre 2017 à minuit, heure de Paris) est dépassée."


def complete_form(**overrides) -> dict:
    data = {
        "category": "etablissement",
        "structure_name": "Centre hospitalier de Lens",
        "identifier": "620100057",
        "sectors": ["sanitaire", "ville"],
        "contact_name": "Jeanne Martin",
        "contact_function": "Cadre de santé",
        "contact_email": "jeanne.martin@example.org",
        "contact_phone": "03 21 00 00 00",
        "title": "Patients traceurs de leur sortie",
        "summary": "Des usagers et des soignants écrivent ensemble le livret de sortie.",
        "description": "Depuis 2016, la commission des usagers et l’équipe de chirurgie…",
        "partners-0-side": "usager",
        "partners-0-name": "Association des patients du Pas-de-Calais",
        "partners-0-organisation": "France Assos Santé",
        "partners-0-role": "Co-pilote",
        "partners-1-side": "soignant",
        "partners-1-name": "Dr Claire Petit",
        "partners-1-organisation": "CH de Lens",
        "partners-1-role": "Médecin référente",
        "modalities": ["co_construction"],
        "domains": ["sortie_hospitalisation"],
        "project_stage": "en_cours",
        "link": "https://video.example.org/projet",
        "answer_partenariat": "Un comité paritaire usagers-soignants décide de chaque étape.",
        "answer_securite": "Moins de réhospitalisations évitables.",
        "answer_reproductibilite": "Le livret et la méthode sont publiés sous licence libre.",
        "answer_originalite": "Les patients testent eux-mêmes le parcours de sortie.",
        "attestation_non_commercial": "y",
        "attestation_pas_de_subvention": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def candidate(make_user, login, edition):
    user = make_user(Role.CANDIDATE)
    login(user)
    return user


@pytest.fixture
def draft(client, candidate, edition):
    hdf = db.session.scalar(db.select(Region.id).filter_by(code="HDF", edition_id=edition.id))
    response = client.form("/candidatures/nouvelle", {"region": str(hdf)}, page="/candidatures")
    assert response.status_code == 302
    return db.session.scalar(db.select(Candidature).filter_by(owner_id=candidate.id))


def post_dossier(client, candidature, data, action="save", version=None):
    """Post the whole dossier at once, as a tab still open on the former one-page form does."""
    url = f"/candidatures/{candidature.id}"
    page = client.get(review_url(candidature)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    if version is None:
        version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return client.post(url, data={"csrf_token": token, "version": version, "action": action, **data})


def actions(candidature) -> list[str]:
    return db.session.scalars(
        db.select(AuditEntry.action).filter_by(candidature_id=candidature.id).order_by(AuditEntry.id)
    ).all()


def reload(candidature) -> Candidature:
    db.session.expire_all()
    return db.session.get(Candidature, candidature.id)


def test_create_candidature_makes_a_draft_in_the_chosen_region(draft):
    assert (draft.state, draft.region.code) == ("draft", "HDF")
    assert actions(draft) == ["candidature.create"]


def test_save_partial_draft_keeps_what_was_typed(client, draft):
    response = post_dossier(client, draft, {"title": "Mon projet", "summary": "En quelques mots"})

    draft = reload(draft)
    assert response.status_code == 302
    assert (draft.state, draft.title, draft.summary) == ("draft", "Mon projet", "En quelques mots")
    edit = db.session.scalars(db.select(AuditEntry).filter_by(action="candidature.edit")).one()
    assert edit.data["changes"]["title"] == [None, "Mon projet"]


PARTNERS = {"partners-0-side": "usager", "partners-0-name": "Association des patients du Pas-de-Calais",
            "partners-1-side": "soignant", "partners-1-name": "Dr Claire Petit"}


def partner_rows(candidature) -> list[tuple]:
    return db.session.execute(db.text("SELECT id, side, name, position FROM partners WHERE candidature_id = :id "
                                      "ORDER BY position"), {"id": candidature.id}).all()


def test_save_keeps_unchanged_partner_rows_and_replaces_changed_ones(client, draft):
    post_dossier(client, draft, {"title": "Mon projet", **PARTNERS})
    first = partner_rows(draft)

    post_dossier(client, draft, {"title": "Mon projet, suite", **PARTNERS})
    kept = partner_rows(draft)
    post_dossier(client, draft, {"title": "Mon projet, suite", **PARTNERS, "partners-1-name": "Dr Paul Petit"})
    changed = partner_rows(draft)

    assert [row[1:] for row in first] == [("usager", "Association des patients du Pas-de-Calais", 0),
                                          ("soignant", "Dr Claire Petit", 1)]
    assert kept == first
    assert [row[1:] for row in changed] == [("usager", "Association des patients du Pas-de-Calais", 0),
                                            ("soignant", "Dr Paul Petit", 1)]
    assert reload(draft).title == "Mon projet, suite"


def test_submit_incomplete_dossier_keeps_the_draft_and_lists_what_is_missing(client, draft):
    response = post_dossier(client, draft, {"title": "Mon projet"}, action="submit")

    page = response.get_data(as_text=True)
    draft = reload(draft)
    assert response.status_code == 422
    assert (draft.state, draft.title) == ("draft", "Mon projet")
    assert "Votre brouillon est enregistré, mais il ne peut pas encore être déposé" in page
    assert "Élément manquant : le résumé du projet." in page
    assert "Élément manquant : un partenaire côté professionnels de santé." in page


def test_submit_complete_dossier_issues_receipt_and_queues_one_email(client, draft, clock):
    response = post_dossier(client, draft, complete_form(), action="submit")

    draft = reload(draft)
    assert response.status_code == 302
    assert draft.state == "submitted"
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", draft.receipt_number)
    assert draft.submitted_at == clock()
    assert actions(draft)[-1] == "candidature.submit"
    emails = db.session.scalars(db.select(OutboxEmail)).all()
    assert [(e.recipient, e.subject) for e in emails] == [
        (draft.owner.email, f"Récépissé de dépôt — {draft.receipt_number}")
    ]
    assert draft.receipt_number in emails[0].body


def test_a_save_and_a_submission_of_the_same_dossier_at_once_wait_for_each_other(app, client, draft):
    """A save writes the dossier's row, then takes the audit chain's head for its log row. A submission
    arriving between the two waits for the row before it takes the head: it took the head first, so each
    held what the other waited for and PostgreSQL aborted one of them."""
    post_dossier(client, draft, complete_form(), action="save")
    dossier_id = draft.id
    db.session.commit()  # the test's own session holds no lock (nor SQLite's) during the race
    saving = db.engine.connect()
    transaction = saving.begin()
    saving.execute(db.update(Candidature).where(Candidature.id == dossier_id)  # the save's UPDATE, then...
                   .values(updated_at=Candidature.updated_at))
    submitted = {}

    def submit():  # by the dossier's id: reading ``draft`` would open a transaction of the test's session
        with app.app_context():
            submitted["response"] = post_dossier(client, SimpleNamespace(id=dossier_id), complete_form(),
                                                 action="submit")

    submitter = threading.Thread(target=submit)
    submitter.start()
    if db.engine.dialect.name == "postgresql":  # SQLite serialises writers: the submission waits to begin
        _wait_until_a_statement_waits_for_a_lock()
    saving.execute(db.select(AuditChainHead).with_for_update())  # ...the head, for its log row
    transaction.commit()
    saving.close()
    submitter.join(30)

    assert submitted["response"].status_code == 302
    assert reload(draft).state == "submitted"


def _wait_until_a_statement_waits_for_a_lock() -> None:
    deadline = time.monotonic() + 30
    with db.engine.connect() as probe:
        while not probe.scalar(db.text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                       "AND datname = current_database()")):
            assert time.monotonic() < deadline, "the submission never waited for the save"
            probe.rollback()


def test_double_clicked_submit_yields_one_submission_and_one_email(client, draft):
    url = f"/candidatures/{draft.id}"
    page = client.get(review_url(draft)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "version": str(draft.version), "action": "submit", **complete_form()}

    first, second = client.post(url, data=form), client.post(url, data=form)

    assert (first.status_code, second.status_code) == (302, 302)
    assert actions(reload(draft)).count("candidature.submit") == 1
    assert db.session.scalar(db.select(db.func.count(OutboxEmail.id))) == 1


def test_edit_after_submission_logs_a_diff_and_reissues_the_receipt(client, draft, clock):
    post_dossier(client, draft, complete_form(), action="submit")
    clock.advance(timedelta(hours=2))

    post_dossier(client, draft, complete_form(title="Patients traceurs, saison 2"))

    draft = reload(draft)
    assert draft.state == "submitted"
    assert draft.receipt_issued_at == clock()
    edit = db.session.scalars(db.select(AuditEntry).filter_by(action="candidature.edit").order_by(AuditEntry.id.desc())).first()
    assert edit.data == {"changes": {"title": ["Patients traceurs de leur sortie", "Patients traceurs, saison 2"]},
                         "receipt_reissued": True}
    subjects = db.session.scalars(db.select(OutboxEmail.subject).order_by(OutboxEmail.id)).all()
    assert subjects == [f"Récépissé de dépôt — {draft.receipt_number}", f"Récépissé mis à jour — {draft.receipt_number}"]


def test_submitted_dossier_emptied_is_refused_and_keeps_what_was_typed(client, draft):
    post_dossier(client, draft, complete_form(), action="submit")
    before = reload(draft).version

    response = post_dossier(client, draft, complete_form(summary="", structure_name="Nouveau nom"))

    draft = reload(draft)
    assert response.status_code == 422
    text = page_text(response)
    assert "Ce dossier est déposé : il doit rester complet. Rien n’a été enregistré." in text
    assert "Élément manquant : le résumé du projet." in text
    assert 'value="Nouveau nom"' in response.get_data(as_text=True)
    assert (draft.state, draft.version, draft.structure_name) == ("submitted", before, "Centre hospitalier de Lens")


def test_second_tab_with_stale_version_gets_a_conflict_and_keeps_its_text(client, draft):
    stale = str(draft.version)
    post_dossier(client, draft, {"title": "Saisi dans le premier onglet"})

    response = post_dossier(client, draft, {"title": "Saisi dans le second onglet"}, version=stale)

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ce dossier a été modifié entre-temps" in page
    assert 'value="Saisi dans le second onglet"' in page
    assert reload(draft).title == "Saisi dans le premier onglet"


def test_invalid_identifier_is_refused_and_nothing_is_saved(client, draft):
    response = post_dossier(client, draft, complete_form(category="association", identifier="35600000000049"))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("Identifiant invalide : la clé de contrôle du numéro SIRET ne correspond pas ; "
            "vérifiez chaque chiffre.") in page
    assert 'value="35600000000049"' in page
    assert reload(draft).structure_name is None


def test_identifier_typed_with_spaces_is_stored_normalised(client, draft):
    post_dossier(client, draft, complete_form(category="association", identifier="356 000 000 00048"))

    assert reload(draft).identifier == "35600000000048"


def test_identifier_la_poste_establishment_siret_is_accepted(client, draft):
    # No Luhn key: La Poste's establishments have a digit sum that is a multiple of 5.
    post_dossier(client, draft, complete_form(category="association", identifier="356 000 000 49837"))

    assert reload(draft).identifier == "35600000049837"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("summary", "x" * 1501, "1500 caractères au maximum (1501 saisis)."),
        ("category", "entreprise", "Choix inconnu : rechargez la page et réessayez."),
        ("sectors", ["ville", "espace"], "Choix inconnu : rechargez la page et réessayez."),
        ("link", "javascript:alert(1)", "Le lien doit commencer par https://"),
        ("contact_email", "pas-une-adresse", "Adresse électronique invalide."),
    ],
)
def test_values_forged_by_the_browser_are_refused(client, draft, field, value, message):
    response = post_dossier(client, draft, complete_form(**{field: value}))

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert reload(draft).title is None


def test_submit_at_last_second_is_on_time(client, draft, clock):
    clock.set(LAST_SECOND)

    post_dossier(client, draft, complete_form(), action="submit")

    assert reload(draft).state == "submitted"


def test_submit_at_deadline_is_refused_and_changes_nothing(client, draft, clock):
    post_dossier(client, draft, {"title": "Avant"})
    page_before_deadline = f"/candidatures/{draft.id}"
    token_page = client.get(review_url(draft)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', token_page).group(1)
    clock.set(DEADLINE)

    response = client.post(page_before_deadline, data={"csrf_token": token, "version": str(reload(draft).version),
                                                        "action": "submit", **complete_form()})

    draft = reload(draft)
    assert response.status_code == 422
    assert DEADLINE_TEXT + " Le dossier n’est plus modifiable." in response.get_data(as_text=True)
    assert (draft.state, draft.title) == ("draft", "Avant")


def test_deadline_decision_does_not_depend_on_server_timezone(client, draft, clock, monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: already Monday there long before Paris
    time.tzset()
    try:
        clock.set(LAST_SECOND)
        post_dossier(client, draft, complete_form(), action="submit")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()

    assert reload(draft).state == "submitted"


def test_dossier_is_read_only_after_deadline(client, draft, clock):
    clock.set(DEADLINE)

    pages = [client.get(step_url(draft, number)).get_data(as_text=True) for number in range(1, len(STEPS) + 1)]

    for page in pages:
        assert "Ce dossier n’est plus modifiable." in page
        assert '<button' not in page.split('<form method="post" novalidate')[1].split("</form>")[0]
        assert "fieldset class=\"fr-fieldset\" disabled" in page


def test_create_after_deadline_is_refused(client, candidate, edition, clock):
    clock.set(DEADLINE)
    hdf = db.session.scalar(db.select(Region.id).filter_by(code="HDF"))

    client.form("/candidatures/nouvelle", {"region": str(hdf)}, page="/candidatures")

    assert db.session.scalar(db.select(db.func.count(Candidature.id))) == 0
    assert DEADLINE_TEXT in client.get("/candidatures").get_data(as_text=True)


def test_withdraw_before_deadline_after_confirmation(client, draft):
    client.form(f"/candidatures/{draft.id}/retirer")

    assert reload(draft).state == "withdrawn"
    assert actions(draft)[-1] == "candidature.withdraw"


def test_withdraw_after_deadline_is_refused(client, draft, clock):
    token_page = client.get(f"/candidatures/{draft.id}/retirer").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', token_page).group(1)
    clock.set(DEADLINE)

    client.post(f"/candidatures/{draft.id}/retirer", data={"csrf_token": token})

    assert reload(draft).state == "draft"


def test_another_candidates_dossier_is_not_found(client, draft, make_user, login, app):
    intruder = make_user(Role.CANDIDATE)
    other = app.test_client()
    other.form("/connexion", {"email": intruder.email, "password": "correct horse battery staple"})

    assert other.get(f"/candidatures/{draft.id}").status_code == 404
    assert other.get(f"/candidatures/{draft.id}/recepisse.pdf").status_code == 404


def test_receipt_pdf_carries_number_times_and_fingerprint(client, draft):
    post_dossier(client, draft, complete_form(), action="submit")
    draft = reload(draft)

    response = client.get(f"/candidatures/{draft.id}/recepisse.pdf")

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert response.headers["Content-Type"] == "application/pdf"
    assert draft.receipt_number in text
    assert "01/10/2017 à 10:00:00 (heure de Paris)" in text
    assert "Centre hospitalier de Lens" in text
    assert re.search(r"[0-9a-f]{64}", text.replace("\n", ""))


def test_candidate_sees_under_review_while_results_are_confidential(client, draft, app, clock):
    post_dossier(client, draft, complete_form(), action="submit")
    db.session.execute(db.update(Candidature).where(Candidature.id == draft.id).values(state="national_shortlist"))
    db.session.commit()

    page = client.get("/candidatures").get_data(as_text=True)

    assert "en cours d’examen" in page
    assert "présélectionnée" not in page


def test_attachment_added_to_submitted_dossier_reissues_the_receipt(client, draft, clock):
    from tests.app.attachment_helpers import upload

    post_dossier(client, draft, complete_form(), action="submit")
    clock.advance(timedelta(hours=3))

    upload(client, draft, "bilan.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

    draft = reload(draft)
    subjects = db.session.scalars(db.select(OutboxEmail.subject).order_by(OutboxEmail.id)).all()
    assert subjects[-1] == f"Récépissé mis à jour — {draft.receipt_number}"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        client.get(f"/candidatures/{draft.id}/recepisse.pdf").data)).pages)
    assert "Récépissé émis le\n01/10/2017 à 13:00:00 (heure de Paris)" in text
    assert "bilan.pdf" in text


def test_dossier_page_counts_down_and_warns_on_the_last_day(client, draft, clock):
    clock.set(datetime(2017, 10, 15, 9, 30, tzinfo=PARIS))

    page = client.get(step_url(draft, 1)).get_data(as_text=True)

    assert "Avant le dimanche 15 octobre 2017 à minuit, heure de Paris." in page
    assert "Il reste 14 heures et 30 minutes." in page
    assert "il reste moins de 24 heures pour déposer votre candidature" in page


def test_candidate_sees_why_the_dossier_was_declared_inadmissible(client, draft, make_user):
    from app.transitions.regional import declare_inadmissible

    post_dossier(client, draft, complete_form(), action="submit")
    organiser = make_user(Role.REGIONAL_ORGANISER, region="HDF")
    declare_inadmissible(reload(draft), actor=organiser, now=reload(draft).submitted_at, code="commercial",
                         reason="Le projet vend des piluliers.")
    db.session.commit()

    page = client.get("/candidatures").get_data(as_text=True)

    assert "irrecevable — Projet à visée commerciale : Le projet vend des piluliers." in page


def test_new_dossier_form_asks_for_the_region_without_choosing_one(client, candidate):
    page = client.get("/candidatures").get_data(as_text=True)

    assert '<select aria-describedby="region-hint" class="fr-select" id="region" name="region"><option value="">— Choisissez la région de votre projet —</option>' in page
    assert 'selected' not in page.split('id="region"')[1].split('</select>')[0]
    assert "Créer un dossier" in page


def test_no_new_dossier_form_after_the_deadline(client, candidate, clock):
    clock.set(datetime(2017, 10, 16, 0, 0, tzinfo=PARIS))

    text = page_text(client.get("/candidatures"))

    assert "La date limite de dépôt (dimanche 15 octobre 2017 à minuit, heure de Paris) est dépassée." in text
    assert "Créer un dossier" not in text
