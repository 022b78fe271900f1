"""The published results as open data: nothing before publication; after it, only the consenting picks,
only their public fields, the same in the page, the CSV and the JSON, each described by the schema."""

from __future__ import annotations

import csv
import io

import pytest

from app.extensions import cache, db
from app.models import Candidature, Partner, RegionalPick, User
from app.national.open_data import FIELDS
from app.privacy.erasure import anonymise_candidature
from app.urls import absolute_url
from tests import factories
from tests.app.attachment_helpers import page_text
from tests.app.national_helpers import OPINION, region, shortlist  # noqa: F401  (fixture)
from tests.app.test_national_results import declared
from tests.concurrency import signed_in_client
from tests.conftest import PASSWORD
from tests.smtp import smtp_server  # noqa: F401
from tests.volume import counted
from workflows.states import Role

OUTPUTS = ("/resultats", "/resultats.csv", "/resultats.json")
HEADER = ["edition", "edition_nom", "region_code", "region_nom", "resultat", "titre", "resume", "structure",
          "categorie", "secteurs", "modalites", "domaines", "domaine_autre", "etat_avancement", "lien",
          "partenaires_usagers", "partenaires_soignants"]
NOT_PUBLISHED = "Les résultats ne sont pas encore publiés."


def personal(candidature: Candidature, number: int) -> None:
    """What a dossier says of people: its contact, its partners' names, an identifier."""
    title = candidature.title
    candidature.contact_name = f"Marie Contact-{title}"
    candidature.contact_function = f"Fonction secrète {title}"
    candidature.contact_email = f"contact.{title.lower()}@exemple-prive.org"
    candidature.contact_phone = f"06 12 34 56 7{number}"
    candidature.identifier = f"8100000000000{number}"
    candidature.partners = [
        Partner(side="usager", name=f"Paul Usager-{title}", organisation="Association", role="Co-pilote", position=0),
        Partner(side="soignant", name=f"Dr Soignante-{title}", organisation="Hôpital", role="Médecin", position=1)]


def secrets(shortlist) -> list[str]:
    """Every text the public must never read: people, identifiers, the jury, and the declining dossier."""
    texts = [OPINION, "Motivation.", "Beta", "beta@example.org"]
    for candidature in shortlist.picks:
        texts += [candidature.contact_name, candidature.contact_function, candidature.contact_email,
                  candidature.contact_phone, candidature.identifier, candidature.owner.email,
                  *(partner.name for partner in candidature.partners)]
    texts += [juror.email for jurors in shortlist.regional_jurors.values() for juror in jurors]
    return texts


@pytest.fixture
def published(app, shortlist, smtp_server):
    """Gamma (Île-de-France) wins, Alpha (Hauts-de-France) is a consenting pick, Beta declined; published
    by the organiser through the page."""
    alpha, beta, gamma = (db.session.get(Candidature, c.id) for c in shortlist.picks)
    for number, candidature in enumerate((alpha, beta, gamma)):
        personal(candidature, number)
    alpha.summary, alpha.category, alpha.sectors = "Résumé Alpha", "association", ["ville", "sanitaire"]
    alpha.modalities, alpha.domains, alpha.domain_other = ["co_construction", "concertation"], ["medicament", "autre"], \
        "Autre Alpha"
    alpha.project_stage, alpha.link = "realise", "https://alpha.example.org/projet"
    alpha.partners.append(Partner(side="usager", name="Lucie Deuxième-Usagère", position=2))
    gamma.summary = "=1+1 : un calcul dans le résumé"
    db.session.commit()
    declared(shortlist, shortlist.gamma)
    assert signed_in_client(app, shortlist.organiser).form("/national/publication", {}).status_code == 302
    cache.clear()
    return shortlist


def everything(client) -> str:
    """The page, the CSV and the JSON, as one text."""
    return " ".join(client.get(url).get_data(as_text=True) for url in OUTPUTS)


def test_nothing_is_published_before_the_results(app, client, shortlist):
    declared(shortlist, shortlist.gamma)

    page = page_text(client.get("/resultats"))
    files = [client.get(url).status_code for url in ("/resultats.csv", "/resultats.json", "/resultats/ssp-2017.csv",
                                                     "/resultats/ssp-2017.json")]

    assert NOT_PUBLISHED in page
    assert [name for name in ("Alpha", "Beta", "Gamma", "Données ouvertes") if name in page] == []
    assert files == [404, 404, 404, 404]
    assert "Les résultats sont publiés." not in page_text(client.get("/"))


def test_csv_holds_the_consenting_picks_public_fields_only(client, published):
    response = client.get("/resultats.csv")
    text = response.get_data(as_text=True)

    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))

    assert text.startswith("\ufeff")
    assert rows == [HEADER,
                    ["ssp-2017", "Semaine de la sécurité des patients 2017", "IDF", "Île-de-France",
                     "laureat_national", "Gamma", "'=1+1 : un calcul dans le résumé", "Structure Gamma", "", "", "", "",
                     "", "", "", "1", "1"],
                    ["ssp-2017", "Semaine de la sécurité des patients 2017", "HDF", "Hauts-de-France", "retenu_region",
                     "Alpha", "Résumé Alpha", "Structure Alpha", "association", "ville ; sanitaire",
                     "co_construction ; concertation", "medicament ; autre", "Autre Alpha", "realise",
                     "https://alpha.example.org/projet", "2", "1"]]
    assert (response.headers["Content-Type"], response.headers["Content-Disposition"].split(";")[1].strip()) == (
        "text/csv; charset=utf-8", 'filename="resultats-ssp-2017.csv"')
    assert (response.headers["Cache-Control"], response.headers["Access-Control-Allow-Origin"]) == (
        "public, max-age=300", "*")


def test_json_holds_the_same_projects_with_lists(app, client, published):
    document = client.get("/resultats.json").get_json()

    assert {key: value for key, value in document.items() if key != "projects"} == {
        "edition": "ssp-2017", "published_at": "2017-11-15T11:00:00+01:00",
        "schema": absolute_url("results.table_schema_file")}
    assert [list(project) for project in document["projects"]] == [HEADER, HEADER]
    assert document["projects"][1] == {
        "edition": "ssp-2017", "edition_nom": "Semaine de la sécurité des patients 2017", "region_code": "HDF",
        "region_nom": "Hauts-de-France", "resultat": "retenu_region", "titre": "Alpha", "resume": "Résumé Alpha",
        "structure": "Structure Alpha", "categorie": "association", "secteurs": ["ville", "sanitaire"],
        "modalites": ["co_construction", "concertation"], "domaines": ["medicament", "autre"],
        "domaine_autre": "Autre Alpha", "etat_avancement": "realise", "lien": "https://alpha.example.org/projet",
        "partenaires_usagers": 2, "partenaires_soignants": 1}
    assert (document["projects"][0]["titre"], document["projects"][0]["resume"]) == (
        "Gamma", "=1+1 : un calcul dans le résumé")
    assert client.get("/resultats/ssp-2017.json").get_json() == document


def test_page_shows_the_consenting_picks_by_region_and_counts_the_others(client, published):
    page = page_text(client.get("/resultats"))

    assert ("Lauréat national Lauréat national Gamma Structure Gamma (Île-de-France) Résumé =1+1 : un calcul dans le "
            "résumé Partenaires usagers 1 Partenaires soignants 1 Projets retenus par les régions Hauts-de-France "
            "Alpha Structure Alpha Résumé Résumé Alpha Catégorie de candidat Les associations, fondations") in page
    assert ("Secteurs Ville ; Sanitaire Modalités du partenariat Co-construction ; Concertation Domaines La "
            "sécurisation de la prise en charge médicamenteuse") in page
    assert ("Autre domaine Autre Alpha État d’avancement Projet déjà réalisé Lien https://alpha.example.org/projet "
            "Partenaires usagers 2 Partenaires soignants 1 "
            "1 autre projet retenu dont le porteur n’a pas autorisé la publication.") in page


def test_no_personal_data_nor_jury_data_anywhere(client, published):
    outputs = everything(client)

    assert [text for text in secrets(published) if text in outputs] == []


def test_an_anonymised_pick_publishes_the_same(app, client, published, clock):
    before = client.get("/resultats.json").get_json()
    anonymise_candidature(db.session.get(Candidature, published.alpha.id), now=clock())
    db.session.commit()

    after = client.get("/resultats.json").get_json()

    assert after == before


def test_home_links_the_results_once_published(client, published):
    home = client.get("/").get_data(as_text=True)

    assert "Les résultats sont publiés." in page_text(client.get("/")) and 'href="/resultats"' in home


def test_schema_describes_exactly_the_fields_output(app, client, published):
    schema = client.get("/resultats.schema.json").get_json()
    header = next(csv.reader(io.StringIO(client.get("/resultats.csv").get_data(as_text=True)), delimiter=";"))
    page = page_text(client.get("/resultats/schema"))
    results = client.get("/resultats").get_data(as_text=True)

    fields = {field["name"]: field for field in schema["fields"]}
    assert list(fields) == [name.removeprefix("\ufeff") for name in header] == HEADER
    assert fields["titre"] == {"name": "titre", "type": "string", "title": "Titre du projet",
                               "description": "Titre du projet, tel que le porteur l’a écrit.",
                               "title_en": "Project title",
                               "description_en": "The project’s title, as its holder wrote it.",
                               "constraints": {"required": True}}
    assert fields["resultat"]["constraints"] == {"required": True, "enum": ["laureat_national", "retenu_region"]}
    assert (fields["lien"]["format"], fields["partenaires_usagers"]["type"]) == ("uri", "integer")
    assert all(field["title_en"] != field["title"] for field in fields.values() if field["name"] != "edition")
    assert [field.name for field in FIELDS if f"{field.name} {field.title}" not in page] == []
    assert "medico_social Médico-social" in page and "laureat_national Lauréat national" in page
    assert all(f'href="{url}"' in results for url in ("/resultats.csv", "/resultats.json", "/resultats/schema",
                                                      "/resultats.schema.json"))


def test_schema_page_in_english(client, published):
    client.get("/langue/en")

    page = page_text(client.get("/resultats/schema"))

    assert "titre Project title" in page and "medico_social Medico-social care" in page


def test_the_public_outputs_cost_the_same_queries_whatever_the_number_of_picks(app, client, published, make_user,
                                                                                 clock):
    def measure() -> dict[str, int]:
        cache.clear()
        counts = {}
        for url in OUTPUTS:
            with counted() as statements:
                assert client.get(url).status_code == 200
            counts[url] = len(statements)
        return counts

    small = measure()
    for code in ("BRE", "NOR", "OCC", "GES"):
        for slot in (1, 2):
            owner = make_user(Role.CANDIDATE)
            pick = factories.candidature(published.edition, owner, at=clock(), region=code,
                                         state="national_not_selected", title=f"Projet {code} {slot}",
                                         attestations={"publication": True})
            personal(pick, slot)
            db.session.add(pick)
            db.session.flush()
            db.session.add(RegionalPick(region_id=region(published.edition, code).id, slot=slot,
                                        candidature_id=pick.id, opinion=OPINION, decided_at=clock()))
    db.session.commit()

    large = measure()

    assert len(client.get("/resultats.json").get_json()["projects"]) == 10
    assert large == small


def test_second_anonymous_results_page_runs_no_query(client, published):
    first = client.get("/resultats").get_data(as_text=True)

    with counted() as statements:
        second = client.get("/resultats").get_data(as_text=True)

    assert (len(statements), second) == (0, first)


def test_a_signed_in_candidate_reads_the_same_results(app, published):
    visitor = app.test_client()
    owner = db.session.get(User, published.beta.owner_id)
    assert visitor.form("/connexion", {"email": owner.email, "password": PASSWORD}).status_code == 302

    page = page_text(visitor.get("/resultats"))

    assert "Gamma" in page and "Beta" not in page and "Beta" not in visitor.get("/resultats.csv").get_data(as_text=True)
