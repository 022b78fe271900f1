"""Hostile and broken files and names, uploaded through the form: each refused, or stored safely."""

from __future__ import annotations

import hashlib
import zipfile
from urllib.parse import unquote

import pytest

from app.uploads.inspection import BOMB, DAMAGED, EMPTY, MACROS, MIXED, UNSAFE
from tests.app.attachment_helpers import (  # noqa: F401  (fixtures)
    JPEG, PDF, PNG, candidature, docx, files_on_disk, odt, office, owner, page_text, rows, upload, upload_url,
    with_declared_size, zip_of,
)

TYPE = ("Ce type de fichier n’est pas accepté. Formats acceptés : "
        "PDF, PNG, JPEG, ODT, ODS, ODP, DOCX, XLSX, PPTX.")
MISNAMED = ("Ce fichier est au format {format}, mais son nom se termine par « .{extension} » : renommez-le avec "
            "l’extension de son format, ou choisissez le bon fichier.")
TEN_MB = 10 * 1024 * 1024
STORED_NAME_LENGTH = 32

REFUSED = {
    "html renamed pdf": ("rapport.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", TYPE),
    "html after whitespace": ("rapport.pdf", b"\n\n   <html><script>alert(1)</script></html>", TYPE),
    "svg": ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', TYPE),
    "svg renamed png": ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', TYPE),
    "exe renamed pdf": ("dossier.pdf", b"MZ\x90\x00\x03" + bytes(58) + b"PE\x00\x00", TYPE),
    "elf renamed pdf": ("dossier.pdf", b"\x7fELF\x02\x01\x01" + bytes(60), TYPE),
    "shell script renamed pdf": ("dossier.pdf", b"#!/bin/sh\nrm -rf ~\n", TYPE),
    "empty file": ("vide.pdf", b"", EMPTY),
    "text file": ("notes.txt", b"Bonjour", TYPE),
    "pdf content with a png name": ("image.png", PDF, MISNAMED.format(format="PDF", extension="png")),
    "docx content with a pdf name": ("rapport.pdf", docx(), MISNAMED.format(format="DOCX", extension="pdf")),
    "plain zip renamed docx": ("archive.docx", zip_of({"a.txt": b"a"}), TYPE),
    "docm": ("macro.docm", docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), MACROS),
    "docx holding vbaProject.bin": ("macro.docx", docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), MACROS),
    "docx declaring macroEnabled": ("macro.docx", office(
        "word", b'<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'),
        MACROS),
    "odt with Basic macros": ("macro.odt", odt({"Basic/Standard/Module1.xml": b"<script:module/>"}), MACROS),
    "zip bomb by ratio": ("bombe.docx", docx({"word/media/zeros.bin": bytes(2 * 1024 * 1024)}), BOMB),
    "zip bomb by declared size": ("bombe.docx", with_declared_size(docx(), 2**31), BOMB),
    "zip bomb by entry count": ("bombe.docx", docx({f"word/part{i}.xml": b"x" for i in range(1001)}), BOMB),
    "zip with parent path": ("evasion.docx", docx({"word/../../evil.sh": b"x"}), UNSAFE),
    "zip with absolute path": ("evasion.docx", zip_of({"[Content_Types].xml": b"<Types/>", "word/d.xml": b"x",
                                                       "/etc/cron.d/x": b"x"}), UNSAFE),
    "truncated zip": ("casse.docx", b"PK\x03\x04" + bytes(40), DAMAGED),
    "pdf html polyglot": ("poly.pdf", b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF", TYPE),
    "png with appended zip": ("image.png", PNG + zip_of({"payload.html": b"<html></html>"}), MIXED),
    "jpeg with appended zip": ("photo.jpg", JPEG + zip_of({"a.txt": b"a"}, zipfile.ZIP_STORED), MIXED),
    # A raw CR/LF breaks the multipart headers: no file reaches the application at all.
    "CR LF in the name": ("rap\r\nContent-Type: text/html\r\n.pdf", PDF, "Choisissez un fichier."),
    "too large by one byte": ("gros.pdf", PDF + bytes(TEN_MB + 1 - len(PDF)), "Le fichier dépasse 10 Mo."),
}

ACCEPTED = {
    "pdf": ("Bilan.pdf", PDF, "Bilan.pdf", "application/pdf"),
    "png": ("affiche.png", PNG, "affiche.png", "image/png"),
    "jpeg with upper-case extension": ("photo.JPG", JPEG, "photo.JPG", "image/jpeg"),
    "docx": ("rapport.docx", docx(), "rapport.docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "odt": ("rapport.odt", odt(), "rapport.odt", "application/vnd.oasis.opendocument.text"),
    "exactly 10 MB": ("complet.pdf", PDF + bytes(TEN_MB - len(PDF)), "complet.pdf", "application/pdf"),
    "path traversal name": ("../../etc/passwd.pdf", PDF, "passwd.pdf", "application/pdf"),
    "absolute path name": ("/etc/cron.daily/job.pdf", PDF, "job.pdf", "application/pdf"),
    "control and bidi characters": ("rap\x00port\x1b\x7f\t\u202e.pdf", PDF, "rapport.pdf", "application/pdf"),
    "very long name": ("n" * 400 + ".pdf", PDF, "n" * 251 + ".pdf", "application/pdf"),
    "unicode name": ("Évaluation – sécurité.pdf", PDF, "Évaluation – sécurité.pdf", "application/pdf"),
}


@pytest.mark.parametrize(("name", "content", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_corpus_hostile_file_is_refused_and_nothing_is_stored(app, client, login, owner, candidature,
                                                              name, content, message):
    login(owner)

    response = upload(client, candidature, name, content)

    assert response.status_code == 200
    assert str(message) in page_text(response)
    assert (rows(), files_on_disk(app)) == ([], [])


@pytest.mark.parametrize(("name", "content", "display_name", "mime"), ACCEPTED.values(), ids=ACCEPTED.keys())
def test_corpus_acceptable_file_is_stored_under_a_server_name(app, client, login, owner, candidature,
                                                              name, content, display_name, mime):
    login(owner)

    response = upload(client, candidature, name, content)

    assert response.status_code == 302
    [attachment] = rows()
    assert (attachment.display_name, attachment.mime_type, attachment.size) == (display_name, mime, len(content))
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert files_on_disk(app) == [attachment.stored_name]
    assert len(attachment.stored_name) == STORED_NAME_LENGTH
    download = client.get(f"{upload_url(candidature)}telecharger/{attachment.id}")
    assert download.data == content
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "\r" not in disposition and "\n" not in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == display_name
    assert (download.headers["X-Content-Type-Options"], download.headers["Cache-Control"]) == ("nosniff", "private, no-store")
