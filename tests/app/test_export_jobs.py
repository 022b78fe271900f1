"""Files prepared by a job (the shortlist archive, a large book, a region's minutes, the tables): start,
progress page, download, refusals."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

from app.exports import book
from app.exports.jobs import exports_clean, path_of
from app.extensions import db
from app.models import ExportJob
from app.uploads import storage
from tests.app.test_exports import (  # noqa: F401  (fixtures)
    OPINION, assert_download, audit, csv_rows, hdf, hdf_organiser, jurors, national, score, shortlist, signed_in,
)
from tests.app.test_selection import pdf_text
from workflows.states import Role

PROGRESS = re.compile(r'<progress id="progression" max="100" value="(\d+)">')


def prepare(client, word: str):
    """Start a preparation from the exports page's button; the page it leads to."""
    response = client.form(f"/exports/preparer/{word}", page="/exports/")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def job_state() -> tuple[str, int]:
    db.session.expire_all()
    job = db.session.scalar(db.select(ExportJob))
    return job.state, job.progress


def test_archive_prepared_by_a_worker_with_its_progress_then_downloaded(client, shortlist, national, queue):
    page_url = prepare(client, "archive")

    waiting = client.get(page_url).get_data(as_text=True)
    assert PROGRESS.search(waiting).group(1) == "0"
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert job_state() == ("queued", 0)

    assert queue.work() == 1

    ready = client.get(page_url).get_data(as_text=True)
    assert job_state() == ("done", 100)
    assert "Le fichier est prêt." in ready and "http-equiv" not in ready
    file_url = re.search(r'href="(/exports/preparations/\d+/fichier)"', ready).group(1)
    response = client.get(file_url)
    assert_download(response, "selection-nationale-ssp-2017.zip", "application/zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    lens = f"{shortlist.lens.region.code} - {shortlist.lens.structure_name}"
    assert names == [
        "Livret de la sélection nationale.pdf",
        f"{lens}/Dossier {shortlist.lens.receipt_number}.pdf",
        f"{lens}/programme.pdf",
        f"{lens}/Programme (2).PDF",
        f"{lens}/bilan . 2017.pdf",
        f"{lens} (2)/Dossier {shortlist.arras.receipt_number}.pdf",
        "IDF - AP-HP - Hôpital Necker/Dossier " + shortlist.paris.receipt_number + ".pdf",
        "IDF - AP-HP - Hôpital Necker/" + "a" * 96 + ".pdf",
    ]
    stored = {a.display_name: a.stored_name for c in (shortlist.lens, shortlist.paris) for a in c.attachments}
    assert archive.read(f"{lens}/Programme (2).PDF") == shortlist.files[stored["Programme.PDF"]]
    assert archive.read(f"{lens}/programme.pdf") == shortlist.files[stored["programme.pdf"]]
    assert archive.read(names[-1]) == shortlist.files[stored["a" * 150 + ".pdf"]]
    assert archive.read(names[0]).startswith(b"%PDF")
    assert audit("export.archive") == [(national.id, "national_organiser", {})]


def test_a_job_no_worker_takes_is_said_to_wait_for_the_service(client, shortlist, national, queue, clock):
    page_url = prepare(client, "livret")
    notice = "le service qui prépare les fichiers semble arrêté"
    assert notice not in client.get(page_url).get_data(as_text=True)

    clock.advance(timedelta(minutes=2, seconds=1))  # no worker took it meanwhile
    waiting = client.get(page_url).get_data(as_text=True)
    assert notice in waiting and '<meta http-equiv="refresh" content="2">' in waiting

    assert queue.work() == 1  # the service starts again: the request was kept
    ready = client.get(page_url).get_data(as_text=True)
    assert "Le fichier est prêt." in ready and notice not in ready


def test_a_job_whose_worker_died_is_said_interrupted_and_can_be_asked_again(client, shortlist, national, queue,
                                                                          clock):
    page_url = prepare(client, "livret")
    job = db.session.scalar(db.select(ExportJob))
    job.state, job.progressed_at = "running", clock()  # taken by a worker that then died
    db.session.commit()
    notice = "La préparation s’est interrompue"

    clock.advance(timedelta(minutes=10))
    assert notice not in client.get(page_url).get_data(as_text=True)  # a long step, not yet silent enough

    clock.advance(timedelta(seconds=1))
    stalled = client.get(page_url).get_data(as_text=True)
    assert notice in stalled and "http-equiv" not in stalled  # the page stops reloading itself
    again = client.form(re.search(r'action="(/exports/preparer/livret[^"]*)"', stalled).group(1), page=page_url)
    assert again.status_code == 303 and again.headers["Location"] != page_url


def test_archive_prepared_by_a_running_consumer(client, shortlist, national, worker):
    page_url = prepare(client, "archive")

    assert worker.wait_for(1)
    assert job_state() == ("done", 100)
    assert "Le fichier est prêt." in client.get(page_url).get_data(as_text=True)


def test_prepared_file_only_for_the_person_who_asked(app, client, shortlist, national, make_user):
    page_url = prepare(client, "archive")  # immediate mode: ready when the request has ended
    file_url = f"{page_url}/fichier"
    colleague, regional = make_user(Role.NATIONAL_ORGANISER), make_user(Role.REGIONAL_ORGANISER, region="HDF")
    juror = make_user(Role.REGIONAL_JUROR, region="HDF")

    statuses = {name: [signed_in(app, user).get(url).status_code for url in (page_url, file_url)]
                for name, user in (("colleague", colleague), ("regional", regional), ("juror", juror))}

    assert statuses == {"colleague": [404, 404], "regional": [404, 404], "juror": [403, 403]}
    assert client.get(file_url).status_code == 200
    assert audit("export.archive") == [(national.id, "national_organiser", {})]


def test_large_book_prepared_by_a_job(client, shortlist, national, queue, monkeypatch):
    # A real shortlist holds two picks per region at most, under the threshold: this one's three exceed 2.
    monkeypatch.setattr(book, "REQUEST_PICKS", 2)

    redirected = client.get("/exports/livret.pdf")
    index = client.get("/exports/").get_data(as_text=True)
    page_url = prepare(client, "livret")
    queue.work()

    assert (redirected.status_code, redirected.headers["Location"]) == (303, "/exports/")
    assert "Le livret est volumineux" in index and 'href="/exports/livret.pdf"' not in index
    response = client.get(f"{page_url}/fichier")
    assert_download(response, "livret-selection-nationale-ssp-2017.pdf", "application/pdf")
    text = pdf_text(response)
    assert all(f"{pick.region.code} — {pick.title}" in text for pick in (shortlist.lens, shortlist.paris))
    assert OPINION in text
    assert audit("export.book") == [(national.id, "national_organiser", {})]


def test_failed_preparation_says_so_and_offers_to_start_again(client, shortlist, national, queue):
    storage.path_of(shortlist.paris.attachments[0].stored_name).unlink()  # a file lost from the disk
    page_url = prepare(client, "archive")
    queue.work()

    page = client.get(page_url).get_data(as_text=True)

    assert job_state()[0] == "failed"
    assert "La préparation a échoué." in page and "Recommencer" in page
    assert client.get(f"{page_url}/fichier").status_code == 404
    assert list(path_of("0" * 32).parent.iterdir()) == []  # no half-written file left


def test_exports_clean_removes_files_older_than_a_day(app, client, clock, shortlist, national):
    prepare(client, "archive")
    stored_name = db.session.scalar(db.select(ExportJob.stored_name))
    clock.advance(timedelta(hours=25))

    result = app.test_cli_runner().invoke(exports_clean)

    assert result.output == "1 fichier(s) préparé(s) supprimé(s).\n"
    assert db.session.scalars(db.select(ExportJob)).all() == []
    assert not path_of(stored_name).exists()


def test_regional_minutes_asked_from_the_ranking_then_prepared_by_a_worker(client, shortlist, hdf_organiser, queue):
    hdf = shortlist.hdf
    ask = f"/exports/preparer/proces-verbal?region={hdf.id}"
    assert f'action="{ask.replace("&", "&amp;")}"' in client.get(f"/ars/{hdf.id}/classement").get_data(as_text=True)

    started = client.form(ask, page=f"/ars/{hdf.id}/classement")
    waiting = client.get(started.headers["Location"]).get_data(as_text=True)
    assert queue.work() == 1

    assert f"Procès-verbal de délibération (PDF) — {hdf.name}" in waiting and PROGRESS.search(waiting)
    ready = client.get(started.headers["Location"]).get_data(as_text=True)
    response = client.get(f"{started.headers['Location']}/fichier")
    assert_download(response, "proces-verbal-HDF.pdf", "application/pdf")
    # A file of some tens of kilobytes says so (it read « 0,0 Mo »).
    assert int(re.search(r"Télécharger \((\d+)\s?ko\)", ready).group(1)) == round(len(response.data) / 1024)
    assert f"Région : {hdf.name}." in pdf_text(response)
    assert audit("export.minutes") == [(hdf_organiser.id, "regional_organiser", {})]


def test_filtered_marks_table_asked_from_the_dashboard_holds_the_lists_rows(
        client, shortlist, hdf_organiser, queue):
    hdf = shortlist.hdf
    ask = f"/exports/preparer/notes.csv?region={hdf.id}&q=livret"
    assert f'action="{ask.replace("&", "&amp;")}"' in client.get(f"/ars/{hdf.id}?q=livret").get_data(as_text=True)

    started = client.form(ask, page=f"/ars/{hdf.id}?q=livret")
    queue.work()

    job = db.session.scalar(db.select(ExportJob))
    assert (job.kind, job.region_id, job.parameters["filters"]) == ("notes", hdf.id, {"q": "livret"})
    response = client.get(f"{started.headers['Location']}/fichier")
    assert_download(response, "notes-HDF-filtre.csv", "text/csv")
    assert {row[0] for row in csv_rows(response)[1:]} == {str(shortlist.lens.id)}
    assert audit("export.notes") == [
        (hdf_organiser.id, "regional_organiser", {"format": "csv", "regions": ["HDF"], "filters": {"q": "livret"}})]


def test_table_prepared_by_a_running_consumer_reports_its_progress_on_the_side(client, shortlist, national, worker):
    client.form("/exports/preparer/notes.xlsx", page="/exports/")

    assert worker.wait_for(1)
    assert job_state() == ("done", 100)


def test_regional_file_only_for_the_organiser_who_asked_within_their_region(
        app, client, shortlist, hdf_organiser, make_user):
    ask = f"/exports/preparer/proces-verbal?region={shortlist.hdf.id}"
    page_url = client.form(ask, page="/exports/").headers["Location"]  # immediate mode: ready at once
    file_url = f"{page_url}/fichier"
    others = {name: signed_in(app, user) for name, user in (
        ("colleague", make_user(Role.REGIONAL_ORGANISER, region="HDF")),
        ("other region", make_user(Role.REGIONAL_ORGANISER, region="IDF")),
        ("national", make_user(Role.NATIONAL_ORGANISER)), ("juror", make_user(Role.REGIONAL_JUROR, region="HDF")))}

    fetched = {name: [other.get(url).status_code for url in (page_url, file_url)] for name, other in others.items()}
    asked = {name: others[name].form(ask, page="/exports/").status_code for name in ("other region", "juror")}

    assert fetched == {"colleague": [404, 404], "other region": [404, 404], "national": [404, 404],
                       "juror": [403, 403]}
    assert asked == {"other region": 404, "juror": 403}
    assert client.get(file_url).status_code == 200
    assert db.session.scalar(db.select(db.func.count(ExportJob.id))) == 1


def test_minutes_asked_without_a_region_are_not_found(client, shortlist, hdf_organiser):
    """The region comes from the query: missing or not a number, nothing is found (it was a 500)."""
    statuses = [client.get(f"/exports/preparer/proces-verbal{query}").status_code
                for query in ("", "?region=abc", "?region=")]
    assert statuses == [404, 404, 404]
