"""Attachments through the test client: upload, download, replace, delete, deadline, scope, orphans."""

from __future__ import annotations

import hashlib
import io
import os
import time
from datetime import datetime
from pathlib import Path

from werkzeug.datastructures import FileStorage
from werkzeug.test import EnvironBuilder

from app.attachments import operations
from app.attachments.cli import uploads_cli
from app.attachments.operations import add_attachment, receive_upload
from app.extensions import db
from app.uploads import storage
from app.uploads.names import content_disposition
from tests.app.attachment_helpers import (  # noqa: F401  (fixtures)
    JPEG, PDF, PNG, audit_of, candidature, docx, files_on_disk, owner, page_text, rows, upload, upload_url,
)
from tests.app.dossier_helpers import review_url
from tests.conftest import PARIS, csrf_token
from tests.smtp import smtp_server  # noqa: F401  (fixture)
from workflows.states import Role

DEADLINE_MESSAGE = "La date limite de dépôt (dimanche 15 octobre 2017 à minuit, heure de Paris) est dépassée."
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "private, no-store",
}


def download_url(candidature, attachment) -> str:
    return f"{upload_url(candidature)}telecharger/{attachment.id}"


def test_upload_pdf_stores_row_file_and_audit(app, client, login, owner, candidature, clock):
    login(owner)

    response = upload(client, candidature, "Bilan 2017.pdf", PDF)

    assert response.status_code == 302
    [attachment] = rows()
    assert (attachment.slot, attachment.display_name, attachment.mime_type, attachment.size) == (
        1, "Bilan 2017.pdf", "application/pdf", len(PDF))
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.uploaded_by_id == owner.id
    assert files_on_disk(app) == [attachment.stored_name]
    assert (Path(app.config["UPLOAD_DIR"]) / attachment.stored_name).read_bytes() == PDF
    assert audit_of("attachment.add") == [
        {"slot": 1, "display_name": "Bilan 2017.pdf", "size": len(PDF), "sha256": attachment.sha256}]


def test_upload_page_lists_the_file_with_its_hash(client, login, owner, candidature):
    login(owner)
    upload(client, candidature, "Bilan.pdf", PDF)

    text = page_text(client.get(upload_url(candidature)))

    assert "Bilan.pdf" in text
    assert hashlib.sha256(PDF).hexdigest() in text
    assert "1 sur 3 pièces jointes." in text


def test_upload_page_links_back_to_the_dossier(client, login, owner, candidature):
    login(owner)

    html = client.get(upload_url(candidature)).get_data(as_text=True)

    assert f'href="{review_url(candidature)}"' in html


def test_download_by_owner_is_an_attachment_with_safe_headers(client, login, owner, candidature):
    login(owner)
    upload(client, candidature, "Bilan.pdf", PDF)
    [attachment] = rows()

    response = client.get(download_url(candidature, attachment))

    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"] == content_disposition("Bilan.pdf")
    assert response.mimetype == "application/pdf"
    assert {name: response.headers[name] for name in DOWNLOAD_HEADERS} == DOWNLOAD_HEADERS


def test_download_of_a_range_beyond_the_file_gets_a_french_page(client, login, owner, candidature):
    login(owner)
    upload(client, candidature, "Bilan.pdf", PDF)
    [attachment] = rows()

    response = client.get(download_url(candidature, attachment), headers={"Range": "bytes=99999-"})

    assert response.status_code == 416  # no words of its own: the French page of every refused request
    assert "Requête invalide" in page_text(response) and "Erreur 416" in page_text(response)
    assert "Range" not in page_text(response)


def test_upload_fourth_file_is_refused_with_the_maximum(app, client, login, owner, candidature):
    login(owner)
    for name, content in (("a.pdf", PDF), ("b.png", PNG), ("c.jpg", JPEG)):
        assert upload(client, candidature, name, content).status_code == 302

    response = upload(client, candidature, "d.docx", docx())

    assert response.status_code == 200
    assert "3 pièces jointes maximum" in page_text(response)
    assert [(a.slot, a.display_name) for a in rows()] == [(1, "a.pdf"), (2, "b.png"), (3, "c.jpg")]
    assert files_on_disk(app) == sorted(a.stored_name for a in rows())


def test_upload_without_file_is_refused(app, client, login, owner, candidature):
    login(owner)

    response = client.form(upload_url(candidature), {}, content_type="multipart/form-data")

    assert response.status_code == 200
    assert "Choisissez un fichier." in page_text(response)
    assert (rows(), files_on_disk(app)) == ([], [])


def test_upload_one_second_before_deadline_is_accepted(app, client, login, owner, candidature, clock):
    login(owner)
    clock.set(datetime(2017, 10, 15, 23, 59, 59, tzinfo=PARIS))

    response = upload(client, candidature, "Bilan.pdf", PDF)

    assert response.status_code == 302
    assert [a.display_name for a in rows()] == ["Bilan.pdf"]


def test_upload_at_deadline_is_refused_and_stores_nothing(app, client, login, owner, candidature, clock):
    login(owner)
    clock.set(datetime(2017, 10, 16, 0, 0, 0, tzinfo=PARIS))

    response = upload(client, candidature, "Bilan.pdf", PDF)

    assert response.status_code == 200
    assert DEADLINE_MESSAGE in page_text(response)
    assert (rows(), files_on_disk(app)) == ([], [])
    assert audit_of("attachment.add") == []


def test_replace_keeps_the_slot_and_removes_the_old_file(app, client, login, owner, candidature):
    login(owner)
    upload(client, candidature, "v1.pdf", PDF)
    [old] = rows()
    old_name, old_sha = old.stored_name, old.sha256

    response = client.form(f"{upload_url(candidature)}remplacer/{old.id}", {"file": (io.BytesIO(PNG), "v2.png"), "sha256": old_sha},
                           page=upload_url(candidature), content_type="multipart/form-data")

    assert response.status_code == 302
    [new] = rows()
    assert (new.id, new.slot, new.display_name, new.sha256) == (old.id, 1, "v2.png", hashlib.sha256(PNG).hexdigest())
    assert files_on_disk(app) == [new.stored_name] != [old_name]
    assert audit_of("attachment.replace") == [{
        "slot": 1, "display_name": "v2.png", "size": len(PNG), "sha256": new.sha256,
        "previous": {"slot": 1, "display_name": "v1.pdf", "size": len(PDF), "sha256": old_sha},
    }]


def test_replace_with_hostile_file_keeps_the_old_one(app, client, login, owner, candidature):
    login(owner)
    upload(client, candidature, "v1.pdf", PDF)
    [old] = rows()

    response = client.form(f"{upload_url(candidature)}remplacer/{old.id}",
                           {"file": (io.BytesIO(b"<html><script>alert(1)</script>"), "v2.pdf"), "sha256": old.sha256},
                           page=upload_url(candidature), content_type="multipart/form-data")

    assert "Ce type de fichier n’est pas accepté." in page_text(client.get(response.location))
    assert [(a.display_name, a.stored_name) for a in rows()] == [("v1.pdf", old.stored_name)]
    assert files_on_disk(app) == [old.stored_name]


def test_delete_frees_the_slot_and_removes_the_file(app, client, login, owner, candidature):
    login(owner)
    upload(client, candidature, "a.pdf", PDF)
    upload(client, candidature, "b.pdf", PDF)
    first = rows()[0]

    response = client.form(f"{upload_url(candidature)}supprimer/{first.id}", {"sha256": first.sha256},
                           page=upload_url(candidature))
    upload(client, candidature, "c.pdf", PDF)

    assert response.status_code == 302
    assert [(a.slot, a.display_name) for a in rows()] == [(1, "c.pdf"), (2, "b.pdf")]
    assert files_on_disk(app) == sorted(a.stored_name for a in rows())
    assert audit_of("attachment.delete") == [
        {"slot": 1, "display_name": "a.pdf", "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest()}]


def test_delete_after_deadline_is_refused_and_keeps_the_file(app, client, login, owner, candidature, clock):
    login(owner)
    upload(client, candidature, "a.pdf", PDF)
    [attachment] = rows()
    clock.set(datetime(2017, 10, 16, 0, 0, 0, tzinfo=PARIS))

    response = client.form(f"{upload_url(candidature)}supprimer/{attachment.id}", {"sha256": attachment.sha256},
                           page=upload_url(candidature))

    assert DEADLINE_MESSAGE in page_text(client.get(response.location))
    assert [a.stored_name for a in rows()] == [attachment.stored_name]
    assert files_on_disk(app) == [attachment.stored_name]


def test_a_tab_left_open_does_not_replace_or_delete_the_file_that_took_its_place(
        app, client, login, owner, candidature):
    """Tab A shows c.pdf; tab B deletes it and adds d.png, which may take its id (SQLite reuses the highest),
    then replaces d.png. Tab A's « Supprimer » and « Remplacer » on c.pdf change nothing."""
    login(owner)
    upload(client, candidature, "c.pdf", PDF)
    [seen] = rows()
    seen_id, seen_sha = seen.id, seen.sha256
    client.form(f"{upload_url(candidature)}supprimer/{seen_id}", {"sha256": seen_sha}, page=upload_url(candidature))
    upload(client, candidature, "d.png", PNG)
    [taken] = rows()
    d = (taken.id, taken.display_name, taken.stored_name)

    for action, data in (("supprimer", {}), ("remplacer", {"file": (io.BytesIO(PDF), "e.pdf")})):
        response = client.form(f"{upload_url(candidature)}{action}/{taken.id}", {"sha256": seen_sha, **data},
                               page=upload_url(candidature), content_type="multipart/form-data")
        assert "Cette pièce jointe a changé entre-temps" in page_text(client.get(response.location))
    assert [(a.id, a.display_name, a.stored_name) for a in rows()] == [d]
    assert files_on_disk(app) == [d[2]]
    assert audit_of("attachment.replace") == [] and len(audit_of("attachment.delete")) == 1


def test_rollback_after_upload_removes_the_placed_file(app, owner, candidature, clock):
    with receive_upload(FileStorage(io.BytesIO(PDF), "a.pdf"), candidature.edition.contest.attachments) as upload:
        add_attachment(candidature, upload, actor=owner, now=clock())
    assert len(files_on_disk(app)) == 1

    db.session.rollback()

    assert (rows(), files_on_disk(app)) == ([], [])


def test_session_closed_without_commit_removes_the_placed_file(app, owner, candidature, clock):
    with receive_upload(FileStorage(io.BytesIO(PDF), "a.pdf"), candidature.edition.contest.attachments) as upload:
        add_attachment(candidature, upload, actor=owner, now=clock())

    db.session.remove()

    assert (rows(), files_on_disk(app)) == ([], [])


def test_other_candidate_gets_404_on_list_upload_and_download(app, client, login, make_user, owner, candidature):
    login(owner)
    upload(client, candidature, "a.pdf", PDF)
    [attachment] = rows()
    client.form("/deconnexion", page=upload_url(candidature))
    login(make_user(Role.CANDIDATE))

    assert client.get(upload_url(candidature)).status_code == 404
    assert client.get(download_url(candidature, attachment)).status_code == 404
    assert upload(client, candidature, "b.pdf", PDF).status_code == 404
    assert [a.display_name for a in rows()] == ["a.pdf"]


def test_staff_download_follows_the_candidature_scope(app, client, login, make_user, owner, candidature):
    login(owner)
    upload(client, candidature, "a.pdf", PDF)
    [attachment] = rows()
    client.form("/deconnexion", page=upload_url(candidature))
    submitted_at = attachment.uploaded_at
    candidature.state, candidature.receipt_number, candidature.submitted_at = (
        "submitted", "K3QF-7ZLA-P2MD-X9RT", submitted_at)
    db.session.commit()
    staff = {
        "regional organiser of the region": (make_user(Role.REGIONAL_ORGANISER, region="HDF"), 200),
        "national organiser": (make_user(Role.NATIONAL_ORGANISER), 200),
        "regional organiser elsewhere": (make_user(Role.REGIONAL_ORGANISER, region="IDF"), 404),
        "regional juror before the jury sits": (make_user(Role.REGIONAL_JUROR, region="HDF"), 404),
    }

    statuses = {}
    for who, (user, _expected) in staff.items():
        login(user)
        statuses[who] = client.get(download_url(candidature, attachment)).status_code
        client.form("/deconnexion", page=upload_url(candidature) if statuses[who] == 200 else "/")

    assert statuses == {who: expected for who, (_user, expected) in staff.items()}


def test_a_drafts_attachments_stay_the_candidates_own(client, login, make_user, owner, candidature):
    login(owner)
    upload(client, candidature, "a.pdf", PDF)
    client.form("/deconnexion", page=upload_url(candidature))
    statuses = []
    for user in (make_user(Role.REGIONAL_ORGANISER, region="HDF"), make_user(Role.NATIONAL_ORGANISER)):
        login(user)
        statuses.append(client.get(upload_url(candidature)).status_code)
        client.form("/deconnexion", page="/")

    assert statuses == [404, 404]


def test_uploads_clean_removes_old_orphans_and_stale_temp_files(app, client, login, owner, candidature):
    login(owner)
    upload(client, candidature, "a.pdf", PDF)
    [attachment] = rows()
    directory = Path(app.config["UPLOAD_DIR"])
    orphan, temp, fresh = directory / ("0" * 32), directory / ".upload-crashed", directory / ("1" * 32)
    for path in (orphan, temp, fresh):
        path.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    for path in (orphan, temp, directory / attachment.stored_name):
        os.utime(path, (two_hours_ago, two_hours_ago))

    result = app.test_cli_runner().invoke(uploads_cli, ["clean"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [".upload-crashed", "0" * 32, "2 fichier(s) orphelin(s) supprimé(s)."]
    assert files_on_disk(app) == sorted([attachment.stored_name, "1" * 32])


def test_attachment_change_on_a_submitted_dossier_emails_the_new_receipt(client, login, owner, candidature, clock,
                                                                        smtp_server):
    candidature.state, candidature.receipt_number = "submitted", "K3QF-7ZLA-P2MD-X9RT"
    candidature.submitted_at = candidature.receipt_issued_at = clock()
    db.session.commit()
    login(owner)

    response = upload(client, candidature, "Bilan 2017.pdf", PDF)

    assert response.status_code == 302
    [receipt] = smtp_server.wait_for(owner.email)
    assert receipt.message["Subject"] == "Récépissé mis à jour — K3QF-7ZLA-P2MD-X9RT"
    assert "Bilan 2017.pdf : SHA-256 " + hashlib.sha256(PDF).hexdigest() in receipt.body


class ObservedBody(io.BytesIO):
    """A request body noting, at each read, whether the request's session held a transaction."""

    def __init__(self, content: bytes, seen: list[tuple[str, bool]]):
        super().__init__(content)
        self.seen = seen

    def read(self, size=-1):
        self.seen.append(("body", db.session().in_transaction()))
        return super().read(size)

    def readinto(self, buffer):
        self.seen.append(("body", db.session().in_transaction()))
        return super().readinto(buffer)


def test_upload_is_written_hashed_synced_and_inspected_with_no_transaction_open(client, login, owner, candidature,
                                                                                monkeypatch):
    seen: list[tuple[str, bool]] = []

    def observed(name, function):
        def call(*args, **kwargs):
            seen.append((name, db.session().in_transaction()))
            return function(*args, **kwargs)
        return call

    monkeypatch.setattr(storage.IncomingFile, "write", observed("write and hash", storage.IncomingFile.write))
    monkeypatch.setattr(storage, "receive", observed("sync", storage.receive))
    monkeypatch.setattr(operations, "inspect_upload", observed("inspect", operations.inspect_upload))
    login(owner)
    token = csrf_token(client.get(upload_url(candidature)).get_data(as_text=True))
    environ = EnvironBuilder(upload_url(candidature), method="POST",
                             data={"csrf_token": token, "file": (io.BytesIO(PDF), "a.pdf")}).get_environ()
    environ["wsgi.input"] = ObservedBody(environ["wsgi.input"].read(), seen)

    response = client.open(environ)

    assert response.status_code == 302
    assert set(seen) == {("body", False), ("write and hash", False), ("sync", False), ("inspect", False)}
    assert [attachment.display_name for attachment in rows()] == ["a.pdf"]


def test_a_large_upload_is_stored_with_the_size_and_hash_of_its_bytes(app, client, login, owner, candidature):
    content = PDF + os.urandom(3 * 1024 * 1024 + 12345)  # many chunks of the body, the last one partial
    login(owner)

    assert upload(client, candidature, "gros.pdf", content).status_code == 302

    [attachment] = rows()
    stored = (Path(app.config["UPLOAD_DIR"]) / attachment.stored_name).read_bytes()
    assert stored == content
    assert (attachment.size, attachment.sha256) == (len(stored), hashlib.sha256(stored).hexdigest())
    assert files_on_disk(app) == [attachment.stored_name]


def test_uploads_refused_before_the_view_leave_nothing_on_disk(app, client, login, make_user, owner, candidature):
    # The body's file reaches the upload directory as it arrives, before the CSRF check and the access rule.
    login(owner)
    forged = client.post(upload_url(candidature), data={"csrf_token": "forged", "file": (io.BytesIO(PDF), "a.pdf")})
    client.form("/deconnexion", page=upload_url(candidature))
    signed_out = client.form(upload_url(candidature), {"file": (io.BytesIO(PDF), "a.pdf")}, page="/connexion",
                             content_type="multipart/form-data")
    login(make_user(Role.CANDIDATE))
    stranger = upload(client, candidature, "a.pdf", PDF)

    assert (forged.status_code, signed_out.status_code, stranger.status_code) == (400, 302, 404)
    assert (rows(), files_on_disk(app)) == ([], [])


def test_a_body_cut_short_in_its_file_leaves_nothing_on_disk(app, client, login, owner, candidature):
    login(owner)
    token = csrf_token(client.get(upload_url(candidature)).get_data(as_text=True))
    environ = EnvironBuilder(upload_url(candidature), method="POST",
                             data={"csrf_token": token, "file": (io.BytesIO(PDF * 10_000), "a.pdf")}).get_environ()
    body = environ["wsgi.input"].read()
    cut = body[:len(body) // 2]  # the connection dropped in the middle of the file
    environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(cut), str(len(cut))

    response = client.open(environ)

    assert response.status_code == 400  # a broken body yields no field at all: the CSRF check refuses it
    assert (rows(), files_on_disk(app)) == ([], [])


def test_the_definitions_french_examples_are_marked_french_on_the_english_page(client, login, owner, candidature):
    login(owner)
    client.get("/langue/en")

    html = client.get(upload_url(candidature)).get_data(as_text=True)

    assert ('For example: <span lang="fr">support de communication, bilan, outil d’évaluation, article de '
            'presse</span>.') in html
