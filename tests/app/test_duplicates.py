"""One project sent to two regions: both ARS are told on their dashboard and on the dossier, each reads the
other's summary only because of the match, the national organisers list the pairs."""

from __future__ import annotations

import pytest

from app.duplicates import flags
from app.extensions import db
from tests import factories
from tests.volume import counted
from tests.app.regional_helpers import dossier, organiser, page, region  # noqa: F401  (fixtures)
from workflows.states import Role

SIRET = "12345678200010"  # fictitious, with a valid key; its SIREN is 123456782
TITLE = "Des usagers formateurs pour les internes"


def pairs(edition) -> list[tuple[str, str, str | None, int | None]]:
    return [(f.one.title, f.other.title, f.shared, f.title_score) for f in flags(edition.id)]


def test_same_identifier_in_two_regions_is_flagged(edition, dossier):
    dossier(region="HDF", title="Un projet", identifier=SIRET)
    dossier(region="BRE", title="Tout autre chose", identifier=SIRET)
    dossier(region="IDF", title="Un troisième", identifier="W591234567")

    assert pairs(edition) == [("Un projet", "Tout autre chose", "identifier", None)]


def test_a_siret_and_the_siren_of_its_company_are_flagged(edition, dossier):
    dossier(region="HDF", title="Un projet", identifier=SIRET)
    dossier(region="BRE", title="Tout autre chose", identifier="123456782")

    assert pairs(edition) == [("Un projet", "Tout autre chose", "company", None)]


def test_near_identical_titles_are_flagged_despite_accents_and_case(edition, dossier):
    dossier(region="HDF", title="Hygiène des mains : les visiteurs s’engagent")
    dossier(region="BRE", title="HYGIENE DES MAINS - les visiteurs s'engagent")

    assert pairs(edition) == [("Hygiène des mains : les visiteurs s’engagent",
                               "HYGIENE DES MAINS - les visiteurs s'engagent", None, 100)]


def test_nothing_is_flagged_within_a_region_with_drafts_or_withdrawn_dossiers(edition, dossier):
    dossier(region="HDF", title=TITLE, identifier=SIRET)
    dossier(region="HDF", title=TITLE, identifier=SIRET)
    dossier("draft", region="BRE", title=TITLE, identifier=SIRET)
    dossier("withdrawn", region="IDF", title=TITLE, identifier=SIRET)

    assert pairs(edition) == []


def test_inadmissible_and_judged_dossiers_still_count(edition, dossier):
    dossier("inadmissible", region="HDF", title=TITLE, inadmissibility_reason="Doublon.")
    dossier("regional_jury", region="BRE", title=TITLE)

    assert pairs(edition) == [(TITLE, TITLE, None, 100)]


def test_nothing_is_flagged_across_editions(edition, variant_edition, dossier, make_user, clock):
    dossier(region="HDF", title=TITLE, identifier=SIRET)
    other = variant_edition.regions[1]
    db.session.add(factories.candidature(variant_edition, make_user(Role.CANDIDATE), at=clock(), state="submitted",
                                         region=other.code, title=TITLE, identifier=SIRET))
    db.session.commit()

    assert (pairs(edition), pairs(variant_edition)) == ([], [])


@pytest.fixture
def twins(dossier):
    """The same project in HDF and in BRE (same SIRET, title retyped), and an unrelated BRE dossier."""
    mine = dossier(region="HDF", title=TITLE, identifier=SIRET, structure_name="Association Patients formateurs",
                   summary="Des patients forment les internes.", contact_email="jeanne@example.org")
    theirs = dossier(region="BRE", title="Des usagers-formateurs pour nos internes", identifier=SIRET,
                     structure_name="Association Patients formateurs (Bretagne)", category="association",
                     summary="Des patients forment les internes de Rennes.", contact_email="secret@example.org")
    unrelated = dossier(region="BRE", title="La douleur racontée par les enfants", summary="Sans rapport.")
    return mine, theirs, unrelated


def test_dashboard_badges_the_flagged_dossier_only(client, organiser, twins):
    text = page(client.get(f"/ars/{region('HDF').id}"))

    assert text.count("Peut-être aussi déposé dans la région Bretagne") == 1


def test_dossier_page_tells_the_region_the_reasons_and_links_the_summary(client, organiser, twins):
    mine, theirs, _unrelated = twins
    hdf = region("HDF").id

    text = page(client.get(f"/ars/{hdf}/candidatures/{mine.id}"))

    assert "Projet peut-être déjà déposé dans la région Bretagne" in text
    assert "« Des usagers-formateurs pour nos internes » : même identifiant ; titre proche (similarité 95/100)." in text
    assert f'href="/ars/{hdf}/candidatures/{mine.id}/meme-projet/{theirs.id}"' in text


def test_the_reasons_are_listed_as_english_writes_them_on_an_english_page(client, organiser, twins):
    mine, _theirs, _unrelated = twins
    client.get("/langue/en")

    text = page(client.get(f"/ars/{region('HDF').id}/candidatures/{mine.id}"))

    assert "“Des usagers-formateurs pour nos internes”: same identifier; similar title (similarity 95/100)." in text


def test_ars_reads_the_matching_dossiers_summary_and_nothing_more(client, organiser, twins):
    mine, theirs, _unrelated = twins

    response = client.get(f"/ars/{region('HDF').id}/candidatures/{mine.id}/meme-projet/{theirs.id}")

    text = page(response)
    assert response.status_code == 200
    assert ("Des usagers-formateurs pour nos internes" in text and "Bretagne" in text
            and "Association Patients formateurs (Bretagne)" in text and "Des patients forment les internes de Rennes."
            in text and "déposée" in text and "Les associations, fondations" in text)
    assert "secret@example.org" not in text and "Pièces jointes" not in text and SIRET not in text


def test_ars_reads_no_other_regions_summary_without_a_match(client, organiser, twins, dossier):
    mine, theirs, unrelated = twins
    hdf, bre = region("HDF").id, region("BRE").id
    alone = dossier(region="HDF", title="Un projet sans jumeau")

    assert [client.get(url).status_code for url in (
        f"/ars/{hdf}/candidatures/{mine.id}/meme-projet/{unrelated.id}",  # a dossier the match does not name
        f"/ars/{hdf}/candidatures/{alone.id}/meme-projet/{theirs.id}",  # the match is with another dossier
        f"/ars/{bre}/candidatures/{theirs.id}/meme-projet/{mine.id}",  # BRE's side is BRE's ARS's
        f"/ars/{bre}/candidatures/{theirs.id}",
        f"/ars/{hdf}/candidatures/{theirs.id}",
    )] == [404, 404, 404, 404, 404]


def test_the_summary_closes_when_the_match_ends(client, organiser, twins):
    mine, theirs, _unrelated = twins
    theirs.state = "withdrawn"
    db.session.commit()

    assert client.get(f"/ars/{region('HDF').id}/candidatures/{mine.id}/meme-projet/{theirs.id}").status_code == 404


def test_other_region_ars_sees_the_flag_from_its_side(client, make_user, login, twins):
    mine, theirs, _unrelated = twins
    login(make_user(Role.REGIONAL_ORGANISER, region="BRE"))
    bre = region("BRE").id

    text = page(client.get(f"/ars/{bre}/candidatures/{theirs.id}"))

    assert "Projet peut-être déjà déposé dans la région Hauts-de-France" in text
    assert client.get(f"/ars/{bre}/candidatures/{theirs.id}/meme-projet/{mine.id}").status_code == 200


def test_a_juror_reads_no_summary(client, make_user, login, twins):
    mine, theirs, _unrelated = twins
    login(make_user(Role.REGIONAL_JUROR, region="HDF"))

    assert client.get(f"/ars/{region('HDF').id}/candidatures/{mine.id}/meme-projet/{theirs.id}").status_code == 403


def test_national_organisers_list_the_pairs_with_links(client, make_user, login, twins):
    mine, theirs, _unrelated = twins
    login(make_user(Role.NATIONAL_ORGANISER))

    text = page(client.get("/national/doublons"))

    assert "1 paire de dossiers signalée" in text
    assert f'href="/ars/{region("HDF").id}/candidatures/{mine.id}"' in text
    assert f'href="/ars/{region("BRE").id}/candidatures/{theirs.id}"' in text
    assert "même identifiant ; titre proche (similarité 95/100)" in text
    assert 'href="/national/doublons"' in page(client.get("/national"))
    client.get("/langue/en")
    assert "same identifier; similar title (similarity 95/100)" in page(client.get("/national/doublons"))


def test_the_flag_blocks_nothing(client, organiser, twins):
    mine, _theirs, _unrelated = twins

    text = page(client.get(f"/ars/{region('HDF').id}/candidatures/{mine.id}"))

    assert "Ce signalement ne bloque rien : vous décidez de la recevabilité." in text
    assert "Déclarer la candidature irrecevable" in text  # the existing decision, if the ARS wants it


def test_pages_ask_as_many_queries_with_more_flagged_pairs(client, make_user, login, dossier):
    """The ARS's pages (the national list is counted in tests/app/test_query_counts.py)."""
    ars = make_user(Role.REGIONAL_ORGANISER, region="HDF")
    login(ars)
    ours = dossier(region="HDF", title=TITLE, identifier=SIRET)
    hdf = region("HDF").id
    urls = [f"/ars/{hdf}", f"/ars/{hdf}/candidatures/{ours.id}"]

    def statements() -> list[int]:
        counts = []
        for url in urls:
            with counted() as executed:
                assert client.get(url).status_code == 200
            counts.append(len(executed))
        return counts

    dossier(region="BRE", title=TITLE)
    client.get(urls[0])  # first visit of the session: not counted
    one = statements()
    for code in ("IDF", "ARA", "OCC", "PDL", "NOR"):
        dossier(region=code, title=TITLE, identifier=SIRET)
        dossier(region="HDF", title=f"{TITLE} {code}")

    assert statements() == one
