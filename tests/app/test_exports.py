"""Exports through the test client: book, ZIP, CSV/XLSX, dossier PDF, each scoped to the requester."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.jury.operations import store_figures
from app.mail import queue_email
from app.models import (
    Attachment, AuditEntry, Candidature, ConflictDeclaration, ExportJob, Mark, Partner, Region, RegionalPick,
    Scoresheet,
)
from app.uploads import storage
from tests import factories
from tests.conftest import sign_in
from tests.jobs import prepared
from tests.app.jury_helpers import DOSSIER
from tests.app.selection_helpers import CRITERIA, hdf, jurors, score  # noqa: F401  (fixtures)
from tests.app.test_selection import pdf_text
from workflows.states import Role

INJECTION = '=HYPERLINK("http://evil.example","clic")'
OPINION = "Un partenariat « exemplaire » : l’équipe et les usagers, cœur du projet à 0 €."


@dataclass
class Shortlist:
    hdf: Region
    idf: Region
    lens: Candidature  # HDF, slot 1
    arras: Candidature  # HDF, slot 2
    paris: Candidature  # IDF, slot 1
    draft: Candidature  # HDF, never submitted
    files: dict[str, bytes]  # stored name -> content


def region(code: str) -> Region:
    return db.session.scalar(db.select(Region).filter_by(code=code))


def attach(candidature: Candidature, slot: int, name: str, content: bytes, at) -> str:
    stored_name = hashlib.md5(f"{candidature.id}-{slot}".encode()).hexdigest()
    storage.path_of(stored_name).write_bytes(content)
    db.session.add(Attachment(candidature_id=candidature.id, slot=slot, display_name=name, stored_name=stored_name,
                              mime_type="application/pdf", size=len(content),
                              sha256=hashlib.sha256(content).hexdigest(), uploaded_at=at))
    return stored_name


@pytest.fixture
def shortlist(edition, make_user, clock, jurors, score) -> Shortlist:  # noqa: F811
    owner = make_user(Role.CANDIDATE)

    def make(code: str, state: str = "national_shortlist", **columns) -> Candidature:
        candidature = factories.candidature(edition, owner, at=clock(), region=code, state=state,
                                            **(DOSSIER | columns))
        db.session.add(candidature)
        db.session.flush()
        return candidature

    lens = make("HDF", title="Le livret de sortie écrit à deux", sectors=["sanitaire", "ville"])
    arras = make("HDF", title=INJECTION)  # the same structure as Lens: two folders of one name
    paris = make("IDF", title="Patients traceurs", structure_name="AP-HP / Hôpital Necker")
    draft = make("HDF", state="draft", title="-1+1", structure_name="@brouillon")
    lens.partners = [Partner(side="usager", name="Association « Vivre »", organisation="CDU", role="Co-animation"),
                     Partner(side="soignant", name="Dr Œdipe", organisation="CH de Lens", role="Pilote")]
    files = {}
    for slot, (name, content) in enumerate([("programme.pdf", b"%PDF-1.4 programme"),
                                            ("Programme.PDF", b"%PDF-1.4 autre"),
                                            ("bilan ..\x07 2017.pdf", b"%PDF-1.4 bilan")], start=1):
        files[attach(lens, slot, name, content, clock())] = content
    files[attach(paris, 1, "a" * 150 + ".pdf", b"%PDF-1.4 long", clock())] = b"%PDF-1.4 long"
    for code, picks in (("HDF", [lens, arras]), ("IDF", [paris])):
        for slot, candidature in enumerate(picks, start=1):
            db.session.add(RegionalPick(region_id=region(code).id, slot=slot, candidature_id=candidature.id,
                                        opinion=OPINION, decided_at=clock()))
        region(code).stage = "closed"
    db.session.commit()
    alice, bruno = jurors
    score(lens, alice, [5, 5, 4, 4])
    score(lens, bruno, [4, 5, 4, 4])
    score(arras, alice, [3, 3, 3, 3])
    return Shortlist(region("HDF"), region("IDF"), lens, arras, paris, draft, files)


@pytest.fixture
def national(make_user, login):
    user = make_user(Role.NATIONAL_ORGANISER)
    login(user)
    return user


@pytest.fixture
def hdf_organiser(make_user, login):
    user = make_user(Role.REGIONAL_ORGANISER, region="HDF")
    login(user)
    return user


def national_sheet(candidature, juror, marks, comment, clock):
    sheet = Scoresheet(candidature_id=candidature.id, juror_id=juror.id, stage="national", status="submitted",
                       submitted_at=clock(), updated_at=clock(), overall_comment=comment)
    sheet.marks = [Mark(criterion=key, value=value) for key, value in zip(CRITERIA, marks, strict=True)]
    store_figures(sheet, candidature.edition.contest)
    db.session.add(sheet)
    db.session.commit()


def signed_in(app, user):
    """A fresh client signed in as ``user`` through the login form."""
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def audit(action: str) -> list[tuple[int | None, str | None, dict]]:
    return [(e.actor_id, e.actor_role, e.data)
            for e in db.session.scalars(db.select(AuditEntry).filter_by(action=action).order_by(AuditEntry.id))]


def csv_rows(response) -> list[list[str]]:
    data = response.data
    assert data.startswith("\ufeff".encode())
    assert b"\r\n" in data
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def assert_download(response, name: str, mimetype: str) -> None:
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{name}"')
    assert response.headers["Cache-Control"] == "private, no-store"


def test_book_lists_every_pick_before_the_national_stage(client, shortlist, national):
    response = client.get("/exports/livret.pdf")

    assert_download(response, "livret-selection-nationale-ssp-2017.pdf", "application/pdf")
    text = pdf_text(response)
    for pick in (shortlist.lens, shortlist.arras, shortlist.paris):
        assert f"{pick.region.code} — {pick.title}" in text
    assert shortlist.draft.title not in text
    assert OPINION in text
    assert "HDF Centre hospitalier de Lens Le livret de sortie écrit à deux Ville ; Sanitaire oui 17,50 — —" in text
    assert "2 fiches reçues ; rang 1 dans la région." in text  # Lens, above Arras in HDF's ranking
    assert "1 fiche reçue ; rang 2 dans la région." in text
    assert text.count("Pas encore de notes nationales.") == 3
    assert "Association « Vivre » CDU Co-animation" in text
    assert "Cérémonie de remise du prix : mardi 21 novembre 2017." in text
    assert audit("export.book") == [(national.id, "national_organiser", {})]


def test_book_shows_national_means_rank_and_comments(client, shortlist, national, make_user, clock):
    juror = make_user(Role.NATIONAL_JUROR)
    national_sheet(shortlist.paris, juror, [5, 4, 4, 4], "Très reproductible, « bravo ».", clock)
    national_sheet(shortlist.lens, juror, [3, 3, 3, 3], "", clock)

    text = pdf_text(client.get("/exports/livret.pdf"))

    assert "IDF AP-HP / Hôpital Necker Patients traceurs Sanitaire non — 17,00 1" in text
    assert "1 fiche reçue ; moyenne 17,00 ; rang national 1." in text
    assert "Très reproductible, « bravo »." in text
    assert text.count("Pas encore de notes nationales.") == 1  # Arras has no national sheet


# A regional organiser may ask for files (their region's): the archive is none of theirs (404).
@pytest.mark.parametrize(("ask", "regional"), [(lambda client: client.get("/exports/livret.pdf"), 403),
                                               (lambda client: client.form("/exports/preparer/archive",
                                                                           page="/exports/"), 404)],
                         ids=["book", "archive"])
def test_national_files_refused_to_regional_organisers_and_jurors(app, shortlist, make_user, ask, regional):
    users = (make_user(Role.REGIONAL_ORGANISER, region="HDF"), make_user(Role.REGIONAL_JUROR, region="HDF"))

    statuses = [ask(signed_in(app, user)).status_code for user in users]

    assert statuses == [regional, 403]
    assert audit("export.book") == audit("export.archive") == []
    assert db.session.scalars(db.select(ExportJob)).all() == []


def test_candidatures_csv_neutralises_formulas_and_keeps_accents(client, shortlist, national):
    response = prepared(client, "/exports/candidatures.csv")

    assert_download(response, "candidatures-ssp-2017.csv", "text/csv")
    rows = csv_rows(response)
    assert rows[0][:8] == ["N°", "Récépissé", "Région", "État", "Déposée le", "Catégorie", "Structure", "Identifiant"]
    by_id = {row[0]: row for row in rows[1:]}
    assert sorted(by_id) == sorted(str(c.id) for c in (shortlist.lens, shortlist.arras, shortlist.paris,
                                                        shortlist.draft))
    arras, draft, lens = by_id[str(shortlist.arras.id)], by_id[str(shortlist.draft.id)], by_id[str(shortlist.lens.id)]
    assert arras[11] == "'" + INJECTION
    assert (draft[3], draft[6], draft[11]) == ("brouillon", "'@brouillon", "'-1+1")
    assert (lens[2], lens[3], lens[4], lens[8], lens[9]) == (
        "HDF", "présélectionnée pour le national", "01/10/2017 10:00", "Ville ; Sanitaire", "oui")
    assert audit("export.candidatures") == [
        (national.id, "national_organiser",
         {"format": "csv", "regions": [r.code for r in shortlist.hdf.edition.regions]})]


def test_candidatures_xlsx_reads_back_with_the_same_cells(client, shortlist, hdf_organiser):
    response = prepared(client, f"/exports/candidatures.xlsx?region={shortlist.hdf.id}")

    assert_download(response, "candidatures-HDF.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True)["Candidatures"].values)
    assert [(row[0], row[2], row[11]) for row in rows[1:]] == [
        (shortlist.lens.id, "HDF", "Le livret de sortie écrit à deux"),
        (shortlist.arras.id, "HDF", "'" + INJECTION),
        (shortlist.draft.id, "HDF", "'-1+1"),
    ]


def test_regional_organiser_exports_only_their_region(client, shortlist, hdf_organiser):
    rows = csv_rows(prepared(client, "/exports/candidatures.csv"))

    assert {row[2] for row in rows[1:]} == {"HDF"}
    for table in ("candidatures.csv", "notes.xlsx"):
        url = f"/exports/{table}?region={shortlist.idf.id}"
        assert client.get(client.get(url).headers["Location"]).status_code == 404  # the page that asks
    assert client.form(f"/exports/preparer/notes.xlsx?region={shortlist.idf.id}", page="/exports/").status_code == 404
    assert client.get("/exports/candidatures.pdf").status_code == 404


def test_marks_csv_lists_submitted_sheets_with_totals(
        client, shortlist, national, make_user, clock, jurors):  # noqa: F811
    national_sheet(shortlist.paris, make_user(Role.NATIONAL_JUROR, display_name="Nina National"),
                   [5, 4, 4, 4], "=1+1", clock)

    rows = csv_rows(prepared(client, "/exports/notes.csv"))

    assert rows[0][:13] == ["N°", "Récépissé", "Région", "Projet", "Jury", "Juré", "Courriel du juré", "Rendue le",
                            "C1", "C2", "C3", "C4", "Total pondéré"]
    assert [(row[0], row[4], row[5], row[8:13], row[-1]) for row in rows[1:]] == [
        (str(shortlist.lens.id), "régional", jurors[0].display_name, ["5", "5", "4", "4", "18,00"], ""),
        (str(shortlist.lens.id), "régional", jurors[1].display_name, ["4", "5", "4", "4", "17,00"], ""),
        (str(shortlist.arras.id), "régional", jurors[0].display_name, ["3", "3", "3", "3", "12,00"], ""),
        (str(shortlist.paris.id), "national", "Nina National", ["5", "4", "4", "4", "17,00"], "'=1+1"),
    ]


def test_regional_organiser_marks_leave_out_the_national_jury(client, shortlist, hdf_organiser, make_user, clock):
    national_sheet(shortlist.lens, make_user(Role.NATIONAL_JUROR), [1, 1, 1, 1], "", clock)

    rows = csv_rows(prepared(client, "/exports/notes.csv"))

    assert [(row[0], row[4]) for row in rows[1:]] == [(str(shortlist.lens.id), "régional")] * 2 + [
        (str(shortlist.arras.id), "régional")]


def test_tables_refused_to_jurors(client, shortlist, jurors, login):  # noqa: F811
    login(jurors[0])

    assert [client.get(url).status_code for url in ("/exports/candidatures.csv", "/exports/notes.xlsx",
                                                    "/exports/preparer/notes.xlsx")] == [403, 403, 403]


def test_dossier_pdf_for_a_juror_who_declared_no_conflict(client, shortlist, jurors, login, clock):  # noqa: F811
    alice = jurors[0]
    db.session.add(ConflictDeclaration(candidature_id=shortlist.lens.id, juror_id=alice.id, stage="regional",
                                       has_conflict=False, source="juror", declared_at=clock()))
    db.session.commit()
    login(alice)

    response = client.get(f"/exports/candidatures/{shortlist.lens.id}/dossier.pdf")

    assert_download(response, f"dossier-{shortlist.lens.receipt_number}.pdf", "application/pdf")
    text = pdf_text(response)
    assert "Le livret de sortie écrit à deux" in text
    assert DOSSIER["summary"] in text
    assert "Dr Œdipe CH de Lens Pilote" in text
    assert hashlib.sha256(b"%PDF-1.4 programme").hexdigest() in "".join(text.split())
    assert "Avis de l’ARS" not in text
    assert audit("export.dossier") == [(alice.id, "regional_juror", {})]


def test_dossier_pdf_hidden_from_jurors_without_declaration_or_of_another_region(
        app, shortlist, jurors, make_user):  # noqa: F811
    users = (jurors[0], make_user(Role.REGIONAL_JUROR, region="IDF"))

    statuses = [signed_in(app, user).get(f"/exports/candidatures/{shortlist.lens.id}/dossier.pdf").status_code
                for user in users]

    assert statuses == [404, 404]


def test_dossier_pdf_refused_to_candidates(client, shortlist, login):
    login(shortlist.lens.owner)

    assert client.get(f"/exports/candidatures/{shortlist.lens.id}/dossier.pdf").status_code == 403


def test_exports_page_lists_what_each_role_may_download(client, shortlist, hdf_organiser):
    page = client.get("/exports/").get_data(as_text=True)

    assert f'action="/exports/preparer/candidatures.csv?region={shortlist.hdf.id}"' in page
    assert f"region={shortlist.idf.id}" not in page
    assert "/exports/livret.pdf" not in page


def test_csv_being_streamed_leaves_writers_free(client, shortlist, national, clock):
    response = client.get("/exports/selection-nationale.csv")  # small: sent at once
    body = iter(response.response)
    first = next(body)  # the rows are read; the download goes on

    queue_email("during-download", "a@example.org", "Sujet", "Corps", clock())
    db.session.commit()  # another writer does not wait for the download (SQLite: no write lock held)

    assert first.startswith("\ufeffN°".encode())
    assert b"".join(body) == b""
    assert audit("export.shortlist")[0][0] == national.id
