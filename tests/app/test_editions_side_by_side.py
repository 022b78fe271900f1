"""Several editions in one database: each edition's staff reach only its rows; the home page shows the
open edition; the results page lists every published edition; a past edition reads without acting."""

from __future__ import annotations

import pytest

from app.editions import load_edition
from app.extensions import db
from app.jury.juries import Jury
from app.models import RegionalPick, RoleMembership
from tests import factories
from tests.app.attachment_helpers import page_text
from tests.conftest import CONTEST_FILE
from workflows.states import Role

OLD, NEW = "ssp-2017", "ssp-variante"


@pytest.fixture
def editions(edition, variant_edition):
    """The 2017 edition and the variant, open, loaded after it."""
    return edition, variant_edition


@pytest.fixture
def published_2017(editions, make_user, clock):
    old, _new = editions
    owner = make_user(Role.CANDIDATE)
    winner = factories.candidature(old, owner, at=clock(), state="winner", title="Projet lauréat 2017",
                                   structure_name="Clinique du Nord", attestations={"publication": True})
    db.session.add(winner)
    db.session.flush()
    db.session.add(RegionalPick(region_id=winner.region_id, slot=1, candidature_id=winner.id, opinion="Avis.",
                                decided_at=clock()))
    old.national_stage, old.published_at = "published", clock()
    db.session.commit()
    return winner


def organiser_of(make_user, slug: str):
    return make_user(Role.NATIONAL_ORGANISER, edition_slug=slug)


def test_home_shows_the_open_edition(client, editions):
    assert "Faire des patients les acteurs de leur propre sécurité" in page_text(client.get("/"))


def test_home_keeps_the_open_edition_when_an_older_one_is_loaded_afterwards(client, variant_edition, clock):
    load_edition(CONTEST_FILE.read_text(encoding="utf-8"), source=CONTEST_FILE.name, now=clock())
    db.session.commit()

    text = page_text(client.get("/"))

    assert "Faire des patients les acteurs de leur propre sécurité" in text
    assert "Usagers, soignants" not in text


def test_results_page_lists_the_published_past_edition_under_the_open_one(client, published_2017):
    text = page_text(client.get("/resultats"))

    assert ("Semaine de la sécurité des patients – édition variante Faire des patients les acteurs de leur propre "
            "sécurité Les résultats ne sont pas encore publiés. Ils seront annoncés le mardi 27 novembre 2018. "
            "Semaine de la sécurité des patients 2017 Usagers, soignants : partenaires pour la sécurité des patients "
            "Résultats publiés le") in text
    assert "Lauréat national Lauréat national Projet lauréat 2017 Clinique du Nord (Hauts-de-France)" in text


def test_open_data_gives_the_published_past_edition_while_the_open_one_is_not(client, editions, published_2017):
    old, new = editions
    page = client.get("/resultats").get_data(as_text=True)

    latest = client.get("/resultats.json").get_json()

    assert 'href="/resultats.csv"' in page and f"/resultats/{new.slug}" not in page
    assert (latest["edition"], [project["titre"] for project in latest["projects"]]) == (
        old.slug, ["Projet lauréat 2017"])
    assert client.get(f"/resultats/{old.slug}.json").get_json() == latest
    assert client.get(f"/resultats/{new.slug}.json").status_code == 404
    assert client.get(f"/resultats/{new.slug}.csv").status_code == 404


def test_national_organiser_of_the_open_edition_reaches_none_of_the_past_ones_rows(
        client, login, make_user, editions, published_2017):
    old, new = editions
    login(organiser_of(make_user, NEW))
    old_region = next(region for region in old.regions if region.code == "HDF")

    assert "Étape nationale : Semaine de la sécurité des patients – édition variante" in page_text(
        client.get("/national"))
    assert client.get(f"/ars/{old_region.id}").status_code == 404
    assert client.get(f"/exports/candidatures/{published_2017.id}/dossier.pdf").status_code == 404
    assert client.get(f"/national/editions/{old.id}").status_code == 404
    assert client.get(f"/national/editions/{new.id}").status_code == 200


def test_national_organiser_of_a_past_edition_reads_it_without_acting(client, login, make_user, editions,
                                                                     published_2017):
    old, new = editions
    signed_in = login(organiser_of(make_user, OLD))

    assert signed_in.headers["Location"] == "/national/editions"

    assert client.get("/national").status_code == 404
    assert client.get("/national/selection").status_code == 404
    assert client.get("/exports/livret.pdf").status_code == 404
    listing = page_text(client.get("/national/editions"))
    archive = client.get(f"/national/editions/{old.id}")
    html = archive.get_data(as_text=True)

    assert "Semaine de la sécurité des patients 2017" in listing and "variante" not in listing
    assert archive.status_code == 200
    assert "Consultation seule : rien ne peut être modifié depuis cette page." in page_text(archive)
    assert "Projet lauréat 2017 Clinique du Nord lauréate" in page_text(archive)
    assert html.count("<form") == 1  # the sign-out button of the header, nothing else
    assert client.get(f"/national/editions/{new.id}").status_code == 404


def test_national_jury_of_an_edition_is_its_own_jurors(make_user, editions):
    old, new = editions
    old_juror = make_user(Role.NATIONAL_JUROR, edition_slug=OLD)
    new_juror = make_user(Role.NATIONAL_JUROR, edition_slug=NEW)

    assert Jury.national(old).jurors() == [old_juror]
    assert Jury.national(new).jurors() == [new_juror]


def test_regional_organiser_keeps_to_the_region_of_their_edition(client, login, make_user, editions):
    old, new = editions
    organiser = make_user(Role.REGIONAL_ORGANISER, region="HDF", edition_slug=NEW)
    login(organiser)
    region = {edition.slug: next(r for r in edition.regions if r.code == "HDF") for edition in editions}

    assert client.get(f"/ars/{region[NEW].id}").status_code == 200
    assert client.get(f"/ars/{region[OLD].id}").status_code == 404


def test_regional_organiser_of_both_editions_starts_in_the_open_one(client, login, make_user, editions, clock):
    old, new = editions
    organiser = make_user(Role.REGIONAL_ORGANISER, region="HDF", edition_slug=OLD)
    organiser.memberships.append(RoleMembership(role=Role.REGIONAL_ORGANISER.value, region=region_of(new, "HDF"),
                                                created_at=clock()))
    db.session.commit()

    signed_in = login(organiser)
    menu = page_text(client.get("/"))

    assert signed_in.headers["Location"] == f"/ars/{region_of(new, 'HDF').id}"
    assert "ARS Hauts-de-France ARS Hauts-de-France (Semaine de la sécurité des patients 2017)" in menu


def region_of(edition, code: str):
    return next(region for region in edition.regions if region.code == code)
