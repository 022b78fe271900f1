"""The synthesis of the regions' dossiers: its counts (cross-sector dossiers, two editions), who reads which
region, the CSV in long format, the PDF report, the audit rows of the downloads."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from pypdf import PdfReader

from app.accounts import grant_role
from app.extensions import db
from app.models import AuditEntry
from tests import factories
from workflows.states import Role

OLD, NEW = "ssp-2017", "ssp-variante"


def region_of(edition, code: str):
    return next(region for region in edition.regions if region.code == code)


@pytest.fixture
def dossiers(edition, variant_edition, make_user, clock):
    """2017: two dossiers handed in by HDF (one across two sectors, one a regional pick), two by IDF (the
    winner, an inadmissible one), and two never submitted; the variant: one HDF dossier."""
    owner = make_user(Role.CANDIDATE)
    at = clock()
    rows = [
        factories.candidature(edition, owner, at=at, region="HDF", state="submitted", category="association",
                              sectors=["ville", "sanitaire"], domains=["medicament", "parcours"],
                              modalities=["co_construction", "concertation"], project_stage="realise"),
        factories.candidature(edition, owner, at=at, region="HDF", state="national_shortlist",
                              category="etablissement", sectors=["sanitaire"], domains=["medicament"],
                              modalities=["co_construction"], project_stage="en_cours"),
        factories.candidature(edition, owner, at=at, region="IDF", state="winner", category="etablissement",
                              sectors=["medico_social"], domains=["parcours"], modalities=["consultation"],
                              project_stage="realise"),
        factories.candidature(edition, owner, at=at, region="IDF", state="inadmissible", category="association",
                              sectors=["ville"], inadmissibility_reason="Hors délai.", project_stage="en_cours"),
        factories.candidature(edition, owner, at=at, region="HDF", state="draft", sectors=["ville", "sanitaire"]),
        factories.candidature(edition, owner, at=at, region="IDF", state="withdrawn", sectors=["ville"]),
        factories.candidature(variant_edition, owner, at=at, region="HDF", state="submitted", category="association",
                              sectors=["ville"], project_stage="realise"),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return edition, variant_edition


@pytest.fixture
def national(make_user, clock, dossiers):
    """A national organiser of both editions."""
    organiser = make_user(Role.NATIONAL_ORGANISER, edition_slug=OLD)
    grant_role(organiser, role=Role.NATIONAL_ORGANISER, now=clock(), edition_slug=NEW)
    db.session.commit()
    return organiser


def tables(response) -> dict[str, dict[str, int]]:
    """Each table of the page by its caption: its rows' headers and counts."""
    page = response.get_data(as_text=True)
    found = {}
    for caption, body in re.findall(r"<caption[^>]*>(.*?)</caption>(.*?)</table>", page, re.S):
        rows = re.findall(r'<th scope="row">(.*?)</th><td>(\d+)</td>', body, re.S)
        found[html.unescape(caption)] = {html.unescape(re.sub(r"<[^>]+>", "", label)): int(n) for label, n in rows}
    return found


def csv_rows(response) -> list[tuple[str, ...]]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return [tuple(row) for row in csv.reader(io.StringIO(text), delimiter=";")]


def test_national_synthesis_counts_each_dimension_of_the_edition_shown(client, login, national, dossiers):
    old, _new = dossiers
    login(national)

    page = client.get(f"/national/synthese?edition={old.id}")
    counted = tables(page)

    assert page.status_code == 200
    name = "Semaine de la sécurité des patients 2017"
    regions = counted[f"Région : nombre de dossiers ({name})"]
    assert (regions["Hauts-de-France"], regions["Île-de-France"], regions["Corse"]) == (2, 2, 0)
    assert len(regions) == 17  # every region of the definition, zeros kept
    assert counted[f"Secteur : nombre de dossiers ({name})"] == {
        "Ville": 2, "Médico-social": 1, "Sanitaire": 2, "pluri-sectoriel (deux secteurs ou plus)": 1}
    domains = counted[f"Domaine : nombre de dossiers ({name})"]
    assert sum(domains.values()) == 5 and domains["Autre domaine"] == 0
    assert domains["non renseigné"] == 1  # the inadmissible dossier named none
    assert counted[f"Avancement du projet : nombre de dossiers ({name})"] == {
        "Projet déjà réalisé": 2, "Projet en cours de réalisation": 2,
        "Projet dont seule la phase préparatoire est finalisée": 0}
    states = counted[f"État du dossier : nombre de dossiers ({name})"]
    assert (states["déposée"], states["irrecevable"], states["lauréate"], states["retirée"],
            states["présélectionnée pour le national"]) == (1, 1, 1, 0, 1)
    assert "brouillon" not in states
    assert counted[f"Issue : nombre de dossiers ({name})"] == {
        "retenue par sa région pour l’étape nationale": 2, "lauréate": 1}
    assert "4 dossiers déposés pour « Semaine de la sécurité des patients 2017 »." in page.get_data(as_text=True)
    assert page.get_data(as_text=True).count("<svg") == 8  # a chart before each table


def test_national_synthesis_shows_the_latest_edition_and_links_the_other(client, login, national, dossiers):
    old, new = dossiers
    login(national)

    page = client.get("/national/synthese")
    text = page.get_data(as_text=True)

    assert "1 dossier déposé pour « Semaine de la sécurité des patients – édition variante »." in text
    assert f'href="/national/synthese?edition={old.id}"' in text
    assert f'href="/national/synthese?edition={new.id}" aria-current="page"' in text


def test_national_csv_holds_every_edition_in_long_format_and_is_logged(client, login, national, dossiers):
    old, new = dossiers
    login(national)

    response = client.get("/national/synthese.csv")
    rows = csv_rows(response)

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert rows[0] == ("dimension", "valeur", "libellé", "nombre", "édition")
    assert ("sector", "pluri-sectoriel", "pluri-sectoriel (deux secteurs ou plus)", "1", OLD) in rows
    assert ("sector", "sanitaire", "Sanitaire", "2", OLD) in rows
    assert ("sector", "ville", "Ville", "1", NEW) in rows
    assert ("region", "HDF", "Hauts-de-France", "1", NEW) in rows
    assert ("outcome", "winner", "lauréate", "1", OLD) in rows
    assert ("state", "inadmissible", "irrecevable", "1", OLD) in rows
    logged = db.session.scalars(db.select(AuditEntry).filter_by(action="export.synthesis")).all()
    assert [(e.actor_id, e.actor_role, e.region_id, e.data) for e in logged] == [
        (national.id, "national_organiser", None, {"format": "csv", "editions": [NEW, OLD]})]


def test_national_pdf_report_carries_the_charts_tables_and_page_numbers(client, login, national, dossiers):
    old, _new = dossiers
    login(national)

    response = client.get(f"/national/synthese.pdf?edition={old.id}")
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)

    assert response.mimetype == "application/pdf"
    assert reader.metadata.title == "Synthèse des candidatures — toutes les régions — Semaine de la sécurité des " \
                                    "patients 2017"
    assert "pluri-sectoriel (deux secteurs ou plus)" in text and "Hauts-de-France" in text
    assert f"1 / {len(reader.pages)}" in text
    assert "4 dossiers déposés." in text
    assert db.session.scalar(db.select(AuditEntry.data).filter_by(action="export.synthesis")) == {
        "format": "pdf", "editions": [OLD]}


def test_regional_organiser_reads_only_their_region(client, login, make_user, dossiers):
    old, _new = dossiers
    organiser = make_user(Role.REGIONAL_ORGANISER, region="HDF", edition_slug=OLD)
    hdf, idf = region_of(old, "HDF"), region_of(old, "IDF")
    login(organiser)

    page = client.get(f"/ars/{hdf.id}/synthese")
    counted = tables(page)
    rows = csv_rows(client.get(f"/ars/{hdf.id}/synthese.csv"))

    name = "Semaine de la sécurité des patients 2017"
    assert counted[f"Région : nombre de dossiers ({name})"] == {"Hauts-de-France": 2}
    assert counted[f"Secteur : nombre de dossiers ({name})"]["Sanitaire"] == 2
    assert counted[f"Issue : nombre de dossiers ({name})"] == {
        "retenue par sa région pour l’étape nationale": 1, "lauréate": 0}
    assert [row for row in rows if row[0] == "region"] == [("region", "HDF", "Hauts-de-France", "2", OLD)]
    assert ("state", "inadmissible", "irrecevable", "0", OLD) in rows  # IDF's is not counted
    assert db.session.scalar(db.select(AuditEntry.region_id).filter_by(action="export.synthesis")) == hdf.id
    assert client.get(f"/ars/{idf.id}/synthese").status_code == 404
    assert client.get(f"/ars/{idf.id}/synthese.csv").status_code == 404
    assert client.get(f"/ars/{idf.id}/synthese.pdf").status_code == 404
    assert client.get("/national/synthese").status_code == 403
    assert client.get("/national/synthese.csv").status_code == 403


def test_regional_pdf_names_the_region(client, login, make_user, dossiers):
    old, _new = dossiers
    organiser = make_user(Role.REGIONAL_ORGANISER, region="HDF", edition_slug=OLD)
    login(organiser)

    response = client.get(f"/ars/{region_of(old, 'HDF').id}/synthese.pdf")
    reader = PdfReader(io.BytesIO(response.data))

    assert reader.metadata.title.startswith("Synthèse des candidatures — Hauts-de-France")
    assert "2 dossiers déposés." in " ".join(page.extract_text() for page in reader.pages)


def test_jurors_reach_no_synthesis(client, login, make_user, dossiers):
    old, _new = dossiers
    juror = make_user(Role.REGIONAL_JUROR, region="HDF", edition_slug=OLD)
    login(juror)

    assert client.get(f"/ars/{region_of(old, 'HDF').id}/synthese").status_code == 403
    assert client.get("/national/synthese").status_code == 403


def test_english_page_words_the_definition_in_english_or_marks_its_french(client, login, national, dossiers):
    old, new = dossiers
    login(national)
    client.get("/langue/en")

    old_page = client.get(f"/national/synthese?edition={old.id}").get_data(as_text=True)
    new_page = client.get(f"/national/synthese?edition={new.id}").get_data(as_text=True)

    assert '<th scope="row">Community care</th><td>2</td>' in old_page
    assert "Sector: number of dossiers" in old_page
    assert '<th scope="row"><span lang="fr">Ville</span></th><td>1</td>' in new_page


def test_regional_organiser_of_both_editions_reads_their_region_in_each(client, login, make_user, clock, dossiers):
    old, new = dossiers
    organiser = make_user(Role.REGIONAL_ORGANISER, region="HDF", edition_slug=OLD)
    grant_role(organiser, role=Role.REGIONAL_ORGANISER, now=clock(), region_code="HDF", edition_slug=NEW)
    db.session.commit()
    login(organiser)

    page = client.get(f"/ars/{region_of(new, 'HDF').id}/synthese").get_data(as_text=True)
    rows = csv_rows(client.get(f"/ars/{region_of(new, 'HDF').id}/synthese.csv"))

    assert f'href="/ars/{region_of(old, "HDF").id}/synthese"' in page
    assert [row for row in rows if row[0] == "region"] == [("region", "HDF", "Hauts-de-France", "1", NEW),
                                                           ("region", "HDF", "Hauts-de-France", "2", OLD)]


def test_national_organiser_reaches_no_edition_they_do_not_organise(client, login, make_user, dossiers):
    old, new = dossiers
    login(make_user(Role.NATIONAL_ORGANISER, edition_slug=OLD))

    assert client.get(f"/national/synthese?edition={new.id}").status_code == 404
    assert client.get(f"/national/synthese.pdf?edition={new.id}").status_code == 404
    assert client.get(f"/ars/{region_of(new, 'HDF').id}/synthese").status_code == 404
    assert {row[4] for row in csv_rows(client.get("/national/synthese.csv"))[1:]} == {OLD}
