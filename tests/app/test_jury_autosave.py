"""The scoresheet's draft saved as the juror types (static/js/autosave.js): the same post as the
« Enregistrer le brouillon » button, answered in JSON; a refusal changes nothing and says why in French."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.extensions import db
from tests.app.jury_helpers import CRITERIA, declare_free, jury, marks_form, post_sheet, urls  # noqa: F401  (fixture)
from tests.app.test_jury_scoresheet import sheet_actions, sheets
from tests.conftest import csrf_token

JSON = {"Accept": "application/json"}
TYPED = "Les usagers relisent chaque version du livret."


@pytest.fixture
def declared(client, login, jury, clock):
    clock.set(datetime(2017, 10, 20, 12, 32, 40, tzinfo=UTC))  # 14 h 32 in Paris (summer time)
    login(jury.juror)
    declare_free(client, jury.dossier)
    return jury


def as_typed(client, candidature, data: dict, *, version: str | None = None):
    """What the page's script posts: the form as it stands, action « save », asking for JSON."""
    return post_sheet(client, candidature, data, version=version, headers=JSON)


def test_draft_as_typed_is_saved_and_answers_its_version_and_time(client, declared):
    response = as_typed(client, declared.dossier, marks_form({"partenariat": 4}) | {"justification_partenariat": TYPED})

    assert (response.status_code, response.json) == (200, {"version": 1, "message": "Brouillon enregistré à 14 h 32."})
    assert sheets() == [(declared.juror.id, declared.dossier.id, "regional", "draft", "",
                         [("partenariat", 4, TYPED)])]
    assert [action for action, _data in sheet_actions()] == ["scoresheet.save"]


def test_next_draft_carries_the_version_answered(client, declared):
    first = as_typed(client, declared.dossier, marks_form({"partenariat": 4}))

    second = as_typed(client, declared.dossier, marks_form({"partenariat": 5}), version=str(first.json["version"]))

    assert (second.status_code, second.json["version"]) == (200, 2)
    assert sheets()[0][5] == [("partenariat", 5, "")]


def test_draft_as_typed_answers_in_english_on_an_english_page(client, declared):
    client.get("/langue/en")

    response = as_typed(client, declared.dossier, marks_form({"partenariat": 4}))

    assert response.json["message"] == "Draft saved at 14:32."


def test_draft_as_typed_on_a_submitted_sheet_is_refused(client, declared):
    post_sheet(client, declared.dossier, marks_form(5, action="submit"))

    response = as_typed(client, declared.dossier, marks_form(1, comment="Tapé après avoir rendu"))

    assert response.status_code == 422
    assert response.json == {"message": (
        "Brouillon non enregistré, vos saisies restent dans la page. Votre fiche est rendue : vos modifications "
        "ne s’enregistrent pas d’elles-mêmes. Enregistrez-les avec le bouton « Enregistrer les modifications ».")}
    assert sheets()[0][3:] == ("submitted", "", sorted((key, 5, "") for key in CRITERIA))
    assert [action for action, _data in sheet_actions()] == ["scoresheet.submit"]


def test_draft_as_typed_once_the_jury_has_finished_is_refused(client, declared):
    as_typed(client, declared.dossier, marks_form({"partenariat": 2}))
    declared.hdf.stage = "closed"
    db.session.commit()

    response = as_typed(client, declared.dossier, marks_form({"partenariat": 3}), version="1")

    assert response.status_code == 422
    assert response.json["message"] == (
        "Brouillon non enregistré, vos saisies restent dans la page. Le travail du jury régional (déclarations "
        "d’intérêts, notation) n’est pas possible quand la région est à l’étape « sélection régionale close ».")
    assert sheets()[0][3:] == ("draft", "", [("partenariat", 2, "")])


def test_draft_as_typed_over_a_newer_version_is_refused(client, declared):
    as_typed(client, declared.dossier, marks_form({"partenariat": 2}))
    as_typed(client, declared.dossier, marks_form({"partenariat": 3}), version="1")  # another tab

    response = as_typed(client, declared.dossier, marks_form({"partenariat": 4}), version="1")

    assert response.status_code == 409
    assert response.json["message"].startswith("Votre fiche a été modifiée entre-temps (dans un autre onglet ?) : "
                                               "ce brouillon n’a pas été enregistré, vos saisies restent dans la page.")
    assert sheets()[0][3:] == ("draft", "", [("partenariat", 3, "")])


def test_draft_as_typed_names_the_field_refused(client, declared):
    response = as_typed(client, declared.dossier, {"justification_securite": TYPED, "action": "save"})

    assert response.status_code == 422
    assert response.json["message"] == (
        "Brouillon non enregistré, vos saisies restent dans la page. Enjeux en termes de sécurité des patients et "
        "d’amélioration des prises en charge : Choisissez une note pour enregistrer la justification de ce critère.")
    assert sheets() == [] and sheet_actions() == []


def test_draft_as_typed_needs_the_csrf_token(client, declared):
    response = client.post(urls(declared.dossier)["scoresheet"], headers=JSON,
                           data={"version": "0", **marks_form({"partenariat": 4})})

    assert response.status_code == 400
    assert sheets() == [] and sheet_actions() == []


def test_draft_as_typed_for_another_region_answers_404(client, declared):
    token = csrf_token(client.get(urls(declared.dossier)["scoresheet"]).get_data(as_text=True))

    response = client.post(urls(declared.elsewhere)["scoresheet"], headers=JSON,
                           data={"csrf_token": token, "version": "0", **marks_form({"partenariat": 4})})

    assert response.status_code == 404
    assert sheets() == [] and sheet_actions() == []


def test_the_button_still_answers_a_page(client, declared):
    """Without the script (no JSON asked), the draft button redirects as it always has."""
    response = post_sheet(client, declared.dossier, marks_form({"partenariat": 4}))

    assert response.status_code == 302
    assert "Votre brouillon est enregistré." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_refused_submission_shows_every_mark_and_justification_typed(client, declared):
    typed = {key: f"Justification tapée pour {key}." for key in CRITERIA}
    data = marks_form({"partenariat": 4, "securite": 3, "reproductibilite": 2}, action="submit",
                      comment="Commentaire tapé") | {f"justification_{key}": text for key, text in typed.items()}

    response = post_sheet(client, declared.dossier, data)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Donnez une note à ce critère pour rendre votre fiche." in page
    for key, value in {"partenariat": 4, "securite": 3, "reproductibilite": 2}.items():
        assert f'<input checked id="mark_{key}-{value}" name="mark_{key}" type="radio" value="{value}">' in page
    assert all(text in page for text in typed.values()) and "Commentaire tapé" in page
    assert sheets() == []


def test_the_page_shows_the_dossier_beside_the_sheet(client, declared):
    page = client.get(urls(declared.dossier)["scoresheet"]).get_data(as_text=True)

    dossier, sheet = page.index("Réponse du candidat au critère originalite."), page.index('id="fiche"')
    assert dossier < sheet  # on a phone the sheet comes after the dossier…
    assert page.index('href="#fiche"') < dossier  # …and a link at the top leads to it
    assert page.index(urls(declared.dossier)["download"]) < dossier  # the files first
    assert f"/exports/candidatures/{declared.dossier.id}/dossier.pdf" in page
    assert "data-autosave" in page and "js/autosave.js" in page


def test_the_former_dossier_address_leads_to_the_sheet(client, declared):
    response = client.get(f"/jury/regional/{declared.dossier.id}/dossier")

    assert (response.status_code, response.headers["Location"]) == (301, urls(declared.dossier)["scoresheet"])
    assert client.get(f"/jury/regional/{declared.elsewhere.id}/dossier").status_code == 404
