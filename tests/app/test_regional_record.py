"""The national jury reads, beside each pick, what its region decided: the ARS opinion, the
regional marks with their justifications, the regional jury and its conflicts of interest."""

from __future__ import annotations

from app.extensions import db
from app.models import ConflictDeclaration, Mark, Scoresheet
from tests.app.jury_helpers import declare_free, jury  # noqa: F401  (fixture)
from tests.app.national_helpers import OPINION, shortlist  # noqa: F401  (fixture)
from workflows.states import Role


def national_dossier(client, login, make_user, shortlist, candidature) -> str:
    shortlist.edition.national_stage = "national_jury"
    db.session.commit()
    login(make_user(Role.NATIONAL_JUROR))
    declare_free(client, candidature, "national")
    response = client.get(f"/jury/national/{candidature.id}/fiche")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_national_juror_reads_the_regional_record_beside_the_pick(client, login, make_user, shortlist):
    first, second = shortlist.regional_jurors["HDF"]
    mark = db.session.scalar(db.select(Mark).join(Scoresheet).where(
        Scoresheet.candidature_id == shortlist.alpha.id, Scoresheet.juror_id == first.id,
        Mark.criterion == "partenariat"))
    mark.justification = "Les usagers ont co-écrit chaque étape."
    db.session.commit()

    page = national_dossier(client, login, make_user, shortlist, shortlist.alpha)

    assert "Le dossier en région : Hauts-de-France" in page
    assert OPINION in page
    assert "Fiches régionales retenues : 2. Moyenne du jury régional : 20" in page
    assert "Juré régional 2" in page and "Juré régional 3" not in page
    assert "Les usagers ont co-écrit chaque étape." in page
    assert first.email in page and second.email in page
    assert "Aucun conflit d’intérêts déclaré sur ce dossier." in page


def test_a_regional_juror_who_stood_aside_is_named_and_their_sheet_left_out(client, login, make_user, shortlist,
                                                                              clock):
    first, second = shortlist.regional_jurors["HDF"]
    db.session.add(ConflictDeclaration(candidature_id=shortlist.beta.id, juror_id=second.id, stage="regional",
                                       has_conflict=True, reason="Ancien collègue du porteur.", source="juror",
                                       declared_by_id=second.id, declared_at=clock()))
    db.session.commit()

    page = national_dossier(client, login, make_user, shortlist, shortlist.beta)

    assert "Fiches régionales retenues : 1." in page and "Juré régional 2" not in page
    assert f"{second.email} — Ancien collègue du porteur." in page


def test_the_regional_jury_reads_no_regional_record(client, login, jury):
    """While the region judges, there is no record yet: its own jury reads the dossier alone."""
    login(jury.juror)
    declare_free(client, jury.dossier)

    response = client.get(f"/jury/regional/{jury.dossier.id}/fiche")

    assert response.status_code == 200
    assert "Fiche de notation" in response.get_data(as_text=True)
    assert "Le dossier en région" not in response.get_data(as_text=True)
