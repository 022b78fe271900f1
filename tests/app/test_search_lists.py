"""The same search and filters (app.search) on the other lists that can grow: a juror's list, the ARS
ranking, and the exports reached from a filtered list, each keeping who may see which dossier."""

from __future__ import annotations

import csv
import io
import re

import pytest

from app.extensions import db
from app.models import AuditEntry, JuryAssignment, Region, RegionalPick
from tests import factories
from tests.app.regional_helpers import page
from tests.app.national_helpers import sheet
from tests.jobs import asked, prepared
from workflows.states import Role


def region(code: str) -> Region:
    return db.session.scalar(db.select(Region).filter_by(code=code))


@pytest.fixture
def dossiers(edition, make_user, clock):
    """HDF before its jury (two dossiers), a draft and a dossier of IDF, every title about safety."""
    owner = make_user(Role.CANDIDATE)

    def make(title, code="HDF", state="regional_jury", **columns):
        made = factories.candidature(edition, owner, at=clock(), region=code, state=state, title=title, **columns)
        db.session.add(made)
        return made

    made = {
        "securite": make("Sécurité du patient opéré", structure_name="Hôpital Nord", category="etablissement"),
        "ville": make("Sécurité des médicaments en ville", structure_name="Maison de santé du Port",
                      category="professionnel_ville", sectors=["ville"]),
        "draft": make("Sécurité : brouillon", state="draft", structure_name="Hôpital Sud"),
        "idf": make("Sécurité en Île-de-France", code="IDF", structure_name="Hôpital de Paris",
                    category="etablissement"),
    }
    for code in ("HDF", "IDF"):
        region(code).stage = "jury_open"
    db.session.commit()
    return made


def juror_list(client, **filters) -> list[str]:
    html = page(client.get("/jury", query_string=filters))
    if "candidatures-jury" not in html:
        return []
    table = html[html.index('id="candidatures-jury"'):]
    return re.findall(r"<tr>\s*<td>([^<]+)</td>", table)


def test_a_juror_filters_their_list_and_never_finds_another_regions_dossier(client, login, make_user, dossiers):
    login(make_user(Role.REGIONAL_JUROR, region="HDF"))

    assert juror_list(client) == ["Sécurité du patient opéré", "Sécurité des médicaments en ville"]
    assert juror_list(client, q="securite") == ["Sécurité du patient opéré", "Sécurité des médicaments en ville"]
    assert juror_list(client, q="hopital") == ["Sécurité du patient opéré"]  # not IDF's Hôpital de Paris
    assert juror_list(client, categorie="professionnel_ville") == ["Sécurité des médicaments en ville"]
    assert juror_list(client, secteur="ville", q="hôpital") == []
    html = page(client.get("/jury", query_string={"q": "paris"}))
    assert "Aucun dossier ne correspond à la recherche." in html and 'value="paris"' in html


def test_a_juror_of_an_assigned_region_finds_only_their_assigned_dossiers(client, login, make_user, dossiers, clock):
    juror = make_user(Role.REGIONAL_JUROR, region="HDF")
    region("HDF").jurors_per_dossier = 1
    db.session.add(JuryAssignment(candidature_id=dossiers["ville"].id, juror_id=juror.id, assigned_at=clock()))
    db.session.commit()
    login(juror)

    assert juror_list(client, q="securite") == ["Sécurité des médicaments en ville"]
    assert juror_list(client, q="hopital nord") == []


def test_the_juror_list_keeps_its_filters_from_page_to_page(client, login, make_user, edition, clock):
    owner = make_user(Role.CANDIDATE)
    db.session.add_all([factories.candidature(edition, owner, at=clock(), state="regional_jury",
                                              title=f"{'Hôpital' if n % 2 else 'Ville'} {n:03d}") for n in range(120)])
    region("HDF").stage = "jury_open"
    db.session.commit()
    login(make_user(Role.REGIONAL_JUROR, region="HDF"))

    first = client.get("/jury", query_string={"q": "hopital"}).get_data(as_text=True)

    assert "60 dossiers correspondent à la recherche" in first and "/jury?page=2&amp;q=hopital" in first
    assert juror_list(client, q="hopital", page=2) == [f"Hôpital {n:03d}" for n in range(101, 120, 2)]


def html_raw(response) -> str:
    """The page as sent (links keep their &amp;)."""
    return response.get_data(as_text=True)


def ranking_titles(client, hdf_id, **filters) -> list[tuple[str, str]]:
    """(rank, title) of each line of the ARS ranking."""
    html = page(client.get(f"/ars/{hdf_id}/classement", query_string=filters))
    table = html[html.index('id="classement"'):]
    return re.findall(r"<tr>\s*<td>(\d+|—)[^<]*(?:<span[^>]*>[^<]*</span>)?</td>\s*<td>([^<]+)<br>", table)


def test_the_ars_ranking_filters_its_lines_each_keeping_its_rank(client, login, make_user, dossiers, clock):
    jurors = [make_user(Role.REGIONAL_JUROR, region="HDF") for _ in range(2)]
    for juror in jurors:
        sheet(dossiers["ville"], juror, [5, 5, 5, 5], "regional", clock())
        sheet(dossiers["securite"], juror, [2, 2, 2, 2], "regional", clock())
    db.session.commit()
    login(make_user(Role.REGIONAL_ORGANISER, region="HDF"))
    hdf_id = region("HDF").id

    assert ranking_titles(client, hdf_id) == [("1", "Sécurité des médicaments en ville"),
                                              ("2", "Sécurité du patient opéré")]
    assert ranking_titles(client, hdf_id, q="hopital") == [("2", "Sécurité du patient opéré")]
    assert ranking_titles(client, hdf_id, q="paris") == []  # IDF's dossier is not in HDF's ranking
    assert "1 dossier correspond à la recherche" in page(client.get(f"/ars/{hdf_id}/classement?q=hopital"))


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))[1:]


def test_the_dashboard_export_follows_its_filters_and_says_so(client, login, make_user, dossiers):
    login(make_user(Role.REGIONAL_ORGANISER, region="HDF"))
    hdf_id = region("HDF").id

    dashboard = html_raw(client.get(f"/ars/{hdf_id}", query_string={"q": "hopital"}))
    action = re.search(r'action="(/exports/preparer/candidatures\.csv\?[^"]+)"', dashboard).group(1)
    action = action.replace("&amp;", "&")
    filtered = asked(client, action, page=f"/ars/{hdf_id}?q=hopital")
    whole = prepared(client, f"/exports/candidatures.csv?region={hdf_id}")

    assert action == f"/exports/preparer/candidatures.csv?region={hdf_id}&q=hopital"
    assert [row[11] for row in rows(filtered)] == ["Sécurité du patient opéré"]  # not the draft, not IDF's
    assert 'filename="candidatures-HDF-filtre.csv"' in filtered.headers["Content-Disposition"]
    assert sorted(row[11] for row in rows(whole)) == ["Sécurité : brouillon", "Sécurité des médicaments en ville",
                                                      "Sécurité du patient opéré"]
    assert 'filename="candidatures-HDF.csv"' in whole.headers["Content-Disposition"]
    assert [entry.data for entry in db.session.scalars(db.select(AuditEntry).filter_by(action="export.candidatures")
                                                       .order_by(AuditEntry.id))] == [
        {"format": "csv", "regions": ["HDF"], "filters": {"q": "hopital"}}, {"format": "csv", "regions": ["HDF"]}]


def test_a_filtered_export_stays_within_the_organisers_regions(client, login, make_user, dossiers):
    login(make_user(Role.REGIONAL_ORGANISER, region="HDF"))

    assert client.get("/exports/preparer/candidatures.csv", query_string={"region": region("IDF").id, "q": "paris"}
                      ).status_code == 404
    assert rows(prepared(client, "/exports/candidatures.csv?q=paris")) == []
    assert client.get("/exports/selection-nationale.csv").status_code == 403


def test_the_shortlist_export_holds_the_picks_filtered_as_the_page(client, login, make_user, dossiers, clock,
                                                                  edition):
    from openpyxl import load_workbook

    for slot, found in enumerate((dossiers["securite"], dossiers["ville"]), start=1):
        found.state = "national_shortlist"
        db.session.add(RegionalPick(region_id=found.region_id, slot=slot, candidature_id=found.id, opinion="Oui.",
                                    decided_at=clock()))
    db.session.commit()
    login(make_user(Role.NATIONAL_ORGANISER))

    shortlist = html_raw(client.get("/national/selection", query_string={"secteur": "ville"}))
    link = re.search(r'href="(/exports/selection-nationale\.xlsx\?[^"]+)"', shortlist).group(1)
    filtered = client.get(link.replace("&amp;", "&"))
    whole = client.get("/exports/selection-nationale.csv")

    assert link == "/exports/selection-nationale.xlsx?secteur=ville"
    sheet = load_workbook(io.BytesIO(filtered.get_data())).active
    assert [row[11] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Sécurité des médicaments en ville"]
    assert "selection-nationale-ssp-2017-filtre.xlsx" in filtered.headers["Content-Disposition"]
    assert [row[11] for row in rows(whole)] == ["Sécurité du patient opéré", "Sécurité des médicaments en ville"]
    assert [entry.data for entry in db.session.scalars(db.select(AuditEntry).filter_by(action="export.shortlist")
                                                       .order_by(AuditEntry.id))] == [
        {"format": "xlsx", "regions": [r.code for r in edition.regions],
         "filters": {"secteur": "ville"}},
        {"format": "csv", "regions": [r.code for r in edition.regions]}]
