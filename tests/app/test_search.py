"""Search and filters on the ARS dashboard: by state, category, sector, domain and text, combined,
kept across pages, with unknown values filtering nothing; the text found without case, accents or
ligatures, from the dossier's folded search text that every write of the row keeps."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Candidature
from tests.app.national_helpers import shortlist  # noqa: F401  (fixture)
from tests.app.regional_helpers import dossier, organiser, page, region  # noqa: F401  (fixtures)


@pytest.fixture
def dossiers(dossier):
    return {
        "ehpad": dossier(title="Carnet de liaison en EHPAD", structure_name="EHPAD Les Tilleuls", category="etablissement",
                         sectors=["medico_social"], domains=["parcours"]),
        "ville": dossier(title="Médicaments à domicile", structure_name="Maison de santé du Port",
                         category="professionnel_ville", sectors=["ville"], domains=["medicament", "parcours"]),
        "set_aside": dossier("inadmissible", title="Piluliers connectés", structure_name="Société Pilulo",
                             category="association", sectors=["ville", "sanitaire"], domains=["medicament"],
                             inadmissibility_code="commercial", inadmissibility_reason="Projet commercial."),
        "elsewhere": dossier(region="IDF", title="Médicaments en Île-de-France", category="professionnel_ville",
                             sectors=["ville"], domains=["medicament"]),
    }


def listed(client, **filters) -> list[str]:
    hdf = region("HDF")
    html = page(client.get(f"/ars/{hdf.id}", query_string=filters))
    table = html[html.index("Récépissé"):]
    return re.findall(rf'/ars/{hdf.id}/candidatures/\d+">([^<]+)</a>', table)


def test_each_filter_narrows_the_dashboard_list(client, organiser, dossiers):
    assert listed(client) == ["Carnet de liaison en EHPAD", "Médicaments à domicile", "Piluliers connectés"]
    assert listed(client, etat="inadmissible") == ["Piluliers connectés"]
    assert listed(client, categorie="etablissement") == ["Carnet de liaison en EHPAD"]
    assert listed(client, secteur="ville") == ["Médicaments à domicile", "Piluliers connectés"]
    assert listed(client, domaine="parcours") == ["Carnet de liaison en EHPAD", "Médicaments à domicile"]
    assert listed(client, q="tilleuls") == ["Carnet de liaison en EHPAD"]
    assert listed(client, q=dossiers["ville"].receipt_number) == ["Médicaments à domicile"]


def test_filters_combine_and_say_how_many_match(client, organiser, dossiers):
    hdf = region("HDF")

    html = page(client.get(f"/ars/{hdf.id}", query_string={"secteur": "ville", "domaine": "medicament",
                                                            "etat": "submitted"}))

    assert listed(client, secteur="ville", domaine="medicament", etat="submitted") == ["Médicaments à domicile"]
    assert "1 dossier correspond à la recherche" in html
    assert 'value="ville" selected' in html and "Effacer les filtres" in html


def test_unknown_values_and_wildcards_filter_nothing_or_literally(client, organiser, dossiers):
    assert listed(client, etat="draft", secteur="inconnu") == listed(client)
    assert listed(client, q="%") == []  # a literal percent sign, not a wildcard
    assert "Aucun dossier ne correspond à la recherche." in page(
        client.get(f"/ars/{region('HDF').id}", query_string={"q": "introuvable"}))


def test_national_shortlist_filters_the_picks(client, login, shortlist):
    shortlist.gamma.sectors, shortlist.alpha.sectors = ["ville"], ["sanitaire"]
    db.session.commit()
    login(shortlist.organiser)

    def picks(**filters) -> list[str]:
        html = page(client.get("/national/selection", query_string=filters))
        return re.findall(r'/candidatures/\d+">([^<]+)</a>', html)

    assert picks() == ["Alpha", "Beta", "Gamma"]
    assert picks(secteur="ville") == ["Gamma"]
    assert picks(q="structure alpha") == ["Alpha"]
    assert picks(etat="winner") == []


def test_text_is_found_without_case_accents_or_ligatures(client, organiser, dossier):
    dossier(title="Sécurité des soins à l’Hôpital", structure_name="Œuvre des Hospitaliers de Lille")
    dossier(title="Securite routiere", structure_name="Auto-école")
    dossier(title="Parcours de soins", structure_name="Maison de santé")

    assert listed(client, q="securite des") == ["Sécurité des soins à l’Hôpital"]
    assert listed(client, q="HOPITAL") == ["Sécurité des soins à l’Hôpital"]
    assert listed(client, q="l'hôpital") == ["Sécurité des soins à l’Hôpital"]
    assert listed(client, q="oeuvre des") == ["Sécurité des soins à l’Hôpital"]
    assert listed(client, q="SÉCURITÉ") == ["Sécurité des soins à l’Hôpital", "Securite routiere"]
    assert listed(client, q="sante") == ["Parcours de soins"]
    assert listed(client, q="soins maison") == []  # a phrase is found within one field, never across two
    assert listed(client, q="des-soins") == ["Sécurité des soins à l’Hôpital"]  # a hyphen reads as a space


def test_search_text_follows_every_write_of_the_dossier(client, organiser, dossier):
    found = dossier(title="Hygiène des mains", structure_name="Clinique", identifier="620100057")
    number = found.receipt_number.casefold().replace("-", " ")
    assert found.search_text == f"hygiene des mains\nclinique\n{number}\n620100057"

    found.title, found.identifier = "Chutes évitées", None
    db.session.commit()

    assert db.session.scalar(db.select(Candidature.search_text).filter_by(id=found.id)) == \
        f"chutes evitees\nclinique\n{number}"
    assert listed(client, q="evitees") == ["Chutes évitées"] and listed(client, q="hygiene") == []
