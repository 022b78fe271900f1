"""The disk fills up: an upload, or a file prepared by a job, fails with a plain French message and
leaves neither a row nor a file (not even a temporary one) behind. The disk is a real tmpfs of 64 KiB:
the OS answers ENOSPC."""

from __future__ import annotations

import errno
import io

from huey.signals import SIGNAL_ERROR

from app.extensions import db
from app.models import ExportJob
from tests.app.attachment_helpers import (  # noqa: F401  (fixtures)
    PDF, audit_of, candidature, files_on_disk, owner, page_text, rows, upload, upload_url,
)
from tests.app.test_export_jobs import job_state, prepare
from tests.app.test_exports import hdf, jurors, national, score, shortlist  # noqa: F401  (fixtures)
from tests.disk import disk_without_inodes, small_disk  # noqa: F401  (fixtures)

DISK_FULL = ("Espace disque insuffisant sur le serveur : la pièce jointe n’a pas été enregistrée. "
             "Réessayez plus tard ; le reste de votre dossier est conservé.")
LARGE_PDF = PDF + b"%" + b"0" * 300_000 + b"\n"  # larger than the whole disk


def test_upload_on_a_full_disk_says_so_and_leaves_no_row_nor_file(app, client, login, owner, candidature, small_disk):
    app.config["UPLOAD_DIR"] = str(small_disk)
    login(owner)

    response = upload(client, candidature, "programme.pdf", LARGE_PDF)

    assert DISK_FULL in page_text(response)
    assert 'type="file"' in response.get_data(as_text=True)  # the form is there to try again
    assert (rows(), files_on_disk(app), audit_of("attachment.add")) == ([], [], [])

    small = upload(client, candidature, "court.pdf", PDF)  # what still fits is accepted

    assert small.status_code == 302
    assert [(a.display_name, a.slot) for a in rows()] == [("court.pdf", 1)]
    assert files_on_disk(app) == [rows()[0].stored_name]


def test_upload_where_no_file_can_be_created_says_the_disk_is_full(app, client, login, owner, candidature,
                                                                  disk_without_inodes):
    # The body's file cannot go to the upload directory: it is spooled elsewhere, and refused when copied.
    app.config["UPLOAD_DIR"] = str(disk_without_inodes)
    login(owner)

    response = upload(client, candidature, "programme.pdf", PDF)

    assert DISK_FULL in page_text(response)
    assert (rows(), files_on_disk(app), audit_of("attachment.add")) == ([], [], [])


def test_replace_on_a_full_disk_keeps_the_old_file(app, client, login, owner, candidature, small_disk):
    app.config["UPLOAD_DIR"] = str(small_disk)
    login(owner)
    upload(client, candidature, "court.pdf", PDF)
    [attachment] = rows()
    url = f"{upload_url(candidature)}remplacer/{attachment.id}"

    response = client.form(url, {"file": (io.BytesIO(LARGE_PDF), "nouveau.pdf"), "sha256": attachment.sha256},
                           page=upload_url(candidature),
                           content_type="multipart/form-data")

    assert response.headers["Location"] == upload_url(candidature)
    assert DISK_FULL in page_text(client.get(response.headers["Location"]))
    assert [(a.display_name, a.stored_name) for a in rows()] == [("court.pdf", attachment.stored_name)]
    assert files_on_disk(app) == [attachment.stored_name]


def test_export_on_a_full_disk_fails_and_leaves_no_file(app, client, shortlist, national, queue, small_disk):
    app.config["EXPORT_DIR"] = str(small_disk)
    errors = []
    queue.huey.signal(SIGNAL_ERROR)(lambda signal, task, error: errors.append(error))
    page_url = prepare(client, "archive")

    assert queue.work() == 1
    assert [(type(error), error.errno) for error in errors] == [(OSError, errno.ENOSPC)]  # the OS's own refusal

    page = page_text(client.get(page_url))
    assert job_state()[0] == "failed"
    assert "La préparation a échoué." in page and "Recommencer" in page
    assert list(small_disk.iterdir()) == []  # no half-written file left
    assert db.session.scalar(db.select(ExportJob.stored_name)) is None
