"""The national organiser signs in with their code, follows the links to the synthesis, reads a chart's table
and downloads the CSV."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from tests.app.national_helpers import shortlist  # noqa: F401
from tests.browser.helpers import sign_in


def test_national_organiser_reads_the_synthesis_and_downloads_its_csv(page, shot, live_server, settle, shortlist):
    organiser_email = shortlist.organiser.email
    settle()

    sign_in(page, live_server, organiser_email)
    page.goto(f"{live_server}/national")
    page.get_by_role("link", name="Synthèse", exact=True).click()
    expect(page.get_by_role("heading", name="Synthèse nationale des candidatures")).to_be_visible()
    regions = page.locator("table", has=page.locator("caption", has_text="Région : nombre de dossiers"))
    hdf = regions.get_by_role("row", name="Hauts-de-France")
    outcome = page.locator("table", has=page.locator("caption", has_text="Issue : nombre de dossiers"))
    expect(page.get_by_role("img", name="Diagramme en barres : Région")).to_be_visible()
    shot("synthese")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tableau des nombres (CSV)").click()

    assert hdf.locator("td").inner_text() == "3"  # Alpha, Beta, Delta; the draft does not count
    assert regions.get_by_role("row", name="Île-de-France").locator("td").inner_text() == "2"
    assert outcome.get_by_role("row", name="retenue par sa région").locator("td").inner_text() == "3"
    text = download.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["dimension", "valeur", "libellé", "nombre", "édition"]
    assert ["region", "HDF", "Hauts-de-France", "3", "ssp-2017"] in rows
    assert ["state", "inadmissible", "irrecevable", "1", "ssp-2017"] in rows
    assert download.value.suggested_filename == "synthese-nationale.csv"
